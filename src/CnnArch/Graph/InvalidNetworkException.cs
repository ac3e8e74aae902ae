namespace CnnArch;

/// <summary>
/// A network that cannot be evaluated: groups that do not divide the channels, an addition of
/// mismatched shapes, a spatial size below 1, a count that overflows. The message names the layer
/// path and the numbers involved.
/// </summary>
public sealed class InvalidNetworkException : InvalidOperationException
{
    /// <summary>Creates the exception for the layer at <paramref name="path"/>.</summary>
    public InvalidNetworkException(string? path, string problem, Exception? inner = null)
        : base(path is null ? problem : $"Layer '{path}': {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The path of the layer at fault (<c>layer1.0.conv1</c>), or null when not yet known.</summary>
    public string? Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }

    internal InvalidNetworkException At(string path) => Path is null ? new InvalidNetworkException(path, Problem, InnerException) : this;
}

namespace CnnArch.Layers;

/// <summary>
/// A fully connected layer, as PyTorch's <c>nn.Linear</c>: applies to the last dimension, so a
/// vector [N] becomes [OutFeatures]. Input features come from the input shape unless set.
/// </summary>
public sealed record Linear : Layer
{
    /// <summary>Output features.</summary>
    public required int OutFeatures { get; init => field = Guard.Positive(value, nameof(OutFeatures)); }

    /// <summary>The expected input features; null (the default) takes them from the input.</summary>
    public int? InFeatures { get; init => field = value is { } v ? Guard.Positive(v, nameof(InFeatures)) : null; }

    /// <summary>Whether each output has a bias; default true.</summary>
    public bool HasBias { get; init; } = true;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        var last = x.Dims[^1];
        if (InFeatures is { } expected && expected != last)
        {
            throw Invalid($"Linear expects {expected} input features, got {last} (input {x}).");
        }

        return TensorShape.Of([.. x.Dims[..^1], OutFeatures]);
    }

    /// <summary>In x Out weights plus Out biases.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var weights = checked((long)inputs[0].Dims[^1] * OutFeatures);
        return HasBias ? checked(weights + OutFeatures) : weights;
    }
}

/// <summary>Flattens C x H x W into a vector of C*H*W, as <c>torch.flatten(x, 1)</c>: a view, no copy.</summary>
public sealed record Flatten : Layer
{
    /// <summary>The one instance: Flatten has no settings.</summary>
    public static Flatten Instance { get; } = new();

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var n = inputs[0].Elements;
        return n <= int.MaxValue ? TensorShape.Vector((int)n) : throw Invalid($"Flatten of {inputs[0]} gives {n} elements, more than a dimension can hold.");
    }
}

using System.Collections.Immutable;
using System.Globalization;

namespace CnnArch;

/// <summary>
/// The shape of one sample's tensor, without the batch dimension: C x H x W for feature maps,
/// [N] for vectors. Immutable; equality compares the dimensions.
/// </summary>
public readonly struct TensorShape : IEquatable<TensorShape>
{
    private readonly ImmutableArray<int> _dims;

    private TensorShape(ImmutableArray<int> dims) => _dims = dims;

    /// <summary>The dimensions, outermost first.</summary>
    public ImmutableArray<int> Dims => _dims.IsDefault ? [] : _dims;

    /// <summary>The number of dimensions: 3 for C x H x W, 1 for a vector.</summary>
    public int Rank => Dims.Length;

    /// <summary>True for a C x H x W feature map.</summary>
    public bool IsFeatureMap => Rank == 3;

    /// <summary>Channels of a feature map, or the length of a vector.</summary>
    public int Channels => Rank == 3 || Rank == 1 ? Dims[0] : throw new InvalidOperationException($"A shape {this} has no channel dimension.");

    /// <summary>Height of a feature map.</summary>
    public int Height => IsFeatureMap ? Dims[1] : throw new InvalidOperationException($"A shape {this} has no height.");

    /// <summary>Width of a feature map.</summary>
    public int Width => IsFeatureMap ? Dims[2] : throw new InvalidOperationException($"A shape {this} has no width.");

    /// <summary>The number of elements, in checked arithmetic.</summary>
    public long Elements
    {
        get
        {
            long n = 1;
            foreach (var d in Dims)
            {
                n = checked(n * d);
            }

            return n;
        }
    }

    /// <summary>A feature map of <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1.</exception>
    public static TensorShape Chw(int channels, int height, int width) =>
        new([Guard.Positive(channels, "channels"), Guard.Positive(height, "height"), Guard.Positive(width, "width")]);

    /// <summary>A vector of <paramref name="length"/> elements.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is below 1.</exception>
    public static TensorShape Vector(int length) => new([Guard.Positive(length, "length")]);

    /// <summary>A shape of any rank; every dimension must be at least 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1.</exception>
    public static TensorShape Of(params ReadOnlySpan<int> dims)
    {
        if (dims.Length == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dims), "A shape needs at least one dimension.");
        }

        foreach (var d in dims)
        {
            Guard.Positive(d, "dimension");
        }

        return new([.. dims]);
    }

    /// <summary>Parses "3x224x224" (or "3,224,224", or one number for a vector).</summary>
    /// <exception cref="FormatException">The text is not a list of positive integers.</exception>
    public static TensorShape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(['x', 'X', ',', '*'], StringSplitOptions.TrimEntries);
        var dims = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] < 1)
            {
                throw new FormatException($"'{text}' is not a shape: expected positive integers like 3x224x224.");
            }
        }

        return new([.. dims]);
    }

    /// <summary>The dimensions joined by 'x', as in the lecture's tables: "64x56x56".</summary>
    public override string ToString() => string.Join('x', Dims);

    /// <inheritdoc/>
    public bool Equals(TensorShape other) => Dims.AsSpan().SequenceEqual(other.Dims.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorShape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var d in Dims)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <summary>Compares two shapes by their dimensions.</summary>
    public static bool operator ==(TensorShape left, TensorShape right) => left.Equals(right);

    /// <summary>Compares two shapes by their dimensions.</summary>
    public static bool operator !=(TensorShape left, TensorShape right) => !left.Equals(right);
}

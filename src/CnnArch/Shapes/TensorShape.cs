using System.Collections.Immutable;
using System.Globalization;

namespace CnnArch;

/// <summary>
/// The shape of one sample's tensor, without the batch dimension: a feature map is C x L (1-D),
/// C x H x W (2-D) or C x D x H x W (3-D); a vector is [N]. Immutable; equality compares the dimensions.
/// </summary>
public readonly struct TensorShape : IEquatable<TensorShape>
{
    private readonly ImmutableArray<int> _dims;

    private TensorShape(ImmutableArray<int> dims) => _dims = dims;

    /// <summary>The dimensions, outermost first.</summary>
    public ImmutableArray<int> Dims => _dims.IsDefault ? [] : _dims;

    /// <summary>The number of dimensions: 3 for C x H x W, 1 for a vector.</summary>
    public int Rank => Dims.Length;

    /// <summary>The spatial axes of a feature map: rank - 1 (1 for C x L, 2 for C x H x W, 3 for C x D x H x W).</summary>
    public int SpatialRank => Math.Max(0, Rank - 1);

    /// <summary>True when the shape is a feature map of <paramref name="spatialRank"/> spatial axes (C and 1 to 3 more).</summary>
    public bool IsMap(int spatialRank) => spatialRank is >= 1 and <= SpatialSize.MaxRank && Rank == spatialRank + 1;

    /// <summary>Channels of a feature map (its first dimension), or the length of a vector.</summary>
    public int Channels => Rank >= 1 ? Dims[0] : throw new InvalidOperationException("An empty shape has no channel dimension.");

    /// <summary>The extent of spatial axis <paramref name="axis"/> of a feature map (0 is the outermost: length, depth or height).</summary>
    public int Spatial(int axis) => (uint)axis < (uint)SpatialRank ? Dims[axis + 1] : throw new ArgumentOutOfRangeException(nameof(axis), axis, $"A {this} tensor has no spatial axis {axis}.");

    /// <summary>The spatial extents of a feature map (everything after the channels), as a size.</summary>
    public SpatialSize SpatialSize => SpatialRank is >= 1 and <= SpatialSize.MaxRank
        ? SpatialSize.Of(Dims.AsSpan()[1..])
        : throw new InvalidOperationException($"A {this} tensor is no feature map of 1 to {SpatialSize.MaxRank} spatial axes.");

    /// <summary>The resolution of a feature map as design and sweeps vary it: its width (the length of a 1-D map).</summary>
    public int Resolution => SpatialRank >= 1 ? Dims[^1] : throw new InvalidOperationException($"A {this} tensor has no spatial axis.");

    /// <summary>
    /// The same map at another resolution: height and width (the last two spatial axes; the length of a
    /// 1-D map) set to <paramref name="side"/>, channels and depth (video frames, volume slices) kept.
    /// </summary>
    /// <exception cref="InvalidOperationException">The shape has no spatial axis.</exception>
    public TensorShape WithResolution(int side)
    {
        if (SpatialRank < 1)
        {
            throw new InvalidOperationException($"A {this} tensor has no spatial axis to resize.");
        }

        var dims = Dims.ToArray();
        for (var i = Math.Max(1, Rank - 2); i < Rank; i++)
        {
            dims[i] = Guard.Positive(side, "resolution");
        }

        return new([.. dims]);
    }

    /// <summary>The elements of one channel of a feature map (the product of its spatial extents).</summary>
    public long SpatialElements => Rank == 0 ? 0 : Elements / Dims[0];

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

    /// <summary>A 1-D feature map of <paramref name="channels"/> x <paramref name="length"/> (audio, ECG, any sequence of channels).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1.</exception>
    public static TensorShape Cl(int channels, int length) =>
        new([Guard.Positive(channels, "channels"), Guard.Positive(length, "length")]);

    /// <summary>A 3-D feature map of <paramref name="channels"/> x <paramref name="depth"/> x <paramref name="height"/> x <paramref name="width"/> (video frames, medical volumes).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1.</exception>
    public static TensorShape Cdhw(int channels, int depth, int height, int width) =>
        new([Guard.Positive(channels, "channels"), Guard.Positive(depth, "depth"), Guard.Positive(height, "height"), Guard.Positive(width, "width")]);

    /// <summary>A feature map of <paramref name="channels"/> and the extents of <paramref name="spatial"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1.</exception>
    public static TensorShape Map(int channels, SpatialSize spatial)
    {
        if (spatial.IsUniform)
        {
            throw new ArgumentException("A feature map needs a size per spatial axis, got a uniform size.", nameof(spatial));
        }

        Span<int> dims = stackalloc int[spatial.Rank + 1];
        dims[0] = Guard.Positive(channels, "channels");
        for (var i = 0; i < spatial.Rank; i++)
        {
            dims[i + 1] = Guard.Positive(spatial[i], "spatial size");
        }

        return new([.. dims]);
    }

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

    /// <summary>A shape that owns <paramref name="dims"/>, each already checked to be at least 1 (no copy, no check).</summary>
    internal static TensorShape Owning(int[] dims) => new(System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(dims));

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

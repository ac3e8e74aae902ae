using System.Collections.Immutable;
using System.Globalization;

namespace CnnArch;

/// <summary>The receptive field along one spatial axis, in input pixels (samples for 1-D, voxels for 3-D).</summary>
/// <param name="Size">How many input pixels one output element sees.</param>
/// <param name="Stride">How far apart neighbouring output elements look, in units of 1/<see cref="Scale"/> input pixels: the "jump".</param>
/// <param name="Padding">How far before the first input pixel the first output element's window starts, in units of 1/<see cref="Scale"/> input pixels.</param>
/// <remarks>
/// The arithmetic saturates: a value beyond <see cref="long.MaxValue"/> (a stack of strided layers on
/// a map already reduced to one pixel can get there) is reported as <see cref="long.MaxValue"/>,
/// meaning "at least this", never as an overflow. After upsampling (a transposed convolution, an
/// interpolation) neighbouring outputs can be less than a pixel apart: the stride and padding are
/// then fractions, kept exact as a numerator over <see cref="Scale"/>, and the size is rounded up to
/// whole pixels.
/// </remarks>
public readonly record struct ReceptiveAxis(long Size, long Stride, long Padding)
{
    /// <summary>The denominator of <see cref="Stride"/> and <see cref="Padding"/>: 1 on the input's own grid.</summary>
    public long Scale { get => field + 1; init => field = Guard.Positive(value, nameof(Scale)) - 1; }

    /// <summary>A pixel of the input itself.</summary>
    public static ReceptiveAxis Pixel { get; } = new(1, 1, 0);

    /// <summary>Whether a value reached <see cref="long.MaxValue"/> and stands for "at least this".</summary>
    public bool IsSaturated => Size == long.MaxValue || Stride == long.MaxValue || Padding == long.MaxValue;

    /// <summary>The stride in input pixels (a fraction after upsampling).</summary>
    public double StrideInPixels => (double)Stride / Scale;

    /// <summary>The padding in input pixels (a fraction after upsampling).</summary>
    public double PaddingInPixels => (double)Padding / Scale;

    /// <summary>
    /// After a window of <paramref name="kernel"/> taps <paramref name="dilation"/> apart, moving by
    /// <paramref name="stride"/>, with <paramref name="padBefore"/> padding:
    /// r_out = r_in + (k - 1) * dilation * j_in, j_out = j_in * s, p_out = p_in + pad * j_in.
    /// </summary>
    public ReceptiveAxis Through(long kernel, long stride, long padBefore, long dilation = 1) => Reduced(
        Arithmetic.SaturatingAdd(Size, InPixels(Arithmetic.SaturatingMultiply(Math.Max(0, kernel - 1), dilation))),
        Arithmetic.SaturatingMultiply(Stride, stride),
        Arithmetic.SaturatingAdd(Padding, Arithmetic.SaturatingMultiply(padBefore, Stride)),
        Scale);

    /// <summary>
    /// After an upsampling by <paramref name="factor"/> in which each output reads <paramref name="taps"/>
    /// neighbouring inputs: nearest 1, linear 2, a transposed convolution ceil(k / s). The jump shrinks
    /// by the factor; the field widens by taps - 1 input steps; the window starts <paramref name="offset"/>
    /// input steps earlier (a transposed convolution's (k - 1 - pad) / s).
    /// </summary>
    public ReceptiveAxis Upsampled(long factor, long taps, long offset = 0)
    {
        var scale = Arithmetic.SaturatingMultiply(Scale, Math.Max(1, factor));
        // p_out = p_in + offset / factor input steps, in units of 1 / (Scale * factor).
        var padding = Arithmetic.SaturatingAdd(Arithmetic.SaturatingMultiply(Padding, Math.Max(1, factor)), Arithmetic.SaturatingMultiply(Math.Max(0, offset), Stride));
        return Reduced(Arithmetic.SaturatingAdd(Size, InPixels(Math.Max(0, taps - 1))), Stride, padding, scale);
    }

    /// <summary>The stride as the tables write it: "32", or "0.5" between the pixels of an upsampled map.</summary>
    public string StrideText => Stride == long.MaxValue ? "inf"
        : Scale == 1 ? Stride.ToString("#,0", CultureInfo.InvariantCulture)
        : StrideInPixels.ToString("0.###", CultureInfo.InvariantCulture);

    // steps input steps of this axis, in whole input pixels (rounded up).
    private long InPixels(long steps)
    {
        var scaled = Arithmetic.SaturatingMultiply(steps, Stride);
        var scale = Scale;
        return scale == 1 || scaled == long.MaxValue ? scaled : (scaled + scale - 1) / scale;
    }

    private static ReceptiveAxis Reduced(long size, long stride, long padding, long scale)
    {
        if (scale == 1)
        {
            return new(size, stride, padding);
        }

        if (stride != long.MaxValue && padding != long.MaxValue)
        {
            var g = Arithmetic.Gcd(Arithmetic.Gcd(stride, padding), scale);
            if (g > 1)
            {
                (stride, padding, scale) = (stride / g, padding / g, scale / g);
            }
        }

        return new(size, stride, padding) { Scale = scale };
    }
}

/// <summary>
/// A layer's receptive field: the window of the input that one of its output elements depends on,
/// one <see cref="ReceptiveAxis"/> per spatial axis of the network's input (time for 1-D; height and
/// width for 2-D; depth, height and width for 3-D), outermost first.
/// </summary>
public sealed record ReceptiveField
{
    private readonly ReceptiveAxis _a0, _a1, _a2;

    // The extents of the network's input along each axis, which global layers see whole; 0 where unknown
    // (a field built by hand). Carried along by every step, and no part of equality.
    private readonly long _e0, _e1, _e2;

    private ReceptiveField(int rank, ReceptiveAxis a0, ReceptiveAxis a1, ReceptiveAxis a2) => (Rank, _a0, _a1, _a2) = (rank, a0, a1, a2);

    private ReceptiveField(int rank, ReceptiveAxis a0, ReceptiveAxis a1, ReceptiveAxis a2, long e0, long e1, long e2)
        : this(rank, a0, a1, a2) => (_e0, _e1, _e2) = (e0, e1, e2);

    /// <summary>A field of one axis per value of <paramref name="axes"/> (1 to 3).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No axes, or more than three.</exception>
    public ReceptiveField(params ReadOnlySpan<ReceptiveAxis> axes)
        : this(axes.Length, axes.Length > 0 ? axes[0] : default, axes.Length > 1 ? axes[1] : default, axes.Length > 2 ? axes[2] : default)
    {
        if (axes.Length is < 1 or > SpatialSize.MaxRank)
        {
            throw new ArgumentOutOfRangeException(nameof(axes), axes.Length, $"A receptive field has 1 to {SpatialSize.MaxRank} axes.");
        }
    }

    private static readonly ReceptiveField[] Pixels =
        [new(1, ReceptiveAxis.Pixel, default, default), new(2, ReceptiveAxis.Pixel, ReceptiveAxis.Pixel, default), new(3, ReceptiveAxis.Pixel, ReceptiveAxis.Pixel, ReceptiveAxis.Pixel)];

    /// <summary>A field no rule describes: what follows an operation CnnArch has no model of.</summary>
    public static ReceptiveField Unknown { get; } = new(0, default, default, default);

    /// <summary>The number of spatial axes; 0 for <see cref="Unknown"/>.</summary>
    public int Rank { get; }

    /// <summary>False for <see cref="Unknown"/>.</summary>
    public bool IsKnown => Rank > 0;

    /// <summary>The field along <paramref name="axis"/>, outermost first.</summary>
    public ReceptiveAxis this[int axis] => (uint)axis < (uint)Rank
        ? axis switch { 0 => _a0, 1 => _a1, _ => _a2 }
        : throw new ArgumentOutOfRangeException(nameof(axis), axis, $"A field of {Rank} axes has no axis {axis}.");

    /// <summary>The axes, outermost first.</summary>
    public ImmutableArray<ReceptiveAxis> Axes => Rank switch { 0 => [], 1 => [_a0], 2 => [_a0, _a1], _ => [_a0, _a1, _a2] };

    /// <summary>Size along the outermost axis (the height of a 2-D map).</summary>
    public long Size => _a0.Size;

    /// <summary>Effective stride (jump) along the outermost axis.</summary>
    public long Stride => _a0.Stride;

    /// <summary>Effective padding along the outermost axis.</summary>
    public long Padding => _a0.Padding;

    /// <summary>True when every axis has the same field.</summary>
    public bool IsUniform => Rank <= 1 || (_a0 == _a1 && (Rank == 2 || _a1 == _a2));

    /// <summary>The input itself: one pixel along each of <paramref name="rank"/> axes.</summary>
    public static ReceptiveField Pixel(int rank) =>
        rank is >= 1 and <= SpatialSize.MaxRank ? Pixels[rank - 1] : throw new ArgumentOutOfRangeException(nameof(rank), rank, $"A receptive field has 1 to {SpatialSize.MaxRank} axes.");

    /// <summary>
    /// The field of an input of <paramref name="shape"/>: one pixel per spatial axis (one axis for a vector),
    /// knowing the input's extents, which <see cref="Global"/> needs.
    /// </summary>
    public static ReceptiveField Of(TensorShape shape)
    {
        var rank = Math.Clamp(shape.SpatialRank, 1, SpatialSize.MaxRank);
        var dims = shape.Dims;
        long Extent(int axis) => axis >= rank ? 0 : dims.Length > rank ? dims[dims.Length - rank + axis] : dims.Length == 1 ? dims[0] : 0;
        var pixel = ReceptiveAxis.Pixel;
        return new ReceptiveField(rank, pixel, rank > 1 ? pixel : default, rank > 2 ? pixel : default, Extent(0), Extent(1), Extent(2));
    }

    /// <summary>
    /// After a layer whose every output reads every position of the network's input (global self-attention):
    /// each axis sees the whole input, its size the input's extent (or the field's own size, where that is
    /// larger), its stride and padding those of the positions the layer keeps (ViT-B/16 at 224 x 224: 16/16
    /// after the patch embedding, 224/16 after the first attention). A field that does not know the input's
    /// extents (one built by hand rather than by <see cref="Of"/>) is returned as it is.
    /// </summary>
    public ReceptiveField Global()
    {
        if (!IsKnown || _e0 == 0)
        {
            return this;
        }

        Span<ReceptiveAxis> a = [_a0, _a1, _a2];
        ReadOnlySpan<long> extent = [_e0, _e1, _e2];
        for (var i = 0; i < Rank; i++)
        {
            a[i] = a[i] with { Size = Math.Max(a[i].Size, extent[i]) };
        }

        return With(a);
    }

    /// <summary>After a sliding window (a convolution or pool), which applies to the last <c>window.Kernel.Rank</c> axes.</summary>
    public ReceptiveField Through(Layers.LayerWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (!IsKnown)
        {
            return this;
        }

        Span<ReceptiveAxis> a = [_a0, _a1, _a2];
        var (first, offset) = Last(window.Kernel.Rank);
        for (var i = first; i < Rank; i++)
        {
            var w = i + offset;
            a[i] = a[i].Through(window.Kernel[w], window.Stride[w], window.Padding.Before(w), window.Dilation[w]);
        }

        return With(a);
    }

    /// <summary>
    /// After a layer that mixes every position of <paramref name="input"/> along its spatial axes (flatten,
    /// global pooling), or along those of <paramref name="spatialAxes"/> (bit k for spatial axis k): each
    /// such axis sees the whole map.
    /// </summary>
    public ReceptiveField Whole(TensorShape input, int spatialAxes = -1)
    {
        if (!IsKnown)
        {
            return this;
        }

        Span<ReceptiveAxis> a = [_a0, _a1, _a2];
        var (first, offset) = Last(input.SpatialRank);
        for (var i = first; i < Rank; i++)
        {
            var axis = i + offset;
            if ((spatialAxes & (1 << axis)) != 0)
            {
                var n = input.Spatial(axis);
                a[i] = a[i].Through(n, n, 0);
            }
        }

        return With(a);
    }

    /// <summary>
    /// After adaptive pooling of <paramref name="input"/> to <paramref name="output"/>: output cell i reads
    /// floor(i*N/n) to ceil((i+1)*N/n), the widest of which is ceil((N + n - gcd(N, n)) / n), with an
    /// average step of N / n.
    /// </summary>
    public ReceptiveField Adaptive(TensorShape input, SpatialSize output)
    {
        if (!IsKnown)
        {
            return this;
        }

        Span<ReceptiveAxis> a = [_a0, _a1, _a2];
        var (first, offset) = Last(input.SpatialRank);
        for (var i = first; i < Rank; i++)
        {
            long n = input.Spatial(i + offset), h = output[i + offset];
            var widest = (n + h - Arithmetic.Gcd(n, h) + h - 1) / h;
            a[i] = a[i].Through(widest, Math.Max(1, n / h), 0);
        }

        return With(a);
    }

    /// <summary>
    /// After an upsampling of the last <c>factor.Rank</c> axes (see <see cref="ReceptiveAxis.Upsampled"/>):
    /// per axis the factor, the inputs each output reads, and how many input steps earlier its window starts.
    /// </summary>
    public ReceptiveField Upsampled(SpatialSize factor, SpatialSize taps, SpatialSize offset)
    {
        if (!IsKnown)
        {
            return this;
        }

        Span<ReceptiveAxis> a = [_a0, _a1, _a2];
        var (first, shift) = Last(factor.Rank);
        for (var i = first; i < Rank; i++)
        {
            var w = i + shift;
            a[i] = a[i].Upsampled(factor[w], taps[w], offset[w]);
        }

        return With(a);
    }

    // A field of these axes (as many as this one's) that keeps this field's knowledge of the input's extents:
    // what a join builds from its widest inputs.
    internal ReceptiveField WithAxes(ReadOnlySpan<ReceptiveAxis> axes) =>
        With([axes.Length > 0 ? axes[0] : default, axes.Length > 1 ? axes[1] : default, axes.Length > 2 ? axes[2] : default]);

    // This field when a step changed nothing (a 1x1 stride-1 conv), so chains of them share one object.
    private ReceptiveField With(ReadOnlySpan<ReceptiveAxis> a) =>
        a[0] == _a0 && a[1] == _a1 && a[2] == _a2 ? this : new ReceptiveField(Rank, a[0], a[1], a[2], _e0, _e1, _e2);

    // A step over `axes` axes applies to this field's last ones: the first field axis it touches, and
    // what to add to a field axis to get the step's axis.
    private (int First, int Offset) Last(int axes) => (Math.Max(0, Rank - axes), axes - Rank);

    /// <summary>The field's size and stride as the tables write them: "195/32", or "3x7x7/1x2x2" when the axes differ.</summary>
    public string ToCompactString()
    {
        if (!IsKnown)
        {
            return "?";
        }

        if (IsUniform)
        {
            return $"{SizeText(_a0)}/{_a0.StrideText}";
        }

        var axes = Axes;
        return $"{string.Join('x', axes.Select(SizeText))}/{string.Join('x', axes.Select(a => a.StrideText))}";
    }

    /// <summary>"195 (stride 32)", or every axis when they differ: "3x7x7 (stride 1x2x2)".</summary>
    public override string ToString() => !IsKnown ? "unknown"
        : IsUniform ? $"{Size} (stride {_a0.StrideText})"
        : $"{string.Join('x', Axes.Select(a => a.Size))} (stride {string.Join('x', Axes.Select(a => a.StrideText))})";

    /// <summary>Two fields are equal when their axes are (whether they know the input's extents does not matter).</summary>
    public bool Equals(ReceptiveField? other) =>
        other is not null && Rank == other.Rank && _a0 == other._a0 && _a1 == other._a1 && _a2 == other._a2;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Rank, _a0, _a1, _a2);

    private static string SizeText(ReceptiveAxis a) => a.Size == long.MaxValue ? "inf" : a.Size.ToString("#,0", CultureInfo.InvariantCulture);
}

using System.Collections.Immutable;

namespace CnnArch.Layers;

/// <summary>
/// Layers that move or reshape data without arithmetic, and the general forms that imported graphs
/// need (broadcasting element-wise operations, matrix products, reductions). Axes here never include
/// the batch: axis 0 of a feature map is its channels.
/// </summary>
public static class TensorOps
{
    internal static int[] Dims(TensorShape shape) => [.. shape.Dims];

    /// <summary>NumPy broadcasting of two shapes, aligned from the right.</summary>
    /// <exception cref="InvalidNetworkException">The shapes do not broadcast.</exception>
    public static TensorShape Broadcast(TensorShape a, TensorShape b)
    {
        var rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var x = i < rank - a.Rank ? 1 : a.Dims[i - (rank - a.Rank)];
            var y = i < rank - b.Rank ? 1 : b.Dims[i - (rank - b.Rank)];
            dims[i] = x == y || y == 1 ? x : x == 1 ? y
                : throw new InvalidNetworkException(null, $"shapes {a} and {b} do not broadcast (dimension {i}: {x} against {y}).");
        }

        return TensorShape.Of(dims);
    }
}

/// <summary>The arithmetic of an <see cref="Elementwise"/> layer.</summary>
public enum ElementwiseOp
{
    /// <summary>a + b.</summary>
    Add,

    /// <summary>a - b.</summary>
    Sub,

    /// <summary>a * b.</summary>
    Mul,

    /// <summary>a / b.</summary>
    Div,

    /// <summary>a ^ b.</summary>
    Pow,
}

/// <summary>
/// A broadcasting element-wise operation of two tensors, or of one tensor and a stored constant
/// (<see cref="Constant"/>). Residual additions of equal shapes use <see cref="Add"/>, SE gates <see cref="Scale"/>.
/// </summary>
public sealed record Elementwise : Layer
{
    /// <summary>The operation.</summary>
    public required ElementwiseOp Op { get; init; }

    /// <summary>The shape of a stored second operand; null when both operands are inputs.</summary>
    public TensorShape? Constant { get; init; }

    /// <summary>Whether the stored operand is a learned tensor (counted as parameters) rather than a literal.</summary>
    public bool ConstantIsParameter { get; init; }

    /// <inheritdoc/>
    public override string Kind => Op.ToString();

    /// <inheritdoc/>
    public override int MaxInputs => Constant is null ? 2 : 1;

    /// <inheritdoc/>
    public override int MinInputs => Constant is null ? 2 : 1;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return TensorOps.Broadcast(inputs[0], Constant ?? inputs[1]);
    }

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => ConstantIsParameter && Constant is { } c ? c.Elements : 0;
}

/// <summary>A product of two tensors, [..., M, K] x [..., K, N], as <c>torch.matmul</c>: output elements x K multiply-adds.</summary>
public sealed record MatMul : Layer
{
    /// <inheritdoc/>
    public override int MinInputs => 2;

    /// <inheritdoc/>
    public override int MaxInputs => 2;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (a, b) = (inputs[0], inputs[1]);
        if (a.Rank < 2 || b.Rank < 2 || a.Dims[^1] != b.Dims[^2])
        {
            throw Invalid($"cannot multiply a {a} matrix by a {b} matrix: the inner dimensions differ.");
        }

        var batch = TensorOps.Broadcast(
            a.Rank > 2 ? TensorShape.Of([.. a.Dims[..^2]]) : TensorShape.Vector(1),
            b.Rank > 2 ? TensorShape.Of([.. b.Dims[..^2]]) : TensorShape.Vector(1));
        var lead = a.Rank > 2 || b.Rank > 2 ? batch.Dims.ToArray() : [];
        return TensorShape.Of([.. lead, a.Dims[^2], b.Dims[^1]]);
    }
}

/// <summary>A transposed convolution, as <c>nn.ConvTranspose2d</c>: H' = (H - 1) * S - pads + D * (K - 1) + output padding + 1.</summary>
public sealed record ConvTranspose2d : Layer
{
    /// <summary>Output channels.</summary>
    public required int OutChannels { get; init => field = Guard.Positive(value, nameof(OutChannels)); }

    /// <summary>Kernel size; default 3x3.</summary>
    public Size2D Kernel { get; init => field = value.RequirePositive(nameof(Kernel)); } = 3;

    /// <summary>Stride; default 1.</summary>
    public Size2D Stride { get; init => field = value.RequirePositive(nameof(Stride)); } = Size2D.One;

    /// <summary>Padding removed from each side of the output.</summary>
    public Padding2D Padding { get; init => field = value.RequireNonNegative(nameof(Padding)); }

    /// <summary>Extra rows and columns added on one side; default none.</summary>
    public Size2D OutputPadding { get; init; } = new(0, 0);

    /// <summary>Dilation; default 1.</summary>
    public Size2D Dilation { get; init => field = value.RequirePositive(nameof(Dilation)); } = Size2D.One;

    /// <summary>Groups; default 1.</summary>
    public int Groups { get; init => field = Guard.Positive(value, nameof(Groups)); } = 1;

    /// <summary>Whether each output channel has a bias; default true.</summary>
    public bool HasBias { get; init; } = true;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var x = FeatureMap(inputs);
        if (x.Channels % Groups != 0 || OutChannels % Groups != 0)
        {
            throw Invalid($"groups {Groups} do not divide {x.Channels} input and {OutChannels} output channels.");
        }

        long Side(int n, int k, int s, int pads, int d, int extra) => checked(((long)(n - 1) * s) - pads + ((long)d * (k - 1)) + extra + 1);
        var h = Side(x.Height, Kernel.Height, Stride.Height, Padding.Vertical, Dilation.Height, OutputPadding.Height);
        var w = Side(x.Width, Kernel.Width, Stride.Width, Padding.Horizontal, Dilation.Width, OutputPadding.Width);
        return h >= 1 && w >= 1 && h <= int.MaxValue && w <= int.MaxValue
            ? TensorShape.Chw(OutChannels, (int)h, (int)w)
            : throw Invalid($"ConvTranspose2d gives an output of {h}x{w} from {x}.");
    }

    /// <summary>C_in x C_out / G x K_h x K_w weights, plus C_out biases.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var weights = checked((long)inputs[0].Channels * (OutChannels / Groups) * Kernel.Area);
        return HasBias ? checked(weights + OutChannels) : weights;
    }
}

/// <summary>A view with other dimensions (reshape, squeeze, unsqueeze, flatten at another axis); one dimension may be -1, inferred.</summary>
public sealed record Reshape : Layer
{
    /// <summary>The target dimensions, batch excluded; at most one is -1.</summary>
    public required ImmutableArray<int> Dims { get; init; }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var total = inputs[0].Elements;
        var known = Dims.Where(d => d != -1).Aggregate(1L, (a, d) => checked(a * d));
        var unknown = Dims.Count(d => d == -1);
        if (unknown > 1 || Dims.Any(d => d == 0 || d < -1) || known == 0 || total % known != 0 || (unknown == 0 && known != total))
        {
            throw Invalid($"cannot reshape {inputs[0]} ({total} elements) to [{string.Join(",", Dims)}].");
        }

        return TensorShape.Of([.. Dims.Select(d => d == -1 ? checked((int)(total / known)) : d)]);
    }
}

/// <summary>A permutation of the dimensions (batch excluded): a copy, no arithmetic.</summary>
public sealed record Transpose : Layer
{
    /// <summary>Output dimension i is input dimension Perm[i].</summary>
    public required ImmutableArray<int> Perm { get; init; }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        if (Perm.Length != x.Rank || Perm.Order().Where((p, i) => p != i).Any())
        {
            throw Invalid($"permutation [{string.Join(",", Perm)}] does not fit a {x} tensor.");
        }

        return TensorShape.Of([.. Perm.Select(p => x.Dims[p])]);
    }
}

/// <summary>A strided slice along some axes (batch excluded), as ONNX Slice and Split: a view, no arithmetic.</summary>
public sealed record Slice : Layer
{
    /// <summary>(axis, start, end, step) per sliced axis; negative start and end count from the end, as Python.</summary>
    public required ImmutableArray<(int Axis, long Start, long End, long Step)> Ranges { get; init; }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var dims = TensorOps.Dims(inputs[0]);
        foreach (var (axis, start, end, step) in Ranges)
        {
            if (axis < 0 || axis >= dims.Length || step == 0)
            {
                throw Invalid($"cannot slice axis {axis} with step {step} of a {inputs[0]} tensor.");
            }

            long n = dims[axis];
            long Clamp(long v, long lo, long hi) => Math.Min(Math.Max(v < 0 ? v + n : v, lo), hi);
            var (s, e) = step > 0 ? (Clamp(start, 0, n), Clamp(end, 0, n)) : (Clamp(start, -1, n - 1), Clamp(end, -1, n - 1));
            var length = step > 0 ? (e - s + step - 1) / step : (s - e - step - 1) / -step;
            dims[axis] = length >= 1 ? (int)length : throw Invalid($"slicing axis {axis} of a {inputs[0]} tensor from {start} to {end} leaves nothing.");
        }

        return TensorShape.Of(dims);
    }
}

/// <summary>Padding of every dimension (batch excluded): a copy, no arithmetic.</summary>
public sealed record Pad : Layer
{
    /// <summary>Elements added before each dimension.</summary>
    public required ImmutableArray<int> Before { get; init; }

    /// <summary>Elements added after each dimension.</summary>
    public required ImmutableArray<int> After { get; init; }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        if (Before.Length != x.Rank || After.Length != x.Rank)
        {
            throw Invalid($"padding of {Before.Length} dimensions does not fit a {x} tensor.");
        }

        return TensorShape.Of([.. x.Dims.Select((d, i) => checked(d + Before[i] + After[i]))]);
    }
}

/// <summary>Resizing the height and width of a feature map (upsampling), as ONNX Resize.</summary>
public sealed record Resize : Layer
{
    /// <summary>The output height and width.</summary>
    public required Size2D OutputSize { get; init => field = value.RequirePositive(nameof(OutputSize)); }

    /// <summary>Whether values are interpolated linearly (else the nearest is taken).</summary>
    public bool Linear { get; init; }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var x = FeatureMap(inputs);
        return TensorShape.Chw(x.Channels, OutputSize.Height, OutputSize.Width);
    }
}

/// <summary>The mean over some axes (batch excluded), as ONNX ReduceMean; global average pooling uses <see cref="AdaptiveAvgPool2d"/>.</summary>
public sealed record ReduceMean : Layer
{
    /// <summary>The axes averaged over.</summary>
    public required ImmutableArray<int> Axes { get; init; }

    /// <summary>Keep the reduced axes as size 1.</summary>
    public bool KeepDims { get; init; } = true;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        if (Axes.Any(a => a < 0 || a >= x.Rank))
        {
            throw Invalid($"axes [{string.Join(",", Axes)}] do not fit a {x} tensor.");
        }

        var dims = x.Dims.Select((d, i) => Axes.Contains(i) ? (KeepDims ? 1 : 0) : d).Where(d => d > 0).ToArray();
        return dims.Length == 0 ? TensorShape.Vector(1) : TensorShape.Of(dims);
    }
}

/// <summary>Global max pooling, as <c>nn.AdaptiveMaxPool2d(1)</c> and ONNX GlobalMaxPool.</summary>
public sealed record GlobalMaxPool2d : Layer
{
    /// <summary>The one instance.</summary>
    public static GlobalMaxPool2d Instance { get; } = new();

    /// <inheritdoc/>
    public override string Kind => "AdaptiveMaxPool2d";

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs) => TensorShape.Chw(FeatureMap(inputs).Channels, 1, 1);
}

/// <summary>Layer normalisation over the trailing dimensions from <see cref="Axis"/> (batch excluded), as <c>nn.LayerNorm</c>.</summary>
public sealed record LayerNorm : ShapePreservingLayer
{
    /// <summary>The first normalised axis; default the last.</summary>
    public int Axis { get; init; } = -1;

    /// <summary>Whether a bias is learned beside the scale; default true.</summary>
    public bool HasBias { get; init; } = true;

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        var from = Axis < 0 ? x.Rank + Axis : Axis;
        var normalised = x.Dims.Skip(from).Aggregate(1L, (a, d) => checked(a * d));
        return HasBias ? checked(2 * normalised) : normalised;
    }
}

/// <summary>Instance normalisation: per sample and channel, with a learned scale and shift per channel.</summary>
public sealed record InstanceNorm2d : ShapePreservingLayer
{
    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => checked(2L * FeatureMap(inputs).Channels);
}

/// <summary>
/// An operation CnnArch has no model of (an unknown ONNX operator). Its output is assumed to have the
/// shape of its first input, so the analysis can go on; no convention has a rule for it, so every
/// report lists it as uncounted.
/// </summary>
public sealed record Opaque : Layer
{
    /// <summary>The operator's name, shown as the kind.</summary>
    public required string Operator { get; init => field = Guard.Name(value, nameof(Operator)); }

    /// <inheritdoc/>
    public override string Kind => Operator;

    /// <inheritdoc/>
    public override int MinInputs => 0;

    /// <inheritdoc/>
    public override int MaxInputs => int.MaxValue;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count > 0 ? inputs[0] : throw Invalid($"the unknown operator {Operator} reads no tensor whose shape could stand for its output.");
    }
}

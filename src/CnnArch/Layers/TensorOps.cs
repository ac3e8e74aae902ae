using System.Collections.Immutable;
using System.Globalization;

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

/// <summary>
/// A layer that only rearranges its one input (a view or a copy): no parameters, no window, its
/// backward only routes the gradient, and every output element sees what the element it came from saw.
/// </summary>
public abstract record DataMovement : Layer
{
    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>
    /// The field of the element each output element came from. Fields are kept per axis of the
    /// network's input, so a layer that moves axes (a transpose, a reshape) leaves them as they were.
    /// </summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

    /// <inheritdoc/>
    public override BackwardRule Backward => BackwardRule.PassThrough;
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
public sealed record Elementwise : Join
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

    /// <summary>With a learned operand: input and weight gradients; of two tensors: one gradient per operand; with a literal: the input's.</summary>
    public override BackwardRule Backward =>
        Constant is null ? BackwardRule.PerInput
        : ConstantIsParameter ? BackwardRule.Weighted
        : BackwardRule.InputGradient;

    /// <summary>Sums and differences save nothing; products, quotients and powers save the tensors they read (mul, div, pow in derivatives.yaml).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        Op is ElementwiseOp.Add or ElementwiseOp.Sub ? MemoryBehavior.Allocates : MemoryBehavior.SavingInputs(Constant is null ? 2 : 1);

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Elementwise;
}

/// <summary>A product of two tensors, [..., M, K] x [..., K, N], as <c>torch.matmul</c>: output elements x K multiply-adds.</summary>
public sealed record MatMul : Join
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

    /// <summary>Each operand's gradient is a product of the same size.</summary>
    public override BackwardRule Backward => BackwardRule.PerInput;

    /// <summary>Saves both operands.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.SavingInputs(2);

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.MatrixMultiply;
}

/// <summary>
/// A view with other dimensions (reshape, squeeze, unsqueeze, flatten at another axis); one dimension may
/// be -1, inferred. With <see cref="KeepTrailing"/> it reshapes only the leading dimensions and keeps the
/// last ones, whatever their size (<c>unflatten</c> and <c>flatten</c> of the channels at any resolution).
/// </summary>
public sealed record Reshape : DataMovement
{
    /// <summary>The target dimensions, batch excluded, before the kept trailing ones; at most one is -1.</summary>
    public required ImmutableArray<int> Dims { get; init; }

    /// <summary>
    /// How many trailing dimensions of the input the output keeps as they are, after <see cref="Dims"/>;
    /// default 0 (Dims are the whole shape). ShuffleNet's <c>x.view(b, 2, c // 2, h, w)</c> is Dims [2, -1]
    /// keeping 2, so the same layer fits any height and width.
    /// </summary>
    public int KeepTrailing { get; init => field = Guard.NonNegative(value, nameof(KeepTrailing)); }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var input = inputs[0];
        if (KeepTrailing >= input.Rank && KeepTrailing > 0)
        {
            throw Invalid($"cannot keep the last {KeepTrailing} dimensions of a {input} tensor and reshape the rest.");
        }

        var trailing = input.Dims.Skip(input.Rank - KeepTrailing).ToArray();
        var total = input.Dims.Take(input.Rank - KeepTrailing).Aggregate(1L, (a, d) => checked(a * d));
        var known = Dims.Where(d => d != -1).Aggregate(1L, (a, d) => checked(a * d));
        var unknown = Dims.Count(d => d == -1);
        if (unknown > 1 || Dims.Any(d => d == 0 || d < -1) || known == 0 || total % known != 0 || (unknown == 0 && known != total))
        {
            var kept = KeepTrailing == 0 ? "" : $" keeping the last {KeepTrailing}";
            throw Invalid($"cannot reshape {input} ({input.Elements} elements) to [{string.Join(",", Dims)}]{kept}.");
        }

        return TensorShape.Of([.. Dims.Select(d => d == -1 ? checked((int)(total / known)) : d), .. trailing]);
    }

    /// <summary>A view of its contiguous input (PyTorch's view/reshape).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.View;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.View;
}

/// <summary>A permutation of the dimensions (batch excluded): a copy, no arithmetic.</summary>
public sealed record Transpose : DataMovement
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

    /// <summary>A new, contiguous tensor; nothing saved.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Copy;
}

/// <summary>A strided slice along some axes (batch excluded), as ONNX Slice and Split: a view, no arithmetic.</summary>
public sealed record Slice : DataMovement
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

    /// <summary>A view of its input (PyTorch's slicing and chunk); its backward writes the gradient into a new tensor of the input's size.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.View with { PassesGradient = false };

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.View;
}

/// <summary>Padding of every dimension (batch excluded): a copy, no arithmetic.</summary>
public sealed record Pad : DataMovement
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

    /// <summary>Padding before a spatial axis moves the start of every window by that much.</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (input.SpatialRank is < 1 or > SpatialSize.MaxRank || Before.Length != input.Rank)
        {
            return field;
        }

        var before = Before.AsSpan()[1..];
        var after = new int[before.Length];
        return field.Through(new LayerWindow(SpatialSize.Uniform(1).At(before.Length, "kernel"), SpatialSize.Uniform(1).At(before.Length, "stride"), SpatialPadding.Of(before, after), SpatialSize.Uniform(1).At(before.Length, "dilation"), 1));
    }

    /// <summary>A new tensor; nothing saved.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Copy;
}

/// <summary>How <see cref="Upsample"/> fills the new positions.</summary>
public enum InterpolationMode
{
    /// <summary>The nearest input: no arithmetic.</summary>
    Nearest,

    /// <summary>Linear between the 2 neighbours along the one axis of a 1-D map.</summary>
    Linear,

    /// <summary>Linear along height and width (4 neighbours) of a 2-D map.</summary>
    Bilinear,

    /// <summary>Cubic along height and width (16 neighbours) of a 2-D map.</summary>
    Bicubic,

    /// <summary>Linear along depth, height and width (8 neighbours) of a 3-D map.</summary>
    Trilinear,
}

/// <summary>
/// Resizing a feature map of any rank to a size or by a scale factor, as <c>nn.Upsample</c>,
/// <c>F.interpolate</c> and ONNX Resize. Output extent per axis: the given size, or floor(N x scale).
/// </summary>
public sealed record Upsample : DataMovement
{
    /// <summary>The output extent per spatial axis (uniform: the same along every axis); null when <see cref="ScaleFactor"/> gives it.</summary>
    public SpatialSize? Size { get; init => field = value?.RequirePositive(nameof(Size)); }

    /// <summary>The factor per spatial axis, one value for every axis or one per axis; empty when <see cref="Size"/> gives the output.</summary>
    public ImmutableArray<double> ScaleFactor { get; init; } = [];

    /// <summary>How new positions are filled; default nearest, as PyTorch.</summary>
    public InterpolationMode Mode { get; init; }

    /// <summary>The spatial axes a mode interpolates along (linear 1, bilinear and bicubic 2, trilinear 3); 0 for nearest, which takes any rank.</summary>
    public int ModeRank => Mode switch
    {
        InterpolationMode.Linear => 1,
        InterpolationMode.Bilinear or InterpolationMode.Bicubic => 2,
        InterpolationMode.Trilinear => 3,
        _ => 0,
    };

    /// <summary>The inputs each output reads along one axis: nearest 1, linear modes 2, cubic 4.</summary>
    public int Taps => Mode switch
    {
        InterpolationMode.Nearest => 1,
        InterpolationMode.Bicubic => 4,
        _ => 2,
    };

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        var rank = x.SpatialRank;
        if (rank is < 1 or > SpatialSize.MaxRank || (ModeRank > 0 && ModeRank != rank))
        {
            var need = ModeRank > 0 ? MapForm(ModeRank) : "feature map";
            throw Invalid($"{Mode.ToString().ToLowerInvariant()} upsampling needs a {need} input, got {x}.");
        }

        if (Size is null == ScaleFactor.IsDefaultOrEmpty)
        {
            throw Invalid("Upsample needs either a size or a scale factor, not both.");
        }

        if (!ScaleFactor.IsDefaultOrEmpty && ScaleFactor.Length != 1 && ScaleFactor.Length != rank)
        {
            throw Invalid($"{ScaleFactor.Length} scale factors do not fit the {rank} spatial axes of a {x} tensor.");
        }

        Span<int> dims = stackalloc int[rank + 1];
        dims[0] = x.Channels;
        if (Size is { IsUniform: false } given && given.Rank != rank)
        {
            throw Invalid($"a size of {given.Rank} values ({given}) does not fit the {rank} spatial axes of a {x} tensor.");
        }

        var size = Size?.At(rank, nameof(Size));
        for (var axis = 0; axis < rank; axis++)
        {
            if (size is { } s)
            {
                dims[axis + 1] = s[axis];
                continue;
            }

            var factor = ScaleFactor.Length == 1 ? ScaleFactor[0] : ScaleFactor[axis];
            var n = Math.Floor(x.Spatial(axis) * factor);
            dims[axis + 1] = double.IsFinite(factor) && n is >= 1 and <= int.MaxValue
                ? (int)n
                : throw Invalid($"scaling the {SlidingWindow.AxisName(rank, axis)} {x.Spatial(axis)} by {factor.ToString(CultureInfo.InvariantCulture)} gives no valid size.");
        }

        return TensorShape.Of(dims);
    }

    /// <summary>
    /// An upsampling by a whole factor N'/N per axis: the jump shrinks by it and each output sees its
    /// <see cref="Taps"/> inputs. A resize by any other ratio is treated as adaptive pooling to the output
    /// size: each output sees the input cells its window overlaps.
    /// </summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        var output = InferShape([input]);
        var rank = input.SpatialRank;
        Span<int> factor = stackalloc int[rank];
        for (var axis = 0; axis < rank; axis++)
        {
            var (n, m) = (input.Spatial(axis), output.Spatial(axis));
            if (m < n || m % n != 0)
            {
                return field.Adaptive(input, output.SpatialSize);
            }

            factor[axis] = m / n;
        }

        var taps = SpatialSize.Uniform(Taps).At(rank, "taps");
        return field.Upsampled(SpatialSize.Of(factor), taps, SpatialSize.Uniform(Taps / 2).At(rank, "offset"));
    }

    /// <summary>The gradient of each input is the sum over the outputs that read it: as much arithmetic as the forward.</summary>
    public override BackwardRule Backward => BackwardRule.InputGradient;

    /// <summary>A new tensor; the backward needs only the sizes.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Copy;
}

/// <summary>
/// Rearranges C x r^2 channels of a 2-D map into an r-times larger map of C channels (Shi et al. 2016),
/// as <c>nn.PixelShuffle</c>: a copy, no arithmetic.
/// </summary>
public sealed record PixelShuffle : DataMovement
{
    /// <summary>The upscale factor r.</summary>
    public required int UpscaleFactor { get; init => field = Guard.Positive(value, nameof(UpscaleFactor)); }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var x = FeatureMap(inputs, 2);
        var r2 = checked(UpscaleFactor * UpscaleFactor);
        return x.Channels % r2 == 0
            ? TensorShape.Chw(x.Channels / r2, checked(x.Spatial(0) * UpscaleFactor), checked(x.Spatial(1) * UpscaleFactor))
            : throw Invalid($"PixelShuffle by {UpscaleFactor} needs channels divisible by {r2}, got {x.Channels}.");
    }

    /// <summary>Each output pixel is one input pixel, on a grid r times finer.</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Upsampled(new SpatialSize(UpscaleFactor, UpscaleFactor), new SpatialSize(1, 1), new SpatialSize(0, 0));
    }

    /// <summary>A new tensor; nothing saved.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Copy;
}

/// <summary>
/// The partial inverse of a 2-D max pool, as <c>nn.MaxUnpool2d</c> (ENet's and SegNet's decoders): each value
/// goes back to where the pool found its maximum and every other position is zero; a copy, no arithmetic.
/// PyTorch's second argument, the pool's indices, is not an input here: only where the values land depends
/// on it, not the output's size, which comes from the window, (H - 1) S - 2P + K per axis, or from
/// <see cref="OutputSize"/> (PyTorch's <c>output_size</c>, within S - 1 of that).
/// </summary>
public sealed record MaxUnpool2d : DataMovement
{
    /// <summary>Sets the default padding (none).</summary>
    public MaxUnpool2d() => Padding = SpatialPadding.Zero;

    /// <summary>The pool's window size K per axis.</summary>
    public required SpatialSize Kernel { get; init => field = value.At(2, nameof(Kernel)).RequirePositive(nameof(Kernel)); }

    /// <summary>The pool's stride; null (the default) means the kernel size, as PyTorch.</summary>
    public SpatialSize? Stride { get; init => field = value?.At(2, nameof(Stride)).RequirePositive(nameof(Stride)); }

    /// <summary>The pool's padding, taken off the output.</summary>
    public SpatialPadding Padding { get; init => field = value.At(2, nameof(Padding)).RequireNonNegative(nameof(Padding)); }

    /// <summary>The output's height and width when given (PyTorch's <c>output_size</c>, the pooled map's size); null for the window's.</summary>
    public SpatialSize? OutputSize { get; init => field = value?.At(2, nameof(OutputSize)).RequirePositive(nameof(OutputSize)); }

    /// <summary>The stride in effect.</summary>
    public SpatialSize EffectiveStride => Stride ?? Kernel;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var x = FeatureMap(inputs, 2);
        var s = EffectiveStride;
        Span<int> size = stackalloc int[2];
        for (var axis = 0; axis < 2; axis++)
        {
            var natural = ((long)(x.Spatial(axis) - 1) * s[axis]) - Padding.Before(axis) - Padding.After(axis) + Kernel[axis];
            var wanted = OutputSize is { } given ? given[axis] : natural;
            if (natural < 1 || wanted <= natural - s[axis] || wanted >= natural + s[axis] || wanted > int.MaxValue)
            {
                throw Invalid($"MaxUnpool2d of a {x} map gives {natural} along axis {axis}; an output size of {wanted} is not within {s[axis] - 1} of it.");
            }

            size[axis] = (int)wanted;
        }

        return TensorShape.Chw(x.Channels, size[0], size[1]);
    }

    /// <summary>Each output pixel is one input pixel (or a zero), on a grid S times finer.</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Upsampled(EffectiveStride, new SpatialSize(1, 1), new SpatialSize(0, 0));
    }

    /// <summary>A new tensor; nothing saved (its backward gathers with the indices).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Copy;
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

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>Each reduced spatial axis is seen whole.</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        var mask = 0;
        foreach (var a in Axes)
        {
            mask |= a >= 1 ? 1 << (a - 1) : 0;
        }

        return mask == 0 || input.SpatialRank < 1 ? field : field.Whole(input, mask);
    }

    /// <inheritdoc/>
    public override BackwardRule Backward => BackwardRule.InputGradient;

    /// <summary>A new tensor; the backward needs only the sizes.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Reduction;
}

/// <summary>
/// An operation CnnArch has no model of (an unknown ONNX operator). Its output is assumed to have the
/// shape of its first input, so the analysis can go on; no convention has a rule for it, so every
/// report lists it as uncounted: its operations, its memory, its latency and the receptive field
/// after it are unknown.
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

    /// <summary>Unknown; its parameters, if any, are counted where the importer can see them as initializers.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>Unknown.</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => ReceptiveField.Unknown;

    /// <summary>Counted from its forward count, which is unknown: the row says uncounted.</summary>
    public override BackwardRule Backward => BackwardRule.InputGradient;

    /// <summary>Unknown: memory reports list it as uncounted.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Unknown;

    /// <summary>Unknown: latency reports list it as uncounted.</summary>
    public override KernelClass? LatencyClass(TensorShape input) => null;
}

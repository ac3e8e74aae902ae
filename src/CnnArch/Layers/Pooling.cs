namespace CnnArch.Layers;

/// <summary>
/// What max and average pooling of every rank share: a window that slides over each channel. A
/// uniform kernel, stride or padding (an integer) is expanded to the layer's rank.
/// </summary>
public abstract record Pool : Layer
{
    /// <summary>Sets the default padding (none) at the layer's rank.</summary>
    protected Pool() => Padding = SpatialPadding.Zero;

    /// <summary>The number of spatial axes: 1, 2 or 3.</summary>
    public abstract int SpatialRank { get; }

    /// <summary>Window size K per axis.</summary>
    public required SpatialSize Kernel { get; init => field = value.At(SpatialRank, nameof(Kernel)).RequirePositive(nameof(Kernel)); }

    /// <summary>Stride; null (the default) means the kernel size, as PyTorch.</summary>
    public SpatialSize? Stride { get; init => field = value?.At(SpatialRank, nameof(Stride)).RequirePositive(nameof(Stride)); }

    /// <summary>Implicit padding before and after each axis; at most half the kernel, as PyTorch requires.</summary>
    public SpatialPadding Padding { get; init => field = value.At(SpatialRank, nameof(Padding)).RequireNonNegative(nameof(Padding)); }

    /// <summary>Round the output size up instead of down (PyTorch's <c>ceil_mode</c>); default false.</summary>
    public bool CeilMode { get; init; }

    /// <summary>The stride in effect.</summary>
    public SpatialSize EffectiveStride => Stride ?? Kernel;

    /// <summary>Spacing of the window's taps; only max pooling may dilate.</summary>
    protected abstract SpatialSize WindowDilation { get; }

    /// <inheritdoc/>
    public override LayerWindow Window => new(Kernel, EffectiveStride, Padding, WindowDilation, 1);

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var x = FeatureMap(inputs, SpatialRank);
        var s = EffectiveStride;
        var d = WindowDilation;
        Span<int> dims = stackalloc int[SpatialRank + 1];
        dims[0] = x.Channels;
        for (var axis = 0; axis < SpatialRank; axis++)
        {
            if (Padding.Before(axis) > Kernel[axis] / 2 || Padding.After(axis) > Kernel[axis] / 2)
            {
                throw Invalid($"{Kind} padding {Padding} exceeds half the kernel {Kernel}.");
            }

            dims[axis + 1] = SlidingWindow.Output(x.Spatial(axis), Kernel[axis], s[axis], Padding.Before(axis), Padding.After(axis), d[axis], CeilMode, this, SpatialRank, axis);
        }

        return TensorShape.Of(dims);
    }

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Through(Window);
    }

    /// <inheritdoc/>
    public override BackwardRule Backward => BackwardRule.InputGradient;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Reduction;
}

/// <summary>Max pooling of any rank, as <c>nn.MaxPool1d/2d/3d</c>.</summary>
public abstract record MaxPool : Pool
{
    /// <summary>Sets the default dilation (1) at the layer's rank.</summary>
    protected MaxPool() => Dilation = SpatialSize.One;

    /// <summary>Spacing of the window's taps; default 1.</summary>
    public SpatialSize Dilation { get; init => field = value.At(SpatialRank, nameof(Dilation)).RequirePositive(nameof(Dilation)); }

    /// <inheritdoc/>
    protected override SpatialSize WindowDilation => Dilation;

    /// <summary>Saves its input and the int64 index of each output's maximum (max_pool*_with_indices).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        MemoryBehavior.SavingInput with { SavedExtraBytes = checked(8 * output.Elements) };
}

/// <summary>1-D max pooling, as <c>nn.MaxPool1d</c>.</summary>
public sealed record MaxPool1d : MaxPool
{
    /// <inheritdoc/>
    public override int SpatialRank => 1;
}

/// <summary>2-D max pooling, as <c>nn.MaxPool2d</c>.</summary>
public sealed record MaxPool2d : MaxPool
{
    /// <inheritdoc/>
    public override int SpatialRank => 2;
}

/// <summary>3-D max pooling, as <c>nn.MaxPool3d</c>.</summary>
public sealed record MaxPool3d : MaxPool
{
    /// <inheritdoc/>
    public override int SpatialRank => 3;
}

/// <summary>Average pooling of any rank, as <c>nn.AvgPool1d/2d/3d</c>.</summary>
public abstract record AvgPool : Pool
{
    /// <summary>Whether padded zeros count in the average (PyTorch's default true); it changes no shape or count.</summary>
    public bool CountIncludePad { get; init; } = true;

    /// <inheritdoc/>
    protected override SpatialSize WindowDilation => SpatialSize.One.At(SpatialRank, "dilation");

    /// <summary>Saves its input (avg_pool*_backward reads it).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.SavingInput;
}

/// <summary>1-D average pooling, as <c>nn.AvgPool1d</c>.</summary>
public sealed record AvgPool1d : AvgPool
{
    /// <inheritdoc/>
    public override int SpatialRank => 1;
}

/// <summary>2-D average pooling, as <c>nn.AvgPool2d</c>.</summary>
public sealed record AvgPool2d : AvgPool
{
    /// <inheritdoc/>
    public override int SpatialRank => 2;
}

/// <summary>3-D average pooling, as <c>nn.AvgPool3d</c>.</summary>
public sealed record AvgPool3d : AvgPool
{
    /// <inheritdoc/>
    public override int SpatialRank => 3;
}

/// <summary>
/// Adaptive pooling of any rank to a fixed output size, as <c>nn.AdaptiveAvgPool2d</c> and its kin:
/// output cell i reads input cells floor(i*N/n) to ceil((i+1)*N/n) along each axis. Output size 1 is
/// global pooling.
/// </summary>
public abstract record AdaptivePool : Layer
{
    /// <summary>The number of spatial axes: 1, 2 or 3.</summary>
    public abstract int SpatialRank { get; }

    /// <summary>The output extent per axis.</summary>
    public required SpatialSize OutputSize { get; init => field = value.At(SpatialRank, nameof(OutputSize)).RequirePositive(nameof(OutputSize)); }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs) =>
        TensorShape.Map(FeatureMap(inputs, SpatialRank).Channels, OutputSize);

    /// <summary>The input cells read to fill one channel of the output: the product over axes of the sum of the window extents.</summary>
    public long WindowCellsPerChannel(TensorShape input)
    {
        long cells = 1;
        for (var axis = 0; axis < SpatialRank; axis++)
        {
            cells = checked(cells * WindowSum(input.Spatial(axis), OutputSize[axis]));
        }

        return cells;
    }

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <summary>No window of fixed size: the columns stay empty.</summary>
    public override LayerWindow? Window => null;

    /// <inheritdoc/>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Adaptive(input, OutputSize);
    }

    /// <inheritdoc/>
    public override BackwardRule Backward => BackwardRule.InputGradient;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Reduction;

    // Output cell i reads floor(i*N/n) to ceil((i+1)*N/n); the window sizes add up to N + n - gcd(N, n)
    // (the floors and ceilings cancel but for the n - gcd cells whose end is not a whole number).
    private static long WindowSum(int input, int output) =>
        checked((long)input + output - Arithmetic.Gcd(input, output));
}

/// <summary>Adaptive average pooling, as <c>nn.AdaptiveAvgPool1d/2d/3d</c>.</summary>
public abstract record AdaptiveAvgPool : AdaptivePool
{
    /// <summary>Saves its input (its backward reads the input's shape from it).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.SavingInput;
}

/// <summary>1-D adaptive average pooling, as <c>nn.AdaptiveAvgPool1d</c>; output 1 is global average pooling over time.</summary>
public sealed record AdaptiveAvgPool1d : AdaptiveAvgPool
{
    /// <inheritdoc/>
    public override int SpatialRank => 1;

    /// <summary>Global average pooling: every channel averaged to one value (output C x 1).</summary>
    public static AdaptiveAvgPool1d Global { get; } = new() { OutputSize = 1 };
}

/// <summary>2-D adaptive average pooling, as <c>nn.AdaptiveAvgPool2d</c>.</summary>
public sealed record AdaptiveAvgPool2d : AdaptiveAvgPool
{
    /// <inheritdoc/>
    public override int SpatialRank => 2;

    /// <summary>Global average pooling: every channel averaged to one value (output C x 1 x 1).</summary>
    public static AdaptiveAvgPool2d Global { get; } = new() { OutputSize = 1 };
}

/// <summary>3-D adaptive average pooling, as <c>nn.AdaptiveAvgPool3d</c>.</summary>
public sealed record AdaptiveAvgPool3d : AdaptiveAvgPool
{
    /// <inheritdoc/>
    public override int SpatialRank => 3;

    /// <summary>Global average pooling: every channel averaged to one value (output C x 1 x 1 x 1).</summary>
    public static AdaptiveAvgPool3d Global { get; } = new() { OutputSize = 1 };
}

/// <summary>Adaptive max pooling, as <c>nn.AdaptiveMaxPool1d/2d/3d</c> (and ONNX GlobalMaxPool).</summary>
public abstract record AdaptiveMaxPool : AdaptivePool
{
    /// <summary>Saves its input and the int64 index of each output's maximum.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        MemoryBehavior.SavingInput with { SavedExtraBytes = checked(8 * output.Elements) };
}

/// <summary>1-D adaptive max pooling, as <c>nn.AdaptiveMaxPool1d</c>.</summary>
public sealed record AdaptiveMaxPool1d : AdaptiveMaxPool
{
    /// <inheritdoc/>
    public override int SpatialRank => 1;

    /// <summary>Global max pooling (output C x 1).</summary>
    public static AdaptiveMaxPool1d Global { get; } = new() { OutputSize = 1 };
}

/// <summary>2-D adaptive max pooling, as <c>nn.AdaptiveMaxPool2d</c>.</summary>
public sealed record AdaptiveMaxPool2d : AdaptiveMaxPool
{
    /// <inheritdoc/>
    public override int SpatialRank => 2;

    /// <summary>Global max pooling (output C x 1 x 1).</summary>
    public static AdaptiveMaxPool2d Global { get; } = new() { OutputSize = 1 };
}

/// <summary>3-D adaptive max pooling, as <c>nn.AdaptiveMaxPool3d</c>.</summary>
public sealed record AdaptiveMaxPool3d : AdaptiveMaxPool
{
    /// <inheritdoc/>
    public override int SpatialRank => 3;

    /// <summary>Global max pooling (output C x 1 x 1 x 1).</summary>
    public static AdaptiveMaxPool3d Global { get; } = new() { OutputSize = 1 };
}

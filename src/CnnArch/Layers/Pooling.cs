namespace CnnArch.Layers;

/// <summary>What max and average pooling share: a window that slides over each channel.</summary>
public abstract record Pool2d : Layer
{
    /// <summary>Window size K.</summary>
    public required Size2D Kernel { get; init => field = value.RequirePositive(nameof(Kernel)); }

    /// <summary>Stride; null (the default) means the kernel size, as PyTorch.</summary>
    public Size2D? Stride { get; init => field = value?.RequirePositive(nameof(Stride)); }

    /// <summary>Implicit padding per side; at most half the kernel, as PyTorch requires.</summary>
    public Padding2D Padding { get; init => field = value.RequireNonNegative(nameof(Padding)); }

    /// <summary>Round the output size up instead of down (PyTorch's <c>ceil_mode</c>); default false.</summary>
    public bool CeilMode { get; init; }

    /// <summary>The stride in effect.</summary>
    public Size2D EffectiveStride => Stride ?? Kernel;

    /// <summary>Spacing of the window's taps; only max pooling may dilate.</summary>
    protected virtual Size2D WindowDilation => Size2D.One;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var x = FeatureMap(inputs);
        if (Padding.Top > Kernel.Height / 2 || Padding.Bottom > Kernel.Height / 2 || Padding.Left > Kernel.Width / 2 || Padding.Right > Kernel.Width / 2)
        {
            throw Invalid($"{Kind} padding {Padding} exceeds half the kernel {Kernel}.");
        }

        var s = EffectiveStride;
        var d = WindowDilation;
        var h = SlidingWindow.Output(x.Height, Kernel.Height, s.Height, Padding.Top, Padding.Bottom, d.Height, CeilMode, Kind, "height");
        var w = SlidingWindow.Output(x.Width, Kernel.Width, s.Width, Padding.Left, Padding.Right, d.Width, CeilMode, Kind, "width");
        return TensorShape.Chw(x.Channels, h, w);
    }
}

/// <summary>Max pooling, as PyTorch's <c>nn.MaxPool2d</c>.</summary>
public sealed record MaxPool2d : Pool2d
{
    /// <summary>Spacing of the window's taps; default 1.</summary>
    public Size2D Dilation { get; init => field = value.RequirePositive(nameof(Dilation)); } = Size2D.One;

    /// <inheritdoc/>
    protected override Size2D WindowDilation => Dilation;
}

/// <summary>Average pooling, as PyTorch's <c>nn.AvgPool2d</c>.</summary>
public sealed record AvgPool2d : Pool2d
{
    /// <summary>Whether padded zeros count in the average (PyTorch's default true); it changes no shape or count.</summary>
    public bool CountIncludePad { get; init; } = true;
}

/// <summary>
/// Adaptive average pooling to a fixed output size, as PyTorch's <c>nn.AdaptiveAvgPool2d</c>:
/// output cell i averages input rows floor(i*H/h) to ceil((i+1)*H/h). Output 1x1 is global average pooling.
/// </summary>
public sealed record AdaptiveAvgPool2d : Layer
{
    /// <summary>The output height and width.</summary>
    public required Size2D OutputSize { get; init => field = value.RequirePositive(nameof(OutputSize)); }

    /// <summary>Global average pooling: every channel averaged to one value (output C x 1 x 1).</summary>
    public static AdaptiveAvgPool2d Global { get; } = new() { OutputSize = 1 };

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var x = FeatureMap(inputs);
        return TensorShape.Chw(x.Channels, OutputSize.Height, OutputSize.Width);
    }

    /// <summary>The input cells read to fill one channel of the output: the sum of all window areas.</summary>
    public long WindowCellsPerChannel(TensorShape input) =>
        checked(WindowSum(input.Height, OutputSize.Height) * WindowSum(input.Width, OutputSize.Width));

    // Output cell i reads floor(i*H/h) to ceil((i+1)*H/h); the window sizes add up to H + h - gcd(H, h)
    // (the floors and ceilings cancel but for the h - gcd cells whose end is not a whole number).
    private static long WindowSum(int input, int output) =>
        checked((long)input + output - Arithmetic.Gcd(input, output));
}

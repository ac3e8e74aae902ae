namespace CnnArch.Layers;

/// <summary>
/// 2-D convolution, as PyTorch's <c>nn.Conv2d</c>. Input channels come from the input shape
/// (set <see cref="InChannels"/> to have them checked). Output side:
/// floor((H + pad_top + pad_bottom - dilation * (K - 1) - 1) / stride) + 1.
/// </summary>
public sealed record Conv2d : Layer
{
    /// <summary>Filters, the output channels C_out.</summary>
    public required int OutChannels { get; init => field = Guard.Positive(value, nameof(OutChannels)); }

    /// <summary>The expected input channels; null (the default) takes them from the input.</summary>
    public int? InChannels { get; init => field = value is { } v ? Guard.Positive(v, nameof(InChannels)) : null; }

    /// <summary>Kernel size K; default 3x3.</summary>
    public Size2D Kernel { get; init => field = value.RequirePositive(nameof(Kernel)); } = 3;

    /// <summary>Stride S; default 1.</summary>
    public Size2D Stride { get; init => field = value.RequirePositive(nameof(Stride)); } = Size2D.One;

    /// <summary>Zero padding P per side; default none.</summary>
    public Padding2D Padding { get; init => field = value.RequireNonNegative(nameof(Padding)); }

    /// <summary>Dilation; default 1 (a plain convolution).</summary>
    public Size2D Dilation { get; init => field = value.RequirePositive(nameof(Dilation)); } = Size2D.One;

    /// <summary>Groups G: each output channel sees C_in / G input channels; G = C_in is depthwise. Default 1.</summary>
    public int Groups { get; init => field = Guard.Positive(value, nameof(Groups)); } = 1;

    /// <summary>Whether each filter has a bias; default true, as PyTorch.</summary>
    public bool HasBias { get; init; } = true;

    /// <summary>A depthwise convolution: one filter per channel (groups = channels).</summary>
    public static Conv2d Depthwise(int channels, Size2D kernel, Size2D stride, Padding2D padding, bool hasBias = true) =>
        new() { OutChannels = channels, InChannels = channels, Groups = channels, Kernel = kernel, Stride = stride, Padding = padding, HasBias = hasBias };

    /// <summary>PyTorch's "same" padding for odd kernels at stride 1: (K - 1) / 2 on each side, times the dilation.</summary>
    public static Padding2D SamePadding(Size2D kernel, int dilation = 1) =>
        Padding2D.Symmetric((kernel.Height - 1) / 2 * dilation, (kernel.Width - 1) / 2 * dilation);

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var x = FeatureMap(inputs);
        if (InChannels is { } expected && expected != x.Channels)
        {
            throw Invalid($"Conv2d expects {expected} input channels, got {x.Channels}.");
        }

        if (x.Channels % Groups != 0)
        {
            throw Invalid($"groups {Groups} do not divide the {x.Channels} input channels.");
        }

        if (OutChannels % Groups != 0)
        {
            throw Invalid($"groups {Groups} do not divide the {OutChannels} output channels.");
        }

        var h = SlidingWindow.Output(x.Height, Kernel.Height, Stride.Height, Padding.Top, Padding.Bottom, Dilation.Height, ceil: false, Kind, "height");
        var w = SlidingWindow.Output(x.Width, Kernel.Width, Stride.Width, Padding.Left, Padding.Right, Dilation.Width, ceil: false, Kind, "width");
        return TensorShape.Chw(OutChannels, h, w);
    }

    /// <summary>C_out x C_in / G x K_h x K_w weights, plus C_out biases.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var weights = checked((long)OutChannels * (inputs[0].Channels / Groups) * Kernel.Area);
        return HasBias ? checked(weights + OutChannels) : weights;
    }
}

/// <summary>The output-size arithmetic shared by convolutions and pools, with PyTorch's rules.</summary>
internal static class SlidingWindow
{
    public static int Output(int size, int kernel, int stride, int padBefore, int padAfter, int dilation, bool ceil, string kind, string axis)
    {
        long span = checked((long)size + padBefore + padAfter - ((long)dilation * (kernel - 1)) - 1);
        if (span < 0)
        {
            throw new InvalidNetworkException(null,
                $"{kind} with kernel {kernel} (dilation {dilation}) does not fit the {axis} {size} padded by {padBefore}+{padAfter}: the output {axis} would be below 1.");
        }

        long steps = ceil ? (span + stride - 1) / stride : span / stride;
        long output = steps + 1;

        // PyTorch: in ceil mode the last window must start inside the input or the left padding.
        if (ceil && (output - 1) * stride >= size + padBefore)
        {
            output--;
        }

        return checked((int)output);
    }
}

using System.Text.Json.Serialization;

namespace CnnArch.Layers;

/// <summary>
/// What plain and transposed convolutions of every rank share: filters, a kernel, stride, padding
/// and dilation per spatial axis, groups and a bias. A uniform kernel, stride, padding or dilation
/// (an integer) is expanded to the layer's rank: <c>Kernel = 3</c> is 3 for Conv1d, 3x3 for Conv2d
/// and 3x3x3 for Conv3d. Input channels come from the input shape (set <see cref="InChannels"/> to
/// have them checked).
/// </summary>
public abstract record ConvolutionBase : Layer
{
    // The window is the storage of kernel, stride, padding, dilation and groups: the analysis reads it
    // for every node without building it again, and record equality compares it by value.
    private LayerWindow _window;

    /// <summary>Sets the defaults: a 3-wide kernel, stride 1, no padding, dilation 1, at the layer's rank.</summary>
    protected ConvolutionBase() =>
        _window = new(SpatialSize.Uniform(3).At(SpatialRank, nameof(Kernel)), SpatialSize.One.At(SpatialRank, nameof(Stride)), SpatialPadding.Zero.At(SpatialRank, nameof(Padding)), SpatialSize.One.At(SpatialRank, nameof(Dilation)), 1);

    /// <summary>The number of spatial axes: 1 (C x L), 2 (C x H x W) or 3 (C x D x H x W).</summary>
    public abstract int SpatialRank { get; }

    /// <summary>Filters, the output channels C_out.</summary>
    public required int OutChannels { get; init => field = Guard.Positive(value, nameof(OutChannels)); }

    /// <summary>The expected input channels; null (the default) takes them from the input.</summary>
    public int? InChannels { get; init => field = value is { } v ? Guard.Positive(v, nameof(InChannels)) : null; }

    /// <summary>Kernel size K per axis; default 3 along every axis.</summary>
    public SpatialSize Kernel
    {
        get => _window.Kernel;
        init => _window = _window with { Kernel = value.At(SpatialRank, nameof(Kernel)).RequirePositive(nameof(Kernel)) };
    }

    /// <summary>Stride S per axis; default 1.</summary>
    public SpatialSize Stride
    {
        get => _window.Stride;
        init => _window = _window with { Stride = value.At(SpatialRank, nameof(Stride)).RequirePositive(nameof(Stride)) };
    }

    /// <summary>Zero padding P before and after each axis; default none.</summary>
    public SpatialPadding Padding
    {
        get => _window.Padding;
        init => _window = _window with { Padding = value.At(SpatialRank, nameof(Padding)).RequireNonNegative(nameof(Padding)) };
    }

    /// <summary>Dilation per axis; default 1 (a plain convolution).</summary>
    public SpatialSize Dilation
    {
        get => _window.Dilation;
        init => _window = _window with { Dilation = value.At(SpatialRank, nameof(Dilation)).RequirePositive(nameof(Dilation)) };
    }

    /// <summary>Groups G: each output channel sees C_in / G input channels; G = C_in is depthwise. Default 1.</summary>
    public int Groups
    {
        get => _window.Groups;
        init => _window = _window with { Groups = Guard.Positive(value, nameof(Groups)) };
    }

    /// <summary>Whether each filter has a bias; default true, as PyTorch.</summary>
    public bool HasBias { get; init; } = true;

    /// <inheritdoc/>
    public override LayerWindow Window => _window;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override BackwardRule Backward => BackwardRule.Weighted;

    /// <summary>The input checked against the channels and groups; the message names both numbers.</summary>
    protected TensorShape CheckedInput(IReadOnlyList<TensorShape> inputs)
    {
        var x = FeatureMap(inputs, SpatialRank);
        if (InChannels is { } expected && expected != x.Channels)
        {
            throw Invalid($"{Kind} expects {expected} input channels, got {x.Channels}.");
        }

        if (x.Channels % Groups != 0)
        {
            throw Invalid($"groups {Groups} do not divide the {x.Channels} input channels.");
        }

        if (OutChannels % Groups != 0)
        {
            throw Invalid($"groups {Groups} do not divide the {OutChannels} output channels.");
        }

        return x;
    }

    /// <summary>Weights of <paramref name="inputChannels"/> x <paramref name="outputChannelsPerGroup"/> x kernel volume, plus C_out biases.</summary>
    protected long Weights(long inputChannels, long outputChannelsPerGroup)
    {
        var weights = checked(inputChannels * outputChannelsPerGroup * Kernel.Volume);
        return HasBias ? checked(weights + OutChannels) : weights;
    }
}

/// <summary>
/// Convolution of any rank, as PyTorch's <c>nn.Conv1d</c>, <c>nn.Conv2d</c>, <c>nn.Conv3d</c>. Output
/// extent per axis: floor((N + pad_before + pad_after - dilation * (K - 1) - 1) / stride) + 1.
/// Parameters C_out x C_in / G x kernel volume, plus C_out biases. <see cref="Stacked"/> takes a stack of
/// maps (S x C x spatial), each convolved with the same weights.
/// </summary>
public abstract record Convolution : ConvolutionBase
{
    /// <summary>
    /// Whether the input is a stack of S maps (S x C x L, S x C x H x W or S x C x D x H x W), each convolved with the
    /// same weights into S x C_out x spatial: what PyTorch does when another axis is folded into the batch, as MViT's
    /// pooling attention folds its heads (<c>x.reshape(B * heads, head_dim, T, H, W)</c> before a depthwise Conv3d).
    /// The parameters are one filter bank's; the multiply-adds are S times one map's. Default false: one map (spec
    /// files leave it out).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonPropertyOrder(1)]
    public bool Stacked { get; init; }

    /// <summary>The map one filter bank sees: <paramref name="input"/>, or with <see cref="Stacked"/> one map of its stack (the first axis dropped).</summary>
    public TensorShape MapOf(TensorShape input) => Stacked && input.Rank == SpatialRank + 2 ? TensorShape.Of([.. input.Dims[1..]]) : input;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (Stacked && (inputs.Count == 0 || inputs[0].Rank != SpatialRank + 2))
        {
            throw Invalid($"a stacked {Kind} needs an S x {MapForm(SpatialRank)} input, got {(inputs.Count == 0 ? "none" : inputs[0].ToString())}.");
        }

        var x = CheckedInput(Stacked ? [MapOf(inputs[0])] : inputs);
        var w = Window;
        var rank = w.Rank;
        var lead = Stacked ? 1 : 0;
        var dims = new int[rank + 1 + lead];
        if (Stacked)
        {
            dims[0] = inputs[0].Dims[0];
        }

        dims[lead] = OutChannels;
        for (var axis = 0; axis < rank; axis++)
        {
            dims[lead + axis + 1] = SlidingWindow.Output(x.Dims[axis + 1], w.Kernel[axis], w.Stride[axis], w.Padding.Before(axis), w.Padding.After(axis), w.Dilation[axis], ceil: false, this, rank, axis);
        }

        return TensorShape.Owning(dims);
    }

    /// <summary>C_out x C_in / G x kernel volume weights, plus C_out biases (one filter bank however many maps are stacked).</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Weights(OutChannels, MapOf(inputs[0]).Channels / Groups);
    }

    /// <inheritdoc/>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Through(Window);
    }

    /// <summary>
    /// Saves its input for the weight gradient. Workspace: cuDNN (benchmark off, PyTorch 2.11, H200) was
    /// measured to take twice the output for kernels larger than one tap with at least 4 input channels
    /// per group (VGG-16: 1568 MiB = conv1_2's 392 in + 392 out + 784; ResNeXt-101 32x8d: 589 =
    /// 98 + 196 + 98 + 196), and none for 1x1, depthwise or 3-channel convolutions, which implicit GEMM
    /// serves. The same rule is applied to 1-D and 3-D convolutions (not measured).
    /// </summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var workspace = Kernel.Volume > 1 && MapOf(inputs[0]).Channels / Groups >= 4 ? checked(2 * output.Elements) : 0;
        return MemoryBehavior.SavingInput with { WorkspaceElements = workspace };
    }

    /// <summary>Dense (groups 1), depthwise (groups = input channels) or grouped.</summary>
    public override KernelClass? LatencyClass(TensorShape input) =>
        Groups == 1 ? KernelClass.Convolution
        : input.Rank > 0 && Groups == MapOf(input).Channels ? KernelClass.DepthwiseConvolution
        : KernelClass.GroupedConvolution;

    /// <summary>PyTorch's "same" padding for odd kernels at stride 1: (K - 1) / 2 before and after each axis, times the dilation.</summary>
    public static SpatialPadding SamePadding(SpatialSize kernel, int dilation = 1)
    {
        Span<int> pads = stackalloc int[Math.Max(1, kernel.Rank)];
        for (var i = 0; i < pads.Length; i++)
        {
            pads[i] = (kernel[i] - 1) / 2 * dilation;
        }

        return kernel.IsUniform ? SpatialPadding.Uniform(pads[0]) : SpatialPadding.Symmetric(pads);
    }
}

/// <summary>1-D convolution over C x L (audio, ECG), as <c>nn.Conv1d</c>.</summary>
public sealed record Conv1d : Convolution
{
    /// <inheritdoc/>
    public override int SpatialRank => 1;
}

/// <summary>2-D convolution over C x H x W, as <c>nn.Conv2d</c>.</summary>
public sealed record Conv2d : Convolution
{
    /// <inheritdoc/>
    public override int SpatialRank => 2;

    /// <summary>A depthwise convolution: one filter per channel (groups = channels).</summary>
    public static Conv2d Depthwise(int channels, SpatialSize kernel, SpatialSize stride, SpatialPadding padding, bool hasBias = true) =>
        new() { OutChannels = channels, InChannels = channels, Groups = channels, Kernel = kernel, Stride = stride, Padding = padding, HasBias = hasBias };
}

/// <summary>3-D convolution over C x D x H x W (video, medical volumes), as <c>nn.Conv3d</c>.</summary>
public sealed record Conv3d : Convolution
{
    /// <inheritdoc/>
    public override int SpatialRank => 3;
}

/// <summary>
/// Transposed convolution of any rank, as <c>nn.ConvTranspose1d/2d/3d</c>. Output extent per axis:
/// (N - 1) * S - pad_before - pad_after + D * (K - 1) + output padding + 1. Parameters
/// C_in x C_out / G x kernel volume, plus C_out biases.
/// </summary>
public abstract record TransposedConvolution : ConvolutionBase
{
    /// <summary>Sets the default output padding (none) at the layer's rank.</summary>
    protected TransposedConvolution() => OutputPadding = 0;

    /// <summary>Extra rows (columns, slices) added after each axis; default none. Must be smaller than the stride or the dilation.</summary>
    public SpatialSize OutputPadding { get; init => field = value.At(SpatialRank, nameof(OutputPadding)).RequireNonNegative(nameof(OutputPadding)); }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var x = CheckedInput(inputs);
        Span<int> dims = stackalloc int[SpatialRank + 1];
        dims[0] = OutChannels;
        for (var axis = 0; axis < SpatialRank; axis++)
        {
            var (s, d, op) = (Stride[axis], Dilation[axis], OutputPadding[axis]);
            if (op >= s && op >= d)
            {
                throw Invalid($"output padding {OutputPadding} must be smaller than the stride {Stride} or the dilation {Dilation}.");
            }

            var n = checked(((long)(x.Spatial(axis) - 1) * s) - Padding.Total(axis) + ((long)d * (Kernel[axis] - 1)) + op + 1);
            dims[axis + 1] = n is >= 1 and <= int.MaxValue
                ? (int)n
                : throw Invalid($"{Kind} gives an output {SlidingWindow.AxisName(SpatialRank, axis)} of {n} from {x}.");
        }

        return TensorShape.Of(dims);
    }

    /// <summary>C_in x C_out / G x kernel volume weights, plus C_out biases.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Weights(inputs[0].Channels, OutChannels / Groups);
    }

    /// <summary>
    /// An upsampling by the stride: each output reads ceil(K_eff / S) inputs per axis (K_eff = D (K - 1) + 1),
    /// and its window starts (K_eff - 1 - pad) / S input steps before the input.
    /// </summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        Span<int> taps = stackalloc int[SpatialRank];
        Span<int> offset = stackalloc int[SpatialRank];
        for (var axis = 0; axis < SpatialRank; axis++)
        {
            // In long: a huge kernel or dilation widens the field to "at least this", never an overflow.
            var effective = ((long)Dilation[axis] * (Kernel[axis] - 1)) + 1;
            taps[axis] = (int)Math.Min(int.MaxValue, (effective + Stride[axis] - 1) / Stride[axis]);
            offset[axis] = (int)Math.Clamp(effective - 1 - Padding.Before(axis), 0, int.MaxValue);
        }

        return field.Upsampled(Stride, SpatialSize.Of(taps), SpatialSize.Of(offset));
    }

    /// <summary>Saves its input for the weight gradient; no workspace was measured.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.SavingInput;

    /// <summary>Runs as a convolution (implicit GEMM).</summary>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Convolution;
}

/// <summary>1-D transposed convolution, as <c>nn.ConvTranspose1d</c>.</summary>
public sealed record ConvTranspose1d : TransposedConvolution
{
    /// <inheritdoc/>
    public override int SpatialRank => 1;
}

/// <summary>2-D transposed convolution, as <c>nn.ConvTranspose2d</c> (U-Net's up-convolutions).</summary>
public sealed record ConvTranspose2d : TransposedConvolution
{
    /// <inheritdoc/>
    public override int SpatialRank => 2;
}

/// <summary>3-D transposed convolution, as <c>nn.ConvTranspose3d</c> (3-D U-Net, V-Net).</summary>
public sealed record ConvTranspose3d : TransposedConvolution
{
    /// <inheritdoc/>
    public override int SpatialRank => 3;
}

/// <summary>The output-size arithmetic shared by convolutions and pools, with PyTorch's rules.</summary>
internal static class SlidingWindow
{
    private static readonly string[][] Names = [["length"], ["height", "width"], ["depth", "height", "width"]];

    /// <summary>The name of spatial axis <paramref name="axis"/> of a <paramref name="rank"/>-D map: length; height, width; depth, height, width.</summary>
    public static string AxisName(int rank, int axis) => rank is >= 1 and <= 3 && axis < rank ? Names[rank - 1][axis] : $"axis {axis}";

    /// <summary>The output extent of a window along spatial axis <paramref name="axis"/> of a <paramref name="rank"/>-D <paramref name="layer"/>, at least 1.</summary>
    /// <exception cref="InvalidNetworkException">The window does not fit; the message names the layer's kind, the axis and the numbers.</exception>
    public static int Output(int size, int kernel, int stride, int padBefore, int padAfter, int dilation, bool ceil, Layer layer, int rank, int axis)
    {
        long span = checked((long)size + padBefore + padAfter - ((long)dilation * (kernel - 1)) - 1);
        if (span < 0)
        {
            var name = AxisName(rank, axis);
            throw new InvalidNetworkException(null,
                $"{layer.Kind} with kernel {kernel} (dilation {dilation}) does not fit the {name} {size} padded by {padBefore}+{padAfter}: the output {name} would be below 1.");
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

using CnnArch.Layers;

namespace CnnArch.Analysis;

/// <summary>
/// The arithmetic of each counting rule, kept apart from the conventions that choose among them
/// (as fvcore's <c>conv_flop_count</c>). All counts are per sample, in checked arithmetic.
/// </summary>
public static class Rules
{
    /// <summary>Counts nothing.</summary>
    public static OpCount Zero(Layer layer, CostContext shapes) => OpCount.Zero;

    /// <summary>Convolution of any rank: every output element (of every map of a stack) is C_in / G x kernel volume multiply-adds; bias not counted.</summary>
    public static OpCount Convolution(Convolution layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromMacs(ConvolutionMacs(shapes.Output.Elements, layer.MapOf(shapes.Input).Channels / layer.Groups, layer.Kernel.Volume));
    }

    /// <summary>Fully connected: every output element is a dot product over the input features; bias not counted.</summary>
    public static OpCount Linear(Linear layer, CostContext shapes) =>
        OpCount.FromMacs(checked(shapes.Output.Elements * shapes.Input.Dims[^1]));

    /// <summary>The lecture's pooling rule: K x K (the kernel's volume) per output element, counted as multiply-adds.</summary>
    public static OpCount PoolingWindow(Pool layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromMacs(checked(shapes.Output.Elements * layer.Kernel.Volume));
    }

    /// <summary>The lecture's pooling rule for adaptive pooling: the exact sum of every output cell's window.</summary>
    public static OpCount AdaptivePoolingWindow(AdaptivePool layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromMacs(checked(shapes.Input.Channels * layer.WindowCellsPerChannel(shapes.Input)));
    }

    /// <summary>Convolution, everything: the multiply-adds (2 FLOPs each) plus one addition per output for the bias.</summary>
    public static OpCount ConvolutionWithBias(Convolution layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Convolution(layer, shapes) + OpCount.FromFlops(layer.HasBias ? shapes.Output.Elements : 0);
    }

    /// <summary>Fully connected, everything: the multiply-adds plus one addition per output for the bias.</summary>
    public static OpCount LinearWithBias(Linear layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Linear(layer, shapes) + OpCount.FromFlops(layer.HasBias ? shapes.Output.Elements : 0);
    }

    /// <summary>BatchNorm at inference, unfolded: y = x * scale + shift, one multiply-add per element.</summary>
    public static OpCount BatchNormAffine(BatchNorm layer, CostContext shapes) => OpCount.FromMacs(shapes.Output.Elements);

    /// <summary>
    /// Local response normalisation: per element a sum of squares over <c>size</c> channels (size
    /// multiply-adds), then k + alpha / size * sum, a power and a division (3 more FLOPs).
    /// </summary>
    public static OpCount LocalResponse(LocalResponseNorm layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var n = shapes.Output.Elements;
        return OpCount.FromMacs(checked(n * layer.Size)) + OpCount.FromFlops(checked(3 * n));
    }

    /// <summary><paramref name="perElement"/> operations per output element (activations, where a transcendental counts 1).</summary>
    public static CostRule<Layer> PerElement(int perElement) => (_, shapes) => OpCount.FromFlops(checked(perElement * shapes.Output.Elements));

    /// <summary>Max pooling: K x K - 1 (the kernel's volume less one) comparisons per output element.</summary>
    public static OpCount MaxComparisons(MaxPool layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromFlops(checked(shapes.Output.Elements * (layer.Kernel.Volume - 1)));
    }

    /// <summary>Average pooling: K x K - 1 additions and one division per output element.</summary>
    public static OpCount AverageWindow(AvgPool layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromFlops(checked(shapes.Output.Elements * layer.Kernel.Volume));
    }

    /// <summary>Adaptive average pooling: every window cell added, one division per output.</summary>
    public static OpCount AdaptiveAverage(AdaptiveAvgPool layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromFlops(checked(shapes.Input.Channels * layer.WindowCellsPerChannel(shapes.Input)));
    }

    /// <summary>Adaptive max pooling: one comparison per window cell but the first of each output (global max pooling: N - 1 per channel).</summary>
    public static OpCount AdaptiveMaxComparisons(AdaptiveMaxPool layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromFlops(checked((shapes.Input.Channels * layer.WindowCellsPerChannel(shapes.Input)) - shapes.Output.Elements));
    }

    /// <summary>An addition of n tensors: n - 1 additions per output element.</summary>
    public static OpCount Sum(Add layer, CostContext shapes) =>
        OpCount.FromFlops(checked((shapes.Inputs.Count - 1) * shapes.Output.Elements));

    /// <summary>Channel scaling: one multiplication per output element.</summary>
    public static OpCount Multiply(Scale layer, CostContext shapes) => OpCount.FromFlops(shapes.Output.Elements);

    /// <summary>Softmax over N values: N exponentials, N - 1 additions, N divisions, per row.</summary>
    public static OpCount SoftmaxRows(Softmax layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        long n = layer.AxisLength(shapes.Output);
        var rows = shapes.Output.Elements / n;
        return OpCount.FromFlops(checked(rows * ((3L * n) - 1)));
    }

    /// <summary>Transposed convolution of any rank: every input element is spread over C_out / G x kernel volume outputs; bias not counted.</summary>
    public static OpCount TransposedConvolution(TransposedConvolution layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromMacs(checked(shapes.Input.Elements * (layer.OutChannels / layer.Groups) * layer.Kernel.Volume));
    }

    /// <summary>Transposed convolution, everything: its multiply-adds plus one addition per output for the bias.</summary>
    public static OpCount TransposedConvolutionWithBias(TransposedConvolution layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return TransposedConvolution(layer, shapes) + OpCount.FromFlops(layer.HasBias ? shapes.Output.Elements : 0);
    }

    /// <summary>Matrix product [..., M, K] x [..., K, N]: every output element is a dot product of K.</summary>
    public static OpCount MatrixProduct(MatMul layer, CostContext shapes) =>
        OpCount.FromMacs(checked(shapes.Output.Elements * shapes.Input.Dims[^1]));

    /// <summary>
    /// Scaled dot-product attention: H x N x M x d multiply-adds for the scores Q K^T and H x N x M x d_v for
    /// the attention weights times V (PyTorch's two batched products, which FlopCounterMode counts); the
    /// scaling and the softmax are element-wise, not counted.
    /// </summary>
    public static OpCount Attention(ScaledDotProductAttention layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var (heads, n, m, d, dv) = layer.Sizes(shapes.Inputs);
        return OpCount.FromMacs(checked((heads * n * m * d) + (heads * n * m * dv)));
    }

    /// <summary>
    /// Scaled dot-product attention, everything: its two products, the query scaled by 1 / sqrt(d) (one
    /// multiplication per query element) and the softmax of every row of M scores (3M - 1 each); with a
    /// mask, one addition per score; cosine attention (Swin V2) normalises queries and keys instead (3 per
    /// element: square, sum, divide) and multiplies every score by its head's scale.
    /// </summary>
    public static OpCount AttentionAll(ScaledDotProductAttention layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var (heads, n, m, d, _) = layer.Sizes(shapes.Inputs);
        var scores = checked(heads * n * m);
        var scaling = layer.Cosine ? checked((3L * heads * (n + m) * d) + scores) : checked(heads * n * d);
        var mask = shapes.Inputs.Count > 3 ? scores : 0;
        return Attention(layer, shapes) + OpCount.FromFlops(checked(scaling + mask + (heads * n * ((3L * m) - 1))));
    }

    /// <summary>
    /// Multi-head attention, its parts as the convention counts them: the in-projection as a linear layer
    /// ((N + 2M) x D x D multiply-adds: queries, keys and values), the attention core as
    /// <see cref="Attention"/> (2 x N x M x D over all heads) and the out-projection (N x D x D); bias not counted.
    /// </summary>
    public static OpCount MultiheadAttention(MultiheadAttention layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var (n, m, d) = layer.Sizes(shapes.Inputs);
        var projections = checked((n + (2L * m) + n) * d * d);
        return OpCount.FromMacs(projections) + Attention(new ScaledDotProductAttention(), new CostContext(layer.CoreInputs(shapes.Inputs), shapes.Output));
    }

    /// <summary>
    /// Multi-head attention, everything: <see cref="MultiheadAttention"/>'s multiply-adds, the projections'
    /// bias additions ((N + 2M) x D in, N x D out), and the core's scaling and softmax as <see cref="AttentionAll"/>.
    /// </summary>
    public static OpCount MultiheadAttentionAll(MultiheadAttention layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var (n, m, d) = layer.Sizes(shapes.Inputs);
        var biases = layer.HasBias ? checked((n + (2L * m) + n) * d) : 0;
        var core = new CostContext(layer.CoreInputs(shapes.Inputs), shapes.Output);
        var projections = OpCount.FromMacs(checked((n + (2L * m) + n) * d * d));
        return projections + OpCount.FromFlops(biases) + AttentionAll(new ScaledDotProductAttention(), core);
    }

    /// <summary>
    /// MViT V2's decomposed relative positions: the queries' products with the gathered row, column and frame
    /// tables (<see cref="DecomposedRelativePosition.MultiplyAdds"/>; torchvision's two einsums and one matmul,
    /// which FlopCounterMode counts); the sum of the three is element-wise, not counted.
    /// </summary>
    public static OpCount RelativePosition(DecomposedRelativePosition layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromMacs(layer.MultiplyAdds(shapes.Input));
    }

    /// <summary>MViT V2's decomposed relative positions, everything: the three products and the two additions per bias that sum them.</summary>
    public static OpCount RelativePositionAll(DecomposedRelativePosition layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return RelativePosition(layer, shapes) + OpCount.FromFlops(layer.Additions(shapes.Input));
    }

    /// <summary>MViT's positional encoding: one addition per output element when it adds learned positions (V1), none for the class token alone.</summary>
    public static OpCount PositionalEncodingAdds(PositionalEncoding layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromFlops(layer.Absolute ? shapes.Output.Elements : 0);
    }

    /// <summary>One operation per output element of a broadcasting element-wise layer.</summary>
    public static OpCount ElementwiseOutputs(Elementwise layer, CostContext shapes) => OpCount.FromFlops(shapes.Output.Elements);

    /// <summary>A reduction that reads every input element once (a mean: the additions and one division per output).</summary>
    public static OpCount ReadsEveryInput(Layer layer, CostContext shapes) => OpCount.FromMacs(shapes.Input.Elements);

    /// <summary>A reduction that reads every input element once, counted as FLOPs (additions or comparisons).</summary>
    public static OpCount ReadsEveryInputFlops(Layer layer, CostContext shapes) => OpCount.FromFlops(shapes.Input.Elements);

    /// <summary>
    /// Interpolation: per output element a weighted sum of the T^k inputs it reads (T taps along each of
    /// k interpolated axes: linear 2, bilinear 4, trilinear 8, bicubic 16), T^k multiplications and
    /// T^k - 1 additions; nearest: none.
    /// </summary>
    public static OpCount Interpolation(Upsample layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.Mode == InterpolationMode.Nearest)
        {
            return OpCount.Zero;
        }

        var reads = (long)Math.Pow(layer.Taps, layer.ModeRank);
        return OpCount.FromFlops(checked(((2 * reads) - 1) * shapes.Output.Elements));
    }

    /// <summary>
    /// The multiply-adds of a convolution: outputs x (input channels per group) x kernel volume,
    /// the lecture's C_out*H'*W' * C_in*K*K / G.
    /// </summary>
    public static long ConvolutionMacs(long outputElements, long inputChannelsPerGroup, long kernelVolume) =>
        checked(outputElements * inputChannelsPerGroup * kernelVolume);
}

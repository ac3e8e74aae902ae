using System.Collections.Immutable;
using CnnArch.Layers;

namespace CnnArch.Analysis;

/// <summary>The named counting conventions. Every report names the one it used.</summary>
public static class Conventions
{
    /// <summary>The built-in layer types (<see cref="LayerKinds.All"/>); every convention has a rule for each but <see cref="Opaque"/>.</summary>
    public static ImmutableArray<Type> BuiltInLayerTypes { get; } = [.. LayerKinds.All.Select(k => k.Type)];

    // The families and kinds that do no arithmetic a convention of multiply-adds counts: each
    // convention starts from explicit zeros for them and then names the kinds it does count.
    private static readonly Type[] NoMultiplyAdds =
    [
        typeof(Activation), typeof(Softmax), typeof(Normalization), typeof(Dropout), typeof(Identity), typeof(Flatten),
        typeof(Join), typeof(DataMovement), typeof(Pool), typeof(AdaptivePool), typeof(ReduceMean), typeof(StochasticDepth), typeof(LayerScale),
        typeof(ClassToken), typeof(PositionalEmbedding), typeof(PositionalEncoding), typeof(RelativePositionBias), typeof(StoredTensor), typeof(RelativePositionGather),
    ];

    /// <summary>
    /// The lecture's (EECS 498-007 Lecture 8): conv and linear multiply-adds without bias, plus
    /// pooling at K x K per output element; attention as its linear projections and its two matrix
    /// products; everything else 0. FLOPs = 2 x MACs.
    /// </summary>
    public static CostModel Lecture { get; } = CostModel.Create(
            "lecture",
            "MACs: one multiply-add = 1; conv and linear without bias, pooling K x K per output, attention as its q/k/v/out projections and both products (QK^T, weights x V); other layers 0; FLOPs = 2 x MACs.")
        .CountingNothing(NoMultiplyAdds)
        .With<Convolution>(Rules.Convolution)
        .With<TransposedConvolution>(Rules.TransposedConvolution)
        .With<Linear>(Rules.Linear)
        .With<MatMul>(Rules.MatrixProduct)
        .With<ScaledDotProductAttention>(Rules.Attention)
        .With<MultiheadAttention>(Rules.MultiheadAttention)
        .With<DecomposedRelativePosition>(Rules.RelativePosition)
        .With<Pool>(Rules.PoolingWindow)
        .With<AdaptivePool>(Rules.AdaptivePoolingWindow)
        .With<ReduceMean>(Rules.ReadsEveryInput);

    /// <summary>
    /// torchvision's "GFLOPS" (also fvcore's and most papers'): conv and linear multiply-adds only,
    /// bias not counted, and attention's: its q/k/v and out projections and both attention products
    /// (torchvision's vit_b_16: 17.56 G). FLOPs = 2 x MACs, which is PyTorch's FlopCounterMode total.
    /// </summary>
    public static CostModel TorchVision { get; } = CostModel.Create(
            "torchvision",
            "MACs: one multiply-add = 1; conv and linear only, and attention's q/k/v/out projections and both products (QK^T, weights x V), bias not counted (torchvision's GFLOPS, fvcore); FLOPs = 2 x MACs.")
        .CountingNothing(NoMultiplyAdds)
        .With<Convolution>(Rules.Convolution)
        .With<TransposedConvolution>(Rules.TransposedConvolution)
        .With<Linear>(Rules.Linear)
        .With<MatMul>(Rules.MatrixProduct)
        .With<ScaledDotProductAttention>(Rules.Attention)
        .With<MultiheadAttention>(Rules.MultiheadAttention)
        .With<DecomposedRelativePosition>(Rules.RelativePosition);

    /// <summary>
    /// PyTorch's FlopCounterMode (also Paleo's and DeepSpeed's "FLOPs"): 2 FLOPs per multiply-add of
    /// conv and linear (matmul) and of attention's projections and batched products (bmm), nothing else;
    /// MACs as torchvision's.
    /// </summary>
    public static CostModel FlopCounter { get; } = TorchVision.Named(
        "flopcounter",
        "FLOPs: 2 per multiply-add of conv and linear (matmul) and of attention's q/k/v/out projections and both products (bmm) only, bias not counted (PyTorch FlopCounterMode); MACs = FLOPs / 2.");

    /// <summary>
    /// Every operation: conv and linear with their bias additions, BatchNorm as its inference affine
    /// (use <c>Ignoring&lt;BatchNorm&gt;()</c> for BN folded into the conv), activations, pooling
    /// comparisons and sums, residual additions, SE scaling and layer scales, softmax, interpolation, attention
    /// (its projections with bias, the query's scaling, both products and the softmax). The rule of each
    /// kind is in <see cref="Rules"/> and the docs' table; views and copies count nothing.
    /// </summary>
    public static CostModel Full { get; } = CostModel.Create(
            "full",
            "FLOPs: every arithmetic operation (a transcendental = 1): conv/linear 2 per multiply-add + bias, BN 2 per element, activations, pooling, additions, scaling, softmax, attention (projections with bias, query scaling, both products, softmax); MACs: the multiply-adds among them.")
        .CountingNothing([typeof(DataMovement), typeof(Concat), typeof(Dropout), typeof(StochasticDepth), typeof(Identity), typeof(Flatten), typeof(ClassToken), typeof(StoredTensor), typeof(RelativePositionGather)])
        .With<Convolution>(Rules.ConvolutionWithBias)
        .With<TransposedConvolution>(Rules.TransposedConvolutionWithBias)
        .With<Linear>(Rules.LinearWithBias)
        .With<MatMul>(Rules.MatrixProduct)
        .With<ScaledDotProductAttention>(Rules.AttentionAll)
        .With<MultiheadAttention>(Rules.MultiheadAttentionAll)
        .With<DecomposedRelativePosition>(Rules.RelativePositionAll)
        .With<PositionalEmbedding>(Rules.PerElement(1))
        .With<PositionalEncoding>(Rules.PositionalEncodingAdds)
        .With<RelativePositionBias>(Rules.PerElement(1))
        .With<Elementwise>(Rules.ElementwiseOutputs)
        .With<ReduceMean>(Rules.ReadsEveryInputFlops)
        .With<LayerNorm>(Rules.PerElement(8))
        .With<InstanceNorm>(Rules.PerElement(8))
        .With<GroupNorm>(Rules.PerElement(8))
        .With<BatchNorm>(Rules.BatchNormAffine)
        .With<LocalResponseNorm>(Rules.LocalResponse)
        .With<ReLU>(Rules.PerElement(1))
        .With<ReLU6>(Rules.PerElement(2))
        .With<Sigmoid>(Rules.PerElement(3))
        .With<HardSigmoid>(Rules.PerElement(4))
        .With<HardSwish>(Rules.PerElement(5))
        .With<SiLU>(Rules.PerElement(4))
        .With<LeakyReLU>(Rules.PerElement(2))
        .With<PReLU>(Rules.PerElement(2))
        .With<Tanh>(Rules.PerElement(1))
        .With<Erf>(Rules.PerElement(1))
        .With<GELU>(Rules.PerElement(5))
        .With<Clip>(Rules.PerElement(2))
        .With<MaxPool>(Rules.MaxComparisons)
        .With<AvgPool>(Rules.AverageWindow)
        .With<AdaptiveAvgPool>(Rules.AdaptiveAverage)
        .With<AdaptiveMaxPool>(Rules.AdaptiveMaxComparisons)
        .With<Add>(Rules.Sum)
        .With<Scale>(Rules.Multiply)
        .With<LayerScale>(Rules.PerElement(1))
        .With<Softmax>(Rules.SoftmaxRows)
        .With<Upsample>(Rules.Interpolation);

    /// <summary>Every known convention, by name.</summary>
    public static ImmutableArray<CostModel> All { get; } = [Lecture, TorchVision, FlopCounter, Full];

    /// <summary>The built-in layer type whose kind (as reports show it: Conv2d, Hardswish) is <paramref name="kind"/>, case-insensitive.</summary>
    /// <exception cref="ArgumentException">No such kind; the message lists the known ones.</exception>
    public static Type LayerType(string kind) =>
        LayerKinds.Find(kind)?.Type
        ?? throw new ArgumentException($"No layer kind named '{kind}'. Known: {string.Join(", ", LayerKinds.All.Select(k => k.Name))}.", nameof(kind));

    /// <summary>The kind reports show for a layer type (a family's class name, such as Convolution, for a family).</summary>
    public static string KindOf(Type layerType) => LayerKinds.NameOf(layerType);

    /// <summary>The convention named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No such convention; the message lists the known ones.</exception>
    public static CostModel Get(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No convention named '{name}'. Known: {string.Join(", ", All.Select(c => c.Name))}.", nameof(name));
}

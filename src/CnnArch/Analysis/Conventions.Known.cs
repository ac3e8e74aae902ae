using System.Collections.Immutable;
using CnnArch.Layers;

namespace CnnArch.Analysis;

/// <summary>The named counting conventions. Every report names the one it used.</summary>
public static class Conventions
{
    /// <summary>The built-in layer types; every convention has a rule for each.</summary>
    public static ImmutableArray<Type> BuiltInLayerTypes { get; } =
    [
        typeof(Conv2d), typeof(MaxPool2d), typeof(AvgPool2d), typeof(AdaptiveAvgPool2d), typeof(Linear), typeof(Flatten),
        typeof(BatchNorm2d), typeof(LocalResponseNorm), typeof(Dropout), typeof(Identity),
        typeof(ReLU), typeof(ReLU6), typeof(Sigmoid), typeof(HardSigmoid), typeof(HardSwish), typeof(SiLU),
        typeof(Softmax), typeof(Add), typeof(Concat), typeof(Scale),
        typeof(ConvTranspose2d), typeof(MatMul), typeof(Elementwise), typeof(ReduceMean), typeof(GlobalMaxPool2d),
        typeof(LayerNorm), typeof(InstanceNorm2d), typeof(LeakyReLU), typeof(Tanh), typeof(Erf), typeof(GELU), typeof(Clip),
        typeof(Reshape), typeof(Transpose), typeof(Slice), typeof(Pad), typeof(Resize),
    ];

    /// <summary>
    /// The lecture's (EECS 498-007 Lecture 8): conv and linear multiply-adds without bias, plus
    /// pooling at K x K per output element; everything else 0. FLOPs = 2 x MACs.
    /// </summary>
    public static CostModel Lecture { get; } = ZeroForEveryKind(
            "lecture",
            "MACs: one multiply-add = 1; conv and linear without bias, pooling K x K per output; other layers 0; FLOPs = 2 x MACs.")
        .With<Conv2d>(Rules.Convolution)
        .With<Linear>(Rules.Linear)
        .With<ConvTranspose2d>(Rules.TransposedConvolution)
        .With<MatMul>(Rules.MatrixProduct)
        .With<MaxPool2d>(Rules.PoolingWindow)
        .With<AvgPool2d>(Rules.PoolingWindow)
        .With<AdaptiveAvgPool2d>(Rules.AdaptivePoolingWindow)
        .With<GlobalMaxPool2d>(Rules.ReadsEveryInput)
        .With<ReduceMean>(Rules.ReadsEveryInput);

    /// <summary>
    /// torchvision's "GFLOPS" (also fvcore's and most papers'): conv and linear multiply-adds only,
    /// bias not counted. FLOPs = 2 x MACs, which is PyTorch's FlopCounterMode total.
    /// </summary>
    public static CostModel TorchVision { get; } = ZeroForEveryKind(
            "torchvision",
            "MACs: one multiply-add = 1; conv and linear only, bias not counted (torchvision's GFLOPS, fvcore); FLOPs = 2 x MACs.")
        .With<Conv2d>(Rules.Convolution)
        .With<ConvTranspose2d>(Rules.TransposedConvolution)
        .With<Linear>(Rules.Linear)
        .With<MatMul>(Rules.MatrixProduct);

    /// <summary>
    /// PyTorch's FlopCounterMode (also Paleo's and DeepSpeed's "FLOPs"): 2 FLOPs per multiply-add of
    /// conv and linear (matmul), nothing else; MACs as torchvision's.
    /// </summary>
    public static CostModel FlopCounter { get; } = TorchVision.Named(
        "flopcounter",
        "FLOPs: 2 per multiply-add of conv and linear (matmul) only, bias not counted (PyTorch FlopCounterMode); MACs = FLOPs / 2.");

    /// <summary>
    /// Every operation: conv and linear with their bias additions, BatchNorm as its inference affine
    /// (use <c>Ignoring&lt;BatchNorm2d&gt;()</c> for BN folded into the conv), activations, pooling
    /// comparisons and sums, residual additions, SE scaling, softmax. The rule of each kind is in
    /// <see cref="Rules"/> and the docs' table.
    /// </summary>
    public static CostModel Full { get; } = ZeroForEveryKind(
            "full",
            "FLOPs: every arithmetic operation (a transcendental = 1): conv/linear 2 per multiply-add + bias, BN 2 per element, activations, pooling, additions, scaling, softmax; MACs: the multiply-adds among them.")
        .With<Conv2d>(Rules.ConvolutionWithBias)
        .With<ConvTranspose2d>(Rules.TransposedConvolutionWithBias)
        .With<Linear>(Rules.LinearWithBias)
        .With<MatMul>(Rules.MatrixProduct)
        .With<Elementwise>(Rules.ElementwiseOutputs)
        .With<ReduceMean>(Rules.ReadsEveryInputFlops)
        .With<GlobalMaxPool2d>(Rules.ReadsEveryInputFlops)
        .With<LayerNorm>(Rules.PerElement(8))
        .With<InstanceNorm2d>(Rules.PerElement(8))
        .With<LeakyReLU>(Rules.PerElement(2))
        .With<Tanh>(Rules.PerElement(1))
        .With<Erf>(Rules.PerElement(1))
        .With<GELU>(Rules.PerElement(5))
        .With<Clip>(Rules.PerElement(2))
        .With<Resize>(Rules.Interpolation)
        .With<BatchNorm2d>(Rules.BatchNormAffine)
        .With<LocalResponseNorm>(Rules.LocalResponse)
        .With<ReLU>(Rules.PerElement(1))
        .With<ReLU6>(Rules.PerElement(2))
        .With<Sigmoid>(Rules.PerElement(3))
        .With<HardSigmoid>(Rules.PerElement(4))
        .With<HardSwish>(Rules.PerElement(5))
        .With<SiLU>(Rules.PerElement(4))
        .With<MaxPool2d>(Rules.MaxComparisons)
        .With<AvgPool2d>(Rules.AverageWindow)
        .With<AdaptiveAvgPool2d>(Rules.AdaptiveAverage)
        .With<Add>(Rules.Sum)
        .With<Scale>(Rules.Multiply)
        .With<Softmax>(Rules.SoftmaxRows);

    /// <summary>Every known convention, by name.</summary>
    public static ImmutableArray<CostModel> All { get; } = [Lecture, TorchVision, FlopCounter, Full];

    /// <summary>The built-in layer type whose kind (as reports show it: Conv2d, Hardswish) is <paramref name="kind"/>, case-insensitive.</summary>
    /// <exception cref="ArgumentException">No such kind; the message lists the known ones.</exception>
    public static Type LayerType(string kind) =>
        BuiltInLayerTypes.FirstOrDefault(t => string.Equals(KindOf(t), kind, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No layer kind named '{kind}'. Known: {string.Join(", ", BuiltInLayerTypes.Select(KindOf))}.", nameof(kind));

    /// <summary>The kind reports show for a built-in layer type.</summary>
    public static string KindOf(Type layerType)
    {
        ArgumentNullException.ThrowIfNull(layerType);
        return layerType == typeof(HardSigmoid) ? "Hardsigmoid"
            : layerType == typeof(HardSwish) ? "Hardswish"
            : layerType == typeof(GlobalMaxPool2d) ? "AdaptiveMaxPool2d"
            : layerType.Name;
    }

    /// <summary>The convention named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No such convention; the message lists the known ones.</exception>
    public static CostModel Get(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No convention named '{name}'. Known: {string.Join(", ", All.Select(c => c.Name))}.", nameof(name));

    // Explicit zeros: a kind that costs nothing in a convention says so, rather than lacking a rule.
    private static CostModel ZeroForEveryKind(string name, string statement) =>
        CostModel.Create(name, statement).WithZeroRules(BuiltInLayerTypes);
}

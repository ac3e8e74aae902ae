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
        typeof(Add), typeof(Concat), typeof(Scale),
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
        .With<MaxPool2d>(Rules.PoolingWindow)
        .With<AvgPool2d>(Rules.PoolingWindow)
        .With<AdaptiveAvgPool2d>(Rules.AdaptivePoolingWindow);

    /// <summary>
    /// torchvision's "GFLOPS" (also fvcore's and most papers'): conv and linear multiply-adds only,
    /// bias not counted. FLOPs = 2 x MACs, which is PyTorch's FlopCounterMode total.
    /// </summary>
    public static CostModel TorchVision { get; } = ZeroForEveryKind(
            "torchvision",
            "MACs: one multiply-add = 1; conv and linear only, bias not counted (torchvision's GFLOPS, fvcore); FLOPs = 2 x MACs.")
        .With<Conv2d>(Rules.Convolution)
        .With<Linear>(Rules.Linear);

    /// <summary>Every known convention, by name.</summary>
    public static ImmutableArray<CostModel> All { get; } = [Lecture, TorchVision];

    /// <summary>The convention named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No such convention; the message lists the known ones.</exception>
    public static CostModel Get(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No convention named '{name}'. Known: {string.Join(", ", All.Select(c => c.Name))}.", nameof(name));

    // Explicit zeros: a kind that costs nothing in a convention says so, rather than lacking a rule.
    private static CostModel ZeroForEveryKind(string name, string statement) =>
        BuiltInLayerTypes.Aggregate(CostModel.Create(name, statement), static (model, type) => model.WithZeroRule(type));
}

using System.Collections.Immutable;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>One row of EfficientNet-B0's stage table (paper Table 1, torchvision's <c>bneck_conf</c>).</summary>
/// <param name="ExpandRatio">Expansion of the inverted residual (1 or 6).</param>
/// <param name="Kernel">Depthwise kernel (3 or 5).</param>
/// <param name="Stride">Stride of the stage's first block.</param>
/// <param name="InputChannels">Channels into the stage, before the width multiplier.</param>
/// <param name="OutChannels">Channels out of the stage, before the width multiplier.</param>
/// <param name="Layers">Blocks in the stage, before the depth multiplier.</param>
public sealed record MBConvStage(int ExpandRatio, int Kernel, int Stride, int InputChannels, int OutChannels, int Layers);

/// <summary>
/// The coefficients that make B1-B7 from B0, as torchvision's <c>efficientnet_bN</c>: a width and a
/// depth multiplier, the evaluation resolution and the classifier's dropout.
/// </summary>
/// <param name="Width">Channel multiplier (rounded to multiples of 8 by <c>_make_divisible</c>).</param>
/// <param name="Depth">Block-count multiplier (rounded up per stage).</param>
/// <param name="Resolution">torchvision's evaluation crop size.</param>
/// <param name="Dropout">Dropout before the classifier.</param>
public sealed record EfficientNetCoefficients(double Width, double Depth, int Resolution, double Dropout);

/// <summary>
/// EfficientNet B0-B7 (Tan and Le 2019) as torchvision: a NAS-found B0 (MBConv blocks with SiLU and
/// squeeze-and-excitation) and compound scaling of its width, depth and resolution.
/// </summary>
public static class EfficientNets
{
    internal const string Paper = "Tan, Le. EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks. ICML 2019 (arXiv 1905.11946), Table 1";

    /// <summary>B0's stage table: expansion, kernel, stride, in, out, repeats.</summary>
    public static ImmutableArray<MBConvStage> B0Stages { get; } =
    [
        new(1, 3, 1, 32, 16, 1), new(6, 3, 2, 16, 24, 2), new(6, 5, 2, 24, 40, 2), new(6, 3, 2, 40, 80, 3),
        new(6, 5, 1, 80, 112, 3), new(6, 5, 2, 112, 192, 4), new(6, 3, 1, 192, 320, 1),
    ];

    /// <summary>torchvision's coefficients for B0 (index 0) to B7 (index 7).</summary>
    public static ImmutableArray<EfficientNetCoefficients> Variants { get; } =
    [
        new(1.0, 1.0, 224, 0.2), new(1.0, 1.1, 240, 0.2), new(1.1, 1.2, 288, 0.3), new(1.2, 1.4, 300, 0.3),
        new(1.4, 1.8, 380, 0.4), new(1.6, 2.2, 456, 0.4), new(1.8, 2.6, 528, 0.5), new(2.0, 3.1, 600, 0.5),
    ];

    /// <summary>
    /// EfficientNet with the given multipliers. Each stage's channels are <c>_make_divisible(c x width, 8)</c>,
    /// its repeats <c>ceil(n x depth)</c>; every MBConv expands (when the ratio is not 1), runs a depthwise
    /// conv, an SE whose squeeze is a quarter of the block's input channels (at least 1, SiLU inside), and
    /// a linear 1x1 projection; a residual with stochastic depth (the identity at inference; its drop
    /// probability grows from 0 by 0.2 / blocks per block, as torchvision) when shapes allow. Names follow
    /// torchvision: <c>features.1.0.block.0.0</c>, <c>features.2.1.stochastic_depth</c>.
    /// </summary>
    public static Network Build(string name, double width, double depth, int resolution, double dropout)
    {
        Guard.Positive(resolution, nameof(resolution));
        int Ch(double c) => Channels.MakeDivisible(c * width);
        int Repeats(MBConvStage stage) => checked((int)Math.Ceiling(stage.Layers * depth));
        var total = B0Stages.Sum(Repeats);
        var features = new List<Module> { ConvBnSiLU(Ch(B0Stages[0].InputChannels), 3, 2) };
        var blockId = 0;
        foreach (var stage in B0Stages)
        {
            var blocks = new List<Module>();
            var inChannels = Ch(stage.InputChannels);
            var outChannels = Ch(stage.OutChannels);
            for (var i = 0; i < Repeats(stage); i++)
            {
                var stride = i == 0 ? stage.Stride : 1;
                blocks.Add(MBConv(inChannels, outChannels, stage.ExpandRatio, stage.Kernel, stride, StochasticDepthProbability * blockId++ / total));
                inChannels = outChannels;
            }

            features.Add(new Sequential(blocks));
        }

        features.Add(ConvBnSiLU(4 * Ch(B0Stages[^1].OutChannels), 1));
        return Network.Create(name, Head(features, dropout, 1000), TensorShape.Chw(3, resolution, resolution));
    }

    // torchvision's stochastic_depth_prob of every EfficientNet: the last block's drop probability approaches it.
    internal const double StochasticDepthProbability = 0.2;

    // Conv2dNormActivation: conv without bias ("same" padding), BatchNorm, SiLU unless act is false.
    internal static Sequential ConvBnSiLU(int outChannels, int kernel, int stride = 1, int groups = 1, bool act = true)
    {
        var conv = new Conv2d { OutChannels = outChannels, Kernel = kernel, Stride = stride, Padding = (kernel - 1) / 2, Groups = groups, HasBias = false };
        return act ? new Sequential(conv, new BatchNorm2d(), new SiLU { Inplace = true }) : new Sequential(conv, new BatchNorm2d());
    }

    // torchvision's MBConv: 1x1 expansion (when the ratio is not 1), depthwise conv, SE (a quarter of the input channels), linear 1x1 projection.
    internal static Module MBConv(int inChannels, int outChannels, double expandRatio, int kernel, int stride, double dropProbability)
    {
        var expanded = Channels.MakeDivisible(inChannels * expandRatio);
        var layers = new List<Module>();
        if (expanded != inChannels)
        {
            layers.Add(ConvBnSiLU(expanded, 1));
        }

        layers.Add(ConvBnSiLU(expanded, kernel, stride, expanded));
        layers.Add(SqueezeExcitation.Create(expanded, Math.Max(1, inChannels / 4), new SiLU { Inplace = true }));
        layers.Add(ConvBnSiLU(outChannels, 1, act: false));
        return ResidualBlock(new Sequential(layers), stride == 1 && inChannels == outChannels, dropProbability);
    }

    // A block of torchvision's EfficientNets: its layers as "block", then stochastic depth and the in-place
    // residual add when the shapes allow (torchvision calls its stochastic_depth module only then).
    internal static Module ResidualBlock(Sequential layers, bool residual, double dropProbability) => residual
        ? new Residual { Body = Sequential.Of(("block", layers), ("stochastic_depth", new StochasticDepth { P = dropProbability })), InPlaceJoin = true }
        : Sequential.Of(("block", layers));

    // The features, global average pooling, torch.flatten, and the classifier: in-place dropout and the linear layer.
    internal static Sequential Head(List<Module> features, double dropout, int classes) => Sequential.Of(
        ("features", new Sequential(features)),
        ("avgpool", AdaptiveAvgPool2d.Global),
        ("flatten", new Functional(Flatten.Instance)),
        ("classifier", new Sequential(new Dropout { P = dropout, Inplace = true }, new Linear { OutFeatures = classes })));

    /// <summary>EfficientNet-B<paramref name="variant"/> (0-7) as torchvision, at its evaluation resolution.</summary>
    public static Network B(int variant)
    {
        if (variant < 0 || variant >= Variants.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(variant), variant, "EfficientNet variants are B0 to B7.");
        }

        var v = Variants[variant];
        return Build($"efficientnet_b{variant}", v.Width, v.Depth, v.Resolution, v.Dropout);
    }
}

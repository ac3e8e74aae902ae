using System.Collections.Immutable;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>One row of an EfficientNetV2 stage table (torchvision's <c>_efficientnet_conf</c>, the paper's Table 4).</summary>
/// <param name="Fused">A Fused-MBConv stage (a full 3x3 conv in place of the 1x1 expansion and the depthwise conv, no SE) rather than an MBConv one.</param>
/// <param name="ExpandRatio">Expansion of the block (1, 4 or 6).</param>
/// <param name="Kernel">The 3x3 conv's kernel.</param>
/// <param name="Stride">Stride of the stage's first block.</param>
/// <param name="InputChannels">Channels into the stage.</param>
/// <param name="OutChannels">Channels out of the stage.</param>
/// <param name="Layers">Blocks in the stage.</param>
public sealed record EfficientNetV2Stage(bool Fused, int ExpandRatio, int Kernel, int Stride, int InputChannels, int OutChannels, int Layers);

/// <summary>A size of EfficientNetV2 as torchvision builds it.</summary>
/// <param name="Name">torchvision's name: <c>efficientnet_v2_s</c>, <c>_m</c>, <c>_l</c>.</param>
/// <param name="Stages">The stage table.</param>
/// <param name="Resolution">torchvision's evaluation crop size.</param>
/// <param name="Dropout">Dropout before the classifier.</param>
public sealed record EfficientNetV2Size(string Name, ImmutableArray<EfficientNetV2Stage> Stages, int Resolution, double Dropout);

/// <summary>
/// EfficientNetV2 (Tan and Le 2021) as torchvision: Fused-MBConv stages early (where depthwise convs are
/// slow on large maps), MBConv stages with squeeze-and-excitation after, SiLU throughout, a 1x1 conv to
/// 1280 channels and the classifier. Stochastic depth grows linearly from 0 by 0.2 / blocks per block.
/// </summary>
public static class EfficientNetV2
{
    internal const string Paper = "Tan, Le. EfficientNetV2: Smaller Models and Faster Training. ICML 2021 (arXiv 2104.00298), Table 4";

    private const int LastChannels = 1280;

    private static EfficientNetV2Stage Fused(int expand, int stride, int input, int output, int layers) => new(true, expand, 3, stride, input, output, layers);

    private static EfficientNetV2Stage MB(int expand, int stride, int input, int output, int layers) => new(false, expand, 3, stride, input, output, layers);

    /// <summary>torchvision's three sizes: S at 384, M and L at 480.</summary>
    public static ImmutableArray<EfficientNetV2Size> Sizes { get; } =
    [
        new("efficientnet_v2_s", [Fused(1, 1, 24, 24, 2), Fused(4, 2, 24, 48, 4), Fused(4, 2, 48, 64, 4), MB(4, 2, 64, 128, 6), MB(6, 1, 128, 160, 9), MB(6, 2, 160, 256, 15)], 384, 0.2),
        new("efficientnet_v2_m", [Fused(1, 1, 24, 24, 3), Fused(4, 2, 24, 48, 5), Fused(4, 2, 48, 80, 5), MB(4, 2, 80, 160, 7), MB(6, 1, 160, 176, 14), MB(6, 2, 176, 304, 18), MB(6, 1, 304, 512, 5)], 480, 0.3),
        new("efficientnet_v2_l", [Fused(1, 1, 32, 32, 4), Fused(4, 2, 32, 64, 7), Fused(4, 2, 64, 96, 7), MB(4, 2, 96, 192, 10), MB(6, 1, 192, 224, 19), MB(6, 2, 224, 384, 25), MB(6, 1, 384, 640, 7)], 480, 0.4),
    ];

    /// <summary>The size named <paramref name="name"/> (<c>efficientnet_v2_s</c>, <c>_m</c> or <c>_l</c>) with <paramref name="classes"/> outputs, at its evaluation resolution.</summary>
    /// <exception cref="ArgumentException">No such size.</exception>
    public static Network Create(string name, int classes = 1000)
    {
        var size = Sizes.FirstOrDefault(s => s.Name == name)
            ?? throw new ArgumentException($"EfficientNetV2 sizes are {string.Join(", ", Sizes.Select(s => s.Name))}; got '{name}'.", nameof(name));
        return Build(size.Name, size.Stages, size.Resolution, size.Dropout, classes);
    }

    /// <summary>
    /// EfficientNetV2 from a stage table: a 3x3 stride-2 stem (conv, BN, SiLU) to the first stage's
    /// input channels; per block a Fused-MBConv (3x3 expansion conv then a linear 1x1 projection, or a
    /// single 3x3 conv when the ratio is 1) or an MBConv (as EfficientNet's, SE squeezing to a quarter of
    /// the block's input); the residual with stochastic depth when stride and channels allow; a 1x1 conv to
    /// 1280 channels, global average pooling, dropout and the classifier. Names follow torchvision
    /// (<c>features.2.0.block.0.0</c>, <c>features.4.1.block.2.fc1</c>, <c>features.1.1.stochastic_depth</c>).
    /// </summary>
    public static Network Build(string name, IReadOnlyList<EfficientNetV2Stage> stages, int resolution, double dropout, int classes = 1000)
    {
        ArgumentNullException.ThrowIfNull(stages);
        Guard.Positive(resolution, nameof(resolution));
        Guard.Positive(classes, nameof(classes));
        if (stages.Count == 0)
        {
            throw new ArgumentException("EfficientNetV2 needs at least one stage.", nameof(stages));
        }

        var total = stages.Sum(s => s.Layers);
        var features = new List<Module> { EfficientNets.ConvBnSiLU(stages[0].InputChannels, 3, 2) };
        var blockId = 0;
        foreach (var stage in stages)
        {
            var blocks = new List<Module>();
            var inChannels = stage.InputChannels;
            for (var i = 0; i < stage.Layers; i++)
            {
                var stride = i == 0 ? stage.Stride : 1;
                var p = EfficientNets.StochasticDepthProbability * blockId++ / total;
                blocks.Add(stage.Fused
                    ? FusedMBConv(inChannels, stage.OutChannels, stage.ExpandRatio, stage.Kernel, stride, p)
                    : EfficientNets.MBConv(inChannels, stage.OutChannels, stage.ExpandRatio, stage.Kernel, stride, p));
                inChannels = stage.OutChannels;
            }

            features.Add(new Sequential(blocks));
        }

        features.Add(EfficientNets.ConvBnSiLU(LastChannels, 1));
        return Network.Create(name, EfficientNets.Head(features, dropout, classes), TensorShape.Chw(3, resolution, resolution));
    }

    // torchvision's FusedMBConv: a KxK conv to the expanded width (BN, SiLU) and a linear 1x1 projection, or one KxK conv when nothing expands.
    private static Module FusedMBConv(int inChannels, int outChannels, int expandRatio, int kernel, int stride, double dropProbability)
    {
        var expanded = Channels.MakeDivisible(inChannels * (double)expandRatio);
        var layers = expanded != inChannels
            ? new Sequential(EfficientNets.ConvBnSiLU(expanded, kernel, stride), EfficientNets.ConvBnSiLU(outChannels, 1, act: false))
            : new Sequential(EfficientNets.ConvBnSiLU(outChannels, kernel, stride));
        return EfficientNets.ResidualBlock(layers, stride == 1 && inChannels == outChannels, dropProbability);
    }
}

using System.Collections.Immutable;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>A size of ConvNeXt as torchvision builds it.</summary>
/// <param name="Name">torchvision's name: <c>convnext_tiny</c>, <c>_small</c>, <c>_base</c>, <c>_large</c>.</param>
/// <param name="Widths">Channels of the four stages.</param>
/// <param name="Depths">Blocks in the four stages.</param>
/// <param name="StochasticDepth">The last block's stochastic-depth probability (torchvision's <c>stochastic_depth_prob</c>).</param>
public sealed record ConvNeXtSize(string Name, ImmutableArray<int> Widths, ImmutableArray<int> Depths, double StochasticDepth);

/// <summary>
/// ConvNeXt (Liu et al. 2022) as torchvision: a ResNet modernised towards the Swin Transformer. A 4x4
/// stride-4 "patchify" stem, four stages of blocks (7x7 depthwise conv, LayerNorm, an inverted 4x MLP
/// with GELU as two linear layers on the channels-last map, a learned per-channel layer scale, stochastic
/// depth and the residual add), LayerNorm and a 2x2 stride-2 conv between stages, LayerNorm before the classifier.
/// </summary>
public static class ConvNeXt
{
    internal const string Paper = "Liu, Mao, Wu, Feichtenhofer, Darrell, Xie. A ConvNet for the 2020s. CVPR 2022 (arXiv 2201.03545)";

    /// <summary>torchvision's four sizes: T, S, B and L.</summary>
    public static ImmutableArray<ConvNeXtSize> Sizes { get; } =
    [
        new("convnext_tiny", [96, 192, 384, 768], [3, 3, 9, 3], 0.1),
        new("convnext_small", [96, 192, 384, 768], [3, 3, 27, 3], 0.4),
        new("convnext_base", [128, 256, 512, 1024], [3, 3, 27, 3], 0.5),
        new("convnext_large", [192, 384, 768, 1536], [3, 3, 27, 3], 0.5),
    ];

    /// <summary>The size named <paramref name="name"/> (<c>convnext_tiny</c>, <c>_small</c>, <c>_base</c> or <c>_large</c>) with <paramref name="classes"/> outputs, at 224x224.</summary>
    /// <exception cref="ArgumentException">No such size.</exception>
    public static Network Create(string name, int classes = 1000)
    {
        var size = Sizes.FirstOrDefault(s => s.Name == name)
            ?? throw new ArgumentException($"ConvNeXt sizes are {string.Join(", ", Sizes.Select(s => s.Name))}; got '{name}'.", nameof(name));
        return Build(size, classes);
    }

    /// <summary>
    /// ConvNeXt of a size. Names follow torchvision: <c>features.0.0</c> (the stem conv), <c>features.1.0.block.0</c>
    /// (a block's depthwise conv), <c>features.1.0.block.1</c> (the Permute to channels last),
    /// <c>features.1.0.layer_scale</c> (a functional row: the block's parameter, C weights),
    /// <c>features.1.0.stochastic_depth</c>, <c>features.2.1</c> (a downsampling conv), <c>classifier.2</c>.
    /// </summary>
    public static Network Build(ConvNeXtSize size, int classes = 1000)
    {
        ArgumentNullException.ThrowIfNull(size);
        Guard.Positive(classes, nameof(classes));
        if (size.Widths.Length == 0 || size.Widths.Length != size.Depths.Length)
        {
            throw new ArgumentException($"ConvNeXt needs one width per stage; got {size.Widths.Length} widths and {size.Depths.Length} depths.", nameof(size));
        }

        var total = size.Depths.Sum();
        var features = new List<Module> { new Sequential(new Conv2d { OutChannels = size.Widths[0], Kernel = 4, Stride = 4 }, LayerNorm2d()) };
        var blockId = 0;
        for (var stage = 0; stage < size.Widths.Length; stage++)
        {
            var blocks = new List<Module>();
            for (var i = 0; i < size.Depths[stage]; i++)
            {
                // torchvision: stochastic_depth_prob x block / (blocks - 1), so the last block drops with the full probability.
                blocks.Add(Block(size.Widths[stage], total > 1 ? size.StochasticDepth * blockId++ / (total - 1.0) : 0));
            }

            features.Add(new Sequential(blocks));
            if (stage + 1 < size.Widths.Length)
            {
                features.Add(new Sequential(LayerNorm2d(), new Conv2d { OutChannels = size.Widths[stage + 1], Kernel = 2, Stride = 2 }));
            }
        }

        var net = Sequential.Of(
            ("features", new Sequential(features)),
            ("avgpool", AdaptiveAvgPool2d.Global),
            ("classifier", new Sequential(LayerNorm2d(), new Flatten(), new Linear { OutFeatures = classes })));
        return Network.Create(size.Name, net, TensorShape.Chw(3, 224, 224));
    }

    // torchvision's LayerNorm2d (eps 1e-6): a LayerNorm of each position's channels on an NCHW map.
    private static LayerNorm LayerNorm2d() => new() { Axis = 0, AxisCount = 1 };

    // CNBlock: 7x7 depthwise conv, Permute to NHWC, LayerNorm, Linear 4C, GELU, Linear C, Permute back; then
    // layer_scale x that (the block's own parameter of C x 1 x 1: a functional row), stochastic depth, += input.
    private static Residual Block(int channels, double dropProbability) => new()
    {
        Body = Sequential.Of(
            ("block", new Sequential(
                new Conv2d { OutChannels = channels, Kernel = 7, Padding = 3, Groups = channels },
                new Transpose { Perm = [1, 2, 0] },
                new LayerNorm(),
                new Linear { OutFeatures = 4 * channels },
                new GELU(),
                new Linear { OutFeatures = channels },
                new Transpose { Perm = [2, 0, 1] })),
            ("layer_scale", new Functional(new LayerScale())),
            ("stochastic_depth", new StochasticDepth { P = dropProbability })),
        InPlaceJoin = true,
    };
}

using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>The two residual blocks of He et al. 2015.</summary>
public enum ResidualBlockKind
{
    /// <summary>Two 3x3 convs (ResNet-18/34): 18HWC^2 multiply-adds at C channels.</summary>
    Basic,

    /// <summary>1x1 reduce, 3x3, 1x1 expand by 4 (ResNet-50 and deeper): 17HWC^2 at 4C -> C -> C -> 4C.</summary>
    Bottleneck,
}

/// <summary>Whose module names a ResNet's layers carry.</summary>
public enum ResNetNaming
{
    /// <summary>torchvision's: <c>layer1.0.conv1</c>, <c>relu</c>, <c>downsample</c>, <c>avgpool</c>, <c>fc</c>.</summary>
    TorchVision,

    /// <summary>timm's: <c>act1</c>..<c>act3</c>, identity placeholders (<c>drop_block</c>, <c>aa</c>), <c>global_pool</c>.</summary>
    Timm,
}

/// <summary>
/// Everything that distinguishes a ResNet, Wide ResNet, ResNeXt or SE-ResNet: the family builder's input.
/// </summary>
public sealed record ResNetOptions
{
    /// <summary>The network's name.</summary>
    public required string Name { get; init; }

    /// <summary>Basic or bottleneck blocks.</summary>
    public required ResidualBlockKind Block { get; init; }

    /// <summary>Blocks per stage, e.g. [3, 4, 6, 3] for ResNet-50. Stages 2 onwards halve the resolution and double the width.</summary>
    public required IReadOnlyList<int> Depths { get; init; }

    /// <summary>Cardinality G of the 3x3 conv (ResNeXt); default 1.</summary>
    public int Groups { get; init => field = Guard.Positive(value, nameof(Groups)); } = 1;

    /// <summary>Width per group at the first stage: 64 for ResNet, 4 for ResNeXt-32x4d, 128 for Wide ResNet-50-2.</summary>
    public int WidthPerGroup { get; init => field = Guard.Positive(value, nameof(WidthPerGroup)); } = 64;

    /// <summary>
    /// Put the downsampling stride on the first 1x1 conv of a bottleneck, as the paper ("v1"); the
    /// default false puts it on the 3x3, as torchvision and NVIDIA ("v1.5").
    /// </summary>
    public bool StrideOnFirst1x1 { get; init; }

    /// <summary>Add squeeze-and-excitation after the last BN of every block's body (Hu et al. 2017).</summary>
    public bool SqueezeExcitation { get; init; }

    /// <summary>SE reduction ratio r: the squeeze has C / r channels (rounded to a multiple of 8); default 16.</summary>
    public int SeReduction { get; init => field = Guard.Positive(value, nameof(SeReduction)); } = 16;

    /// <summary>
    /// Pre-activation blocks (He et al. 2016, "Identity Mappings"): BN and ReLU before each conv, no
    /// ReLU after the addition, a projection shortcut without BN, and BN + ReLU after the last stage.
    /// </summary>
    public bool PreActivation { get; init; }

    /// <summary>
    /// Stages, from the second on, whose downsampling stride becomes dilation, as torchvision's
    /// <c>replace_stride_with_dilation</c> (<c>[false, true, true]</c> for the segmentation backbones):
    /// such a stage keeps its input's resolution, its first block's 3x3 conv takes the dilation so far and
    /// the other blocks' the dilation times 2. A missing entry is false. Bottleneck blocks only, as torchvision.
    /// </summary>
    public IReadOnlyList<bool> ReplaceStrideWithDilation { get; init; } = [];

    /// <summary>Module naming; default torchvision's.</summary>
    public ResNetNaming Naming { get; init; } = ResNetNaming.TorchVision;

    /// <summary>Classes of the final FC layer; default 1000.</summary>
    public int Classes { get; init => field = Guard.Positive(value, nameof(Classes)); } = 1000;
}

/// <summary>
/// ResNet (He et al. 2015), Wide ResNet (Zagoruyko and Komodakis 2016), ResNeXt (Xie et al. 2016)
/// and SE-ResNet (Hu et al. 2017), built by one family builder from a depth table, as torchvision's
/// <c>_resnet(Bottleneck, [3, 4, 6, 3])</c>.
/// </summary>
public static class ResNets
{
    internal const string ResNetPaper = "He, Zhang, Ren, Sun. Deep Residual Learning for Image Recognition. CVPR 2016 (arXiv 1512.03385), Table 1";
    internal const string ResNeXtPaper = "Xie, Girshick, Dollar, Tu, He. Aggregated Residual Transformations for Deep Neural Networks. CVPR 2017 (arXiv 1611.05431)";
    internal const string WidePaper = "Zagoruyko, Komodakis. Wide Residual Networks. BMVC 2016 (arXiv 1605.07146)";
    internal const string SePaper = "Hu, Shen, Sun. Squeeze-and-Excitation Networks. CVPR 2018 (arXiv 1709.01507)";

    /// <summary>Blocks per stage of the paper's Table 1, by depth.</summary>
    public static IReadOnlyDictionary<int, (ResidualBlockKind Block, int[] Depths)> Depths { get; } = new Dictionary<int, (ResidualBlockKind, int[])>
    {
        [18] = (ResidualBlockKind.Basic, [2, 2, 2, 2]),
        [34] = (ResidualBlockKind.Basic, [3, 4, 6, 3]),
        [50] = (ResidualBlockKind.Bottleneck, [3, 4, 6, 3]),
        [101] = (ResidualBlockKind.Bottleneck, [3, 4, 23, 3]),
        [152] = (ResidualBlockKind.Bottleneck, [3, 8, 36, 3]),
    };

    /// <summary>ResNet-<paramref name="depth"/> as torchvision (stride on the 3x3, "v1.5").</summary>
    public static Network ResNet(int depth) => Build(Standard($"resnet{depth}", depth));

    /// <summary>The family builder: any depth table, cardinality, width per group, block kind and option.</summary>
    /// <exception cref="ArgumentException">Dilation asked of basic blocks (torchvision's <c>BasicBlock</c> has none).</exception>
    public static Network Build(ResNetOptions options)
    {
        var children = Features(options);
        if (options.Naming == ResNetNaming.Timm)
        {
            children.Add(new("global_pool", Sequential.Of(("pool", AdaptiveAvgPool2d.Global), ("flatten", Flatten.Instance))));
        }
        else
        {
            children.Add(new("avgpool", AdaptiveAvgPool2d.Global));
            children.Add(new("flatten", new Functional(Flatten.Instance)));
        }

        children.Add(new("fc", new Linear { OutFeatures = options.Classes }));
        return Network.Create(options.Name, new Sequential(children), TensorShape.Chw(3, 224, 224));
    }

    // The stem and the stages (with pre-activation's closing BN and ReLU): everything before the pooling,
    // the backbone a segmentation model takes (layer1 ... layer4).
    internal static List<Child> Features(ResNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Block == ResidualBlockKind.Basic && options.ReplaceStrideWithDilation.Any(d => d))
        {
            throw new ArgumentException("Dilation needs bottleneck blocks: torchvision's BasicBlock supports dilation 1 only.", nameof(options));
        }

        var timm = options.Naming == ResNetNaming.Timm;
        var stem = new List<Child>
        {
            new("conv1", new Conv2d { OutChannels = 64, Kernel = 7, Stride = 2, Padding = 3, HasBias = false }),
        };
        if (!options.PreActivation)
        {
            stem.Add(new("bn1", new BatchNorm2d()));
            stem.Add(new(timm ? "act1" : "relu", new ReLU { Inplace = true }));
        }

        stem.Add(new("maxpool", new MaxPool2d { Kernel = 3, Stride = 2, Padding = 1 }));
        var children = new List<Child>(stem);

        var expansion = options.Block == ResidualBlockKind.Bottleneck ? 4 : 1;
        var inChannels = 64;
        var dilation = 1;
        int[] planes = [64, 128, 256, 512];
        for (var stage = 0; stage < options.Depths.Count; stage++)
        {
            var p = planes[Math.Min(stage, 3)] << Math.Max(0, stage - 3);
            var (stageStride, previous) = (stage > 0 ? 2 : 1, dilation);
            if (stage > 0 && stage - 1 < options.ReplaceStrideWithDilation.Count && options.ReplaceStrideWithDilation[stage - 1])
            {
                (dilation, stageStride) = (dilation * stageStride, 1);
            }

            var blocks = new List<Module>();
            for (var i = 0; i < options.Depths[stage]; i++)
            {
                blocks.Add(Block(options, inChannels, p, i == 0 ? stageStride : 1, i == 0 ? previous : dilation));
                inChannels = p * expansion;
            }

            children.Add(new($"layer{stage + 1}", new Sequential(blocks)));
        }

        if (options.PreActivation)
        {
            children.Add(new("post_bn", new BatchNorm2d()));
            children.Add(new("post_relu", new ReLU { Inplace = true }));
        }

        return children;
    }

    private static Residual Block(ResNetOptions o, int inChannels, int planes, int stride, int dilation)
    {
        var timm = o.Naming == ResNetNaming.Timm;
        var bottleneck = o.Block == ResidualBlockKind.Bottleneck;
        var outChannels = bottleneck ? planes * 4 : planes;
        var width = bottleneck ? planes * o.WidthPerGroup / 64 * o.Groups : planes * o.WidthPerGroup / 64;
        // (name suffix, kernel, out channels, stride, groups, dilation) of each conv in the body.
        var convs = bottleneck
            ? new[]
            {
                (1, 1, width, o.StrideOnFirst1x1 ? stride : 1, 1, 1),
                (2, 3, width, o.StrideOnFirst1x1 ? 1 : stride, o.Groups, dilation),
                (3, 1, outChannels, 1, 1, 1),
            }
            : [(1, 3, width, stride, 1, 1), (2, 3, outChannels, 1, 1, 1)];

        var body = new List<Child>();
        for (var j = 0; j < convs.Length; j++)
        {
            AddConv(body, o, convs[j], last: j == convs.Length - 1);
        }

        if (o.SqueezeExcitation)
        {
            body.Add(new("se", SqueezeExcitationFor(outChannels, o)));
        }

        Module? shortcut = null;
        if (stride != 1 || inChannels != outChannels)
        {
            var projection = new Conv2d { OutChannels = outChannels, Kernel = 1, Stride = stride, HasBias = false };
            shortcut = o.PreActivation ? new Sequential(projection) : new Sequential(projection, new BatchNorm2d());
        }

        return new Residual
        {
            Body = new Sequential(body),
            Shortcut = shortcut,
            After = o.PreActivation ? null : Sequential.Of((Act(timm, convs.Length), new ReLU { Inplace = true })),
            InPlaceJoin = true,
        };
    }

    // One conv of a block's body with its norm and activation: bn, relu, conv when pre-activation; else
    // conv, bn and (but after the last conv) a relu, with timm's drop_block and aa placeholders around a 3x3's.
    private static void AddConv(List<Child> body, ResNetOptions o, (int N, int K, int C, int S, int G, int D) spec, bool last)
    {
        var timm = o.Naming == ResNetNaming.Timm;
        var (n, k, c, s, g, d) = spec;
        var conv = new Conv2d { OutChannels = c, Kernel = k, Stride = s, Padding = d * (k / 2), Dilation = d, Groups = g, HasBias = false };
        if (o.PreActivation)
        {
            body.Add(new($"bn{n}", new BatchNorm2d()));
            body.Add(new(Act(timm, n), new ReLU { Inplace = true }));
            body.Add(new($"conv{n}", conv));
            return;
        }

        body.Add(new($"conv{n}", conv));
        body.Add(new($"bn{n}", new BatchNorm2d()));
        if (timm && k == 3 && !last)
        {
            body.Add(new("drop_block", Identity.Instance));
        }

        if (!last)
        {
            body.Add(new(Act(timm, n), new ReLU { Inplace = true }));
        }

        if (timm && k == 3 && !last)
        {
            body.Add(new("aa", Identity.Instance));
        }
    }

    // The name of a block's i-th activation: timm numbers them, torchvision reuses one "relu".
    private static string Act(bool timm, int i) => timm ? $"act{i}" : "relu";

    private static SqueezeExcitation SqueezeExcitationFor(int channels, ResNetOptions o)
    {
        var squeeze = Channels.MakeDivisible(channels / (double)o.SeReduction, 8, roundLimit: 0);
        if (o.Naming == ResNetNaming.TorchVision)
        {
            return SqueezeExcitation.Create(channels, squeeze);
        }

        // timm's SEModule: a functional mean, fc1 and fc2 as 1x1 convs with bias, an identity "bn", a sigmoid gate.
        return new SqueezeExcitation
        {
            Excitation = Sequential.Of(
                ("mean", new Functional(AdaptiveAvgPool2d.Global)),
                ("fc1", new Conv2d { OutChannels = squeeze, Kernel = 1 }),
                ("bn", Identity.Instance),
                ("act", new ReLU { Inplace = true }),
                ("fc2", new Conv2d { OutChannels = channels, Kernel = 1 }),
                ("gate", new Sigmoid())),
        };
    }

    private static ResNetOptions Standard(string name, int depth) =>
        Depths.TryGetValue(depth, out var d)
            ? new ResNetOptions { Name = name, Block = d.Block, Depths = d.Depths }
            : throw new ArgumentException($"No ResNet of depth {depth}. Known: {string.Join(", ", Depths.Keys)}.", nameof(depth));

    internal static IEnumerable<(string Name, string Description, string Paper, ResNetOptions Options)> Entries()
    {
        foreach (var depth in new[] { 18, 34, 50, 101, 152 })
        {
            yield return ($"resnet{depth}", $"ResNet-{depth} as torchvision (stride on the 3x3: v1.5)", ResNetPaper, Standard($"resnet{depth}", depth));
        }

        foreach (var depth in new[] { 50, 101, 152 })
        {
            yield return ($"resnet{depth}_v1", $"ResNet-{depth} as the paper (stride on the first 1x1: v1)", ResNetPaper, Standard($"resnet{depth}_v1", depth) with { StrideOnFirst1x1 = true });
        }

        yield return ("wide_resnet50_2", "Wide ResNet-50-2: bottlenecks twice as wide, as torchvision", WidePaper, Standard("wide_resnet50_2", 50) with { WidthPerGroup = 128 });
        yield return ("wide_resnet101_2", "Wide ResNet-101-2: bottlenecks twice as wide, as torchvision", WidePaper, Standard("wide_resnet101_2", 101) with { WidthPerGroup = 128 });
        yield return ("resnext50_32x4d", "ResNeXt-50 32x4d as torchvision (v1.5)", ResNeXtPaper, Standard("resnext50_32x4d", 50) with { Groups = 32, WidthPerGroup = 4 });
        yield return ("resnext101_32x4d", "ResNeXt-101 32x4d (v1.5)", ResNeXtPaper, Standard("resnext101_32x4d", 101) with { Groups = 32, WidthPerGroup = 4 });
        yield return ("resnext101_32x8d", "ResNeXt-101 32x8d as torchvision (v1.5)", ResNeXtPaper, Standard("resnext101_32x8d", 101) with { Groups = 32, WidthPerGroup = 8 });
        yield return ("resnext101_64x4d", "ResNeXt-101 64x4d as torchvision (v1.5)", ResNeXtPaper, Standard("resnext101_64x4d", 101) with { Groups = 64, WidthPerGroup = 4 });
        yield return ("resnext50_32x4d_v1", "ResNeXt-50 32x4d with the stride on the first 1x1 (ResNet v1; the ResNeXt paper's 4.2 G strides on the 3x3)", ResNeXtPaper, Standard("resnext50_32x4d_v1", 50) with { Groups = 32, WidthPerGroup = 4, StrideOnFirst1x1 = true });
        yield return ("se_resnet50", "SE-ResNet-50: SE blocks (reduction 16) on ResNet-50, as timm's seresnet50", SePaper, Standard("se_resnet50", 50) with { SqueezeExcitation = true, Naming = ResNetNaming.Timm });
    }
}

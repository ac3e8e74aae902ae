using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// MobileNet v1 (Howard et al. 2017), v2 (Sandler et al. 2018) and v3 (Howard et al. 2019): depthwise
/// separable convolutions, about 9x cheaper than standard 3x3 convs ((9C + C^2)HW against 9C^2HW).
/// </summary>
public static class MobileNets
{
    internal const string V1Paper = "Howard et al. MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications. 2017 (arXiv 1704.04861), Table 1";
    internal const string V2Paper = "Sandler et al. MobileNetV2: Inverted Residuals and Linear Bottlenecks. CVPR 2018 (arXiv 1801.04381), Table 2";
    internal const string V3Paper = "Howard et al. Searching for MobileNetV3. ICCV 2019 (arXiv 1905.02244), Tables 1 and 2";

    // Paper Table 1 after the stem: (depthwise stride, pointwise filters) per separable block, by stage.
    private static readonly (int S, int C)[][] V1Stages =
    [
        [(1, 64)],
        [(2, 128), (1, 128)],
        [(2, 256), (1, 256)],
        [(2, 512), (1, 512), (1, 512), (1, 512), (1, 512), (1, 512)],
        [(2, 1024), (1, 1024)],
    ];

    // t (expansion), c (channels), n (repeats), s (first stride): MobileNetV2 paper, Table 2.
    private static readonly (int T, int C, int N, int S)[] InvertedResiduals =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];

    // torchvision's bneck_conf: input, kernel, expanded, output, SE, hard-swish, stride (V3 paper Tables 1 and 2).
    private static readonly (int In, int K, int Exp, int Out, bool Se, bool Hs, int S)[] V3Large =
    [
        (16, 3, 16, 16, false, false, 1), (16, 3, 64, 24, false, false, 2), (24, 3, 72, 24, false, false, 1),
        (24, 5, 72, 40, true, false, 2), (40, 5, 120, 40, true, false, 1), (40, 5, 120, 40, true, false, 1),
        (40, 3, 240, 80, false, true, 2), (80, 3, 200, 80, false, true, 1), (80, 3, 184, 80, false, true, 1),
        (80, 3, 184, 80, false, true, 1), (80, 3, 480, 112, true, true, 1), (112, 3, 672, 112, true, true, 1),
        (112, 5, 672, 160, true, true, 2), (160, 5, 960, 160, true, true, 1), (160, 5, 960, 160, true, true, 1),
    ];

    private static readonly (int In, int K, int Exp, int Out, bool Se, bool Hs, int S)[] V3Small =
    [
        (16, 3, 16, 16, true, false, 2), (16, 3, 72, 24, false, false, 2), (24, 3, 88, 24, false, false, 1),
        (24, 5, 96, 40, true, true, 2), (40, 5, 240, 40, true, true, 1), (40, 5, 240, 40, true, true, 1),
        (40, 5, 120, 48, true, true, 1), (48, 5, 144, 48, true, true, 1), (48, 5, 288, 96, true, true, 2),
        (96, 5, 576, 96, true, true, 1), (96, 5, 576, 96, true, true, 1),
    ];

    /// <summary>
    /// MobileNet v1, paper Table 1, with width multiplier <paramref name="width"/> (alpha): every
    /// layer's channels are alpha times the table's, rounded to a multiple of 8 as timm does (exact for
    /// alpha = 1, 0.75, 0.5, 0.25). The resolution multiplier is the input size (<c>--input 3x160x160</c>).
    /// Paths follow timm's <c>mobilenetv1_100</c> (conv_stem, blocks.S.I.conv_dw/conv_pw, classifier).
    /// Deviations: timm uses ReLU6 where the paper uses ReLU (no effect on any count); the paper's
    /// second-to-last "s2" at 7x7 is a typo, stride 1 here as in every implementation.
    /// </summary>
    public static Network V1(double width = 1.0)
    {
        int Ch(int c) => Channels.MakeDivisible(c * width);
        var stages = new List<Module>();
        var channels = Ch(32);
        foreach (var stage in V1Stages)
        {
            var blocks = new List<Module>();
            foreach (var (s, c) in stage)
            {
                blocks.Add(Sequential.Of(
                    ("conv_dw", Conv2d.Depthwise(channels, 3, s, 1, hasBias: false)),
                    ("bn1", new BatchNorm2d()),
                    ("act1", new ReLU6 { Inplace = true }),
                    ("conv_pw", new Conv2d { OutChannels = Ch(c), Kernel = 1, HasBias = false }),
                    ("bn2", new BatchNorm2d()),
                    ("act2", new ReLU6 { Inplace = true })));
                channels = Ch(c);
            }

            stages.Add(new Sequential(blocks));
        }

        var net = Sequential.Of(
            ("conv_stem", new Conv2d { OutChannels = Ch(32), Kernel = 3, Stride = 2, Padding = 1, HasBias = false }),
            ("bn1", new BatchNorm2d()),
            ("act1", new ReLU6 { Inplace = true }),
            ("blocks", new Sequential(stages)),
            ("global_pool", Sequential.Of(("pool", AdaptiveAvgPool2d.Global), ("flatten", Flatten.Instance))),
            ("classifier", new Linear { OutFeatures = 1000 }));
        return Network.Create("mobilenet_v1", net, TensorShape.Chw(3, 224, 224));
    }

    /// <summary>
    /// MobileNetV2 as torchvision: paper Table 2's inverted residuals (expand 1x1, depthwise 3x3,
    /// linear 1x1, a residual when shape allows), channels times <paramref name="width"/> rounded to a
    /// multiple of 8, the last conv 1280 wide (or wider when width &gt; 1). Deviation from the paper:
    /// none in the layers; dropout 0.2 before the classifier.
    /// </summary>
    public static Network V2(double width = 1.0)
    {
        int Ch(double c) => Channels.MakeDivisible(c * width);
        Module ConvBnRelu6(int outChannels, int kernel, int stride = 1, int groups = 1) => new Sequential(
            new Conv2d { OutChannels = outChannels, Kernel = kernel, Stride = stride, Padding = (kernel - 1) / 2, Groups = groups, HasBias = false },
            new BatchNorm2d(),
            new ReLU6 { Inplace = true });

        var features = new List<Module> { ConvBnRelu6(Ch(32), 3, 2) };
        var inChannels = Ch(32);
        foreach (var (t, c, n, s) in InvertedResiduals)
        {
            var outChannels = Ch(c);
            for (var i = 0; i < n; i++)
            {
                var stride = i == 0 ? s : 1;
                var hidden = (int)Math.Round(inChannels * (double)t, MidpointRounding.ToEven);
                var layers = new List<Module>();
                if (t != 1)
                {
                    layers.Add(ConvBnRelu6(hidden, 1));
                }

                layers.Add(ConvBnRelu6(hidden, 3, stride, groups: hidden));
                layers.Add(new Conv2d { OutChannels = outChannels, Kernel = 1, HasBias = false });
                layers.Add(new BatchNorm2d());
                var body = Sequential.Of(("conv", new Sequential(layers)));
                features.Add(stride == 1 && inChannels == outChannels ? new Residual { Body = body } : body);
                inChannels = outChannels;
            }
        }

        features.Add(ConvBnRelu6(Channels.MakeDivisible(1280 * Math.Max(1.0, width)), 1));
        var net = Sequential.Of(
            ("features", new Sequential(features)),
            ("avgpool", new Functional(AdaptiveAvgPool2d.Global)),
            ("flatten", new Functional(Flatten.Instance)),
            ("classifier", new Sequential(new Dropout { P = 0.2 }, new Linear { OutFeatures = 1000 })));
        return Network.Create("mobilenet_v2", net, TensorShape.Chw(3, 224, 224));
    }

    /// <summary>
    /// MobileNetV3-Large or -Small as torchvision: the searched blocks of the paper's Tables 1 and 2,
    /// SE with a hard-sigmoid gate and squeeze channels of a quarter of the expansion (rounded to 8),
    /// BatchNorm eps 0.001. <paramref name="width"/> multiplies every channel count (rounded to 8).
    /// <paramref name="dilated"/> is torchvision's <c>dilated=True</c> (its segmentation backbone): the last
    /// three blocks' depthwise convs take dilation 2 and the first of them stride 1, so the features end at
    /// stride 16 instead of 32.
    /// </summary>
    public static Network V3(bool large, double width = 1.0, bool dilated = false)
    {
        var net = Sequential.Of(
            ("features", new Sequential(V3Features(large, width, dilated))),
            ("avgpool", AdaptiveAvgPool2d.Global),
            ("flatten", new Functional(Flatten.Instance)),
            ("classifier", new Sequential(
                new Linear { OutFeatures = Channels.MakeDivisible((large ? 1280 : 1024) * width) },
                new HardSwish { Inplace = true },
                new Dropout { P = 0.2, Inplace = true },
                new Linear { OutFeatures = 1000 })));
        return Network.Create(large ? "mobilenet_v3_large" : "mobilenet_v3_small", net, TensorShape.Chw(3, 224, 224));
    }

    // torchvision's MobileNetV3 .features: the stem, the searched blocks and the last 1x1 conv.
    internal static List<Module> V3Features(bool large, double width, bool dilated)
    {
        int Ch(int c) => Channels.MakeDivisible(c * width);
        Activation Act(bool hardSwish) => hardSwish ? new HardSwish { Inplace = true } : new ReLU { Inplace = true };
        Module ConvBnAct(int outChannels, int kernel, int stride, int groups, Activation? act, int dilation = 1)
        {
            var conv = new Conv2d { OutChannels = outChannels, Kernel = kernel, Stride = stride, Padding = (kernel - 1) / 2 * dilation, Dilation = dilation, Groups = groups, HasBias = false };
            return act is null ? new Sequential(conv, new BatchNorm2d()) : new Sequential(conv, new BatchNorm2d(), act);
        }

        var config = large ? V3Large : V3Small;
        var features = new List<Module> { ConvBnAct(Ch(16), 3, 2, 1, new HardSwish { Inplace = true }) };
        for (var i = 0; i < config.Length; i++)
        {
            var b = config[i];
            var (inC, expC, outC) = (Ch(b.In), Ch(b.Exp), Ch(b.Out));
            var dilation = dilated && i >= config.Length - 3 ? 2 : 1;
            var layers = new List<Module>();
            if (expC != inC)
            {
                layers.Add(ConvBnAct(expC, 1, 1, 1, Act(b.Hs)));
            }

            layers.Add(ConvBnAct(expC, b.K, dilation > 1 ? 1 : b.S, expC, Act(b.Hs), dilation));
            if (b.Se)
            {
                layers.Add(SqueezeExcitation.Create(expC, Channels.MakeDivisible(expC / 4, 8), new ReLU(), new HardSigmoid()));
            }

            layers.Add(ConvBnAct(outC, 1, 1, 1, null));
            var body = Sequential.Of(("block", new Sequential(layers)));
            features.Add(b.S == 1 && inC == outC ? new Residual { Body = body } : body);
        }

        features.Add(ConvBnAct(6 * Ch(config[^1].Out), 1, 1, 1, new HardSwish { Inplace = true }));
        return features;
    }

    // Indices into V3Features of the blocks that halve the resolution in the plain network (torchvision's _is_cn).
    internal static IEnumerable<int> V3StridedBlocks(bool large) =>
        (large ? V3Large : V3Small).Select((b, i) => (b.S, Index: i + 1)).Where(b => b.S > 1).Select(b => b.Index);
}

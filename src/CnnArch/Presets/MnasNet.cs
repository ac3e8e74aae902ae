using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// MnasNet-B1 (Tan et al. 2018), found by platform-aware neural architecture search under a latency
/// budget, as torchvision's <c>MNASNet</c> (version 2: the stem scales with the depth multiplier too).
/// </summary>
public static class MnasNets
{
    internal const string Paper = "Tan, Chen, Pang, Vasudevan, Sandler, Howard, Le. MnasNet: Platform-Aware Neural Architecture Search for Mobile. CVPR 2019 (arXiv 1807.11626), Figure 7";

    // Channels at alpha 1: stem, separable conv, then the six stacks.
    private static readonly int[] Depths = [32, 16, 24, 40, 80, 96, 192, 320];

    // Kernel, stride, expansion, repeats of the six stacks of inverted residuals.
    private static readonly (int K, int S, int T, int N)[] StackTable = [(3, 2, 3, 3), (5, 2, 3, 3), (5, 2, 6, 3), (3, 1, 6, 2), (5, 2, 6, 4), (3, 1, 6, 1)];

    /// <summary>
    /// MnasNet with depth multiplier <paramref name="alpha"/>: channels rounded to multiples of 8 by
    /// torchvision's <c>_round_to_multiple_of</c> (bias 0.9), inverted residuals with ReLU, a 1280-wide
    /// last conv, a functional mean over H and W, dropout 0.2 and the classifier. Names as torchvision
    /// (<c>layers.8.0.layers.3</c>, <c>classifier.1</c>).
    /// </summary>
    public static Network Build(double alpha, string? name = null) => Build(alpha, name ?? "mnasnet", Stacks);

    /// <summary>MnasNet's (kernel, stride, expansion, repeats) of its six stacks: the point the search space of <c>mobilenet</c> centres on.</summary>
    internal static IReadOnlyList<(int K, int S, int T, int N)> Stacks => StackTable;

    /// <summary>The MnasNet skeleton with other stacks: the generator of the MobileNetV2/MnasNet-style search space.</summary>
    internal static Network Build(double alpha, string name, IReadOnlyList<(int K, int S, int T, int N)> stacks)
    {
        if (!(alpha > 0) || !double.IsFinite(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "MnasNet's depth multiplier must be a positive number.");
        }

        var d = Depths.Select(c => Channels.MakeDivisible(c * alpha)).ToArray();
        var layers = new List<Module>
        {
            new Conv2d { OutChannels = d[0], Kernel = 3, Stride = 2, Padding = 1, HasBias = false },
            new BatchNorm2d(),
            new ReLU { Inplace = true },
            Conv2d.Depthwise(d[0], 3, 1, 1, hasBias: false),
            new BatchNorm2d(),
            new ReLU { Inplace = true },
            new Conv2d { OutChannels = d[1], Kernel = 1, HasBias = false },
            new BatchNorm2d(),
        };
        var inChannels = d[1];
        for (var s = 0; s < stacks.Count; s++)
        {
            var (k, stride, t, n) = stacks[s];
            var outChannels = d[s + 2];
            var blocks = new List<Module>();
            for (var i = 0; i < n; i++)
            {
                var blockStride = i == 0 ? stride : 1;
                var mid = checked(inChannels * t);
                var body = Sequential.Of(("layers", new Sequential(
                    new Conv2d { OutChannels = mid, Kernel = 1, HasBias = false },
                    new BatchNorm2d(),
                    new ReLU { Inplace = true },
                    Conv2d.Depthwise(mid, k, blockStride, k / 2, hasBias: false),
                    new BatchNorm2d(),
                    new ReLU { Inplace = true },
                    new Conv2d { OutChannels = outChannels, Kernel = 1, HasBias = false },
                    new BatchNorm2d())));
                blocks.Add(blockStride == 1 && inChannels == outChannels ? new Residual { Body = body } : body);
                inChannels = outChannels;
            }

            layers.Add(new Sequential(blocks));
        }

        layers.Add(new Conv2d { OutChannels = 1280, Kernel = 1, HasBias = false });
        layers.Add(new BatchNorm2d());
        layers.Add(new ReLU { Inplace = true });
        var net = Sequential.Of(
            ("layers", new Sequential(layers)),
            ("mean", new Functional(new ReduceMean { Axes = [1, 2], KeepDims = false })),
            ("classifier", new Sequential(new Dropout { P = 0.2, Inplace = true }, new Linear { OutFeatures = 1000 })));
        return Network.Create(name, net, TensorShape.Chw(3, 224, 224));
    }
}

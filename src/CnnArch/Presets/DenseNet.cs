using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// DenseNet-BC (Huang et al. 2017) as torchvision builds it: dense blocks in which every layer reads the
/// concatenation of the block's input and of every earlier layer's output (BN, ReLU, 1x1 conv to
/// 4k channels, BN, ReLU, 3x3 conv to k, the growth rate), and transitions between blocks (BN, ReLU,
/// 1x1 conv halving the channels, 2x2 average pool). Each layer concatenates anew (torch.cat), so the
/// concatenated maps, not the parameters, dominate its memory: DenseNet's known weakness.
/// </summary>
public static class DenseNets
{
    internal const string Paper = "Huang, Liu, van der Maaten, Weinberger. Densely Connected Convolutional Networks. CVPR 2017 (arXiv 1608.06993), Table 1";

    /// <summary>DenseNet-121: growth rate 32, 64 initial features, blocks of 6, 12, 24 and 16 layers (1,024 channels at the end).</summary>
    public static Network DenseNet121(int classes = 1000, int growthRate = 32) => Create("densenet121", growthRate, [6, 12, 24, 16], 64, classes);

    /// <summary>DenseNet-161: growth rate 48, 96 initial features, blocks of 6, 12, 36 and 24 layers (2,208 channels at the end).</summary>
    public static Network DenseNet161(int classes = 1000, int growthRate = 48) => Create("densenet161", growthRate, [6, 12, 36, 24], 96, classes);

    /// <summary>DenseNet-169: growth rate 32, 64 initial features, blocks of 6, 12, 32 and 32 layers (1,664 channels at the end).</summary>
    public static Network DenseNet169(int classes = 1000, int growthRate = 32) => Create("densenet169", growthRate, [6, 12, 32, 32], 64, classes);

    /// <summary>DenseNet-201: growth rate 32, 64 initial features, blocks of 6, 12, 48 and 32 layers (1,920 channels at the end).</summary>
    public static Network DenseNet201(int classes = 1000, int growthRate = 32) => Create("densenet201", growthRate, [6, 12, 48, 32], 64, classes);

    /// <summary>
    /// A DenseNet-BC as torchvision's <c>DenseNet</c> (bn_size 4, no dropout): a 7x7/2 conv stem with BN,
    /// ReLU and a 3x3/2 max pool; dense blocks of the given layer counts with a transition after each but
    /// the last; a final BN, a functional ReLU, global average pool and flatten, and the classifier.
    /// Module names are torchvision's (<c>features.denseblock1.denselayer1.conv1</c>); each dense layer's
    /// concatenation is a functional row <c>cat</c> before its <c>norm1</c>, and each block ends with one.
    /// </summary>
    /// <param name="name">The network's name.</param>
    /// <param name="growthRate">k: the channels every dense layer adds.</param>
    /// <param name="blockLayers">The number of dense layers in each block.</param>
    /// <param name="initialFeatures">The stem conv's channels.</param>
    /// <param name="classes">The classifier's outputs.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive.</exception>
    public static Network Create(string name, int growthRate, IReadOnlyList<int> blockLayers, int initialFeatures, int classes = 1000)
    {
        ArgumentNullException.ThrowIfNull(blockLayers);
        Guard.Positive(growthRate, nameof(growthRate));
        Guard.Positive(initialFeatures, nameof(initialFeatures));
        Guard.Positive(classes, nameof(classes));
        Guard.Positive(blockLayers.Count, nameof(blockLayers));
        foreach (var n in blockLayers)
        {
            Guard.Positive(n, nameof(blockLayers));
        }

        var b = new NetworkBuilder(name);
        var x = b.AddScope("features", "Sequential", b.Input, input => Features(b, input, growthRate, blockLayers, initialFeatures));
        x = b.AddFunctional("relu", new ReLU { Inplace = true }, x);
        x = b.AddFunctional("avgpool", AdaptiveAvgPool2d.Global, x);
        x = b.Add("flatten", Functional.Flatten, x);
        x = b.Add("classifier", new Linear { OutFeatures = classes }, x);
        return b.Build(x, TensorShape.Chw(3, 224, 224));
    }

    private static Tensor Features(NetworkBuilder b, Tensor input, int growthRate, IReadOnlyList<int> blockLayers, int initialFeatures)
    {
        var x = b.Add("features.conv0", new Conv2d { OutChannels = initialFeatures, Kernel = 7, Stride = 2, Padding = 3, HasBias = false }, input);
        x = b.Add("features.norm0", new BatchNorm2d(), x);
        x = b.Add("features.relu0", new ReLU { Inplace = true }, x);
        x = b.Add("features.pool0", new MaxPool2d { Kernel = 3, Stride = 2, Padding = 1 }, x);
        var channels = initialFeatures;
        for (var i = 0; i < blockLayers.Count; i++)
        {
            var path = $"features.denseblock{i + 1}";
            var layers = blockLayers[i];
            x = b.AddScope(path, "DenseBlock", x, block => DenseBlock(b, path, block, layers, growthRate));
            channels += layers * growthRate;
            if (i != blockLayers.Count - 1)
            {
                channels /= 2;
                x = b.Add($"features.transition{i + 1}", Sequential.Of(
                    ("norm", new BatchNorm2d()),
                    ("relu", new ReLU { Inplace = true }),
                    ("conv", new Conv2d { OutChannels = channels, Kernel = 1, HasBias = false }),
                    ("pool", new AvgPool2d { Kernel = 2, Stride = 2 })), x);
            }
        }

        return b.Add("features.norm5", new BatchNorm2d(), x);
    }

    // torchvision's _DenseBlock: each layer reads every feature so far; the block returns their concatenation.
    private static Tensor DenseBlock(NetworkBuilder b, string path, Tensor input, int layers, int growthRate)
    {
        var features = new List<Tensor> { input };
        for (var i = 1; i <= layers; i++)
        {
            var layer = $"{path}.denselayer{i}";
            var read = features.ToArray();
            features.Add(b.AddScope(layer, "DenseLayer", read[^1], _ => DenseLayer(b, layer, read, growthRate)));
        }

        return b.AddFunctional($"{path}.cat", Concat.Instance, [.. features]);
    }

    // torchvision's _DenseLayer: torch.cat of its inputs (one tensor for the first layer, copied all the
    // same), then BN-ReLU-1x1 conv to bn_size x k and BN-ReLU-3x3 conv to k.
    private static Tensor DenseLayer(NetworkBuilder b, string path, Tensor[] inputs, int growthRate)
    {
        var x = b.AddFunctional($"{path}.cat", Concat.Instance, inputs);
        x = b.Add($"{path}.norm1", new BatchNorm2d(), x);
        x = b.Add($"{path}.relu1", new ReLU { Inplace = true }, x);
        x = b.Add($"{path}.conv1", new Conv2d { OutChannels = checked(4 * growthRate), Kernel = 1, HasBias = false }, x);
        x = b.Add($"{path}.norm2", new BatchNorm2d(), x);
        x = b.Add($"{path}.relu2", new ReLU { Inplace = true }, x);
        return b.Add($"{path}.conv2", new Conv2d { OutChannels = growthRate, Kernel = 3, Padding = 1, HasBias = false }, x);
    }
}

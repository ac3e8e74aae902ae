using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// VGG (Simonyan and Zisserman 2014, Table 1): only 3x3 convolutions at stride 1 and pad 1, 2x2
/// max-pools at stride 2, three FC layers. The lecture's lesson: two 3x3 convs see what one 5x5 sees
/// with 18C^2 instead of 25C^2 weights.
/// </summary>
public static class Vggs
{
    private const string Citation = "Simonyan, Zisserman. Very Deep Convolutional Networks for Large-Scale Image Recognition. ICLR 2015 (arXiv 1409.1556), Table 1";

    internal const string LectureCitation = "Johnson. EECS 498-007 Deep Learning for Computer Vision, Lecture 8: CNN Architectures. University of Michigan 2019, VGG-16 table; after " + Citation;

    // Configurations of Table 1: a number is a 3x3 conv with that many filters, "M" a 2x2 max-pool,
    // "1:n" a 1x1 conv (configuration C), "LRN" local response normalisation (A-LRN).
    private static readonly Dictionary<char, string[]> Configs = new()
    {
        ['A'] = ["64", "M", "128", "M", "256", "256", "M", "512", "512", "M", "512", "512", "M"],
        ['B'] = ["64", "64", "M", "128", "128", "M", "256", "256", "M", "512", "512", "M", "512", "512", "M"],
        ['C'] = ["64", "64", "M", "128", "128", "M", "256", "256", "1:256", "M", "512", "512", "1:512", "M", "512", "512", "1:512", "M"],
        ['D'] = ["64", "64", "M", "128", "128", "M", "256", "256", "256", "M", "512", "512", "512", "M", "512", "512", "512", "M"],
        ['E'] = ["64", "64", "M", "128", "128", "M", "256", "256", "256", "256", "M", "512", "512", "512", "512", "M", "512", "512", "512", "512", "M"],
    };

    // The lecture's table: configuration D without the third conv of stage 3.
    private static readonly string[] LectureConfig = ["64", "64", "M", "128", "128", "M", "256", "256", "M", "512", "512", "512", "M", "512", "512", "512", "M"];

    /// <summary>
    /// torchvision's VGG: Table 1's configuration with an adaptive average pool to 7x7 before the
    /// classifier (so any input of at least 32x32 works) and optional BatchNorm after every conv.
    /// </summary>
    public static Network TorchVision(string name, char config, bool batchNorm) =>
        Build(name, Configs[config], batchNorm, adaptivePool: true);

    /// <summary>
    /// The paper's configuration: no adaptive pooling, so the first FC layer takes whatever the last
    /// pool gives (25,088 inputs at 224x224, the paper's training size; the paper evaluates larger
    /// images by turning FC layers into convs, which is not modelled). A-LRN puts LRN after the first
    /// conv's ReLU.
    /// </summary>
    public static Network Paper(string name, char config, bool lrn = false)
    {
        var layers = Configs[config];
        return Build(name, lrn ? [layers[0], "LRN", .. layers[1..]] : layers, batchNorm: false, adaptivePool: false);
    }

    /// <summary>
    /// The simplified VGG-16 of the EECS 498-007 lecture's table (Lecture 8, "CNN Architectures"): the
    /// paper's configuration D with only two 3x3 convs of 256 in the third stage (15 weight layers:
    /// 64 x2, pool, 128 x2, pool, 256 x2, pool, 512 x3, pool, 512 x3, pool, FC 4096, FC 4096, FC), no
    /// adaptive pool. It reproduces the slide's figures: 13.6 G multiply-adds of conv and FC layers
    /// (the slide's "13.6 GFLOP"; the full VGG-16 has 15.47 G) and 48.6 MB of conv outputs (KB = bytes /
    /// 1024, 4 bytes per value).
    /// </summary>
    /// <param name="classes">Outputs of the last FC layer.</param>
    public static Network Lecture(int classes = 1000)
    {
        Guard.Positive(classes, nameof(classes));
        return Build("vgg16_lecture", LectureConfig, batchNorm: false, adaptivePool: false, classes);
    }

    private static Network Build(string name, string[] config, bool batchNorm, bool adaptivePool, int classes = 1000)
    {
        var features = new List<Module>();
        foreach (var item in config)
        {
            switch (item)
            {
                case "M":
                    features.Add(new MaxPool2d { Kernel = 2, Stride = 2 });
                    break;
                case "LRN":
                    features.Add(new LocalResponseNorm { Size = 5, Alpha = 1e-4, Beta = 0.75, K = 2 });
                    break;
                default:
                    var pointwise = item.StartsWith("1:", StringComparison.Ordinal);
                    var channels = int.Parse(pointwise ? item[2..] : item, System.Globalization.CultureInfo.InvariantCulture);
                    features.Add(pointwise
                        ? new Conv2d { OutChannels = channels, Kernel = 1 }
                        : new Conv2d { OutChannels = channels, Kernel = 3, Padding = 1 });
                    if (batchNorm)
                    {
                        features.Add(BatchNorm2d.Default);
                    }

                    features.Add(new ReLU { Inplace = true });
                    break;
            }
        }

        var children = new List<Child> { new("features", new Sequential(features)) };
        if (adaptivePool)
        {
            children.Add(new("avgpool", new AdaptiveAvgPool2d { OutputSize = 7 }));
        }

        children.Add(new("flatten", new Functional(Flatten.Instance)));
        children.Add(new("classifier", new Sequential(
            new Linear { OutFeatures = 4096 }, new ReLU { Inplace = true }, new Dropout(),
            new Linear { OutFeatures = 4096 }, new ReLU { Inplace = true }, new Dropout(),
            new Linear { OutFeatures = classes })));
        return Network.Create(name, new Sequential(children), TensorShape.Chw(3, 224, 224));
    }

    internal static IEnumerable<(string Name, string Description, string Paper, Func<Network> Build)> Entries()
    {
        foreach (var (depth, config) in new[] { (11, 'A'), (13, 'B'), (16, 'D'), (19, 'E') })
        {
            var n = $"vgg{depth}";
            yield return (n, $"VGG-{depth} (configuration {config}) as torchvision", Citation, () => TorchVision(n, config, false));
            yield return (n + "_bn", $"VGG-{depth} with BatchNorm after every conv, as torchvision", Citation, () => TorchVision(n + "_bn", config, true));
        }

        yield return ("vgg_a", "VGG configuration A (11 layers) as the paper, 224 input", Citation, () => Paper("vgg_a", 'A'));
        yield return ("vgg_a_lrn", "VGG configuration A-LRN: A with LRN after the first layer", Citation, () => Paper("vgg_a_lrn", 'A', lrn: true));
        yield return ("vgg_b", "VGG configuration B (13 layers) as the paper", Citation, () => Paper("vgg_b", 'B'));
        yield return ("vgg_c", "VGG configuration C: B plus a 1x1 conv in each of the last three stages", Citation, () => Paper("vgg_c", 'C'));
        yield return ("vgg_d", "VGG configuration D (VGG-16) as the paper", Citation, () => Paper("vgg_d", 'D'));
        yield return ("vgg_e", "VGG configuration E (VGG-19) as the paper", Citation, () => Paper("vgg_e", 'E'));
    }
}

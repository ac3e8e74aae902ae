using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// SqueezeNet (Iandola et al. 2016) as torchvision builds it: AlexNet-level accuracy from about 1.2 M
/// parameters, by fire modules (a 1x1 "squeeze" conv to few channels, then 1x1 and 3x3 "expand" convs
/// side by side, concatenated), late downsampling, and a 1x1 conv classifier averaged over the map
/// instead of fully connected layers.
/// </summary>
public static class SqueezeNets
{
    internal const string Paper = "Iandola, Han, Moskewicz, Ashraf, Dally, Keutzer. SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size. 2016 (arXiv 1602.07360), Table 1";

    // A fire module's squeeze, 1x1-expand and 3x3-expand channels; null marks a 3x3/2 ceil-mode max pool.
    private static readonly (int S, int E1, int E3)?[] V10 =
        [(16, 64, 64), (16, 64, 64), (32, 128, 128), null, (32, 128, 128), (48, 192, 192), (48, 192, 192), (64, 256, 256), null, (64, 256, 256)];

    private static readonly (int S, int E1, int E3)?[] V11 =
        [(16, 64, 64), (16, 64, 64), null, (32, 128, 128), (32, 128, 128), null, (48, 192, 192), (48, 192, 192), (64, 256, 256), (64, 256, 256)];

    /// <summary>
    /// SqueezeNet 1.0, the paper's Table 1: a 7x7/2 conv of 96 (no padding), max pools after the stem,
    /// fire4 and fire8; 818.9 M multiply-adds at 224x224.
    /// </summary>
    public static Network V1_0(int classes = 1000) => Build("squeezenet1_0", new Conv2d { OutChannels = 96, Kernel = 7, Stride = 2 }, V10, classes);

    /// <summary>
    /// SqueezeNet 1.1 (the authors' repository): a 3x3/2 conv of 64 and the pools moved earlier, after
    /// fire3 and fire5, for 2.4x fewer multiply-adds than 1.0 at the same accuracy.
    /// </summary>
    public static Network V1_1(int classes = 1000) => Build("squeezenet1_1", new Conv2d { OutChannels = 64, Kernel = 3, Stride = 2 }, V11, classes);

    // torchvision's SqueezeNet: features.0-12 (conv, ReLU, pool, fire modules and pools), then the
    // classifier (dropout 0.5, 1x1 conv to the classes, ReLU, global average pool) and torch.flatten.
    private static Network Build(string name, Conv2d stem, (int S, int E1, int E3)?[] stages, int classes)
    {
        Guard.Positive(classes, nameof(classes));
        var b = new NetworkBuilder(name);
        var x = b.AddScope("features", "Sequential", b.Input, input =>
        {
            var y = b.Add("features.0", stem, input);
            y = b.Add("features.1", new ReLU { Inplace = true }, y);
            y = b.Add("features.2", Pool(), y);
            for (var i = 0; i < stages.Length; i++)
            {
                var path = $"features.{i + 3}";
                y = stages[i] is { } fire ? b.AddScope(path, "Fire", y, f => Fire(b, path, f, fire)) : b.Add(path, Pool(), y);
            }

            return y;
        });
        x = b.Add("classifier", new Sequential(
            new Dropout { P = 0.5 },
            new Conv2d { OutChannels = classes, Kernel = 1 },
            new ReLU { Inplace = true },
            AdaptiveAvgPool2d.Global), x);
        x = b.Add("flatten", Functional.Flatten, x);
        return b.Build(x, TensorShape.Chw(3, 224, 224));
    }

    private static MaxPool2d Pool() => new() { Kernel = 3, Stride = 2, CeilMode = true };

    // torchvision's Fire: squeeze and its ReLU, then the 1x1 and the 3x3 expand, each with its ReLU, concatenated.
    private static Tensor Fire(NetworkBuilder b, string path, Tensor input, (int S, int E1, int E3) fire)
    {
        var x = b.Add($"{path}.squeeze", new Conv2d { OutChannels = fire.S, Kernel = 1 }, input);
        x = b.Add($"{path}.squeeze_activation", new ReLU { Inplace = true }, x);
        var e1 = b.Add($"{path}.expand1x1", new Conv2d { OutChannels = fire.E1, Kernel = 1 }, x);
        e1 = b.Add($"{path}.expand1x1_activation", new ReLU { Inplace = true }, e1);
        var e3 = b.Add($"{path}.expand3x3", new Conv2d { OutChannels = fire.E3, Kernel = 3, Padding = 1 }, x);
        e3 = b.Add($"{path}.expand3x3_activation", new ReLU { Inplace = true }, e3);
        return b.AddFunctional($"{path}.cat", Concat.Instance, e1, e3);
    }
}

using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// ShuffleNet V2 (Ma et al. 2018) as torchvision builds it: units that split the channels in two, pass
/// one half through untouched and the other through a 1x1 conv, a 3x3 depthwise conv and a 1x1 conv,
/// concatenate the halves and shuffle the channels so the next unit mixes them; a downsampling unit
/// instead feeds the whole input to both branches (the first with a 3x3/2 depthwise and a 1x1 conv).
/// The split (<c>chunk</c>) and the shuffle (view, transpose, view) only move data: functional rows of
/// no parameters and no multiply-adds in every convention.
/// </summary>
public static class ShuffleNets
{
    internal const string Paper = "Ma, Zhang, Zheng, Sun. ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture Design. ECCV 2018 (arXiv 1807.11164), Table 5";

    // The paper's Table 5: output channels of conv1, stages 2-4 and conv5 per width; 4, 8 and 4 units per stage.
    private static readonly int[] Repeats = [4, 8, 4];

    /// <summary>The channel widths the paper (Table 5) and torchvision give: 0.5, 1, 1.5 and 2.</summary>
    public static IReadOnlyList<double> Widths { get; } = [0.5, 1.0, 1.5, 2.0];

    /// <summary>
    /// ShuffleNet V2 at <paramref name="width"/> x (0.5, 1, 1.5 or 2; Table 5's stage channels 48-192,
    /// 116-464, 176-704, 244-976, and 1,024 channels in conv5, 2,048 at 2x), named as torchvision's
    /// <c>shufflenet_v2_x1_0</c>: conv1 (3x3/2 conv, BN, ReLU), a 3x3/2 max pool, stage2-4, conv5 (1x1
    /// conv, BN, ReLU), the mean over height and width, and fc.
    /// </summary>
    /// <param name="width">The channel multiplier: 0.5, 1, 1.5 or 2.</param>
    /// <param name="classes">The classifier's outputs.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is none of the four, or <paramref name="classes"/> is not positive.</exception>
    public static Network V2(double width = 1.0, int classes = 1000)
    {
        Guard.Positive(classes, nameof(classes));
        int[] channels = width switch
        {
            0.5 => [24, 48, 96, 192, 1024],
            1.0 => [24, 116, 232, 464, 1024],
            1.5 => [24, 176, 352, 704, 1024],
            2.0 => [24, 244, 488, 976, 2048],
            _ => throw new ArgumentOutOfRangeException(nameof(width), width, "ShuffleNet V2 comes in widths 0.5, 1, 1.5 and 2."),
        };
        var name = "shufflenet_v2_x" + width.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture).Replace('.', '_');
        var b = new NetworkBuilder(name);
        var x = b.Add("conv1", Sequential.Of(
            ("0", new Conv2d { OutChannels = channels[0], Kernel = 3, Stride = 2, Padding = 1, HasBias = false }),
            ("1", new BatchNorm2d()),
            ("2", new ReLU { Inplace = true })), b.Input);
        x = b.Add("maxpool", new MaxPool2d { Kernel = 3, Stride = 2, Padding = 1 }, x);
        var inChannels = channels[0];
        for (var s = 0; s < Repeats.Length; s++)
        {
            var stage = $"stage{s + 2}";
            var (units, input, output) = (Repeats[s], inChannels, channels[s + 1]);
            x = b.AddScope(stage, "Sequential", x, y =>
            {
                y = b.AddScope($"{stage}.0", "InvertedResidual", y, u => DownsamplingUnit(b, $"{stage}.0", u, input, output));
                for (var i = 1; i < units; i++)
                {
                    var path = $"{stage}.{i}";
                    y = b.AddScope(path, "InvertedResidual", y, u => BasicUnit(b, path, u, output));
                }

                return y;
            });
            inChannels = output;
        }

        x = b.Add("conv5", Sequential.Of(
            ("0", new Conv2d { OutChannels = channels[4], Kernel = 1, HasBias = false }),
            ("1", new BatchNorm2d()),
            ("2", new ReLU { Inplace = true })), x);
        x = b.AddFunctional("mean", new ReduceMean { Axes = [1, 2], KeepDims = false }, x);
        x = b.Add("fc", new Linear { OutFeatures = classes }, x);
        return b.Build(x, TensorShape.Chw(3, 224, 224));
    }

    // Stride 1: x.chunk(2, dim=1); the first half passes, the second goes through branch2; cat; shuffle.
    private static Tensor BasicUnit(NetworkBuilder b, string path, Tensor input, int channels)
    {
        var half = channels / 2;
        var x1 = b.AddFunctional($"{path}.chunk0", new Slice { Ranges = [(0, 0, half, 1)] }, input);
        var x2 = b.AddFunctional($"{path}.chunk1", new Slice { Ranges = [(0, half, channels, 1)] }, input);
        var y = b.Add($"{path}.branch2", Branch2(half, 1), x2);
        return Shuffle(b, path, b.AddFunctional($"{path}.cat", Concat.Instance, x1, y));
    }

    // Stride 2: both branches read the whole input and halve the map; cat; shuffle.
    private static Tensor DownsamplingUnit(NetworkBuilder b, string path, Tensor input, int inChannels, int channels)
    {
        var half = channels / 2;
        var y1 = b.Add($"{path}.branch1", new Sequential(
            Conv2d.Depthwise(inChannels, 3, 2, 1, hasBias: false),
            new BatchNorm2d(),
            new Conv2d { OutChannels = half, Kernel = 1, HasBias = false },
            new BatchNorm2d(),
            new ReLU { Inplace = true }), input);
        var y2 = b.Add($"{path}.branch2", Branch2(half, 2), input);
        return Shuffle(b, path, b.AddFunctional($"{path}.cat", Concat.Instance, y1, y2));
    }

    // 1x1 conv, BN, ReLU, 3x3 depthwise conv (stride), BN, 1x1 conv, BN, ReLU.
    private static Sequential Branch2(int channels, int stride) => new(
        new Conv2d { OutChannels = channels, Kernel = 1, HasBias = false },
        new BatchNorm2d(),
        new ReLU { Inplace = true },
        Conv2d.Depthwise(channels, 3, stride, 1, hasBias: false),
        new BatchNorm2d(),
        new Conv2d { OutChannels = channels, Kernel = 1, HasBias = false },
        new BatchNorm2d(),
        new ReLU { Inplace = true });

    // torchvision's channel_shuffle with 2 groups: view to 2 x C/2 x H x W, transpose the two and copy
    // (contiguous), view back to C x H x W. No arithmetic; the height and width are kept as they come.
    private static Tensor Shuffle(NetworkBuilder b, string path, Tensor x)
    {
        x = b.AddFunctional($"{path}.shuffle_view", new Reshape { Dims = [2, -1], KeepTrailing = 2 }, x);
        x = b.AddFunctional($"{path}.shuffle_transpose", new Transpose { Perm = [1, 0, 2, 3] }, x);
        return b.AddFunctional($"{path}.shuffle_flatten", new Reshape { Dims = [-1], KeepTrailing = 2 }, x);
    }
}

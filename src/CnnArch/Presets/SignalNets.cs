using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// 1-D CNNs on raw signals: the very deep networks on raw audio waveforms of Dai et al. 2017 (M3 to
/// M34-res) and the 34-layer ECG ResNet of Hannun et al. 2019. Module names follow the roles, as
/// torchvision would write them; the test references were measured from PyTorch modules of exactly
/// these names (tests/CnnArch.Tests/Reference/tools/paper_models.py).
/// </summary>
public static class SignalNets
{
    internal const string DaiPaper = "Dai, Dai, Qu, Li, Das. Very Deep Convolutional Neural Networks for Raw Waveforms. ICASSP 2017 (arXiv 1610.00087), Table 1";
    internal const string HannunPaper = "Hannun, Rajpurkar, Haghpanahi, et al. Cardiologist-level arrhythmia detection and classification in ambulatory electrocardiograms using a deep neural network. Nature Medicine 25, 65-69 (2019); the authors' code github.com/awni/ecg";

    /// <summary>4 seconds of 8 kHz audio: Dai et al.'s input (UrbanSound8k).</summary>
    public static TensorShape Waveform { get; } = TensorShape.Cl(1, 32000);

    // Table 1: the first conv's channels, then (channels, convs or residual blocks) per stage.
    private static readonly Dictionary<string, (int First, (int Channels, int Count)[] Stages, bool Residual)> DaiTable = new(StringComparer.Ordinal)
    {
        ["m3"] = (256, [(256, 1)], false),
        ["m5"] = (128, [(128, 1), (256, 1), (512, 1)], false),
        ["m11"] = (64, [(64, 2), (128, 2), (256, 3), (512, 2)], false),
        ["m18"] = (64, [(64, 4), (128, 4), (256, 4), (512, 4)], false),
        ["m34_res"] = (48, [(48, 3), (96, 4), (192, 6), (384, 3)], true),
    };

    /// <summary>The names of Dai et al.'s networks: m3, m5, m11, m18, m34_res.</summary>
    public static IReadOnlyList<string> DaiNames { get; } = [.. DaiTable.Keys];

    /// <summary>
    /// One of Dai et al.'s networks (Table 1) on 32,000 samples: a first conv of 80 taps at stride 4
    /// ([80/4]), then stages of 3-tap convs, each conv followed by BatchNorm1d and ReLU, max pools of 4
    /// between stages (the last before the global average pool rounds up: 125 samples to 32), global
    /// average pooling and a linear classifier. m34_res stacks residual blocks of two convs, with a
    /// 1x1 conv and BatchNorm as the shortcut where the width changes. The paper states no padding:
    /// "same" (38 on the first conv, 1 on the others) as the public implementations use, and conv biases
    /// as Keras's default; these reproduce the paper's 0.2M, 0.5M, 1.8M, 3.7M and 4M parameters.
    /// </summary>
    /// <exception cref="ArgumentException">No such network.</exception>
    public static Network Dai(string name, int classes = 10)
    {
        var (first, stages, residual) = DaiTable.TryGetValue(name, out var row) ? row
            : throw new ArgumentException($"No network named '{name}' in Dai et al.'s Table 1. Known: {string.Join(", ", DaiTable.Keys)}.", nameof(name));
        var children = new List<Child>
        {
            new("conv1", new Conv1d { OutChannels = first, Kernel = 80, Stride = 4, Padding = 38 }),
            new("bn1", new BatchNorm1d()),
            new("relu1", new ReLU { Inplace = true }),
            new("pool1", new MaxPool1d { Kernel = 4 }),
        };
        var pools = stages.Length == 1 ? 1 : 3;
        var width = first;
        for (var i = 0; i < stages.Length; i++)
        {
            var (channels, count) = stages[i];
            var blocks = new List<Module>();
            for (var j = 0; j < count; j++)
            {
                blocks.Add(residual ? DaiBlock(width, channels) : Unit(channels));
                width = channels;
            }

            children.Add(new($"layer{i + 1}", new Sequential(blocks)));
            if (i < pools)
            {
                children.Add(new($"pool{i + 2}", new MaxPool1d { Kernel = 4, CeilMode = i == 2 }));
            }
        }

        children.Add(new("avgpool", AdaptiveAvgPool1d.Global));
        children.Add(new("flatten", Functional.Flatten));
        children.Add(new("fc", new Linear { OutFeatures = classes }));
        return Network.Create(name, new Sequential(children), Waveform);
    }

    private static Sequential Unit(int channels) =>
        new(new Conv1d { OutChannels = channels, Kernel = 3, Padding = 1 }, new BatchNorm1d(), new ReLU { Inplace = true });

    private static Residual DaiBlock(int inChannels, int channels) => new()
    {
        Body = Sequential.Of(
            ("conv1", new Conv1d { OutChannels = channels, Kernel = 3, Padding = 1 }),
            ("bn1", new BatchNorm1d()),
            ("relu1", new ReLU { Inplace = true }),
            ("conv2", new Conv1d { OutChannels = channels, Kernel = 3, Padding = 1 }),
            ("bn2", new BatchNorm1d())),
        Shortcut = inChannels != channels ? new Sequential(new Conv1d { OutChannels = channels, Kernel = 1 }, new BatchNorm1d()) : null,
        After = Sequential.Of(("relu2", new ReLU { Inplace = true })),
    };

    /// <summary>
    /// The 34-layer ECG network of Hannun et al. 2019, as the authors' Keras code builds it: 30 s of a
    /// single lead at 200 Hz, cut to 23 windows of 256 samples (5,888); a 16-tap conv of 32 filters,
    /// then 16 pre-activation residual blocks of two 16-tap convs (BatchNorm, ReLU, dropout 0.2 before
    /// the second), doubling the filters every 4th block (32 to 256; the shortcut is padded with zero
    /// channels) and halving the length every other block (the shortcut max-pools by 2); a final
    /// BatchNorm and ReLU, and a dense layer applied to each of the 23 time steps with a softmax over
    /// the 12 rhythm classes. Keras's "same" padding of a 16-tap conv is 7 before and 8 after, a
    /// ConstantPad1d before the conv.
    /// </summary>
    public static Network EcgResNet34(int classes = 12)
    {
        const int Kernel = 16, Start = 32, Blocks = 16;
        var b = new NetworkBuilder("ecg_resnet34");
        var x = b.Add("pad1", SamePad(), b.Input);
        x = b.Add("conv1", new Conv1d { OutChannels = Start, Kernel = Kernel }, x);
        x = b.Add("bn1", new BatchNorm1d(), x);
        x = b.Add("relu1", new ReLU(), x);
        var width = Start;
        x = b.AddScope("layers", "Sequential", x, input =>
        {
            var y = input;
            for (var i = 0; i < Blocks; i++)
            {
                var channels = Start << (i / 4);
                var stride = i % 2 == 1 ? 2 : 1;
                var (index, inWidth) = (i, width);
                y = b.AddScope($"layers.{i}", "Residual", y, block => EcgBlock(b, $"layers.{index}", block, index, inWidth, channels, stride));
                width = channels;
            }

            return y;
        });
        x = b.Add("bn_final", new BatchNorm1d(), x);
        x = b.Add("relu_final", new ReLU(), x);
        // Keras's TimeDistributed(Dense): the classifier over the channels of each time step.
        x = b.AddFunctional("transpose", new Transpose { Perm = [1, 0] }, x);
        x = b.Add("fc", new Linear { OutFeatures = classes }, x);
        x = b.AddFunctional("softmax", new Softmax { Axis = -1 }, x);
        x = b.AddFunctional("transpose_back", new Transpose { Perm = [1, 0] }, x);
        return b.Build(x, TensorShape.Cl(1, 5888));
    }

    private static Pad SamePad() => new() { Before = [0, 7], After = [0, 8] };

    // The shortcut runs first (max-pooled where the block subsamples, zero channels appended where it
    // widens), then BN-ReLU (not in the first block), conv, BN-ReLU, dropout, conv, and the sum.
    private static Tensor EcgBlock(NetworkBuilder b, string path, Tensor input, int index, int inWidth, int channels, int stride)
    {
        var shortcut = stride > 1 ? b.Add($"{path}.shortcut", new MaxPool1d { Kernel = stride }, input) : input;
        if (channels != inWidth)
        {
            shortcut = b.AddFunctional($"{path}.zeros", new Pad { Before = [0, 0], After = [channels - inWidth, 0] }, shortcut);
        }

        var x = input;
        if (index > 0)
        {
            x = b.Add($"{path}.bn1", new BatchNorm1d(), x);
            x = b.Add($"{path}.relu1", new ReLU(), x);
        }

        if (stride == 1)
        {
            x = b.Add($"{path}.pad1", SamePad(), x);
            x = b.Add($"{path}.conv1", new Conv1d { OutChannels = channels, Kernel = 16 }, x);
        }
        else
        {
            x = b.Add($"{path}.conv1", new Conv1d { OutChannels = channels, Kernel = 16, Stride = stride, Padding = 7 }, x);
        }

        x = b.Add($"{path}.bn2", new BatchNorm1d(), x);
        x = b.Add($"{path}.relu2", new ReLU(), x);
        x = b.Add($"{path}.dropout", new Dropout { P = 0.2 }, x);
        x = b.Add($"{path}.pad2", SamePad(), x);
        x = b.Add($"{path}.conv2", new Conv1d { OutChannels = channels, Kernel = 16 }, x);
        return b.AddFunctional($"{path}.add", Add.Instance, shortcut, x);
    }
}

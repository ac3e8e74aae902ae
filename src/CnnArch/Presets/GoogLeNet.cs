using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// GoogLeNet (Szegedy et al. 2014): an aggressive stem, nine inception modules of four parallel
/// branches joined by concatenation, 1x1 bottlenecks before the 3x3 and 5x5 convs, global average
/// pooling instead of large FC layers, and two auxiliary classifiers used only in training.
/// </summary>
public static class GoogLeNets
{
    private const string Citation = "Szegedy et al. Going Deeper with Convolutions. CVPR 2015 (arXiv 1409.4842), Table 1";

    // Table 1: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj, for 3a ... 5b.
    private static readonly (string Name, int C1, int C3r, int C3, int C5r, int C5, int Pool)[] Modules =
    [
        ("inception3a", 64, 96, 128, 16, 32, 32),
        ("inception3b", 128, 128, 192, 32, 96, 64),
        ("inception4a", 192, 96, 208, 16, 48, 64),
        ("inception4b", 160, 112, 224, 24, 64, 64),
        ("inception4c", 128, 128, 256, 24, 64, 64),
        ("inception4d", 112, 144, 288, 32, 64, 64),
        ("inception4e", 256, 160, 320, 32, 128, 128),
        ("inception5a", 256, 160, 320, 32, 128, 128),
        ("inception5b", 384, 192, 384, 48, 128, 128),
    ];

    /// <summary>
    /// torchvision's GoogLeNet. Deviations from the paper (pytorch/vision#906): every conv is
    /// conv(bias=False) + BatchNorm(eps 0.001) + ReLU; the "5x5" branch is a 3x3; all max-pools use
    /// ceil mode; maxpool4 is 2x2; no LRN; auxiliary heads only when <paramref name="aux"/>, whose
    /// first step is a functional adaptive average pool to 4x4.
    /// </summary>
    public static Network TorchVision(bool aux = false) => Build("googlenet", torchvision: true, aux);

    /// <summary>
    /// The paper's GoogLeNet: true 5x5 convs, conv biases, no BatchNorm, LRN in the stem (after
    /// maxpool1 and after conv3), 7x7 average pool. Auxiliary heads (5x5/3 average pool, 1x1 conv
    /// of 128, FC 1024, dropout 0.7, FC 1000) when <paramref name="aux"/>.
    /// </summary>
    public static Network Paper(bool aux = false) => Build("googlenet_paper", torchvision: false, aux);

    private static Network Build(string name, bool torchvision, bool aux)
    {
        var b = new NetworkBuilder(name);
        Module Conv(int channels, int kernel, int stride = 1, int padding = 0) => ConvUnit(torchvision, channels, kernel, stride, padding);
        Module Lrn() => new LocalResponseNorm { Size = 5, Alpha = 1e-4, Beta = 0.75, K = 1 };

        var x = b.Add("conv1", Conv(64, 7, 2, 3), b.Input);
        x = b.Add("maxpool1", new MaxPool2d { Kernel = 3, Stride = 2, CeilMode = true }, x);
        if (!torchvision)
        {
            x = b.Add("lrn1", Lrn(), x);
        }

        x = b.Add("conv2", Conv(64, 1), x);
        x = b.Add("conv3", Conv(192, 3, padding: 1), x);
        if (!torchvision)
        {
            x = b.Add("lrn2", Lrn(), x);
        }

        x = b.Add("maxpool2", new MaxPool2d { Kernel = 3, Stride = 2, CeilMode = true }, x);
        foreach (var m in Modules)
        {
            x = b.Add(m.Name, InceptionModule(m, torchvision), x);
            switch (m.Name)
            {
                case "inception3b":
                    x = b.Add("maxpool3", new MaxPool2d { Kernel = 3, Stride = 2, CeilMode = true }, x);
                    break;
                case "inception4a" when aux:
                    b.Add("aux1", AuxHead(torchvision), x);
                    break;
                case "inception4d" when aux:
                    b.Add("aux2", AuxHead(torchvision), x);
                    break;
                case "inception4e":
                    x = b.Add("maxpool4", torchvision ? new MaxPool2d { Kernel = 2, Stride = 2, CeilMode = true } : new MaxPool2d { Kernel = 3, Stride = 2, CeilMode = true }, x);
                    break;
            }
        }

        x = b.Add("avgpool", torchvision ? AdaptiveAvgPool2d.Global : new AvgPool2d { Kernel = 7, Stride = 1 }, x);
        x = b.Add("flatten", new Functional(Flatten.Instance), x);
        x = b.Add("dropout", new Dropout { P = torchvision ? 0.2 : 0.4 }, x);
        x = b.Add("fc", new Linear { OutFeatures = 1000 }, x);
        return b.Build(x, TensorShape.Chw(3, 224, 224));
    }

    // torchvision's BasicConv2d (conv without bias, BN, functional ReLU) or the paper's conv + ReLU.
    private static Module ConvUnit(bool torchvision, int channels, int kernel, int stride, int padding) => torchvision
        ? Sequential.Of(
            ("conv", new Conv2d { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding, HasBias = false }),
            ("bn", new BatchNorm2d()),
            ("relu", new Functional(new ReLU { Inplace = true })))
        : Sequential.Of(
            ("conv", new Conv2d { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding }),
            ("relu", new ReLU { Inplace = true }));

    private static Inception InceptionModule((string Name, int C1, int C3r, int C3, int C5r, int C5, int Pool) m, bool torchvision)
    {
        var (k5, p5) = torchvision ? (3, 1) : (5, 2);
        return new Inception(
            new Child("branch1", ConvUnit(torchvision, m.C1, 1, 1, 0)),
            new Child("branch2", new Sequential(ConvUnit(torchvision, m.C3r, 1, 1, 0), ConvUnit(torchvision, m.C3, 3, 1, 1))),
            new Child("branch3", new Sequential(ConvUnit(torchvision, m.C5r, 1, 1, 0), ConvUnit(torchvision, m.C5, k5, 1, p5))),
            new Child("branch4", new Sequential(new MaxPool2d { Kernel = 3, Stride = 1, Padding = 1, CeilMode = true }, ConvUnit(torchvision, m.Pool, 1, 1, 0))));
    }

    private static Sequential AuxHead(bool torchvision) => torchvision
        ? Sequential.Of(
            ("avgpool", new Functional(new AdaptiveAvgPool2d { OutputSize = 4 })),
            ("conv", ConvUnit(true, 128, 1, 1, 0)),
            ("flatten", new Functional(Flatten.Instance)),
            ("fc1", new Linear { OutFeatures = 1024 }),
            ("relu", new Functional(new ReLU { Inplace = true })),
            ("dropout", new Functional(new Dropout { P = 0.7 })),
            ("fc2", new Linear { OutFeatures = 1000 }))
        : Sequential.Of(
            ("avgpool", new AvgPool2d { Kernel = 5, Stride = 3 }),
            ("conv", ConvUnit(false, 128, 1, 1, 0)),
            ("flatten", new Functional(Flatten.Instance)),
            ("fc1", new Linear { OutFeatures = 1024 }),
            ("relu", new ReLU { Inplace = true }),
            ("dropout", new Dropout { P = 0.7 }),
            ("fc2", new Linear { OutFeatures = 1000 }));

    internal static PresetParameter AuxParameter { get; } =
        PresetParameter.Boolean("aux", "Add the two auxiliary classifiers (training only; reported apart from the inference totals)", false);

    internal static string PaperCitation => Citation;
}

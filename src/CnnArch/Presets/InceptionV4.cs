using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// Inception-v4 and Inception-ResNet-v2 (Szegedy, Ioffe, Vanhoucke and Alemi 2017) as Cadene's
/// pretrained-models.pytorch builds them (<c>pretrainedmodels/models/inceptionv4.py</c> and
/// <c>inceptionresnetv2.py</c>, the weights converted from TensorFlow-Slim that timm also uses): module
/// paths, kinds and execution order as there, 1000 classes, 3x299x299 input.
/// </summary>
public static class InceptionV4
{
    internal const string Paper = "Szegedy, Ioffe, Vanhoucke, Alemi. Inception-v4, Inception-ResNet and the Impact of Residual Connections on Learning. AAAI 2017 (arXiv 1602.07261)";

    internal const string Implementation = "; as Cadene's pretrained-models.pytorch (github.com/Cadene/pretrained-models.pytorch)";

    /// <summary>
    /// Inception-v4 as Cadene's <c>InceptionV4</c>: <c>features</c> is a stem of three BasicConv2d
    /// (conv without bias, BatchNorm eps 0.001, ReLU in place) and the Mixed_3a, Mixed_4a and Mixed_5a
    /// modules (Figure 3 of the paper), four Inception-A, Reduction-A, seven Inception-B, Reduction-B and
    /// three Inception-C (<c>features.0</c> to <c>features.21</c>); then <c>F.avg_pool2d</c> with a kernel as
    /// wide as the 8x8 map (a functional global average pool here: the same for any square input), a
    /// functional flatten (<c>view</c>) and <c>last_linear</c>. Where it departs from the paper (the
    /// implementation is TensorFlow-Slim's, whose weights it carries): Inception-B's and Inception-C's
    /// factorised convs come in the other order where Figures 5 and 6 start with 1x7 or 1x3 (7x1 then 1x7,
    /// 3x1 then 1x3: the same parameters and multiply-adds), the average pools inside the modules leave the
    /// padding out of the mean (<c>count_include_pad=False</c>, which changes no count), and there is no
    /// dropout before the classifier (the paper keeps 0.8).
    /// </summary>
    /// <param name="classes">Outputs of <c>last_linear</c> (Cadene's 'imagenet' weights: 1000; 'imagenet+background': 1001).</param>
    public static Network V4(int classes = 1000)
    {
        Guard.Positive(classes, nameof(classes));
        var b = new NetworkBuilder("inception_v4");
        var x = b.Add("features.0", Basic(32, 3, stride: 2), b.Input);
        x = b.Add("features.1", Basic(32, 3), x);
        x = b.Add("features.2", Basic(64, 3, padding: 1), x);
        x = Branches(b, "features.3", "Mixed_3a", x, ("maxpool", MaxPool3x3Stride2), ("conv", Basic(96, 3, stride: 2)));
        x = Branches(b, "features.4", "Mixed_4a", x,
            ("branch0", Chain(Basic(64, 1), Basic(96, 3))),
            ("branch1", Chain(Basic(64, 1), Row(64, 7), Column(64, 7), Basic(96, 3))));
        x = Branches(b, "features.5", "Mixed_5a", x, ("conv", Basic(192, 3, stride: 2)), ("maxpool", MaxPool3x3Stride2));
        var i = 6;
        for (var n = 0; n < 4; n++)
        {
            x = Branches(b, $"features.{i++}", "Inception_A", x,
                ("branch0", Basic(96, 1)),
                ("branch1", Chain(Basic(64, 1), Basic(96, 3, padding: 1))),
                ("branch2", Chain(Basic(64, 1), Basic(96, 3, padding: 1), Basic(96, 3, padding: 1))),
                ("branch3", Chain(AvgPool3x3, Basic(96, 1))));
        }

        x = Branches(b, $"features.{i++}", "Reduction_A", x,
            ("branch0", Basic(384, 3, stride: 2)),
            ("branch1", Chain(Basic(192, 1), Basic(224, 3, padding: 1), Basic(256, 3, stride: 2))),
            ("branch2", MaxPool3x3Stride2));
        for (var n = 0; n < 7; n++)
        {
            x = Branches(b, $"features.{i++}", "Inception_B", x,
                ("branch0", Basic(384, 1)),
                ("branch1", Chain(Basic(192, 1), Row(224, 7), Column(256, 7))),
                ("branch2", Chain(Basic(192, 1), Column(192, 7), Row(224, 7), Column(224, 7), Row(256, 7))),
                ("branch3", Chain(AvgPool3x3, Basic(128, 1))));
        }

        x = Branches(b, $"features.{i++}", "Reduction_B", x,
            ("branch0", Chain(Basic(192, 1), Basic(192, 3, stride: 2))),
            ("branch1", Chain(Basic(256, 1), Row(256, 7), Column(320, 7), Basic(320, 3, stride: 2))),
            ("branch2", MaxPool3x3Stride2));
        for (var n = 0; n < 3; n++)
        {
            x = InceptionC(b, $"features.{i++}", x);
        }

        return Classifier(b, x, classes, ("avg_pool2d", new Functional(AdaptiveAvgPool2d.Global)));
    }

    /// <summary>
    /// Inception-ResNet-v2 as Cadene's <c>InceptionResNetV2</c>: the stem (<c>conv2d_1a</c> to
    /// <c>maxpool_5a</c>, Inception-v3's), <c>mixed_5b</c> (an Inception-A block to 320 channels), ten
    /// Block35 (<c>repeat</c>, scale 0.17), <c>mixed_6a</c>, twenty Block17 (<c>repeat_1</c>, scale 0.10),
    /// <c>mixed_7a</c>, nine Block8 (<c>repeat_2</c>, scale 0.20) and a tenth without ReLU (<c>block8</c>,
    /// scale 1), <c>conv2d_7b</c> to 1536, an 8x8 average pool (<c>avgpool_1a</c>) and <c>last_linear</c>.
    /// Each residual block concatenates its branches, projects them back with a 1x1 conv with bias
    /// (<c>conv2d</c>), scales by a constant (a functional <c>mul</c>) and adds its input (<c>add</c>). Its ReLUs
    /// are not in place. Where it departs from the paper (the implementation is TensorFlow-Slim's, whose
    /// weights it carries): the stem is Inception-v3's with <c>mixed_5b</c> to 320 channels, not Figure 3's
    /// stem of 384; the residual blocks project back to 320, 1088 and 2080 channels where Figures 16, 17
    /// and 19 show 384, 1154 and 2048; there is no dropout before the classifier. The average pool is a
    /// fixed 8x8 window, so the input must leave a map of 8x8 at least (299 and 320 do; 256 leaves 6x6
    /// and fails, as it does in PyTorch).
    /// </summary>
    /// <param name="classes">Outputs of <c>last_linear</c> (Cadene's 'imagenet' weights: 1000; 'imagenet+background': 1001).</param>
    public static Network ResNetV2(int classes = 1000)
    {
        Guard.Positive(classes, nameof(classes));
        var b = new NetworkBuilder("inception_resnet_v2");
        var x = b.Add("conv2d_1a", Basic(32, 3, stride: 2, inplace: false), b.Input);
        x = b.Add("conv2d_2a", Basic(32, 3, inplace: false), x);
        x = b.Add("conv2d_2b", Basic(64, 3, padding: 1, inplace: false), x);
        x = b.Add("maxpool_3a", new MaxPool2d { Kernel = 3, Stride = 2 }, x);
        x = b.Add("conv2d_3b", Basic(80, 1, inplace: false), x);
        x = b.Add("conv2d_4a", Basic(192, 3, inplace: false), x);
        x = b.Add("maxpool_5a", new MaxPool2d { Kernel = 3, Stride = 2 }, x);
        x = Branches(b, "mixed_5b", "Mixed_5b", x,
            ("branch0", Slim(96, 1)),
            ("branch1", Chain(Slim(48, 1), Slim(64, 5, padding: 2))),
            ("branch2", Chain(Slim(64, 1), Slim(96, 3, padding: 1), Slim(96, 3, padding: 1))),
            ("branch3", Chain(AvgPool3x3, Slim(64, 1))));
        for (var n = 0; n < 10; n++)
        {
            x = ResidualBlock(b, $"repeat.{n}", "Block35", x, 320, relu: true,
                ("branch0", Slim(32, 1)),
                ("branch1", Chain(Slim(32, 1), Slim(32, 3, padding: 1))),
                ("branch2", Chain(Slim(32, 1), Slim(48, 3, padding: 1), Slim(64, 3, padding: 1))));
        }

        x = Branches(b, "mixed_6a", "Mixed_6a", x,
            ("branch0", Slim(384, 3, stride: 2)),
            ("branch1", Chain(Slim(256, 1), Slim(256, 3, padding: 1), Slim(384, 3, stride: 2))),
            ("branch2", MaxPool3x3Stride2));
        for (var n = 0; n < 20; n++)
        {
            x = ResidualBlock(b, $"repeat_1.{n}", "Block17", x, 1088, relu: true,
                ("branch0", Slim(192, 1)),
                ("branch1", Chain(Slim(128, 1), Row(160, 7, inplace: false), Column(192, 7, inplace: false))));
        }

        x = Branches(b, "mixed_7a", "Mixed_7a", x,
            ("branch0", Chain(Slim(256, 1), Slim(384, 3, stride: 2))),
            ("branch1", Chain(Slim(256, 1), Slim(288, 3, stride: 2))),
            ("branch2", Chain(Slim(256, 1), Slim(288, 3, padding: 1), Slim(320, 3, stride: 2))),
            ("branch3", MaxPool3x3Stride2));
        for (var n = 0; n <= 9; n++)
        {
            x = ResidualBlock(b, n < 9 ? $"repeat_2.{n}" : "block8", "Block8", x, 2080, relu: n < 9,
                ("branch0", Slim(192, 1)),
                ("branch1", Chain(Slim(192, 1), Row(224, 3, inplace: false), Column(256, 3, inplace: false))));
        }

        x = b.Add("conv2d_7b", Slim(1536, 1), x);
        return Classifier(b, x, classes, ("avgpool_1a", new AvgPool2d { Kernel = 8, CountIncludePad = false }));
    }

    // Cadene's BasicConv2d: conv (no bias), BatchNorm (eps 0.001), ReLU (in place in inceptionv4.py only).
    private static Sequential Basic(int channels, SpatialSize kernel, int stride = 1, SpatialPadding? padding = null, bool inplace = true) => Sequential.Of(
        ("conv", new Conv2d { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding ?? 0, HasBias = false }),
        ("bn", new BatchNorm2d()),
        ("relu", new ReLU { Inplace = inplace }));

    // inceptionresnetv2.py's BasicConv2d: its ReLU is not in place.
    private static Sequential Slim(int channels, SpatialSize kernel, int stride = 1, SpatialPadding? padding = null) =>
        Basic(channels, kernel, stride, padding, inplace: false);

    // The factorised 1xk and kx1 convs, padded to keep the size.
    private static Sequential Row(int channels, int k, bool inplace = true) => Basic(channels, new SpatialSize(1, k), padding: SpatialPadding.Symmetric(0, k / 2), inplace: inplace);

    private static Sequential Column(int channels, int k, bool inplace = true) => Basic(channels, new SpatialSize(k, 1), padding: SpatialPadding.Symmetric(k / 2, 0), inplace: inplace);

    // A branch that is an nn.Sequential: children named 0, 1, 2.
    private static Sequential Chain(params Module[] modules) => new(modules);

    private static AvgPool2d AvgPool3x3 { get; } = new() { Kernel = 3, Stride = 1, Padding = 1, CountIncludePad = false };

    private static MaxPool2d MaxPool3x3Stride2 { get; } = new() { Kernel = 3, Stride = 2 };

    // A module whose branches read its input in order and are concatenated (torch.cat, a functional "cat").
    private static Tensor Branches(NetworkBuilder b, string path, string kind, Tensor input, params (string Name, Module Module)[] branches) =>
        b.AddScope(path, kind, input, x => Cat(b, path, "cat", [.. branches.Select(branch => b.Add(NetworkBuilder.Join(path, branch.Name), branch.Module, x))]));

    private static Tensor Cat(NetworkBuilder b, string path, string name, params Tensor[] parts) =>
        b.AddFunctional(NetworkBuilder.Join(path, name), Concat.Instance, parts);

    // Inception-v4's Inception_C: branch1 and branch2 end in a 1x3 and a 3x1 conv side by side, concatenated.
    private static Tensor InceptionC(NetworkBuilder b, string path, Tensor input) => b.AddScope(path, "Inception_C", input, x =>
    {
        Tensor At(string name, Module module, Tensor from) => b.Add(NetworkBuilder.Join(path, name), module, from);
        var x0 = At("branch0", Basic(256, 1), x);
        var x1 = At("branch1_0", Basic(384, 1), x);
        x1 = Cat(b, path, "branch1_cat", At("branch1_1a", Row(256, 3), x1), At("branch1_1b", Column(256, 3), x1));
        var x2 = At("branch2_2", Row(512, 3), At("branch2_1", Column(448, 3), At("branch2_0", Basic(384, 1), x)));
        x2 = Cat(b, path, "branch2_cat", At("branch2_3a", Row(256, 3), x2), At("branch2_3b", Column(256, 3), x2));
        var x3 = At("branch3", Chain(AvgPool3x3, Basic(256, 1)), x);
        return Cat(b, path, "cat", x0, x1, x2, x3);
    });

    // Block35, Block17 and Block8: cat of the branches, 1x1 conv with bias back to the input width,
    // out * scale + x (functional mul and add), then ReLU unless it is the last Block8.
    private static Tensor ResidualBlock(NetworkBuilder b, string path, string kind, Tensor input, int width, bool relu, params (string Name, Module Module)[] branches) =>
        b.AddScope(path, kind, input, x =>
        {
            var cat = Cat(b, path, "cat", [.. branches.Select(branch => b.Add(NetworkBuilder.Join(path, branch.Name), branch.Module, x))]);
            var y = b.Add(NetworkBuilder.Join(path, "conv2d"), new Conv2d { OutChannels = width, Kernel = 1 }, cat);
            y = b.AddFunctional(NetworkBuilder.Join(path, "mul"), new Elementwise { Op = ElementwiseOp.Mul, Constant = TensorShape.Vector(1) }, y);
            y = b.AddFunctional(NetworkBuilder.Join(path, "add"), Add.Instance, y, x);
            return relu ? b.Add(NetworkBuilder.Join(path, "relu"), new ReLU(), y) : y;
        });

    // Cadene's logits(): the pool, x.view(x.size(0), -1) and last_linear.
    private static Network Classifier(NetworkBuilder b, Tensor x, int classes, (string Name, Module Module) pool)
    {
        x = b.Add(pool.Name, pool.Module, x);
        x = b.Add("view", Functional.Flatten, x);
        x = b.Add("last_linear", new Linear { OutFeatures = classes }, x);
        return b.Build(x, TensorShape.Chw(3, 299, 299));
    }
}

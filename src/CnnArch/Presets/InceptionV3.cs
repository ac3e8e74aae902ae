using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// Inception-v3 (Szegedy et al. 2016) as torchvision's <c>inception_v3</c>: a stem of 3x3 convs on a
/// 299x299 input, three 35x35 modules (InceptionA), a grid reduction (InceptionB), four 17x17 modules
/// with factorised 1x7 and 7x1 convs (InceptionC), a second reduction (InceptionD) and two 8x8 modules
/// with expanded 1x3 / 3x1 filter banks (InceptionE); an auxiliary classifier after Mixed_6e in training.
/// </summary>
public static class InceptionV3
{
    internal const string Paper = "Szegedy, Vanhoucke, Ioffe, Shlens, Wojna. Rethinking the Inception Architecture for Computer Vision. CVPR 2016 (arXiv 1512.00567)";

    internal static PresetParameter AuxParameter { get; } =
        PresetParameter.Boolean("aux", "Add the auxiliary classifier after Mixed_6e (training only; reported apart from the inference totals)", false);

    /// <summary>
    /// torchvision's Inception-v3 (<c>transform_input</c> off, as a model built without weights). Every
    /// conv is a BasicConv2d: conv without bias, BatchNorm (eps 0.001) and a functional ReLU. The pools
    /// inside the modules are functional calls (<c>F.avg_pool2d</c>, <c>F.max_pool2d</c>); the modules'
    /// branches are named flat under the module (<c>Mixed_5b.branch5x5_2.conv</c>), in torchvision's order.
    /// </summary>
    /// <param name="aux">Add <c>AuxLogits</c> after Mixed_6e: a 5x5/3 average pool, 1x1 conv of 128, 5x5 conv of 768, global pool and FC; reported as auxiliary.</param>
    /// <param name="classes">Outputs of the classifier (and of the auxiliary one).</param>
    public static Network TorchVision(bool aux = false, int classes = 1000)
    {
        Guard.Positive(classes, nameof(classes));
        var b = new NetworkBuilder("inception_v3");
        var x = b.Add("Conv2d_1a_3x3", Basic(32, 3, stride: 2), b.Input);
        x = b.Add("Conv2d_2a_3x3", Basic(32, 3), x);
        x = b.Add("Conv2d_2b_3x3", Basic(64, 3, padding: 1), x);
        x = b.Add("maxpool1", new MaxPool2d { Kernel = 3, Stride = 2 }, x);
        x = b.Add("Conv2d_3b_1x1", Basic(80, 1), x);
        x = b.Add("Conv2d_4a_3x3", Basic(192, 3), x);
        x = b.Add("maxpool2", new MaxPool2d { Kernel = 3, Stride = 2 }, x);
        x = InceptionA(b, "Mixed_5b", x, 32);
        x = InceptionA(b, "Mixed_5c", x, 64);
        x = InceptionA(b, "Mixed_5d", x, 64);
        x = InceptionB(b, "Mixed_6a", x);
        x = InceptionC(b, "Mixed_6b", x, 128);
        x = InceptionC(b, "Mixed_6c", x, 160);
        x = InceptionC(b, "Mixed_6d", x, 160);
        x = InceptionC(b, "Mixed_6e", x, 192);
        if (aux)
        {
            b.Add("AuxLogits", AuxHead(classes), x);
        }

        x = InceptionD(b, "Mixed_7a", x);
        x = InceptionE(b, "Mixed_7b", x);
        x = InceptionE(b, "Mixed_7c", x);
        x = b.Add("avgpool", AdaptiveAvgPool2d.Global, x);
        x = b.Add("dropout", new Dropout { P = 0.5 }, x);
        x = b.Add("flatten", Functional.Flatten, x);
        x = b.Add("fc", new Linear { OutFeatures = classes }, x);
        return b.Build(x, TensorShape.Chw(3, 299, 299));
    }

    // BasicConv2d: conv (no bias), BatchNorm (eps 0.001), F.relu.
    private static Sequential Basic(int channels, SpatialSize kernel, int stride = 1, SpatialPadding? padding = null) => Sequential.Of(
        ("conv", new Conv2d { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding ?? 0, HasBias = false }),
        ("bn", new BatchNorm2d()),
        ("relu", new Functional(new ReLU { Inplace = true })));

    // The factorised 1x7 and 7x1 convs (1x3 and 3x1 in InceptionE), padded to keep the size.
    private static Sequential Row(int channels, int k) => Basic(channels, new SpatialSize(1, k), padding: SpatialPadding.Symmetric(0, k / 2));

    private static Sequential Column(int channels, int k) => Basic(channels, new SpatialSize(k, 1), padding: SpatialPadding.Symmetric(k / 2, 0));

    private static Functional AvgPool3x3 { get; } = new(new AvgPool2d { Kernel = 3, Stride = 1, Padding = 1 });

    private static Functional MaxPool3x3Stride2 { get; } = new(new MaxPool2d { Kernel = 3, Stride = 2 });

    // A module whose branches torchvision names flat under it: each step is named and applied in order, reading the last.
    private static Tensor Chain(NetworkBuilder b, string path, Tensor x, params (string Name, Module Module)[] steps)
    {
        foreach (var (name, module) in steps)
        {
            x = b.Add(NetworkBuilder.Join(path, name), module, x);
        }

        return x;
    }

    private static Tensor Cat(NetworkBuilder b, string path, string name, params Tensor[] parts) =>
        b.AddFunctional(NetworkBuilder.Join(path, name), Concat.Instance, parts);

    private static Tensor InceptionA(NetworkBuilder b, string path, Tensor input, int poolFeatures) => b.AddScope(path, "InceptionA", input, x => Cat(b, path, "cat",
        Chain(b, path, x, ("branch1x1", Basic(64, 1))),
        Chain(b, path, x, ("branch5x5_1", Basic(48, 1)), ("branch5x5_2", Basic(64, 5, padding: 2))),
        Chain(b, path, x, ("branch3x3dbl_1", Basic(64, 1)), ("branch3x3dbl_2", Basic(96, 3, padding: 1)), ("branch3x3dbl_3", Basic(96, 3, padding: 1))),
        Chain(b, path, x, ("avg_pool2d", AvgPool3x3), ("branch_pool", Basic(poolFeatures, 1)))));

    private static Tensor InceptionB(NetworkBuilder b, string path, Tensor input) => b.AddScope(path, "InceptionB", input, x => Cat(b, path, "cat",
        Chain(b, path, x, ("branch3x3", Basic(384, 3, stride: 2))),
        Chain(b, path, x, ("branch3x3dbl_1", Basic(64, 1)), ("branch3x3dbl_2", Basic(96, 3, padding: 1)), ("branch3x3dbl_3", Basic(96, 3, stride: 2))),
        Chain(b, path, x, ("max_pool2d", MaxPool3x3Stride2))));

    private static Tensor InceptionC(NetworkBuilder b, string path, Tensor input, int c7) => b.AddScope(path, "InceptionC", input, x => Cat(b, path, "cat",
        Chain(b, path, x, ("branch1x1", Basic(192, 1))),
        Chain(b, path, x, ("branch7x7_1", Basic(c7, 1)), ("branch7x7_2", Row(c7, 7)), ("branch7x7_3", Column(192, 7))),
        Chain(b, path, x, ("branch7x7dbl_1", Basic(c7, 1)), ("branch7x7dbl_2", Column(c7, 7)), ("branch7x7dbl_3", Row(c7, 7)), ("branch7x7dbl_4", Column(c7, 7)), ("branch7x7dbl_5", Row(192, 7))),
        Chain(b, path, x, ("avg_pool2d", AvgPool3x3), ("branch_pool", Basic(192, 1)))));

    private static Tensor InceptionD(NetworkBuilder b, string path, Tensor input) => b.AddScope(path, "InceptionD", input, x => Cat(b, path, "cat",
        Chain(b, path, x, ("branch3x3_1", Basic(192, 1)), ("branch3x3_2", Basic(320, 3, stride: 2))),
        Chain(b, path, x, ("branch7x7x3_1", Basic(192, 1)), ("branch7x7x3_2", Row(192, 7)), ("branch7x7x3_3", Column(192, 7)), ("branch7x7x3_4", Basic(192, 3, stride: 2))),
        Chain(b, path, x, ("max_pool2d", MaxPool3x3Stride2))));

    // InceptionE: the 3x3 branches end in a 1x3 and a 3x1 conv side by side, concatenated (named as torchvision's variables).
    private static Tensor InceptionE(NetworkBuilder b, string path, Tensor input) => b.AddScope(path, "InceptionE", input, x =>
    {
        var branch1x1 = Chain(b, path, x, ("branch1x1", Basic(320, 1)));
        var branch3x3 = Chain(b, path, x, ("branch3x3_1", Basic(384, 1)));
        branch3x3 = Cat(b, path, "branch3x3_cat", Chain(b, path, branch3x3, ("branch3x3_2a", Row(384, 3))), Chain(b, path, branch3x3, ("branch3x3_2b", Column(384, 3))));
        var branch3x3dbl = Chain(b, path, x, ("branch3x3dbl_1", Basic(448, 1)), ("branch3x3dbl_2", Basic(384, 3, padding: 1)));
        branch3x3dbl = Cat(b, path, "branch3x3dbl_cat", Chain(b, path, branch3x3dbl, ("branch3x3dbl_3a", Row(384, 3))), Chain(b, path, branch3x3dbl, ("branch3x3dbl_3b", Column(384, 3))));
        var branchPool = Chain(b, path, x, ("avg_pool2d", AvgPool3x3), ("branch_pool", Basic(192, 1)));
        return Cat(b, path, "cat", branch1x1, branch3x3, branch3x3dbl, branchPool);
    });

    // InceptionAux: F.avg_pool2d 5/3, 1x1 conv of 128, 5x5 conv of 768, F.adaptive_avg_pool2d to 1x1, flatten, FC.
    private static Sequential AuxHead(int classes) => Sequential.Of(
        ("avg_pool2d", new Functional(new AvgPool2d { Kernel = 5, Stride = 3 })),
        ("conv0", Basic(128, 1)),
        ("conv1", Basic(768, 5)),
        ("adaptive_avg_pool2d", new Functional(AdaptiveAvgPool2d.Global)),
        ("flatten", Functional.Flatten),
        ("fc", new Linear { OutFeatures = classes }));
}

using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// torchvision's semantic segmentation models (<c>torchvision.models.segmentation</c>): FCN (Long et al.
/// 2015) and DeepLabv3 (Chen et al. 2017) on a dilated ResNet (layer3 and layer4 trade their stride for
/// dilation: output stride 8), DeepLabv3 and LR-ASPP (Howard et al. 2019) on a dilated MobileNetV3-Large
/// (output stride 16). Each returns per-pixel class scores upsampled bilinearly (<c>F.interpolate</c>,
/// a functional row) to the input's size. Module names and execution order are torchvision's: the
/// backbone is an <c>IntermediateLayerGetter</c> (<c>backbone.layer4.2.conv2</c>, <c>backbone.16.0</c>)
/// that keeps the layers up to the last feature it returns, the head is <c>classifier</c> and the
/// auxiliary head, when asked for (<c>aux_loss=True</c>), <c>aux_classifier</c>: an FCN head on the
/// stride-8 features whose rows feed no output, so reports mark them auxiliary (training only).
/// </summary>
/// <remarks>
/// torchvision's published COCO val2017 (20 Pascal VOC categories) mIoU / pixel accuracy of its
/// <c>COCO_WITH_VOC_LABELS_V1</c> weights: fcn_resnet50 60.5 / 91.4, fcn_resnet101 63.7 / 91.9,
/// deeplabv3_resnet50 66.4 / 92.4, deeplabv3_resnet101 67.4 / 92.4, deeplabv3_mobilenet_v3_large
/// 60.3 / 91.2, lraspp_mobilenet_v3_large 57.9 / 91.2 (<see cref="Published"/>).
/// </remarks>
public static class Segmentation
{
    internal const string FcnPaper = "Long, Shelhamer, Darrell. Fully Convolutional Networks for Semantic Segmentation. CVPR 2015 (arXiv 1411.4038)";
    internal const string DeepLabV3Paper = "Chen, Papandreou, Schroff, Adam. Rethinking Atrous Convolution for Semantic Image Segmentation. 2017 (arXiv 1706.05587)";
    internal const string LrAsppPaper = "Howard et al. Searching for MobileNetV3. ICCV 2019 (arXiv 1905.02244), Section 6.3: Lite R-ASPP";

    /// <summary>torchvision's evaluation size (its weights' <c>resize_size</c>): 520 x 520 in, 520 x 520 out.</summary>
    public const int DefaultResolution = 520;

    /// <summary>Pascal VOC's 20 categories and the background: torchvision's default classes.</summary>
    public const int DefaultClasses = 21;

    // The block of dilated MobileNetV3-Large that returns the stride-8 feature ("low", C2) has 40 channels.
    private const int MobileNetLowChannels = 40;

    /// <summary>
    /// torchvision's published mIoU and pixel accuracy (%) of each preset's <c>COCO_WITH_VOC_LABELS_V1</c>
    /// weights on COCO val2017 restricted to the 20 Pascal VOC categories: facts about trained weights,
    /// not something CnnArch computes.
    /// </summary>
    public static IReadOnlyDictionary<string, (double MeanIoU, double PixelAccuracy)> Published { get; } = new Dictionary<string, (double, double)>(StringComparer.Ordinal)
    {
        ["fcn_resnet50"] = (60.5, 91.4),
        ["fcn_resnet101"] = (63.7, 91.9),
        ["deeplabv3_resnet50"] = (66.4, 92.4),
        ["deeplabv3_resnet101"] = (67.4, 92.4),
        ["deeplabv3_mobilenet_v3_large"] = (60.3, 91.2),
        ["lraspp_mobilenet_v3_large"] = (57.9, 91.2),
    };

    /// <summary>
    /// FCN-ResNet-<paramref name="depth"/> as torchvision's <c>fcn_resnet50</c> and <c>fcn_resnet101</c>: the
    /// dilated ResNet's layer4 (2048 channels at stride 8), the FCN head (3x3 conv to a quarter of the
    /// channels, BN, ReLU, dropout 0.1, 1x1 conv to the classes) and bilinear upsampling to the input.
    /// </summary>
    /// <param name="depth">The ResNet's depth: 50, 101 or 152 (bottleneck blocks).</param>
    /// <param name="classes">Output classes; 21 for torchvision's VOC labels.</param>
    /// <param name="aux">Add the auxiliary FCN head on layer3 (1024 channels), as <c>aux_loss=True</c>: training only.</param>
    /// <param name="resolution">Input height and width, which the output is upsampled back to.</param>
    /// <exception cref="ArgumentException">No bottleneck ResNet of that depth, or a count that is not positive.</exception>
    public static Network Fcn(int depth, int classes = DefaultClasses, bool aux = false, int resolution = DefaultResolution) =>
        ResNetModel($"fcn_resnet{depth}", depth, deepLab: false, classes, aux, resolution);

    /// <summary>
    /// DeepLabv3-ResNet-<paramref name="depth"/> as torchvision's <c>deeplabv3_resnet50</c> and
    /// <c>deeplabv3_resnet101</c>: the dilated ResNet's layer4, ASPP (a 1x1 conv, three 3x3 convs of
    /// dilation 12, 24 and 36 and image pooling, 256 channels each, concatenated and projected to 256),
    /// a 3x3 conv, BN, ReLU, a 1x1 conv to the classes and bilinear upsampling to the input.
    /// </summary>
    /// <param name="depth">The ResNet's depth: 50, 101 or 152 (bottleneck blocks).</param>
    /// <param name="classes">Output classes; 21 for torchvision's VOC labels.</param>
    /// <param name="aux">Add the auxiliary FCN head on layer3 (1024 channels), as <c>aux_loss=True</c>: training only.</param>
    /// <param name="resolution">Input height and width, which the output is upsampled back to.</param>
    /// <exception cref="ArgumentException">No bottleneck ResNet of that depth, or a count that is not positive.</exception>
    public static Network DeepLabV3(int depth, int classes = DefaultClasses, bool aux = false, int resolution = DefaultResolution) =>
        ResNetModel($"deeplabv3_resnet{depth}", depth, deepLab: true, classes, aux, resolution);

    /// <summary>
    /// DeepLabv3 on MobileNetV3-Large as torchvision's <c>deeplabv3_mobilenet_v3_large</c>: the dilated
    /// backbone's last features (960 channels at stride 16), the DeepLabv3 head and bilinear upsampling.
    /// </summary>
    /// <param name="classes">Output classes; 21 for torchvision's VOC labels.</param>
    /// <param name="aux">Add the auxiliary FCN head on the stride-8 features (<c>backbone.4</c>, 40 channels), as <c>aux_loss=True</c>: training only.</param>
    /// <param name="resolution">Input height and width, which the output is upsampled back to.</param>
    /// <exception cref="ArgumentException">A count that is not positive.</exception>
    public static Network DeepLabV3MobileNetV3(int classes = DefaultClasses, bool aux = false, int resolution = DefaultResolution)
    {
        var (b, low, high) = MobileNetBackbone("deeplabv3_mobilenet_v3_large", classes, resolution);
        var head = DeepLabHead(b, high, classes, Downsampled(resolution, 4));
        return Finish(b, head, aux ? (low, MobileNetLowChannels) : null, classes, resolution);
    }

    /// <summary>
    /// LR-ASPP on MobileNetV3-Large as torchvision's <c>lraspp_mobilenet_v3_large</c> (Howard et al. 2019,
    /// Section 6.3): on the stride-16 features a 1x1 conv, BN and ReLU to 128 channels, gated by a sigmoid
    /// of their global average (pool, 1x1 conv, sigmoid), upsampled to the stride-8 features; 1x1
    /// classifiers of both added, then upsampled bilinearly to the input. No auxiliary head.
    /// </summary>
    /// <param name="classes">Output classes; 21 for torchvision's VOC labels.</param>
    /// <param name="resolution">Input height and width, which the output is upsampled back to.</param>
    /// <exception cref="ArgumentException">A count that is not positive.</exception>
    public static Network LrAspp(int classes = DefaultClasses, int resolution = DefaultResolution)
    {
        var (b, low, high) = MobileNetBackbone("lraspp_mobilenet_v3_large", classes, resolution);
        var head = b.AddScope("classifier", "LRASPPHead", high, h =>
        {
            var x = b.Add("classifier.cbr", new Sequential(Conv(128, 1), new BatchNorm2d(), new ReLU { Inplace = true }), h);
            var s = b.Add("classifier.scale", new Sequential(AdaptiveAvgPool2d.Global, Conv(128, 1), new Sigmoid()), h);
            x = b.AddFunctional("classifier.mul", Scale.Instance, x, s);
            x = b.AddFunctional("classifier.interpolate", Resize(Downsampled(resolution, 3)), x);
            var fromLow = b.Add("classifier.low_classifier", new Conv2d { OutChannels = classes, Kernel = 1 }, low);
            var fromHigh = b.Add("classifier.high_classifier", new Conv2d { OutChannels = classes, Kernel = 1 }, x);
            return b.AddFunctional("classifier.add", Add.Instance, fromLow, fromHigh);
        });
        return Finish(b, head, null, classes, resolution);
    }

    private static Network ResNetModel(string name, int depth, bool deepLab, int classes, bool aux, int resolution)
    {
        Check(classes, resolution);
        var blocks = ResNets.Depths.TryGetValue(depth, out var d) && d.Block == ResidualBlockKind.Bottleneck ? d.Depths
            : throw new ArgumentException($"No bottleneck ResNet of depth {depth}: a segmentation backbone is dilated, which needs bottleneck blocks (50, 101, 152).", nameof(depth));
        var options = new ResNetOptions { Name = name, Block = ResidualBlockKind.Bottleneck, Depths = blocks, ReplaceStrideWithDilation = [false, true, true] };
        var b = new NetworkBuilder(name);
        var layer3 = default(Tensor);
        var features = b.AddScope("backbone", "IntermediateLayerGetter", b.Input, x =>
        {
            foreach (var child in ResNets.Features(options))
            {
                x = b.Add(NetworkBuilder.Join("backbone", child.Name), child.Module, x);
                layer3 = child.Name == "layer3" ? x : layer3;
            }

            return x;
        });

        // conv1, the max-pool and layer2 halve the input (rounding up); layer3 and layer4 are dilated.
        var head = deepLab ? DeepLabHead(b, features, classes, Downsampled(resolution, 3)) : b.Add("classifier", FcnHead(2048, classes), features);
        return Finish(b, head, aux ? (layer3, 1024) : null, classes, resolution);
    }

    // torchvision's MobileNetV3-Large(dilated=True).features as IntermediateLayerGetter: "low" is the last block
    // at stride 8 (C2, four from the end of the stage starts) and "high" the last conv (stride 16).
    private static (NetworkBuilder Builder, Tensor Low, Tensor High) MobileNetBackbone(string name, int classes, int resolution)
    {
        Check(classes, resolution);
        var features = MobileNets.V3Features(large: true, width: 1.0, dilated: true);
        List<int> stages = [0, .. MobileNets.V3StridedBlocks(large: true), features.Count - 1];
        var lowAt = stages[^4];
        var b = new NetworkBuilder(name);
        var low = default(Tensor);
        var high = b.AddScope("backbone", "IntermediateLayerGetter", b.Input, x =>
        {
            for (var i = 0; i < features.Count; i++)
            {
                x = b.Add(NetworkBuilder.Join("backbone", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), features[i], x);
                low = i == lowAt ? x : low;
            }

            return x;
        });
        return (b, low, high);
    }

    // The main head's output upsampled to the input; then, when asked for, the auxiliary FCN head and its
    // upsampling, which feed no output (torchvision's result["aux"], used only by the training loss).
    private static Network Finish(NetworkBuilder b, Tensor head, (Tensor Features, int Channels)? aux, int classes, int resolution)
    {
        var output = b.AddFunctional("interpolate", Resize(resolution), head);
        if (aux is { } auxiliary)
        {
            var auxHead = b.Add("aux_classifier", FcnHead(auxiliary.Channels, classes), auxiliary.Features);
            b.AddFunctional("aux_interpolate", Resize(resolution), auxHead);
        }

        return b.Build(output, TensorShape.Chw(3, resolution, resolution));
    }

    // torchvision's FCNHead: 3x3 conv to a quarter of the input channels, BN, ReLU, dropout 0.1, 1x1 conv to the classes.
    private static Sequential FcnHead(int inChannels, int classes) => new(
        new Conv2d { OutChannels = inChannels / 4, Kernel = 3, Padding = 1, HasBias = false },
        new BatchNorm2d(),
        new ReLU(),
        new Dropout { P = 0.1 },
        new Conv2d { OutChannels = classes, Kernel = 1 });

    // torchvision's DeepLabHead (an nn.Sequential): ASPP, 3x3 conv, BN, ReLU, 1x1 conv to the classes.
    private static Tensor DeepLabHead(NetworkBuilder b, Tensor features, int classes, int size) =>
        b.AddScope("classifier", "Sequential", features, x =>
        {
            x = b.AddScope("classifier.0", "ASPP", x, input => Aspp(b, "classifier.0", input, size));
            x = b.Add("classifier.1", new Conv2d { OutChannels = 256, Kernel = 3, Padding = 1, HasBias = false }, x);
            x = b.Add("classifier.2", new BatchNorm2d(), x);
            x = b.Add("classifier.3", new ReLU(), x);
            return b.Add("classifier.4", new Conv2d { OutChannels = classes, Kernel = 1 }, x);
        });

    // ASPP with rates 12, 24, 36: five branches of 256 channels on the same input (the last pools the
    // whole map and is upsampled back to its size), concatenated, then projected to 256 with dropout 0.5.
    private static Tensor Aspp(NetworkBuilder b, string path, Tensor x, int size)
    {
        var branches = new List<Module> { new Sequential(Conv(256, 1), new BatchNorm2d(), new ReLU()) };
        foreach (var rate in new[] { 12, 24, 36 })
        {
            var atrous = new Conv2d { OutChannels = 256, Kernel = 3, Padding = rate, Dilation = rate, HasBias = false };
            branches.Add(new Sequential(atrous, new BatchNorm2d(), new ReLU()));
        }

        branches.Add(Sequential.Of(
            ("0", AdaptiveAvgPool2d.Global),
            ("1", Conv(256, 1)),
            ("2", new BatchNorm2d()),
            ("3", new ReLU()),
            ("interpolate", new Functional(Resize(size)))));
        var outputs = branches.Select((branch, i) => b.Add($"{path}.convs.{i}", branch, x)).ToArray();
        var cat = b.AddFunctional($"{path}.cat", Concat.Instance, outputs);
        return b.Add($"{path}.project", new Sequential(Conv(256, 1), new BatchNorm2d(), new ReLU(), new Dropout { P = 0.5 }), cat);
    }

    private static Conv2d Conv(int channels, int kernel) => new() { OutChannels = channels, Kernel = kernel, HasBias = false };

    // F.interpolate(x, size=(n, n), mode="bilinear", align_corners=False).
    private static Upsample Resize(int size) => new() { Size = size, Mode = InterpolationMode.Bilinear };

    // The size after `times` stride-2 layers that pad (k - 1) / 2: each rounds up, ceil(n / 2).
    private static int Downsampled(int size, int times)
    {
        for (var i = 0; i < times; i++)
        {
            size = (size + 1) / 2;
        }

        return size;
    }

    private static void Check(int classes, int resolution)
    {
        Guard.Positive(classes, nameof(classes));
        Guard.Positive(resolution, nameof(resolution));
    }
}

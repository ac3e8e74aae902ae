using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>How a video ResNet's 3x3 convolution treats time (Tran et al. 2018, "A Closer Look at Spatiotemporal Convolutions").</summary>
public enum VideoConvolution
{
    /// <summary>A full 3x3x3 convolution over time and space (R3D).</summary>
    Full3D,

    /// <summary>A 1x3x3 convolution, space only (the "MC" stages of MC3: 2-D convs after a 3-D first stage).</summary>
    SpatialOnly,

    /// <summary>A (2+1)-D factorisation: 1x3x3 in space to M mid-plane channels, then 3x1x1 in time (R(2+1)D).</summary>
    Factorised,
}

/// <summary>
/// The video classifiers of torchvision (<c>torchvision.models.video</c>): the ResNet-18s of Tran et
/// al. 2018 (R3D, MC3, R(2+1)D) and S3D (Xie et al. 2018), all on 16 frames of 112x112 (S3D: 224x224)
/// RGB, 400 Kinetics classes. Module names and execution order are torchvision's.
/// </summary>
public static class VideoNets
{
    internal const string TranPaper = "Tran, Wang, Torresani, Ray, LeCun, Paluri. A Closer Look at Spatiotemporal Convolutions for Action Recognition. CVPR 2018 (arXiv 1711.11248)";
    internal const string S3dPaper = "Xie, Sun, Huang, Tu, Murphy. Rethinking Spatiotemporal Feature Learning: Speed-Accuracy Trade-offs in Video Classification. ECCV 2018 (arXiv 1712.04851)";

    /// <summary>16 RGB frames of 112x112: torchvision's video ResNets' evaluation clip.</summary>
    public static TensorShape ResNetClip { get; } = TensorShape.Cdhw(3, 16, 112, 112);

    /// <summary>R3D-18: 3x3x3 convolutions everywhere.</summary>
    public static Network R3D18(int classes = 400) =>
        ResNet18("r3d_18", [VideoConvolution.Full3D, VideoConvolution.Full3D, VideoConvolution.Full3D, VideoConvolution.Full3D], classes);

    /// <summary>MC3-18: 3-D convolutions in the first stage, spatial-only (1x3x3) convolutions after.</summary>
    public static Network MC3_18(int classes = 400) =>
        ResNet18("mc3_18", [VideoConvolution.Full3D, VideoConvolution.SpatialOnly, VideoConvolution.SpatialOnly, VideoConvolution.SpatialOnly], classes);

    /// <summary>R(2+1)D-18: every 3x3x3 factorised into 1x3x3 and 3x1x1 with the mid-plane width that keeps the parameters of the 3-D conv.</summary>
    public static Network R2Plus1D18(int classes = 400) =>
        ResNet18("r2plus1d_18", [VideoConvolution.Factorised, VideoConvolution.Factorised, VideoConvolution.Factorised, VideoConvolution.Factorised], classes);

    /// <summary>
    /// The mid-plane width M of a (2+1)-D block from N_in to N_out channels: floor(27 N_in N_out /
    /// (9 N_in + 3 N_out)), which gives the factorised pair about the parameters of one 3x3x3 conv
    /// (the paper's Eq. 1, torchvision's <c>midplanes</c>).
    /// </summary>
    public static int MidPlanes(int inPlanes, int outPlanes) =>
        checked((int)((long)inPlanes * outPlanes * 27 / ((9L * inPlanes) + (3L * outPlanes))));

    // torchvision's VideoResNet with BasicBlock and [2, 2, 2, 2]: a stem, four stages of 64 to 512
    // channels (stride 2 from the second), a global average pool over time and space, and the classifier.
    private static Network ResNet18(string name, VideoConvolution[] stages, int classes)
    {
        var factorised = stages[0] == VideoConvolution.Factorised;
        var stem = factorised
            ? new Sequential(
                // R(2+1)D's stem: 45 mid-planes, as torchvision (the paper's (2+1)-D conv1 of 7x7 then 3).
                new Conv3d { OutChannels = 45, Kernel = new SpatialSize(1, 7, 7), Stride = new SpatialSize(1, 2, 2), Padding = SpatialPadding.Symmetric(0, 3, 3), HasBias = false },
                new BatchNorm3d(), new ReLU { Inplace = true },
                new Conv3d { OutChannels = 64, Kernel = new SpatialSize(3, 1, 1), Padding = SpatialPadding.Symmetric(1, 0, 0), HasBias = false },
                new BatchNorm3d(), new ReLU { Inplace = true })
            : new Sequential(
                new Conv3d { OutChannels = 64, Kernel = new SpatialSize(3, 7, 7), Stride = new SpatialSize(1, 2, 2), Padding = SpatialPadding.Symmetric(1, 3, 3), HasBias = false },
                new BatchNorm3d(), new ReLU { Inplace = true });
        var children = new List<Child> { new("stem", stem) };
        var inPlanes = 64;
        for (var stage = 0; stage < 4; stage++)
        {
            var planes = 64 << stage;
            var stride = stage == 0 ? 1 : 2;
            var blocks = new List<Module>();
            for (var block = 0; block < 2; block++)
            {
                var s = block == 0 ? stride : 1;
                blocks.Add(BasicBlock(stages[stage], inPlanes, planes, s));
                inPlanes = planes;
            }

            children.Add(new($"layer{stage + 1}", new Sequential(blocks)));
        }

        children.Add(new("avgpool", AdaptiveAvgPool3d.Global));
        children.Add(new("flatten", Functional.Flatten));
        children.Add(new("fc", new Linear { OutFeatures = classes }));
        return Network.Create(name, new Sequential(children), ResNetClip);
    }

    private static Residual BasicBlock(VideoConvolution conv, int inPlanes, int planes, int stride)
    {
        var mid = MidPlanes(inPlanes, planes);
        // The shortcut's stride: in time too, but for the spatial-only convs (torchvision's get_downsample_stride).
        var shortcutStride = conv == VideoConvolution.SpatialOnly ? new SpatialSize(1, stride, stride) : SpatialSize.Uniform(stride);
        return new Residual
        {
            Body = Sequential.Of(
                ("conv1", new Sequential(Conv(conv, planes, mid, stride), new BatchNorm3d(), new ReLU { Inplace = true })),
                // torchvision computes the mid-planes once per block, from its input width, for both convs.
                ("conv2", new Sequential(Conv(conv, planes, mid, 1), new BatchNorm3d()))),
            Shortcut = stride != 1 || inPlanes != planes
                ? new Sequential(new Conv3d { OutChannels = planes, Kernel = 1, Stride = shortcutStride, HasBias = false }, new BatchNorm3d())
                : null,
            InPlaceJoin = true,
            After = Sequential.Of(("relu", new ReLU { Inplace = true })),
        };
    }

    // Conv3DSimple, Conv3DNoTemporal or Conv2Plus1D of torchvision, padding 1.
    private static Module Conv(VideoConvolution conv, int outPlanes, int midPlanes, int stride) => conv switch
    {
        VideoConvolution.Full3D => new Conv3d { OutChannels = outPlanes, Kernel = 3, Stride = stride, Padding = 1, HasBias = false },
        VideoConvolution.SpatialOnly => new Conv3d { OutChannels = outPlanes, Kernel = new SpatialSize(1, 3, 3), Stride = new SpatialSize(1, stride, stride), Padding = SpatialPadding.Symmetric(0, 1, 1), HasBias = false },
        _ => new Sequential(
            new Conv3d { OutChannels = midPlanes, Kernel = new SpatialSize(1, 3, 3), Stride = new SpatialSize(1, stride, stride), Padding = SpatialPadding.Symmetric(0, 1, 1), HasBias = false },
            new BatchNorm3d(), new ReLU { Inplace = true },
            new Conv3d { OutChannels = outPlanes, Kernel = new SpatialSize(3, 1, 1), Stride = new SpatialSize(stride, 1, 1), Padding = SpatialPadding.Symmetric(1, 0, 0), HasBias = false }),
    };

    // Inception blocks of S3D (torchvision's SepInceptionBlock3D): 1x1; 1x1 then separable 3; 1x1 then separable 3; 3x3x3 max pool then 1x1.
    private static readonly (int B0, int B1Mid, int B1, int B2Mid, int B2, int B3)[] S3dBlocks =
    [
        (64, 96, 128, 16, 32, 32),
        (128, 128, 192, 32, 96, 64),
        (192, 96, 208, 16, 48, 64),
        (160, 112, 224, 24, 64, 64),
        (128, 128, 256, 24, 64, 64),
        (112, 144, 288, 32, 64, 64),
        (256, 160, 320, 32, 128, 128),
        (256, 160, 320, 32, 128, 128),
        (384, 192, 384, 48, 128, 128),
    ];

    /// <summary>
    /// S3D as torchvision: GoogLeNet's inception layout with every 3x3 conv made a separable 1x3x3
    /// then 3x1x1 pair (Conv3dNormActivation: conv without bias, BatchNorm3d, ReLU), a 2x7x7 average
    /// pool and a 1x1x1 conv classifier, averaged over what is left of time and space.
    /// </summary>
    public static Network S3D(int classes = 400)
    {
        var features = new List<Module>
        {
            Separable(64, 7, 2, 3),
            new MaxPool3d { Kernel = new SpatialSize(1, 3, 3), Stride = new SpatialSize(1, 2, 2), Padding = SpatialPadding.Symmetric(0, 1, 1) },
            Unit(64, 1),
            Separable(192, 3, 1, 1),
            new MaxPool3d { Kernel = new SpatialSize(1, 3, 3), Stride = new SpatialSize(1, 2, 2), Padding = SpatialPadding.Symmetric(0, 1, 1) },
            InceptionBlock(S3dBlocks[0]),
            InceptionBlock(S3dBlocks[1]),
            new MaxPool3d { Kernel = 3, Stride = 2, Padding = 1 },
        };
        features.AddRange(S3dBlocks[2..7].Select(InceptionBlock));
        features.Add(new MaxPool3d { Kernel = 2, Stride = 2 });
        features.AddRange(S3dBlocks[7..].Select(InceptionBlock));
        var network = Sequential.Of(
            ("features", new Sequential(features)),
            ("avgpool", new AvgPool3d { Kernel = new SpatialSize(2, 7, 7), Stride = 1 }),
            ("classifier", new Sequential(new Dropout { P = 0.2 }, new Conv3d { OutChannels = classes, Kernel = 1 })),
            ("mean", new Functional(new ReduceMean { Axes = [1, 2, 3], KeepDims = false })));
        return Network.Create("s3d", network, TensorShape.Cdhw(3, 16, 224, 224));
    }

    // Conv3dNormActivation: conv (no bias, "same" padding), BatchNorm3d, ReLU.
    private static Sequential Unit(int channels, SpatialSize kernel, SpatialSize? stride = null, SpatialPadding? padding = null) => new(
        new Conv3d { OutChannels = channels, Kernel = kernel, Stride = stride ?? SpatialSize.One, Padding = padding ?? Convolution.SamePadding(kernel), HasBias = false },
        new BatchNorm3d(),
        new ReLU { Inplace = true });

    // TemporalSeparableConv: 1xKxK in space, then Kx1x1 in time.
    private static Sequential Separable(int channels, int kernel, int stride, int padding) => new(
        Unit(channels, new SpatialSize(1, kernel, kernel), new SpatialSize(1, stride, stride), SpatialPadding.Symmetric(0, padding, padding)),
        Unit(channels, new SpatialSize(kernel, 1, 1), new SpatialSize(stride, 1, 1), SpatialPadding.Symmetric(padding, 0, 0)));

    private static Inception InceptionBlock((int B0, int B1Mid, int B1, int B2Mid, int B2, int B3) c) => new(
        new Child("branch0", Unit(c.B0, 1)),
        new Child("branch1", new Sequential(Unit(c.B1Mid, 1), Separable(c.B1, 3, 1, 1))),
        new Child("branch2", new Sequential(Unit(c.B2Mid, 1), Separable(c.B2, 3, 1, 1))),
        new Child("branch3", new Sequential(new MaxPool3d { Kernel = 3, Stride = 1, Padding = 1 }, Unit(c.B3, 1))));
}

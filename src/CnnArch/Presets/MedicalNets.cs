using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// Encoder-decoder networks for biomedical segmentation, where activation memory decides what can be
/// trained: U-Net (2-D), 3-D U-Net and V-Net (3-D), each as its paper draws it. No PyTorch model of
/// these is canonical; module names follow the roles (<c>encoder1</c>, <c>pool1</c>, <c>bottleneck</c>,
/// <c>up4</c>, <c>decoder4</c>, <c>head</c>), and the test references were measured from PyTorch
/// modules of exactly these names (tests/CnnArch.Tests/Reference/tools/paper_models.py).
/// </summary>
public static class MedicalNets
{
    internal const string UNetPaper = "Ronneberger, Fischer, Brox. U-Net: Convolutional Networks for Biomedical Image Segmentation. MICCAI 2015 (arXiv 1505.04597), Fig. 1";
    internal const string UNet3DPaper = "Cicek, Abdulkadir, Lienkamp, Brox, Ronneberger. 3D U-Net: Learning Dense Volumetric Segmentation from Sparse Annotation. MICCAI 2016 (arXiv 1606.06650), Fig. 1";
    internal const string VNetPaper = "Milletari, Navab, Ahmadi. V-Net: Fully Convolutional Neural Networks for Volumetric Medical Image Segmentation. 3DV 2016 (arXiv 1606.04797), Fig. 2";

    /// <summary>
    /// U-Net (Fig. 1): on a 572x572 tile, four levels of two valid 3x3 convs (with bias) and ReLU, 2x2
    /// max pools, a 1024-channel bottleneck, 2x2 up-convolutions that halve the channels, the encoder's
    /// map cropped to the centre and concatenated before the up-convolution's output, and a 1x1 conv
    /// to the 2 classes: 388x388 out.
    /// </summary>
    /// <param name="classes">Output classes; the paper's 2 (cell and background).</param>
    /// <param name="width">The first level's channels, doubled at each level below; the paper's 64.</param>
    public static Network UNet(int classes = 2, int width = 64)
    {
        Guard.Positive(width, nameof(width));
        var levels = Enumerable.Range(0, 5).Select(i => (checked(width << i), checked(width << i))).ToArray();
        return BuildUNet(new UNetDesign("unet", 2, levels, UpChannels: null, BatchNorm: false, UpBias: true, classes), TensorShape.Chw(1, 572, 572));
    }

    /// <summary>
    /// 3-D U-Net (Fig. 1): on a 132x132x116 tile of 3 channels (C x D x H x W = 3x116x132x132), three
    /// levels of two valid 3x3x3 convs each followed by batch normalisation and ReLU, doubling the
    /// channels before each 2x2x2 max pool (32 then 64, 64 then 128, 128 then 256; bottleneck 256 then
    /// 512), 2x2x2 up-convolutions that keep the channels, and a 1x1x1 conv to 3 labels: 44x44x28 out.
    /// The paper's 19,069,955 parameters count no BatchNorm scale and shift and no up-convolution bias
    /// (Caffe's BatchNorm has none; the 5,568 they would add are exactly the difference), so neither is here.
    /// </summary>
    public static Network UNet3D(int classes = 3) => BuildUNet(new UNetDesign(
        "unet3d", 3, [(32, 64), (64, 128), (128, 256), (256, 512)], UpChannels: [128, 256, 512], BatchNorm: true, UpBias: false, classes),
        TensorShape.Cdhw(3, 116, 132, 132));

    // A U-Net: per level the two convs' widths (the last level is the bottleneck), the up-convolutions'
    // widths (null: half their input), BatchNorm before each ReLU, and the classes.
    private sealed record UNetDesign(string Name, int Rank, (int First, int Second)[] Levels, int[]? UpChannels, bool BatchNorm, bool UpBias, int Classes);

    private static Network BuildUNet(UNetDesign d, TensorShape input)
    {
        var b = new NetworkBuilder(d.Name);
        var depth = d.Levels.Length - 1;
        var skips = new Tensor[depth];
        var x = b.Input;
        for (var i = 0; i < depth; i++)
        {
            x = skips[i] = b.Add($"encoder{i + 1}", DoubleConv(d, d.Levels[i]), x);
            x = b.Add($"pool{i + 1}", Pool(d.Rank), x);
        }

        x = b.Add("bottleneck", DoubleConv(d, d.Levels[depth]), x);
        var margins = CropMargins(depth);
        var width = d.Levels[depth].Second;
        for (var i = depth; i >= 1; i--)
        {
            var upWidth = d.UpChannels?[i - 1] ?? width / 2;
            var up = b.Add($"up{i}", TransposedConv(d.Rank, upWidth, d.UpBias), x);
            // "Copy and crop": the encoder's map, cropped to the centre, then the up-convolution's output.
            var crop = b.AddFunctional($"crop{i}", CenterCrop(d.Rank, margins[i - 1]), skips[i - 1]);
            x = b.AddFunctional($"cat{i}", Concat.Instance, crop, up);
            width = d.Levels[i - 1].Second;
            x = b.Add($"decoder{i}", DoubleConv(d, (width, width)), x);
        }

        x = b.Add("head", Conv(d.Rank, d.Classes, 1, 0, bias: true), x);
        return b.Build(x, input);
    }

    /// <summary>
    /// How much the map at the skip of each level (1 = the top) is larger than the up-convolution's
    /// output it joins, per side, when every conv is a valid 3x3: a level's up-convolution output is
    /// its skip less 16 plus twice the shrink of the level below (8 at the bottom), whatever the input,
    /// so the crop does not depend on the tile size (U-Net: 88, 40, 16, 4).
    /// </summary>
    internal static int[] CropMargins(int depth)
    {
        var shrink = new int[depth];
        shrink[depth - 1] = 8;
        for (var i = depth - 2; i >= 0; i--)
        {
            shrink[i] = 16 + (2 * shrink[i + 1]);
        }

        return [.. shrink.Select(s => s / 2)];
    }

    private static Slice CenterCrop(int rank, int margin) =>
        new() { Ranges = [.. Enumerable.Range(1, rank).Select(axis => (axis, (long)margin, (long)-margin, 1L))] };

    private static Sequential DoubleConv(UNetDesign d, (int First, int Second) widths)
    {
        var modules = new List<Module> { Conv(d.Rank, widths.First, 3, 0, bias: true) };
        if (d.BatchNorm)
        {
            modules.Add(Norm(d.Rank));
        }

        modules.Add(new ReLU { Inplace = true });
        modules.Add(Conv(d.Rank, widths.Second, 3, 0, bias: true));
        if (d.BatchNorm)
        {
            modules.Add(Norm(d.Rank));
        }

        modules.Add(new ReLU { Inplace = true });
        return new Sequential(modules);
    }

    // The 3-D U-Net's BatchNorm has no affine scale and shift (see UNet3D); only 3-D U-Net normalises.
    private static Layer Norm(int rank) => rank == 3 ? new BatchNorm3d { Affine = false } : new BatchNorm2d { Affine = false };

    private static Layer Conv(int rank, int channels, int kernel, int padding, bool bias, int stride = 1) => rank switch
    {
        2 => new Conv2d { OutChannels = channels, Kernel = kernel, Padding = padding, Stride = stride, HasBias = bias },
        _ => new Conv3d { OutChannels = channels, Kernel = kernel, Padding = padding, Stride = stride, HasBias = bias },
    };

    private static Layer TransposedConv(int rank, int channels, bool bias) => rank switch
    {
        2 => new ConvTranspose2d { OutChannels = channels, Kernel = 2, Stride = 2, HasBias = bias },
        _ => new ConvTranspose3d { OutChannels = channels, Kernel = 2, Stride = 2, HasBias = bias },
    };

    private static Layer Pool(int rank) => rank == 2 ? new MaxPool2d { Kernel = 2 } : new MaxPool3d { Kernel = 2 };

    // V-Net: left stages of 1, 2, 3, 3, 3 convs at 16 to 256 channels, right stages of 3, 3, 2, 1 convs at 256 to 32.
    private static readonly int[] LeftDepths = [1, 2, 3, 3, 3];
    private static readonly int[] RightDepths = [3, 3, 2, 1];
    private static readonly int[] LeftWidths = [16, 32, 64, 128, 256];
    private static readonly int[] RightWidths = [32, 64, 128, 256];

    /// <summary>
    /// V-Net (Fig. 2): on a 128x128x64 volume (1x64x128x128), residual stages of 5x5x5 convs (padding 2,
    /// bias) each followed by a PReLU per channel, the stage's input added before the last PReLU; 2x2x2
    /// stride-2 convs that double the channels down (16, 32, 64, 128, 256), 2x2x2 stride-2 transposed
    /// convs up to half the next right stage's width, concatenated with the same-resolution left stage
    /// (right stages of 256, 128, 64 and 32 channels), and a 1x1x1 conv to 2 channels with a softmax.
    /// The 1-channel input is repeated 16 times for the first stage's residual. Stage depths follow the
    /// paper's figure (1, 2, 3, 3, 3 and 3, 3, 2, 1); the authors' released prototxt has shallower ones.
    /// </summary>
    public static Network VNet(int classes = 2)
    {
        var b = new NetworkBuilder("vnet");
        var repeat = b.AddFunctional("repeat", Concat.Instance, [.. Enumerable.Repeat(b.Input, LeftWidths[0])]);
        var x = b.AddScope("encoder1", "Residual", b.Input, input => Stage(b, "encoder1", input, repeat, LeftWidths[0], LeftDepths[0]));
        var skips = new List<Tensor> { x };
        for (var i = 1; i < 5; i++)
        {
            x = b.Add($"down{i}", new Sequential(new Conv3d { OutChannels = LeftWidths[i], Kernel = 2, Stride = 2 }, new PReLU { NumParameters = LeftWidths[i] }), x);
            var down = x;
            x = b.AddScope($"encoder{i + 1}", "Residual", down, input => Stage(b, $"encoder{i + 1}", input, input, LeftWidths[i], LeftDepths[i]));
            skips.Add(x);
        }

        for (var i = 4; i >= 1; i--)
        {
            var upWidth = RightWidths[i - 1] - LeftWidths[i - 1];
            var up = b.Add($"up{i}", new Sequential(new ConvTranspose3d { OutChannels = upWidth, Kernel = 2, Stride = 2 }, new PReLU { NumParameters = upWidth }), x);
            var cat = b.AddFunctional($"cat{i}", Concat.Instance, up, skips[i - 1]);
            x = b.AddScope($"decoder{i}", "Residual", cat, input => Stage(b, $"decoder{i}", input, input, RightWidths[i - 1], RightDepths[4 - i]));
        }

        x = b.Add("head", new Conv3d { OutChannels = classes, Kernel = 1 }, x);
        x = b.AddFunctional("softmax", new Softmax { Axis = 0 }, x);
        return b.Build(x, TensorShape.Cdhw(1, 64, 128, 128));
    }

    // n (conv, PReLU) pairs; the residual is added to the last conv's output before its PReLU.
    private static Tensor Stage(NetworkBuilder b, string path, Tensor input, Tensor residual, int width, int convs)
    {
        var x = input;
        for (var k = 0; k < convs; k++)
        {
            x = b.Add($"{path}.{2 * k}", new Conv3d { OutChannels = width, Kernel = 5, Padding = 2 }, x);
            if (k < convs - 1)
            {
                x = b.Add($"{path}.{(2 * k) + 1}", new PReLU { NumParameters = width }, x);
            }
        }

        x = b.AddFunctional($"{path}.add", Add.Instance, x, residual);
        return b.Add($"{path}.{(2 * convs) - 1}", new PReLU { NumParameters = width }, x);
    }
}

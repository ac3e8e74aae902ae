using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// ENet (Paszke, Chaurasia, Kim and Culurciello 2016), a real-time segmentation network, as the widely used
/// PyTorch implementation github.com/davidtvs/PyTorch-ENet (<c>models/enet.py</c>, after the authors' Torch7
/// code): module paths, kinds and execution order as there.
/// </summary>
public static class ENets
{
    internal const string Paper = "Paszke, Chaurasia, Kim, Culurciello. ENet: A Deep Neural Network Architecture for Real-Time Semantic Segmentation. 2016 (arXiv 1606.02147), Table 1; as github.com/davidtvs/PyTorch-ENet models/enet.py";

    /// <summary>Output classes by default: Cityscapes' 19 evaluated categories.</summary>
    public const int DefaultClasses = 19;

    /// <summary>Input height and width by default: Table 1's 512x512.</summary>
    public const int DefaultSize = 512;

    // Stages 2 and 3 after their first block: (name, dilation, asymmetric 5x1 + 1x5).
    private static readonly (string Name, int Dilation, bool Asymmetric)[] Encoder =
    [
        ("regular2_1", 1, false), ("dilated2_2", 2, false), ("asymmetric2_3", 1, true), ("dilated2_4", 4, false),
        ("regular2_5", 1, false), ("dilated2_6", 8, false), ("asymmetric2_7", 1, true), ("dilated2_8", 16, false),
        ("regular3_0", 1, false), ("dilated3_1", 2, false), ("asymmetric3_2", 1, true), ("dilated3_3", 4, false),
        ("regular3_4", 1, false), ("dilated3_5", 8, false), ("asymmetric3_6", 1, true), ("dilated3_7", 16, false),
    ];

    /// <summary>
    /// ENet as davidtvs's <c>ENet(num_classes)</c> on 3 x <paramref name="height"/> x <paramref name="width"/>:
    /// <c>initial_block</c> (a 3x3 stride-2 conv of 13 filters beside a 3x3 stride-2 max pool, concatenated,
    /// BatchNorm, activation); stage 1: a downsampling bottleneck to 64 channels and four regular ones;
    /// stages 2 and 3: a downsampling bottleneck to 128 (stage 2 only), then regular, dilated (2, 4, 8, 16) and
    /// asymmetric (5x1 then 1x5) bottlenecks; stages 4 and 5: an upsampling bottleneck (a 1x1 conv and
    /// max-unpooling beside a 1x1 conv, a 2x2 stride-2 transposed conv and a 1x1 conv) and two or one regular
    /// ones; a 3x3 stride-2 transposed conv (<c>transposed_conv</c>) to <paramref name="classes"/> maps of the
    /// input's size. Every bottleneck projects to a quarter of its input channels, no conv has a bias, the
    /// encoder's activations are PReLU (one slope each) and the decoder's ReLU, and each bottleneck ends with
    /// channel dropout (p 0.01 in stage 1, 0.1 after), its sum with the main branch (a functional <c>add</c>) and
    /// <c>out_activation</c>. A downsampling bottleneck's main branch is a 2x2 max pool whose output is padded
    /// with zero channels (a functional <c>zero_pad</c> for davidtvs's <c>torch.zeros</c> and <c>torch.cat</c>); the
    /// unpooling (<see cref="MaxUnpool2d"/>) restores the size the pool saw, as davidtvs's <c>output_size</c>,
    /// and so do the transposed convs' output paddings, computed here from the input size: build for the
    /// input you analyse rather than changing <c>--input</c>. The pool's indices are not modelled (only the
    /// unpooled values), and Dropout2d is a <see cref="Dropout"/> (the identity at inference either way).
    /// Where it departs from the paper: the initial block normalises and activates the concatenation,
    /// the upsampling bottleneck's transposed conv is 2x2 (the paper gives no size) and the last layer is a
    /// 3x3 transposed conv where the paper's Table 1 writes a "fullconv" without a size.
    /// </summary>
    /// <param name="classes">Output maps: 19 for Cityscapes' evaluated categories (davidtvs's Cityscapes weights have 20, the unlabeled class included; CamVid's 12).</param>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    public static Network Build(int classes = DefaultClasses, int height = DefaultSize, int width = DefaultSize)
    {
        Guard.Positive(classes, nameof(classes));
        if (height < 8 || width < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(height), $"ENet halves the input three times: it needs 8x8 at least, got {height}x{width}.");
        }

        // Sizes after the initial block (ceil(H / 2)) and the two downsampling bottlenecks (floor, then floor).
        var s1 = new SpatialSize((height + 1) / 2, (width + 1) / 2);
        var s2 = new SpatialSize(s1[0] / 2, s1[1] / 2);
        var s3 = new SpatialSize(s2[0] / 2, s2[1] / 2);
        var b = new NetworkBuilder("enet");
        var x = InitialBlock(b, b.Input);
        x = Downsampling(b, "downsample1_0", x, 16, 64, dropout: 0.01);
        for (var i = 1; i <= 4; i++)
        {
            x = Regular(b, $"regular1_{i}", x, 64, 1, false, dropout: 0.01, encoder: true);
        }

        x = Downsampling(b, "downsample2_0", x, 64, 128, dropout: 0.1);
        foreach (var (name, dilation, asymmetric) in Encoder)
        {
            x = Regular(b, name, x, 128, dilation, asymmetric, dropout: 0.1, encoder: true);
        }

        x = Upsampling(b, "upsample4_0", x, 128, 64, s2, new SpatialSize(s2[0] - (2 * s3[0]), s2[1] - (2 * s3[1])));
        x = Regular(b, "regular4_1", x, 64, 1, false, dropout: 0.1, encoder: false);
        x = Regular(b, "regular4_2", x, 64, 1, false, dropout: 0.1, encoder: false);
        x = Upsampling(b, "upsample5_0", x, 64, 16, s1, new SpatialSize(s1[0] - (2 * s2[0]), s1[1] - (2 * s2[1])));
        x = Regular(b, "regular5_1", x, 16, 1, false, dropout: 0.1, encoder: false);
        var outputPadding = new SpatialSize(height - ((2 * s1[0]) - 1), width - ((2 * s1[1]) - 1));
        x = b.Add("transposed_conv", new ConvTranspose2d { OutChannels = classes, Kernel = 3, Stride = 2, Padding = 1, OutputPadding = outputPadding, HasBias = false }, x);
        return b.Build(x, TensorShape.Chw(3, height, width));
    }

    private static Activation Act(bool encoder) => encoder ? new PReLU() : new ReLU();

    private static Conv2d Conv(int channels, SpatialSize kernel, int stride = 1, SpatialPadding? padding = null, int dilation = 1) =>
        new() { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding ?? 0, Dilation = dilation, HasBias = false };

    // conv, BatchNorm and (when given) the activation, as davidtvs's nn.Sequential children 0, 1, 2.
    private static Sequential Unit(Conv2d conv, Activation? activation) =>
        activation is null ? new(conv, new BatchNorm2d()) : new(conv, new BatchNorm2d(), activation);

    private static Tensor InitialBlock(NetworkBuilder b, Tensor input) => b.AddScope("initial_block", "InitialBlock", input, x =>
    {
        var main = b.Add("initial_block.main_branch", Conv(13, 3, stride: 2, padding: 1), x);
        var ext = b.Add("initial_block.ext_branch", new MaxPool2d { Kernel = 3, Stride = 2, Padding = 1 }, x);
        var y = b.AddFunctional("initial_block.cat", Concat.Instance, main, ext);
        y = b.Add("initial_block.batch_norm", new BatchNorm2d(), y);
        return b.Add("initial_block.out_activation", Act(encoder: true), y);
    });

    // The extension branch's dropout, the sum with the main branch and the block's activation.
    private static Tensor Join(NetworkBuilder b, string path, Tensor main, Tensor ext, double dropout, bool encoder)
    {
        ext = b.Add($"{path}.ext_regul", new Dropout { P = dropout }, ext);
        var y = b.AddFunctional($"{path}.add", Add.Instance, main, ext);
        return b.Add($"{path}.out_activation", Act(encoder), y);
    }

    private static Tensor Regular(NetworkBuilder b, string path, Tensor input, int channels, int dilation, bool asymmetric, double dropout, bool encoder) =>
        b.AddScope(path, "RegularBottleneck", input, x =>
        {
            var inner = channels / 4;
            var ext = b.Add($"{path}.ext_conv1", Unit(Conv(inner, 1), Act(encoder)), x);
            var middle = asymmetric
                ? new Sequential(
                    Conv(inner, new SpatialSize(5, 1), padding: SpatialPadding.Symmetric(2, 0)), new BatchNorm2d(), Act(encoder),
                    Conv(inner, new SpatialSize(1, 5), padding: SpatialPadding.Symmetric(0, 2)), new BatchNorm2d(), Act(encoder))
                : Unit(Conv(inner, 3, padding: dilation, dilation: dilation), Act(encoder));
            ext = b.Add($"{path}.ext_conv2", middle, ext);
            ext = b.Add($"{path}.ext_conv3", Unit(Conv(channels, 1), Act(encoder)), ext);
            return Join(b, path, x, ext, dropout, encoder);
        });

    private static Tensor Downsampling(NetworkBuilder b, string path, Tensor input, int inChannels, int channels, double dropout) =>
        b.AddScope(path, "DownsamplingBottleneck", input, x =>
        {
            var main = b.Add($"{path}.main_max1", new MaxPool2d { Kernel = 2, Stride = 2 }, x);
            var inner = inChannels / 4;
            var ext = b.Add($"{path}.ext_conv1", Unit(Conv(inner, 2, stride: 2), Act(encoder: true)), x);
            ext = b.Add($"{path}.ext_conv2", Unit(Conv(inner, 3, padding: 1), Act(encoder: true)), ext);
            ext = b.Add($"{path}.ext_conv3", Unit(Conv(channels, 1), Act(encoder: true)), ext);
            var added = channels - inChannels;
            ext = b.Add($"{path}.ext_regul", new Dropout { P = dropout }, ext);
            main = b.AddFunctional($"{path}.zero_pad", new Pad { Before = [0, 0, 0], After = [added, 0, 0] }, main);
            var y = b.AddFunctional($"{path}.add", Add.Instance, main, ext);
            return b.Add($"{path}.out_activation", Act(encoder: true), y);
        });

    private static Tensor Upsampling(NetworkBuilder b, string path, Tensor input, int inChannels, int channels, SpatialSize size, SpatialSize outputPadding) =>
        b.AddScope(path, "UpsamplingBottleneck", input, x =>
        {
            var inner = inChannels / 4;
            var main = b.Add($"{path}.main_conv1", Unit(Conv(channels, 1), null), x);
            main = b.Add($"{path}.main_unpool1", new MaxUnpool2d { Kernel = 2, OutputSize = size }, main);
            var ext = b.Add($"{path}.ext_conv1", Unit(Conv(inner, 1), Act(encoder: false)), x);
            ext = b.Add($"{path}.ext_tconv1", new ConvTranspose2d { OutChannels = inner, Kernel = 2, Stride = 2, OutputPadding = outputPadding, HasBias = false }, ext);
            ext = b.Add($"{path}.ext_tconv1_bnorm", new BatchNorm2d(), ext);
            ext = b.Add($"{path}.ext_tconv1_activation", Act(encoder: false), ext);
            ext = b.Add($"{path}.ext_conv2", Unit(Conv(channels, 1), null), ext);
            return Join(b, path, main, ext, 0.1, encoder: false);
        });
}

using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// SENet-154 (Hu, Shen and Sun 2018), the ILSVRC 2017 winner, as Cadene's pretrained-models.pytorch
/// builds it (<c>pretrainedmodels/models/senet.py</c>, <c>senet154</c>; timm's <c>legacy_senet154</c>):
/// module paths, kinds and execution order as there, 1000 classes, 3x224x224 input.
/// </summary>
public static class SENets
{
    internal const string Paper = "Hu, Shen, Sun. Squeeze-and-Excitation Networks. CVPR 2018 (arXiv 1709.01507), SENet-154; as Cadene's pretrained-models.pytorch (github.com/Cadene/pretrained-models.pytorch)";

    private static readonly int[] Depths = [3, 8, 36, 3];

    /// <summary>
    /// SENet-154 as Cadene's <c>SENet(SEBottleneck, [3, 8, 36, 3], groups=64, reduction=16, dropout_p=0.2)</c>:
    /// <c>layer0</c> is three 3x3 convs (64, 64, 128; the first at stride 2) with BatchNorm and ReLU and a
    /// ceil-mode 3x3/2 max pool; <c>layer1</c>-<c>layer4</c> hold 3, 8, 36 and 3 SEBottlenecks of 64, 128, 256
    /// and 512 planes: 1x1 conv to 2 x planes, 3x3 conv of 64 groups to 4 x planes (the stride here), 1x1
    /// conv to 4 x planes, an SE module (<c>se_module</c>: global pool, 1x1 convs to C/16 and back with bias,
    /// sigmoid, a functional <c>mul</c>), the shortcut added (<c>add</c>) and the block's one ReLU module, called
    /// three times. The shortcut (<c>downsample</c>) of each layer's first block runs after <c>bn3</c> and before
    /// the SE module, as Cadene's <c>forward</c>; it is a 1x1 conv in layer1 and a 3x3 conv with padding 1 in
    /// layers 2-4. Then a 7x7 average pool at stride 1 (<c>avg_pool</c>), dropout 0.2, a functional flatten
    /// (<c>view</c>) and <c>last_linear</c>. The paper's appendix describes what SENet-154 changes in its
    /// 64x4d ResNeXt-152 and is followed: the first 1x1 conv of each bottleneck halved, three 3x3 convs in
    /// place of the 7x7 stem, 3x3 stride-2 projections, dropout 0.2 before the classifier. Where the
    /// implementation departs from it: the stem's max pool rounds up (<c>ceil_mode=True</c>, "to preserve
    /// compatibility with Caffe weights", in place of padding 1; the same 56x56 at 224); the SE module's
    /// FC layers are 1x1 convs with bias (the same counts); and the average pool is a fixed 7x7 window at
    /// stride 1, so at inputs other than 224 the first FC layer takes what the pool gives.
    /// </summary>
    /// <param name="classes">Outputs of <c>last_linear</c>.</param>
    public static Network Senet154(int classes = 1000)
    {
        Guard.Positive(classes, nameof(classes));
        var b = new NetworkBuilder("senet154");
        var x = b.Add("layer0", Sequential.Of(
            ("conv1", Conv(64, 3, stride: 2, padding: 1)), ("bn1", new BatchNorm2d()), ("relu1", new ReLU { Inplace = true }),
            ("conv2", Conv(64, 3, padding: 1)), ("bn2", new BatchNorm2d()), ("relu2", new ReLU { Inplace = true }),
            ("conv3", Conv(128, 3, padding: 1)), ("bn3", new BatchNorm2d()), ("relu3", new ReLU { Inplace = true }),
            ("pool", new MaxPool2d { Kernel = 3, Stride = 2, CeilMode = true })), b.Input);
        for (var layer = 0; layer < Depths.Length; layer++)
        {
            var planes = 64 << layer;
            for (var block = 0; block < Depths[layer]; block++)
            {
                var first = block == 0;
                var stride = first && layer > 0 ? 2 : 1;
                var downsample = !first ? null : layer == 0
                    ? Projection(planes * 4, kernel: 1, stride: 1, padding: 0)
                    : Projection(planes * 4, kernel: 3, stride: 2, padding: 1);
                x = Bottleneck(b, $"layer{layer + 1}.{block}", x, planes, stride, downsample);
            }
        }

        x = b.Add("avg_pool", new AvgPool2d { Kernel = 7, Stride = 1 }, x);
        x = b.Add("dropout", new Dropout { P = 0.2 }, x);
        x = b.Add("view", Functional.Flatten, x);
        x = b.Add("last_linear", new Linear { OutFeatures = classes }, x);
        return b.Build(x, TensorShape.Chw(3, 224, 224));
    }

    private static Conv2d Conv(int channels, int kernel, int stride = 1, int padding = 0, int groups = 1) =>
        new() { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding, Groups = groups, HasBias = false };

    private static Sequential Projection(int channels, int kernel, int stride, int padding) =>
        new(Conv(channels, kernel, stride, padding), new BatchNorm2d());

    // SEBottleneck.forward: the shortcut after bn3, then the SE module, the addition and the shared ReLU.
    private static Tensor Bottleneck(NetworkBuilder b, string path, Tensor input, int planes, int stride, Sequential? downsample) =>
        b.AddScope(path, "SEBottleneck", input, x =>
        {
            Tensor At(string name, Module module, params Tensor[] from) => b.Add(NetworkBuilder.Join(path, name), module, from);
            var relu = new ReLU { Inplace = true };
            var y = At("relu", relu, At("bn1", new BatchNorm2d(), At("conv1", Conv(planes * 2, 1), x)));
            y = At("relu", relu, At("bn2", new BatchNorm2d(), At("conv2", Conv(planes * 4, 3, stride, padding: 1, groups: 64), y)));
            y = At("bn3", new BatchNorm2d(), At("conv3", Conv(planes * 4, 1), y));
            var residual = downsample is null ? x : At("downsample", downsample, x);
            y = At("se_module", new SqueezeExcitation
            {
                Excitation = Sequential.Of(
                    ("avg_pool", AdaptiveAvgPool2d.Global),
                    ("fc1", new Conv2d { OutChannels = planes * 4 / 16, Kernel = 1 }),
                    ("relu", new ReLU { Inplace = true }),
                    ("fc2", new Conv2d { OutChannels = planes * 4, Kernel = 1 }),
                    ("sigmoid", new Sigmoid())),
                JoinName = "mul",
            }, y);
            y = b.AddFunctional(NetworkBuilder.Join(path, "add"), Add.Instance, y, residual);
            return At("relu", relu, y);
        });
}

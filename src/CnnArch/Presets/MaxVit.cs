using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// MaxViT (Tu et al. 2022) as torchvision 0.14's <c>MaxVit</c>: a two-convolution stem, then four blocks of
/// MaxViT layers, each an MBConv with squeeze-and-excitation followed by block attention (7 x 7 windows) and
/// grid attention (a 7 x 7 grid of dilated positions), both with a learned relative-position bias, and a
/// head of global pooling, LayerNorm, a Tanh-activated linear layer and the classifier.
/// </summary>
public static class MaxVits
{
    internal const string Paper = "Tu et al. MaxViT: Multi-Axis Vision Transformer. ECCV 2022 (arXiv 2204.01697), Table 1";

    // maxvit_t: stem 64, blocks of 64/128/256/512 channels and 2/2/5/2 layers, heads of 32, partitions of 7,
    // stochastic depth to 0.2; MBConv expansion 4 and squeeze 0.25, MLP ratio 4.
    private const int Stem = 64, Partition = 7, HeadDim = 32;
    private static readonly int[] BlockChannels = [64, 128, 256, 512];
    private static readonly int[] BlockLayers = [2, 2, 5, 2];

    /// <summary>
    /// MaxViT-T at 224 x 224, named as torchvision: <c>stem.0.0</c> to <c>stem.1.0</c>; per layer
    /// <c>blocks.i.layers.j.layers.MBconv</c> (<c>proj</c>, <c>layers.pre_norm</c> to <c>layers.conv_c</c>,
    /// <c>stochastic_depth</c>, the functional <c>add</c>), then <c>window_attention</c> and <c>grid_attention</c>
    /// (<c>partition_op</c>, <c>partition_swap</c>, <c>attn_layer.0</c> to <c>.2</c>, <c>stochastic_dropout</c>, the
    /// functional <c>add</c>, <c>mlp_layer.0</c> to <c>.4</c>, <c>stochastic_dropout</c> again, <c>add_1</c>,
    /// <c>departition_swap</c>, <c>departition_op</c>); <c>classifier.0</c> to <c>.5</c>. The attention inside
    /// <c>attn_layer.1</c> between <c>to_qkv</c> and <c>merge</c> is functional rows (see <see cref="Attention"/>).
    /// </summary>
    /// <param name="classes">The classifier's outputs.</param>
    public static Network T(int classes = 1000)
    {
        Guard.Positive(classes, nameof(classes));
        var b = new NetworkBuilder("maxvit_t");
        var x = b.Add("stem", Sequential.Of(
            ("0", new Sequential(new Conv2d { OutChannels = Stem, Kernel = 3, Stride = 2, Padding = 1, HasBias = false }, new BatchNorm2d(), new GELU())),
            ("1", new Sequential(new Conv2d { OutChannels = Stem, Kernel = 3, Padding = 1 }))), b.Input);
        var (grid, inChannels, layer, total) = (112, Stem, 0, BlockLayers.Sum());
        for (var i = 0; i < BlockChannels.Length; i++)
        {
            grid = ((grid - 1) / 2) + 1;
            var (block, channels, size) = ($"blocks.{i}", BlockChannels[i], grid);
            var first = layer;
            x = b.AddScope(block, "MaxVitBlock", x, input =>
            {
                var y = input;
                for (var j = 0; j < BlockLayers[i]; j++)
                {
                    var p = (first + j) * 0.2 / (total - 1);
                    var path = $"{block}.layers.{j}";
                    var from = j == 0 ? inChannels : channels;
                    y = b.AddScope(path, "MaxVitLayer", y, h => b.AddScope($"{path}.layers", "Sequential", h, z =>
                    {
                        z = b.AddScope($"{path}.layers.MBconv", "MBConv", z, m => MBConv(b, $"{path}.layers.MBconv", m, from, channels, j == 0 ? 2 : 1, p));
                        z = b.AddScope($"{path}.layers.window_attention", "PartitionAttentionLayer", z, w => PartitionAttention(b, $"{path}.layers.window_attention", w, channels, (Partition, false), size, p));
                        return b.AddScope($"{path}.layers.grid_attention", "PartitionAttentionLayer", z, g => PartitionAttention(b, $"{path}.layers.grid_attention", g, channels, (size / Partition, true), size, p));
                    }));
                }

                return y;
            });
            (inChannels, layer) = (channels, layer + BlockLayers[i]);
        }

        var last = BlockChannels[^1];
        x = b.Add("classifier", new Sequential(
            AdaptiveAvgPool2d.Global, new Flatten(), new LayerNorm(), new Linear { OutFeatures = last }, new Tanh(), new Linear { OutFeatures = classes, HasBias = false }), x);
        return b.Build(x, TensorShape.Chw(3, 224, 224));
    }

    // MBConv: res = proj(x) (AvgPool2d 3/2 and a 1x1 conv when the stride or width changes, else Identity);
    // x = stochastic_depth(layers(x)); res + x.
    private static Tensor MBConv(NetworkBuilder b, string path, Tensor input, int inChannels, int outChannels, int stride, double p)
    {
        var proj = stride == 2 ? Sequential.Of(("0", new AvgPool2d { Kernel = 3, Stride = 2, Padding = 1 }), ("1", new Conv2d { OutChannels = outChannels, Kernel = 1 }))
            : inChannels != outChannels ? Sequential.Of(("0", new Conv2d { OutChannels = outChannels, Kernel = 1 }))
            : (Module)new Identity();
        var res = b.Add($"{path}.proj", proj, input);
        var mid = outChannels * 4;
        var layers = Sequential.Of(
            ("pre_norm", new BatchNorm2d()),
            ("conv_a", new Sequential(new Conv2d { OutChannels = mid, Kernel = 1, HasBias = false }, new BatchNorm2d(), new GELU())),
            ("conv_b", new Sequential(new Conv2d { OutChannels = mid, Kernel = 3, Stride = stride, Padding = 1, Groups = mid, HasBias = false }, new BatchNorm2d(), new GELU())),
            ("squeeze_excitation", SqueezeExcitation.Create(mid, outChannels / 4, new SiLU())),
            ("conv_c", new Conv2d { OutChannels = outChannels, Kernel = 1 }));
        var x = b.Add($"{path}.layers", layers, input);
        x = b.Add($"{path}.stochastic_depth", p > 0 ? new StochasticDepth { P = p, Mode = StochasticDepthMode.Row } : new Identity(), x);
        return b.AddFunctional($"{path}.add", Add.Instance, res, x);
    }

    // PartitionAttentionLayer: partition into windows of p x p (block attention: p = 7, windows of neighbours;
    // grid attention: p = grid / 7, then the swap makes each of the 7 x 7 grid positions' p^2 tokens a group);
    // x + attn(x); x + mlp(x); back to the map.
    private static Tensor PartitionAttention(NetworkBuilder b, string path, Tensor input, int channels, (int Side, bool Grid) partition, int grid, double drop)
    {
        var (p, isGrid) = partition;
        var x = b.Add($"{path}.partition_op", new WindowPartition { Size = p }, input);
        x = b.Add($"{path}.partition_swap", isGrid ? new Transpose { Perm = [1, 0, 2] } : new Identity(), x);
        var stochastic = new StochasticDepth { P = drop, Mode = StochasticDepthMode.Row };
        var y = b.AddScope($"{path}.attn_layer", "Sequential", x, h =>
        {
            h = b.Add($"{path}.attn_layer.0", new LayerNorm(), h);
            h = b.AddScope($"{path}.attn_layer.1", "RelativePositionalMultiHeadAttention", h, a => Attention(b, $"{path}.attn_layer.1", a, channels));
            return b.Add($"{path}.attn_layer.2", new Dropout { P = 0 }, h);
        });
        y = b.Add($"{path}.stochastic_dropout", stochastic, y);
        x = b.AddFunctional($"{path}.add", Add.Instance, x, y);
        var mlp = new Sequential(new LayerNorm(), new Linear { OutFeatures = channels * 4 }, new GELU(), new Linear { OutFeatures = channels }, new Dropout { P = 0 });
        y = b.Add($"{path}.mlp_layer", mlp, x);
        y = b.Add($"{path}.stochastic_dropout", stochastic, y);
        x = b.AddFunctional($"{path}.add_1", Add.Instance, x, y);
        x = b.Add($"{path}.departition_swap", isGrid ? new Transpose { Perm = [1, 0, 2] } : new Identity(), x);
        return b.Add($"{path}.departition_op", new WindowDepartition { Size = p, Rows = grid / p }, x);
    }

    /// <summary>
    /// torchvision's <c>RelativePositionalMultiHeadAttention</c> over G groups of N = 49 tokens of C channels,
    /// H = C / 32 heads: the module <c>to_qkv</c>; functional <c>chunk</c>, <c>chunk_1</c>, <c>chunk_2</c> (q, k, v);
    /// <c>reshape</c>/<c>permute</c> of each to G x H x N x 32 (k's permute to G x H x 32 x N, the transpose its
    /// einsum reads); <c>mul</c> (k times C^-0.5); <c>einsum</c> (Q K^T, a <see cref="MatMul"/>: G H N^2 32
    /// multiply-adds); <c>relative_position_bias</c> (a <see cref="RelativePositionBias"/>: 13^2 x H parameters,
    /// 49^2 index buffers); <c>softmax</c>; <c>einsum_1</c> (weights x V, as many); <c>permute_3</c> and
    /// <c>reshape_3</c> back to G x N x C; the module <c>merge</c>.
    /// </summary>
    private static Tensor Attention(NetworkBuilder b, string path, Tensor input, int channels)
    {
        var (heads, tokens) = (channels / HeadDim, Partition * Partition);
        var qkv = b.Add($"{path}.to_qkv", new Linear { OutFeatures = 3 * channels }, input);
        Tensor Head(int i, string suffix, params int[] perm)
        {
            var part = b.AddFunctional($"{path}.chunk{suffix}", new Slice { Ranges = [(2, i * channels, (i + 1) * channels, 1)] }, qkv);
            part = b.AddFunctional($"{path}.reshape{suffix}", new Reshape { Dims = [-1, tokens, heads, HeadDim] }, part);
            return b.AddFunctional($"{path}.permute{suffix}", new Transpose { Perm = [.. perm] }, part);
        }

        var q = Head(0, string.Empty, 0, 2, 1, 3);
        var k = Head(1, "_1", 0, 2, 3, 1);
        var v = Head(2, "_2", 0, 2, 1, 3);
        k = b.AddFunctional($"{path}.mul", new Elementwise { Op = ElementwiseOp.Mul, Constant = TensorShape.Vector(1) }, k);
        var logits = b.AddFunctional($"{path}.einsum", new MatMul(), q, k);
        logits = b.AddFunctional($"{path}.relative_position_bias", new RelativePositionBias { Size = Partition }, logits);
        var weights = b.AddFunctional($"{path}.softmax", new Softmax { Axis = -1 }, logits);
        var x = b.AddFunctional($"{path}.einsum_1", new MatMul(), weights, v);
        x = b.AddFunctional($"{path}.permute_3", new Transpose { Perm = [0, 2, 1, 3] }, x);
        x = b.AddFunctional($"{path}.reshape_3", new Reshape { Dims = [-1, tokens, channels] }, x);
        return b.Add($"{path}.merge", new Linear { OutFeatures = channels }, x);
    }
}

using System.Collections.Immutable;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>A size of the Swin Transformer as torchvision builds it.</summary>
/// <param name="Name">torchvision's name: <c>swin_t</c>, <c>swin_s</c>, <c>swin_b</c>, <c>swin_v2_t</c>, <c>swin_v2_s</c>, <c>swin_v2_b</c>.</param>
/// <param name="Embed">The patch embedding's channels C (stage i has C x 2^i).</param>
/// <param name="Depths">Blocks per stage.</param>
/// <param name="Heads">Attention heads per stage.</param>
/// <param name="Window">The side of the square attention window, in tokens.</param>
/// <param name="StochasticDepth">The last block's stochastic-depth probability.</param>
/// <param name="V2">Swin V2: post-norm blocks, cosine attention, the continuous position bias MLP, PatchMergingV2.</param>
/// <param name="ImageSize">The default input side: 224 (V1) or 256 (V2).</param>
public sealed record SwinSize(string Name, int Embed, ImmutableArray<int> Depths, ImmutableArray<int> Heads, int Window, double StochasticDepth, bool V2, int ImageSize);

/// <summary>
/// The Swin Transformer (Liu et al. 2021) and Swin V2 (Liu et al. 2022) as torchvision 0.14: a 4x4 patch
/// embedding with LayerNorm on the channels-last map, four stages of blocks of shifted-window attention (every
/// second block's windows shifted by half a window) and a GELU MLP, patch merging (2x2 neighbours concatenated,
/// LayerNorm and a linear reduction to twice the channels) between stages, LayerNorm, average pooling and the head.
/// </summary>
public static class SwinTransformers
{
    internal const string Paper = "Liu et al. Swin Transformer: Hierarchical Vision Transformer using Shifted Windows. ICCV 2021 (arXiv 2103.14030)";

    internal const string PaperV2 = "Liu et al. Swin Transformer V2: Scaling Up Capacity and Resolution. CVPR 2022 (arXiv 2111.09883)";

    /// <summary>torchvision's six sizes.</summary>
    public static ImmutableArray<SwinSize> Sizes { get; } =
    [
        new("swin_t", 96, [2, 2, 6, 2], [3, 6, 12, 24], 7, 0.2, false, 224),
        new("swin_s", 96, [2, 2, 18, 2], [3, 6, 12, 24], 7, 0.3, false, 224),
        new("swin_b", 128, [2, 2, 18, 2], [4, 8, 16, 32], 7, 0.5, false, 224),
        new("swin_v2_t", 96, [2, 2, 6, 2], [3, 6, 12, 24], 8, 0.2, true, 256),
        new("swin_v2_s", 96, [2, 2, 18, 2], [3, 6, 12, 24], 8, 0.3, true, 256),
        new("swin_v2_b", 128, [2, 2, 18, 2], [4, 8, 16, 32], 8, 0.5, true, 256),
    ];

    /// <summary>The size named <paramref name="name"/> with <paramref name="classes"/> outputs, at its default input.</summary>
    /// <exception cref="ArgumentException">No such size.</exception>
    public static Network Create(string name, int classes = 1000)
    {
        var size = Sizes.FirstOrDefault(s => s.Name == name)
            ?? throw new ArgumentException($"Swin sizes are {string.Join(", ", Sizes.Select(s => s.Name))}; got '{name}'.", nameof(name));
        return Build(size, classes);
    }

    /// <summary>
    /// A Swin Transformer of a size, named as torchvision: <c>features.0.0</c> (the patch conv), <c>.1</c> (Permute),
    /// <c>.2</c>; blocks <c>features.1.0.norm1</c>, the attention's functional rows under <c>features.1.0.attn</c>
    /// (see <see cref="Attention"/>), <c>.stochastic_depth</c> (called twice), <c>.norm2</c>, <c>.mlp.0</c> to
    /// <c>.mlp.4</c>, the functional <c>.add</c> and <c>.add_1</c>; patch merging <c>features.2</c> (functional
    /// strided slices and <c>cat</c>, then <c>norm</c> and <c>reduction</c>, V2 the other way round); <c>norm</c>,
    /// <c>permute</c>, <c>avgpool</c>, <c>flatten</c>, <c>head</c>.
    /// </summary>
    /// <param name="size">The size.</param>
    /// <param name="classes">The head's outputs.</param>
    public static Network Build(SwinSize size, int classes = 1000)
    {
        ArgumentNullException.ThrowIfNull(size);
        Guard.Positive(classes, nameof(classes));
        var b = new NetworkBuilder(size.Name);
        var x = b.AddScope("features", "Sequential", b.Input, input => Features(b, size, input));
        x = b.Add("norm", new LayerNorm(), x);
        x = b.Add("permute", new Transpose { Perm = [2, 0, 1] }, x);
        x = b.Add("avgpool", AdaptiveAvgPool2d.Global, x);
        x = b.Add("flatten", new Flatten(), x);
        x = b.Add("head", new Linear { OutFeatures = classes }, x);
        return b.Build(x, TensorShape.Chw(3, size.ImageSize, size.ImageSize));
    }

    private static Tensor Features(NetworkBuilder b, SwinSize size, Tensor input)
    {
        var x = b.Add("features.0", new Sequential(new Conv2d { OutChannels = size.Embed, Kernel = 4, Stride = 4 }, new Transpose { Perm = [1, 2, 0] }, new LayerNorm()), input);
        var total = size.Depths.Sum();
        var blockId = 0;
        for (var stage = 0; stage < size.Depths.Length; stage++)
        {
            var dim = size.Embed << stage;
            var heads = size.Heads[stage];
            var side = (size.ImageSize / 4) >> stage;
            var first = blockId;
            var path = $"features.{(2 * stage) + 1}";
            x = b.AddScope(path, "Sequential", x, s =>
            {
                for (var i = 0; i < size.Depths[stage]; i++)
                {
                    var blockPath = $"{path}.{i}";
                    var block = new SwinBlock(blockPath, dim, heads, size.Window, i % 2 == 0 ? 0 : size.Window / 2, size.StochasticDepth * (first + i) / (total - 1.0), size.V2, side);
                    s = b.AddScope(blockPath, size.V2 ? "SwinTransformerBlockV2" : "SwinTransformerBlock", s, y => Block(b, block, y));
                }

                return s;
            });
            blockId += size.Depths[stage];
            if (stage + 1 < size.Depths.Length)
            {
                var merge = $"features.{(2 * stage) + 2}";
                x = b.AddScope(merge, size.V2 ? "PatchMergingV2" : "PatchMerging", x, y => PatchMerging(b, merge, dim, size.V2, y));
            }
        }

        return x;
    }

    private sealed record SwinBlock(string Path, int Dim, int Heads, int Window, int Shift, double Drop, bool V2, int Side);

    // V1: x + sd(attn(norm1(x))), then + sd(mlp(norm2(x))); V2: x + sd(norm1(attn(x))), then + sd(norm2(mlp(x))).
    private static Tensor Block(NetworkBuilder b, SwinBlock block, Tensor input)
    {
        var p = block.Path;
        var mlp = new Sequential(new Linear { OutFeatures = 4 * block.Dim }, new GELU(), new Dropout { P = 0 }, new Linear { OutFeatures = block.Dim }, new Dropout { P = 0 });
        var depth = new StochasticDepth { P = block.Drop };
        Tensor y;
        if (block.V2)
        {
            y = b.AddScope($"{p}.attn", "ShiftedWindowAttentionV2", input, a => Attention(b, block, a));
            y = b.Add($"{p}.norm1", new LayerNorm(), y);
        }
        else
        {
            y = b.Add($"{p}.norm1", new LayerNorm(), input);
            y = b.AddScope($"{p}.attn", "ShiftedWindowAttention", y, a => Attention(b, block, a));
        }

        y = b.Add($"{p}.stochastic_depth", depth, y);
        var x = b.AddFunctional($"{p}.add", Add.Instance, input, y);
        if (block.V2)
        {
            y = b.AddScope($"{p}.mlp", "MLP", x, h => mlp.Expand(b, $"{p}.mlp", h));
            y = b.Add($"{p}.norm2", new LayerNorm(), y);
        }
        else
        {
            y = b.Add($"{p}.norm2", new LayerNorm(), x);
            y = b.AddScope($"{p}.mlp", "MLP", y, h => mlp.Expand(b, $"{p}.mlp", h));
        }

        y = b.Add($"{p}.stochastic_depth", depth, y);
        return b.AddFunctional($"{p}.add_1", Add.Instance, x, y);
    }

    // _patch_merging_pad (four strided slices and cat; its F.pad is a no-op on the default inputs' even maps), then norm and reduction (V2: reduction, norm).
    private static Tensor PatchMerging(NetworkBuilder b, string path, int dim, bool v2, Tensor input)
    {
        var x = input;
        var parts = new Tensor[4];
        (int Row, int Col)[] offsets = [(0, 0), (1, 0), (0, 1), (1, 1)];
        for (var i = 0; i < 4; i++)
        {
            var (row, col) = offsets[i];
            parts[i] = b.AddFunctional(i == 0 ? $"{path}.getitem" : $"{path}.getitem_{i}", new Slice { Ranges = [(0, row, long.MaxValue, 2), (1, col, long.MaxValue, 2)] }, x);
        }

        x = b.AddFunctional($"{path}.cat", new Concat { Axis = 2 }, parts);
        var norm = new LayerNorm();
        var reduction = new Linear { OutFeatures = 2 * dim, HasBias = false };
        return v2
            ? b.Add($"{path}.norm", norm, b.Add($"{path}.reduction", reduction, x))
            : b.Add($"{path}.reduction", reduction, b.Add($"{path}.norm", norm, x));
    }

    /// <summary>
    /// torchvision's <c>shifted_window_attention</c>, its functional calls as rows under <c>attn</c>: the relative
    /// position bias (V1: the <c>relative_position_bias_table</c> parameter gathered; V2: the <c>cpb_mlp</c> module
    /// on the <c>relative_coords_table</c> buffer, gathered, <c>16 x sigmoid</c>), in shifted blocks a <c>roll</c>
    /// by half a window and the attention mask added to the bias, the window partition (<c>view</c>, <c>permute</c>,
    /// <c>reshape</c>), the qkv <c>linear</c>, the heads split, one <see cref="ScaledDotProductAttention"/> over every
    /// window (<c>attention</c>: both products, the bias and mask, the softmax), the heads merged, the projection
    /// <c>linear_1</c>, the windows merged and rolled back. torchvision's <c>F.pad</c> and crop, no-ops at the
    /// default inputs (every map a multiple of the window), and V2's zeroing of a clone of the key bias are left out.
    /// </summary>
    private static Tensor Attention(NetworkBuilder b, SwinBlock block, Tensor input)
    {
        var (p, w, side, heads) = ($"{block.Path}.attn", block.Window, block.Side, block.Heads);
        var (tokens, windows, perSide) = (w * w, (side / w) * (side / w), side / w);
        var shift = w >= side ? 0 : block.Shift;
        var bias = block.V2 ? ContinuousBias(b, p, w, heads, input)
            : b.AddFunctional($"{p}.relative_position_bias", new RelativePositionGather { WindowSize = [w, w] },
                b.AddFunctional($"{p}.relative_position_bias_table", new StoredTensor { Dims = [((2 * w) - 1) * ((2 * w) - 1), heads] }, input));
        var x = shift > 0 ? b.AddFunctional($"{p}.roll", new Roll { Shifts = [-shift, -shift], Axes = [0, 1] }, input) : input;
        x = b.AddFunctional($"{p}.view", new Reshape { Dims = [perSide, w, perSide, w, block.Dim] }, x);
        x = b.AddFunctional($"{p}.permute", new Transpose { Perm = [0, 2, 1, 3, 4] }, x);
        x = b.AddFunctional($"{p}.reshape", new Reshape { Dims = [windows, tokens, block.Dim] }, x);
        var qkv = b.AddFunctional($"{p}.linear", new Linear { OutFeatures = 3 * block.Dim }, x);
        qkv = b.AddFunctional($"{p}.reshape_1", new Reshape { Dims = [windows, tokens, 3, heads, block.Dim / heads] }, qkv);
        qkv = b.AddFunctional($"{p}.permute_1", new Transpose { Perm = [2, 0, 3, 1, 4] }, qkv);
        var q = b.AddFunctional($"{p}.getitem", new Slice { Ranges = [(0, 0, 1, 1)] }, qkv);
        var k = b.AddFunctional($"{p}.getitem_1", new Slice { Ranges = [(0, 1, 2, 1)] }, qkv);
        var v = b.AddFunctional($"{p}.getitem_2", new Slice { Ranges = [(0, 2, 3, 1)] }, qkv);
        if (shift > 0)
        {
            var mask = b.AddFunctional($"{p}.attn_mask", new StoredTensor { Dims = [windows, 1, tokens, tokens], Role = StoredTensorRole.Computed }, x);
            bias = b.AddFunctional($"{p}.add", new Elementwise { Op = ElementwiseOp.Add }, bias, mask);
        }

        x = b.AddFunctional($"{p}.attention", new ScaledDotProductAttention { WindowSize = [w, w], Cosine = block.V2 }, q, k, v, bias);
        x = b.AddFunctional($"{p}.transpose", new Transpose { Perm = [0, 1, 3, 2, 4] }, x);
        x = b.AddFunctional($"{p}.reshape_2", new Reshape { Dims = [windows, tokens, block.Dim] }, x);
        x = b.AddFunctional($"{p}.linear_1", new Linear { OutFeatures = block.Dim }, x);
        x = b.AddFunctional($"{p}.view_1", new Reshape { Dims = [perSide, perSide, w, w, block.Dim] }, x);
        x = b.AddFunctional($"{p}.permute_2", new Transpose { Perm = [0, 2, 1, 3, 4] }, x);
        x = b.AddFunctional($"{p}.reshape_3", new Reshape { Dims = [side, side, block.Dim] }, x);
        return shift > 0 ? b.AddFunctional($"{p}.roll_1", new Roll { Shifts = [shift, shift], Axes = [0, 1] }, x) : x;
    }

    // Swin V2's continuous position bias: cpb_mlp (a module) on the relative_coords_table buffer, viewed as
    // offsets x heads, gathered, 16 x sigmoid.
    private static Tensor ContinuousBias(NetworkBuilder b, string p, int w, int heads, Tensor input)
    {
        var coords = b.AddFunctional($"{p}.relative_coords_table", new StoredTensor { Dims = [(2 * w) - 1, (2 * w) - 1, 2], Role = StoredTensorRole.Buffer }, input);
        var table = b.Add($"{p}.cpb_mlp", new Sequential(new Linear { OutFeatures = 512 }, new ReLU(), new Linear { OutFeatures = heads, HasBias = false }), coords);
        table = b.AddFunctional($"{p}.view", new Reshape { Dims = [-1, heads] }, table);
        var bias = b.AddFunctional($"{p}.relative_position_bias", new RelativePositionGather { WindowSize = [w, w] }, table);
        bias = b.AddFunctional($"{p}.sigmoid", new Sigmoid(), bias);
        return b.AddFunctional($"{p}.mul", new Elementwise { Op = ElementwiseOp.Mul, Constant = TensorShape.Vector(1) }, bias);
    }
}

using System.Collections.Immutable;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// The Multiscale Vision Transformers of torchvision 0.14 (<c>torchvision.models.video.mvit</c>): MViT V1-B
/// (Fan et al. 2021) and MViT V2-S (Li et al. 2022) on 16 RGB frames of 224x224, 400 Kinetics classes. A 3x7x7
/// patch convolution (stride 2x4x4) gives 8 x 56 x 56 tokens of 96 channels and a class token; sixteen blocks of
/// pooling attention, where a depthwise 3x3x3 Conv3d per head (weights shared by the heads) pools the keys and
/// values, and at three blocks the queries, from 56 x 56 down to 7 x 7, while the width doubles from 96 to 768;
/// a LayerNorm and the class token classified. Module names and execution order are torchvision's.
/// </summary>
public static class MultiscaleVisionTransformers
{
    internal const string V1Paper = "Fan, Xiong, Mangalam, Li, Yan, Malik, Feichtenhofer. Multiscale Vision Transformers. ICCV 2021 (arXiv 2104.11227)";
    internal const string V2Paper = "Li, Wu, Fan, Mangalam, Xiong, Malik, Feichtenhofer. MViTv2: Improved Multiscale Vision Transformers for Classification and Detection. CVPR 2022 (arXiv 2112.01526)";

    /// <summary>16 RGB frames of 224x224: torchvision's MViT clip.</summary>
    public static TensorShape Clip { get; } = TensorShape.Cdhw(3, 16, 224, 224);

    // One block of torchvision's MSBlockConfig: heads, widths in and out, whether the queries are pooled (a 3x3x3
    // kernel; V1 leaves the others unpooled), the queries' spatial stride and the keys' and values'.
    private sealed record BlockConfig(int Heads, int In, int Out, bool PoolQ, int StrideQ, int StrideKv);

    // V1: residual projection after norm2, absolute positions; V2: projection after the attention, relative
    // positions, residual pooling (the pooled queries added to the attention's output).
    private sealed record Variant(string Name, ImmutableArray<BlockConfig> Blocks, bool V2);

    private static readonly int[] Heads = [1, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8, 8];

    private static readonly int[] StridesKv = [8, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1];

    // The blocks that halve the map (stride 1x2x2 on the queries).
    private static bool Halves(int block) => block is 1 or 3 or 14;

    private static Variant V1Config { get; } = new("mvit_v1_b",
        [.. Enumerable.Range(0, 16).Select(i => new BlockConfig(Heads[i],
            i == 0 ? 96 : i < 3 ? 192 : i < 14 ? 384 : 768,
            i < 2 ? 192 : i < 13 ? 384 : 768,
            Halves(i), Halves(i) ? 2 : 1, StridesKv[i]))], V2: false);

    private static Variant V2Config { get; } = new("mvit_v2_s",
        [.. Enumerable.Range(0, 16).Select(i => new BlockConfig(Heads[i],
            i < 2 ? 96 : i < 4 ? 192 : i < 15 ? 384 : 768,
            i == 0 ? 96 : i < 3 ? 192 : i < 14 ? 384 : 768,
            true, Halves(i) ? 2 : 1, StridesKv[i]))], V2: true);

    /// <summary>MViT V1-B: 36,610,672 parameters, absolute space-time positions, the residual projection after the second LayerNorm.</summary>
    public static Network V1B(int classes = 400) => Build(V1Config, classes);

    /// <summary>MViT V2-S: 34,537,744 parameters, decomposed relative positions and residual pooling in the attention, the projection after it.</summary>
    public static Network V2S(int classes = 400) => Build(V2Config, classes);

    /// <summary>
    /// Named as torchvision: <c>conv_proj</c>; the functional <c>flatten</c> and <c>transpose</c> (the map to
    /// 25,088 x 96 tokens); <c>pos_encoding</c> (<see cref="PositionalEncoding"/>); <c>blocks.0</c> to
    /// <c>blocks.15</c> (see <see cref="Block"/>); <c>norm</c>; the functional <c>select</c> and <c>squeeze</c> (the
    /// class token, <c>x[:, 0]</c>); <c>head.0</c> (dropout 0.5) and <c>head.1</c>.
    /// </summary>
    private static Network Build(Variant variant, int classes)
    {
        Guard.Positive(classes, nameof(classes));
        var b = new NetworkBuilder(variant.Name);
        var embed = variant.Blocks[0].In;
        var x = b.Add("conv_proj", new Conv3d { OutChannels = embed, Kernel = new SpatialSize(3, 7, 7), Stride = new SpatialSize(2, 4, 4), Padding = SpatialPadding.Symmetric(1, 3, 3) }, b.Input);
        x = b.AddFunctional("flatten", new Reshape { Dims = [embed, -1] }, x);
        x = b.AddFunctional("transpose", new Transpose { Perm = [1, 0] }, x);
        var grid = new Grid(Clip.Dims[1] / 2, Clip.Dims[2] / 4, Clip.Dims[3] / 4);
        x = b.Add("pos_encoding", new PositionalEncoding { Temporal = grid.T, Height = grid.H, Width = grid.W, Absolute = !variant.V2 }, x);
        x = b.AddScope("blocks", "ModuleList", x, tokens =>
        {
            for (var i = 0; i < variant.Blocks.Length; i++)
            {
                var block = new BlockPlan($"blocks.{i}", variant.Blocks[i], variant.V2, grid, 0.2 * i / (variant.Blocks.Length - 1.0));
                tokens = b.AddScope(block.Path, "MultiscaleBlock", tokens, y => Block(b, block, y));
                grid = block.QueryGrid;
            }

            return tokens;
        });
        x = b.Add("norm", new LayerNorm(), x);
        x = b.AddFunctional("select", new Slice { Ranges = [(0, 0, 1, 1)] }, x);
        x = b.AddFunctional("squeeze", new Reshape { Dims = [-1] }, x);
        x = b.Add("head", Sequential.Of(("0", new Dropout { P = 0.5 }), ("1", new Linear { OutFeatures = classes })), x);
        return b.Build(x, Clip);
    }

    // A token grid: frames, rows, columns.
    private sealed record Grid(int T, int H, int W)
    {
        // After a 3x3x3 window (padding 1) at a spatial stride: torchvision's Conv3d output, frames kept.
        public Grid Pooled(int stride) => stride == 1 ? this : new(T, ((H - 1) / stride) + 1, ((W - 1) / stride) + 1);

        public ImmutableArray<int> Dims => [T, H, W];
    }

    private sealed record BlockPlan(string Path, BlockConfig Config, bool V2, Grid Input, double Drop)
    {
        public Grid QueryGrid => Input.Pooled(Config.StrideQ);

        public Grid KeyGrid => Input.Pooled(Config.StrideKv);

        // The attention's width: the output's in V2 (projected first), the input's in V1.
        public int AttentionWidth => V2 ? Config.Out : Config.In;
    }

    /// <summary>
    /// torchvision's <c>MultiscaleBlock</c>: <c>norm1</c>; <c>attn</c> (see <see cref="Attention"/>); in V2 the
    /// residual <c>project</c> (a linear layer, where the width changes) of the normalised input; <c>pool_skip</c>
    /// (a max pool 1x3x3 stride 1x2x2 of the residual's grid, where the queries are strided: see
    /// <see cref="Pool"/>); <c>stochastic_depth</c> and the functional <c>add</c>; <c>norm2</c>; in V1 <c>project</c>
    /// of its output; <c>mlp.0</c> to <c>mlp.4</c>; <c>stochastic_depth</c> again and <c>add_1</c>.
    /// </summary>
    private static Tensor Block(NetworkBuilder b, BlockPlan block, Tensor input)
    {
        var (p, config) = (block.Path, block.Config);
        var depth = new StochasticDepth { P = block.Drop };
        var norm1 = b.Add($"{p}.norm1", new LayerNorm(), input);
        var attention = b.AddScope($"{p}.attn", "MultiscaleAttention", norm1, y => Attention(b, block, y));
        var project = config.In != config.Out ? new Linear { OutFeatures = config.Out } : null;
        var x = block.V2 && project is not null ? b.Add($"{p}.project", project, norm1) : input;
        if (config.StrideQ > 1)
        {
            var skip = new MaxPool3d { Kernel = new SpatialSize(1, 3, 3), Stride = new SpatialSize(1, config.StrideQ, config.StrideQ), Padding = SpatialPadding.Symmetric(0, 1, 1) };
            x = b.AddScope($"{p}.pool_skip", "Pool", x, y => Pool(b, $"{p}.pool_skip", skip, block.Input, 0, block.AttentionWidth, y));
        }

        attention = b.Add($"{p}.stochastic_depth", depth, attention);
        x = b.AddFunctional($"{p}.add", Add.Instance, x, attention);
        var norm2 = b.Add($"{p}.norm2", new LayerNorm(), x);
        var shortcut = !block.V2 && project is not null ? b.Add($"{p}.project", project, norm2) : x;
        var width = block.AttentionWidth;
        var mlp = new Sequential(new Linear { OutFeatures = 4 * width }, new GELU(), new Dropout { P = 0 }, new Linear { OutFeatures = config.Out }, new Dropout { P = 0 });
        var y = b.AddScope($"{p}.mlp", "MLP", norm2, h => mlp.Expand(b, $"{p}.mlp", h));
        y = b.Add($"{p}.stochastic_depth", depth, y);
        return b.AddFunctional($"{p}.add_1", Add.Instance, shortcut, y);
    }

    /// <summary>
    /// torchvision's <c>MultiscaleAttention</c>: <c>qkv</c>; the functional <c>reshape</c>, <c>transpose</c> and
    /// <c>getitem</c> to <c>getitem_2</c> (queries, keys and values of heads x N x head_dim); <c>pool_k</c>,
    /// <c>pool_v</c> and (where present) <c>pool_q</c>, each a depthwise Conv3d over every head's map (a stacked
    /// <see cref="Conv3d"/>: the heads are what torchvision folds into the batch) and a LayerNorm; in V2
    /// <c>add_rel_pos</c> (<see cref="DecomposedRelativePosition"/>: the rel_pos_h, rel_pos_w and rel_pos_t
    /// parameters and their products with the queries); <c>attention</c> (<see cref="ScaledDotProductAttention"/>:
    /// the two products of torchvision's matmuls, the relative positions added to the scores); in V2
    /// <c>add_shortcut</c> (residual pooling: the pooled queries added); the heads merged (<c>transpose_1</c>,
    /// <c>reshape_1</c>) and <c>project.0</c>.
    /// </summary>
    private static Tensor Attention(NetworkBuilder b, BlockPlan block, Tensor input)
    {
        var (p, heads, width) = ($"{block.Path}.attn", block.Config.Heads, block.AttentionWidth);
        var headDim = width / heads;
        var qkv = b.Add($"{p}.qkv", new Linear { OutFeatures = 3 * width }, input);
        qkv = b.AddFunctional($"{p}.reshape", new Reshape { Dims = [-1, 3 * heads, headDim] }, qkv);
        qkv = b.AddFunctional($"{p}.transpose", new Transpose { Perm = [1, 0, 2] }, qkv);
        var q = b.AddFunctional($"{p}.getitem", new Slice { Ranges = [(0, 0, heads, 1)] }, qkv);
        var k = b.AddFunctional($"{p}.getitem_1", new Slice { Ranges = [(0, heads, 2 * heads, 1)] }, qkv);
        var v = b.AddFunctional($"{p}.getitem_2", new Slice { Ranges = [(0, 2 * heads, 3 * heads, 1)] }, qkv);
        var kv = new Conv3d { Stacked = true, OutChannels = headDim, Groups = headDim, Kernel = 3, Stride = new SpatialSize(1, block.Config.StrideKv, block.Config.StrideKv), Padding = 1, HasBias = false };
        k = b.AddScope($"{p}.pool_k", "Pool", k, y => Pool(b, $"{p}.pool_k", kv, block.Input, heads, headDim, y));
        v = b.AddScope($"{p}.pool_v", "Pool", v, y => Pool(b, $"{p}.pool_v", kv, block.Input, heads, headDim, y));
        if (block.Config.PoolQ)
        {
            var pool = kv with { Stride = new SpatialSize(1, block.Config.StrideQ, block.Config.StrideQ) };
            q = b.AddScope($"{p}.pool_q", "Pool", q, y => Pool(b, $"{p}.pool_q", pool, block.Input, heads, headDim, y));
        }

        Tensor x;
        if (block.V2)
        {
            var bias = b.AddFunctional($"{p}.add_rel_pos", new DecomposedRelativePosition { QueryGrid = block.QueryGrid.Dims, KeyGrid = block.KeyGrid.Dims }, q);
            x = b.AddFunctional($"{p}.attention", new ScaledDotProductAttention(), q, k, v, bias);
            x = b.AddFunctional($"{p}.add_shortcut", Add.Instance, x, q);
        }
        else
        {
            x = b.AddFunctional($"{p}.attention", new ScaledDotProductAttention(), q, k, v);
        }

        x = b.AddFunctional($"{p}.transpose_1", new Transpose { Perm = [1, 0, 2] }, x);
        x = b.AddFunctional($"{p}.reshape_1", new Reshape { Dims = [-1, width] }, x);
        return b.Add($"{p}.project", Sequential.Of(("0", new Linear { OutFeatures = width })), x);
    }

    /// <summary>
    /// torchvision's <c>Pool</c> on ... x N x C tokens of a grid (heads x N x head_dim in the attention; N x C for
    /// <c>pool_skip</c>): the class token split off (<c>getitem</c>, <c>getitem_1</c>), the rest turned into maps
    /// (<c>transpose</c>, <c>reshape</c>), <c>pool</c>, back to tokens (<c>reshape_1</c>, <c>transpose_1</c>), the
    /// class token put back (<c>cat</c>), and in the attention <c>norm_act.0</c>, a LayerNorm.
    /// </summary>
    private static Tensor Pool(NetworkBuilder b, string path, Layer pool, Grid grid, int heads, int channels, Tensor input)
    {
        // The attention's heads x N x head_dim (heads > 0), whose heads lead every step; pool_skip's N x C (heads 0).
        var stacked = heads > 0;
        var axis = stacked ? 1 : 0;
        int[] lead = stacked ? [heads] : [];
        var cls = b.AddFunctional($"{path}.getitem", new Slice { Ranges = [(axis, 0, 1, 1)] }, input);
        var x = b.AddFunctional($"{path}.getitem_1", new Slice { Ranges = [(axis, 1, long.MaxValue, 1)] }, input);
        x = b.AddFunctional($"{path}.transpose", new Transpose { Perm = stacked ? [0, 2, 1] : [1, 0] }, x);
        x = b.AddFunctional($"{path}.reshape", new Reshape { Dims = [.. lead, channels, grid.T, grid.H, grid.W] }, x);
        x = b.Add($"{path}.pool", pool, x);
        x = b.AddFunctional($"{path}.reshape_1", new Reshape { Dims = [.. lead, channels, -1] }, x);
        x = b.AddFunctional($"{path}.transpose_1", new Transpose { Perm = stacked ? [0, 2, 1] : [1, 0] }, x);
        x = b.AddFunctional($"{path}.cat", new Concat { Axis = axis }, cls, x);
        return stacked ? b.Add($"{path}.norm_act", Sequential.Of(("0", new LayerNorm())), x) : x;
    }
}

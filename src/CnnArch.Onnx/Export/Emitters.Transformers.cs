using CnnArch.Layers;
using static CnnArch.Onnx.ExportWriter;

namespace CnnArch.Onnx;

// The ONNX forms of the transformer kinds: tokens, attention, windows and the tensors a model stores. A
// tensor the model stores (a StoredTensor, a relative position table) carries a batch axis of 1 in front,
// so that it broadcasts against the batch as CnnArch's per-sample shapes do and the generic emitters'
// batch-relative shapes (Reshape's leading 0) fit it.
internal static partial class Emitters
{
    // torch.cat([class_token.expand(n, -1, -1), x], dim=1): the learned tokens, 1 x k x D, expanded over the batch.
    private static string ClassTokenOp(ExportStep s)
    {
        var t = (ClassToken)s.Layer;
        var depth = s.XShape.Dims[^1];
        var token = s.Parameter([1, t.Count, depth], Fill.Zero);
        var batch = s.Op("Shape", [s.X], Int("end", 1));
        var shape = s.Op("Concat", [batch, s.Longs("expand", t.Count, depth)], Int("axis", 0));
        return s.Op("Concat", [s.Op("Expand", [token, shape]), s.X], Int("axis", 1));
    }

    // nn.MultiheadAttention(batch_first=True) as PyTorch computes it: the in-projection (packed in_proj_weight
    // and in_proj_bias for self-attention; q/k/v_proj_weight when query, key and value differ), H heads of D/H,
    // softmax(q k^T / sqrt(d)) v, the heads merged and out_proj.
    private static string MultiheadAttentionOp(ExportStep s)
    {
        var a = (MultiheadAttention)s.Layer;
        var (n, m, d) = a.Sizes(s.Shapes);
        var key = s.Inputs.Length > 1 ? s.Inputs[1] : s.X;
        var value = s.Inputs.Length > 2 ? s.Inputs[2] : key;
        string q, k, v;
        if (key == s.X && value == s.X)
        {
            var qkv = Projection(s, s.X, "in_proj_weight", a.HasBias ? "in_proj_bias" : null, 3 * d, d);
            (q, k, v) = (Third(s, qkv, 0, d), Third(s, qkv, 1, d), Third(s, qkv, 2, d));
        }
        else
        {
            q = Projection(s, s.X, "q_proj_weight", a.HasBias ? "q_proj_bias" : null, d, d);
            k = Projection(s, key, "k_proj_weight", a.HasBias ? "k_proj_bias" : null, d, d);
            v = Projection(s, value, "v_proj_weight", a.HasBias ? "v_proj_bias" : null, d, d);
        }

        var head = d / a.Heads;
        q = SplitHeads(s, q, "q", n, a.Heads, head, [0, 2, 1, 3]);
        k = SplitHeads(s, k, "k", m, a.Heads, head, [0, 2, 3, 1]);
        v = SplitHeads(s, v, "v", m, a.Heads, head, [0, 2, 1, 3]);
        q = s.Op("Mul", [q, s.Floats(1 / MathF.Sqrt(head))]);
        var weights = s.Op("Softmax", [s.Op("MatMul", [q, k])], Int("axis", -1));
        var merged = s.Op("Transpose", [s.Op("MatMul", [weights, v])], Ints("perm", [0L, 2, 1, 3]));
        merged = s.Op("Reshape", [merged, s.Longs("merged_shape", 0, n, d)]);
        return Projection(s, merged, "out_proj.weight", a.HasBias ? "out_proj.bias" : null, d, d);
    }

    // x W^T + b over the last axis, W stored as PyTorch stores it (out x in); the bias starts at zero, as PyTorch's.
    private static string Projection(ExportStep s, string x, string weight, string? bias, int outFeatures, int inFeatures)
    {
        var w = s.Op("Transpose", [s.Weight(weight, [outFeatures, inFeatures], Fill.Random, inFeatures)], Ints("perm", [1L, 0]));
        var y = s.Op("MatMul", [x, w]);
        return bias is null ? y : s.Op("Add", [y, s.Weight(bias, [outFeatures], Fill.Zero)]);
    }

    private static string Third(ExportStep s, string x, int i, int d) =>
        s.Op("Slice", [x, s.Longs($"starts_{i}", (long)i * d), s.Longs($"ends_{i}", (long)(i + 1) * d), s.Longs($"axes_{i}", -1)]);

    // N x D to H x N x d (or H x d x N for the keys, the transpose the scores read).
    private static string SplitHeads(ExportStep s, string x, string name, int tokens, int heads, int depth, long[] perm) =>
        s.Op("Transpose", [s.Op("Reshape", [x, s.Longs($"{name}_shape", 0, tokens, heads, depth)])], Ints("perm", perm));

    // F.scaled_dot_product_attention: softmax(q k^T / sqrt(d) + mask) v; Swin V2's cosine attention normalises q
    // and k (F.normalize) and multiplies the scores by exp(min(logit_scale, log 100)), one scale per head.
    private static string AttentionOp(ExportStep s)
    {
        var a = (ScaledDotProductAttention)s.Layer;
        var rank = s.XShape.Rank + 1;
        long[] swap = [.. Enumerable.Range(0, rank - 2).Select(i => (long)i), rank - 1, rank - 2];
        string scores;
        if (a.Cosine)
        {
            var keys = s.Op("Transpose", [L2Normalized(s, s.Inputs[1])], Ints("perm", swap));
            scores = s.Op("MatMul", [L2Normalized(s, s.X), keys]);
            var heads = s.XShape.Dims[^3];
            var scale = s.Op("Exp", [s.Op("Min", [s.Weight("logit_scale", [heads, 1, 1], Fill.One), s.Floats(MathF.Log(100))])]);
            scores = s.Op("Mul", [scores, scale]);
        }
        else
        {
            var q = s.Op("Mul", [s.X, s.Floats(1 / MathF.Sqrt(s.XShape.Dims[^1]))]);
            scores = s.Op("MatMul", [q, s.Op("Transpose", [s.Inputs[1]], Ints("perm", swap))]);
        }

        if (s.Inputs.Length > 3)
        {
            scores = s.Op("Add", [scores, s.Inputs[3]]);
        }

        return s.Op("MatMul", [s.Op("Softmax", [scores], Int("axis", -1)), s.Inputs[2]]);
    }

    // F.normalize(x, dim=-1): x / max(||x||, 1e-12).
    private static string L2Normalized(ExportStep s, string x) =>
        s.Op("Div", [x, s.Op("Max", [s.Op("ReduceL2", [x], Ints("axes", [-1L]), Int("keepdims", 1)), s.Floats(1e-12f)])]);

    // MaxViT's WindowPartition: B x C x H x W viewed as B x C x H/P x P x W/P x P, permuted to B x H/P x W/P x P x P x C.
    private static string WindowPartitionOp(ExportStep s)
    {
        var p = ((WindowPartition)s.Layer).Size;
        var (c, h, w) = (s.XShape.Dims[0], s.XShape.Dims[1], s.XShape.Dims[2]);
        var view = s.Op("Reshape", [s.X, s.Longs("view", 0, c, h / p, p, w / p, p)]);
        var moved = s.Op("Transpose", [view], Ints("perm", [0L, 2, 4, 3, 5, 1]));
        return s.Op("Reshape", [moved, s.Longs("shape", 0, (long)(h / p) * (w / p), (long)p * p, c)]);
    }

    // MaxViT's WindowDepartition: B x G x P^2 x C viewed as B x rows x cols x P x P x C, permuted to B x C x rows x P x cols x P.
    private static string WindowDepartitionOp(ExportStep s)
    {
        var l = (WindowDepartition)s.Layer;
        var (p, rows) = (l.Size, l.Rows);
        var (g, c) = (s.XShape.Dims[0], s.XShape.Dims[2]);
        var view = s.Op("Reshape", [s.X, s.Longs("view", 0, rows, g / rows, p, p, c)]);
        var moved = s.Op("Transpose", [view], Ints("perm", [0L, 5, 1, 3, 2, 4]));
        return s.Op("Reshape", [moved, s.Longs("shape", 0, c, (long)rows * p, (long)(g / rows) * p)]);
    }

    // MaxViT's relative position bias: its relative_position_bias_table ((2P - 1)^2 x H) gathered by the stored
    // index into H x P^2 x P^2 and added to the logits.
    private static string RelativePositionBiasOp(ExportStep s)
    {
        var l = (RelativePositionBias)s.Layer;
        var side = (2 * l.Size) - 1;
        var table = s.Op("Unsqueeze", [s.Parameter([side * side, l.Heads(s.XShape)], Fill.Random, 1, "_table"), s.Longs("axes", 0)]);
        return s.Op("Add", [s.X, Gathered(s, table, l.Size, l.Size)]);
    }

    // torchvision's _get_relative_position_bias: table[index] (the index N x N, N = Wh x Ww) permuted to heads x N x N.
    private static string RelativePositionGatherOp(ExportStep s)
    {
        var g = (RelativePositionGather)s.Layer;
        if (s.XShape.Rank == 1)
        {
            var n = g.Tokens;
            var one = s.Op("Gather", [s.X, s.Longs("index", [.. RelativeIndex(g.WindowSize[0], g.WindowSize[1])])], Int("axis", 1));
            return s.Op("Reshape", [one, s.Longs("shape", 0, 1, n, n)]);
        }

        return Gathered(s, s.X, g.WindowSize[0], g.WindowSize[1]);
    }

    // A 1 x K x H table gathered by the N x N relative index into 1 x N x N x H, then 1 x H x N x N.
    private static string Gathered(ExportStep s, string table, int height, int width)
    {
        var index = s.Longs("index", [.. RelativeIndex(height, width)]);
        var n = height * width;
        var reshaped = s.Op("Reshape", [s.Op("Gather", [table, index], Int("axis", 1)), s.Longs("view", 0, n, n, -1)]);
        return s.Op("Transpose", [reshaped], Ints("perm", [0L, 3, 1, 2]));
    }

    // torchvision's relative_position_index, flattened: token i = (hi, wi) and j read offset
    // (hi - hj + Wh - 1) x (2 Ww - 1) + (wi - wj + Ww - 1).
    internal static IEnumerable<long> RelativeIndex(int height, int width)
    {
        var n = height * width;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                yield return ((long)((i / width) - (j / width) + height - 1) * ((2 * width) - 1)) + ((i % width) - (j % width) + width - 1);
            }
        }
    }

    // A learned table is an initializer named by the path, with the batch axis of 1 in front; a buffer or a
    // tensor the forward builds (Swin's shifted-window mask) is a constant of zeros: the layer holds its size, not its values.
    private static string StoredTensorOp(ExportStep s)
    {
        var t = (StoredTensor)s.Layer;
        if (t.Role == StoredTensorRole.Parameter)
        {
            return s.Op("Unsqueeze", [s.Parameter([.. t.Dims], Fill.Random, t.Dims[^1]), s.Longs("axes", 0)]);
        }

        return s.Op("ConstantOfShape", [s.Longs("shape", [1, .. t.Dims.Select(d => (long)d)])]);
    }

    // torch.roll as PyTorch exports it: per axis, the last `shift` entries sliced off and put in front.
    private static string RollOp(ExportStep s)
    {
        var r = (Roll)s.Layer;
        var x = s.X;
        for (var i = 0; i < r.Axes.Length; i++)
        {
            var size = s.XShape.Dims[r.Axes[i]];
            var shift = ((r.Shifts[i] % size) + size) % size;
            if (shift == 0)
            {
                continue;
            }

            var axis = s.Longs($"axis_{i}", ExportStep.Axis(r.Axes[i]));
            var tail = s.Op("Slice", [x, s.Longs($"tail_start_{i}", size - shift), s.Longs($"tail_end_{i}", size), axis]);
            var head = s.Op("Slice", [x, s.Longs($"head_start_{i}", 0), s.Longs($"head_end_{i}", size - shift), axis]);
            x = s.Op("Concat", [tail, head], Int("axis", ExportStep.Axis(r.Axes[i])));
        }

        return x == s.X ? s.Op("Identity", [x]) : x;
    }
}

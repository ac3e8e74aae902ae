using CnnArch.Layers;
using static CnnArch.Onnx.ExportWriter;

namespace CnnArch.Onnx;

// Writes one layer as ONNX nodes and returns the name of its output.
internal delegate string Emitter(ExportStep step);

/// <summary>
/// The ONNX form of each layer kind: one entry per kind (an abstract base covers its 1-D, 2-D and 3-D
/// forms). A kind missing here is not expressible, and exporting a network with it names the layer.
/// </summary>
internal static partial class Emitters
{
    private static readonly Dictionary<Type, Emitter> Table = new()
    {
        [typeof(Convolution)] = Conv,
        [typeof(TransposedConvolution)] = ConvTranspose,
        [typeof(MaxPool)] = s => s.Op("MaxPool", [s.X], [.. Window((Pool)s.Layer, s.XShape.SpatialRank), Int("ceil_mode", ((Pool)s.Layer).CeilMode ? 1 : 0), Ints("dilations", ((MaxPool)s.Layer).Dilation.At(s.XShape.SpatialRank, "dilation").ToArray())]),
        [typeof(AvgPool)] = s => s.Op("AveragePool", [s.X], [.. Window((Pool)s.Layer, s.XShape.SpatialRank), Int("ceil_mode", ((Pool)s.Layer).CeilMode ? 1 : 0), Int("count_include_pad", ((AvgPool)s.Layer).CountIncludePad ? 1 : 0)]),
        [typeof(AdaptiveAvgPool)] = s => Adaptive(s, "AveragePool", "GlobalAveragePool"),
        [typeof(AdaptiveMaxPool)] = s => Adaptive(s, "MaxPool", "GlobalMaxPool"),
        [typeof(Linear)] = LinearOp,
        [typeof(Flatten)] = s => s.Op("Flatten", [s.X], Int("axis", 1)),
        [typeof(Dropout)] = s => s.Op("Dropout", [s.X, s.Floats((float)((Dropout)s.Layer).P)]),
        [typeof(Identity)] = s => s.Op("Identity", [s.X]),
        [typeof(StochasticDepth)] = s => s.Op("Identity", [s.X]),
        [typeof(BatchNorm)] = BatchNormOp,
        [typeof(InstanceNorm)] = s => s.Layer is InstanceNorm n
            ? s.Op("InstanceNormalization", [s.X, s.WeightOrConstant(n.Affine, "weight", s.XShape.Channels, Fill.One), s.WeightOrConstant(n.Affine, "bias", s.XShape.Channels, Fill.Zero)], Float("epsilon", 1e-5))
            : "",
        [typeof(LayerNorm)] = LayerNormOp,
        [typeof(LocalResponseNorm)] = s => s.Layer is LocalResponseNorm n ? s.Op("LRN", [s.X], Int("size", n.Size), Float("alpha", n.Alpha), Float("beta", n.Beta), Float("bias", n.K)) : "",
        [typeof(ReLU)] = s => s.Op("Relu", [s.X]),
        [typeof(ReLU6)] = s => s.Op("Clip", [s.X, s.Floats(0), s.Floats(6)]),
        [typeof(Clip)] = s => s.Layer is Clip c ? s.Op("Clip", [s.X, s.Floats((float)c.Min), s.Floats((float)c.Max)]) : "",
        [typeof(Sigmoid)] = s => s.Op("Sigmoid", [s.X]),
        [typeof(HardSigmoid)] = s => s.Op("HardSigmoid", [s.X], Float("alpha", 1.0 / 6), Float("beta", 0.5)),
        [typeof(HardSwish)] = s => s.Op("HardSwish", [s.X]),
        [typeof(SiLU)] = s => s.Op("Mul", [s.X, s.Op("Sigmoid", [s.X])]),
        [typeof(LeakyReLU)] = s => s.Op("LeakyRelu", [s.X], Float("alpha", ((LeakyReLU)s.Layer).NegativeSlope)),
        [typeof(PReLU)] = PReluOp,
        [typeof(Tanh)] = s => s.Op("Tanh", [s.X]),
        [typeof(Erf)] = s => s.Op("Erf", [s.X]),
        // Opset 17 has no Gelu: x * 0.5 * (1 + erf(x / sqrt 2)), as PyTorch exports it.
        [typeof(GELU)] = s => s.Op("Mul", [s.Op("Mul", [s.X, s.Op("Add", [s.Op("Erf", [s.Op("Div", [s.X, s.Floats(MathF.Sqrt(2))])]), s.Floats(1)])]), s.Floats(0.5f)]),
        [typeof(Softmax)] = s => s.Op("Softmax", [s.X], Int("axis", ExportStep.Axis(((Softmax)s.Layer).Axis))),
        [typeof(Add)] = s => s.Op("Add", s.Inputs),
        [typeof(Concat)] = s => s.Op("Concat", s.Inputs, Int("axis", ExportStep.Axis(((Concat)s.Layer).Axis))),
        [typeof(Scale)] = s => s.Op("Mul", s.Inputs),
        [typeof(LayerScale)] = LayerScaleOp,
        [typeof(Elementwise)] = ElementwiseOp,
        [typeof(MatMul)] = s => s.Op("MatMul", s.Inputs),
        [typeof(Reshape)] = s => s.Op("Reshape", [s.X, s.Longs("shape", [0, .. s.Output.Dims.Select(d => (long)d)])]),
        [typeof(Transpose)] = s => s.Op("Transpose", [s.X], Ints("perm", [0L, .. ((Transpose)s.Layer).Perm.Select(p => p + 1L)])),
        [typeof(Slice)] = SliceOp,
        [typeof(Pad)] = s => s.Layer is Pad p ? s.Op("Pad", [s.X, s.Longs("pads", [0, .. p.Before.Select(v => (long)v), 0, .. p.After.Select(v => (long)v)])]) : "",
        [typeof(Upsample)] = UpsampleOp,
        [typeof(PixelShuffle)] = s => s.Op("DepthToSpace", [s.X], Int("blocksize", ((PixelShuffle)s.Layer).UpscaleFactor), Text("mode", "CRD")),
        [typeof(ClassToken)] = ClassTokenOp,
        [typeof(PositionalEmbedding)] = s => s.Op("Add", [s.X, s.Parameter([1, .. s.XShape.Dims], Fill.Random, s.XShape.Dims[^1])]),
        [typeof(MultiheadAttention)] = MultiheadAttentionOp,
        [typeof(ScaledDotProductAttention)] = AttentionOp,
        [typeof(WindowPartition)] = WindowPartitionOp,
        [typeof(WindowDepartition)] = WindowDepartitionOp,
        [typeof(RelativePositionBias)] = RelativePositionBiasOp,
        [typeof(RelativePositionGather)] = RelativePositionGatherOp,
        [typeof(StoredTensor)] = StoredTensorOp,
        [typeof(Roll)] = RollOp,
        [typeof(ReduceMean)] = s => s.Layer is ReduceMean r ? s.Op("ReduceMean", [s.X], Ints("axes", r.Axes.Select(ExportStep.Axis)), Int("keepdims", r.KeepDims ? 1 : 0)) : "",
    };

    public static Emitter? Find(Type type)
    {
        for (var t = type; t is not null && t != typeof(Layer); t = t.BaseType)
        {
            if (Table.TryGetValue(t, out var emit))
            {
                return emit;
            }
        }

        return null;
    }

    private static IEnumerable<global::Onnx.AttributeProto> Window(Pool pool, int rank)
    {
        yield return Ints("kernel_shape", pool.Kernel.At(rank, "kernel").ToArray());
        yield return Ints("strides", pool.EffectiveStride.At(rank, "stride").ToArray());
        yield return Pads(pool.Padding, rank);
    }

    private static string Conv(ExportStep s)
    {
        var c = (Convolution)s.Layer;
        if (c.Stacked)
        {
            throw new NotSupportedException("a stacked convolution (one per head, MViT's pooling) has no single ONNX Conv; it needs the heads folded into the batch first.");
        }

        var inPerGroup = s.XShape.Channels / c.Groups;
        return ConvNode(s, "Conv", c, inPerGroup, [c.OutChannels, inPerGroup]);
    }

    private static string ConvTranspose(ExportStep s)
    {
        var c = (TransposedConvolution)s.Layer;
        return ConvNode(s, "ConvTranspose", c, c.OutChannels / c.Groups, [s.XShape.Channels, c.OutChannels / c.Groups],
            Ints("output_padding", c.OutputPadding.At(c.SpatialRank, "output padding").ToArray()));
    }

    // What Conv and ConvTranspose share: a weight of the two leading dims and the kernel, a bias, and the
    // window's attributes. The fan-in (for random weights) is the channels one output sums over times the kernel.
    private static string ConvNode(ExportStep s, string op, ConvolutionBase c, int fanInChannels, int[] leading, params global::Onnx.AttributeProto[] extra)
    {
        var rank = c.SpatialRank;
        var kernel = c.Kernel.At(rank, "kernel").ToArray();
        var fanIn = (long)fanInChannels * kernel.Aggregate(1L, (a, k) => a * k);
        List<string> inputs = [s.X, s.Weight("weight", [.. leading, .. kernel], Fill.Random, fanIn)];
        if (c.HasBias)
        {
            inputs.Add(s.Weight("bias", [c.OutChannels], Fill.Random, fanIn));
        }

        return s.Op(op, inputs,
        [
            Ints("dilations", c.Dilation.At(rank, "dilation").ToArray()),
            Int("group", c.Groups),
            Ints("kernel_shape", kernel),
            .. extra,
            Pads(c.Padding, rank),
            Ints("strides", c.Stride.At(rank, "stride").ToArray()),
        ]);
    }

    // ONNX's pads: every axis's before, then every axis's after.
    private static global::Onnx.AttributeProto Pads(SpatialPadding padding, int rank)
    {
        var pads = padding.At(rank, "padding");
        return Ints("pads", [.. Enumerable.Range(0, rank).Select(pads.Before), .. Enumerable.Range(0, rank).Select(pads.After)]);
    }

    // Adaptive pooling is a global pool at 1 x 1, and a fixed window where the output divides the input;
    // PyTorch's uneven windows otherwise have no ONNX form.
    private static string Adaptive(ExportStep s, string pool, string global)
    {
        var output = s.Output.SpatialSize;
        var input = s.XShape.SpatialSize;
        var rank = s.XShape.SpatialRank;
        if (Enumerable.Range(0, rank).All(i => output[i] == 1))
        {
            return s.Op(global, [s.X]);
        }

        if (Enumerable.Range(0, rank).Any(i => input[i] % output[i] != 0))
        {
            throw new NotSupportedException($"adaptive pooling from {input} to {output} uses uneven windows, which ONNX cannot express; only outputs that divide the input are written.");
        }

        var kernel = Enumerable.Range(0, rank).Select(i => input[i] / output[i]).ToArray();
        return s.Op(pool, [s.X], Ints("kernel_shape", kernel), Ints("strides", kernel));
    }

    // A linear layer over a vector is a Gemm; over the last axis of a larger tensor, MatMul then Add (PyTorch's form).
    private static string LinearOp(ExportStep s)
    {
        var l = (Linear)s.Layer;
        var inFeatures = s.XShape.Dims[^1];
        if (s.XShape.Rank == 1)
        {
            List<string> inputs = [s.X, s.Weight("weight", [l.OutFeatures, inFeatures], Fill.Random, inFeatures)];
            if (l.HasBias)
            {
                inputs.Add(s.Weight("bias", [l.OutFeatures], Fill.Random, inFeatures));
            }

            return s.Op("Gemm", inputs, Float("alpha", 1), Float("beta", 1), Int("transB", 1));
        }

        var product = s.Op("MatMul", [s.X, s.Weight("weight", [inFeatures, l.OutFeatures], Fill.Random, inFeatures)]);
        return l.HasBias ? s.Op("Add", [product, s.Weight("bias", [l.OutFeatures], Fill.Random, inFeatures)]) : product;
    }

    private static string BatchNormOp(ExportStep s)
    {
        var (n, channels) = ((BatchNorm)s.Layer, s.XShape.Channels);
        return s.Op("BatchNormalization",
            [
                s.X,
                s.WeightOrConstant(n.Affine, "weight", channels, Fill.One),
                s.WeightOrConstant(n.Affine, "bias", channels, Fill.Zero),
                s.WeightOrConstant(n.TrackRunningStats, "running_mean", channels, Fill.Zero),
                s.WeightOrConstant(n.TrackRunningStats, "running_var", channels, Fill.One),
            ],
            Float("epsilon", 1e-5), Float("momentum", 0.9));
    }

    // LayerNormalization normalises from its axis to the last; a norm over leading axes only (ConvNeXt's
    // channels of a C x H x W map) runs channels-last between two transposes, as PyTorch's LayerNorm2d does.
    private static string LayerNormOp(ExportStep s)
    {
        var n = (LayerNorm)s.Layer;
        var rank = s.XShape.Rank;
        var first = n.Axis < 0 ? n.Axis + rank : n.Axis;
        var count = n.AxisCount ?? (rank - first);
        var normalized = s.XShape.Dims.Skip(first).Take(count).ToArray();
        var x = s.X;
        int[]? perm = null;
        if (first + count != rank)
        {
            // Move the normalised axes to the end, keeping the others in order.
            perm = [.. Enumerable.Range(0, rank).Where(i => i < first || i >= first + count), .. Enumerable.Range(first, count)];
            x = s.Op("Transpose", [x], Ints("perm", [0L, .. perm.Select(p => p + 1L)]));
        }

        List<string> inputs = [x, s.Weight("weight", normalized, Fill.One)];
        if (n.HasBias)
        {
            inputs.Add(s.Weight("bias", normalized, Fill.Zero));
        }

        var y = s.Op("LayerNormalization", inputs, Int("axis", -count), Float("epsilon", 1e-6));
        if (perm is null)
        {
            return y;
        }

        var inverse = new long[rank + 1];
        for (var i = 0; i < rank; i++)
        {
            inverse[perm[i] + 1] = i + 1;
        }

        return s.Op("Transpose", [y], Ints("perm", inverse));
    }

    private static string PReluOp(ExportStep s)
    {
        var p = (PReLU)s.Layer;
        // One slope per channel broadcasts over the spatial axes: C x 1 x ... x 1.
        int[] dims = p.NumParameters == 1 ? [1] : [p.NumParameters, .. Enumerable.Repeat(1, s.XShape.Rank - 1)];
        return s.Op("PRelu", [s.X, s.Weight("weight", dims, Fill.Random)]);
    }

    private static string LayerScaleOp(ExportStep s)
    {
        var l = (LayerScale)s.Layer;
        var rank = s.XShape.Rank;
        var axis = l.Axis < 0 ? l.Axis + rank : l.Axis;
        int[] dims = [l.Channels(s.XShape), .. Enumerable.Repeat(1, rank - axis - 1)];
        return s.Op("Mul", [s.X, s.Weight("layer_scale", dims, Fill.One)]);
    }

    private static string ElementwiseOp(ExportStep s)
    {
        var e = (Elementwise)s.Layer;
        var op = e.Op.ToString();
        if (e.Constant is not { } constant)
        {
            return s.Op(op, s.Inputs);
        }

        var name = e.ConstantIsParameter ? s.Weight("weight", [.. constant.Dims], e.Op is Layers.ElementwiseOp.Mul or Layers.ElementwiseOp.Div or Layers.ElementwiseOp.Pow ? Fill.One : Fill.Random)
            : s.Writer.Node(s.Node.Path, "ConstantOfShape", [s.Longs("shape", [.. constant.Dims.Select(d => (long)d)])], Value(1));
        return s.Op(op, [s.X, name]);
    }

    private static global::Onnx.AttributeProto Value(float value)
    {
        var tensor = new global::Onnx.TensorProto { Name = "value", DataType = (int)global::Onnx.TensorProto.Types.DataType.Float };
        tensor.Dims.Add(1);
        tensor.FloatData.Add(value);
        return new global::Onnx.AttributeProto { Name = "value", Type = global::Onnx.AttributeProto.Types.AttributeType.Tensor, T = tensor };
    }

    private static string SliceOp(ExportStep s)
    {
        // An open end (long.MaxValue, PyTorch's "to the end") is written as the axis's extent: a reader
        // that holds values as doubles cannot tell 2^63 - 1 from 2^63.
        var dims = s.XShape.Dims;
        var ranges = ((Slice)s.Layer).Ranges.Select(r =>
        {
            var extent = dims[r.Axis < 0 ? r.Axis + dims.Length : r.Axis];
            return r with { Start = Math.Clamp(r.Start, -extent - 1L, extent), End = Math.Clamp(r.End, -extent - 1L, extent) };
        }).ToArray();
        return s.Op("Slice",
        [
            s.X,
            s.Longs("starts", [.. ranges.Select(r => r.Start)]),
            s.Longs("ends", [.. ranges.Select(r => r.End)]),
            s.Longs("axes", [.. ranges.Select(r => ExportStep.Axis(r.Axis))]),
            s.Longs("steps", [.. ranges.Select(r => r.Step)]),
        ]);
    }

    // Resize to the output's size, in PyTorch's coordinates: nearest floors asymmetric coordinates;
    // linear and cubic modes use half-pixel centres (align_corners=False).
    private static string UpsampleOp(ExportStep s)
    {
        var u = (Upsample)s.Layer;
        var nearest = u.Mode == InterpolationMode.Nearest;
        var mode = u.Mode switch
        {
            InterpolationMode.Nearest => "nearest",
            InterpolationMode.Bicubic => "cubic",
            _ => "linear",
        };
        var shape = s.Op("Shape", [s.X], Int("end", 1));
        var full = s.Op("Concat", [shape, s.Longs("spatial", [.. s.Output.Dims.Select(d => (long)d)])], Int("axis", 0));
        return s.Op("Resize", [s.X, "", "", full],
            Text("coordinate_transformation_mode", nearest ? "asymmetric" : "pytorch_half_pixel"),
            Text("mode", mode),
            Text("nearest_mode", "floor"));
    }
}

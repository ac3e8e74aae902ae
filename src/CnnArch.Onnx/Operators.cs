using System.Collections.Immutable;
using CnnArch.Layers;

namespace CnnArch.Onnx;

public static partial class OnnxImporter
{
    private sealed partial class Importer
    {
        /// <summary>The operator table: ONNX op type to the factory of its CnnArch node(s).</summary>
        private static readonly Dictionary<string, Func<OpContext, Value[]>> Operators = new(StringComparer.Ordinal)
        {
            ["Conv"] = Conv,
            ["ConvTranspose"] = ConvTranspose,
            ["Gemm"] = Gemm,
            ["MatMul"] = MatMulOp,
            ["Add"] = c => Binary(c, ElementwiseOp.Add),
            ["Sub"] = c => Binary(c, ElementwiseOp.Sub),
            ["Mul"] = c => Binary(c, ElementwiseOp.Mul),
            ["Div"] = c => Binary(c, ElementwiseOp.Div),
            ["Pow"] = c => Binary(c, ElementwiseOp.Pow),
            ["Relu"] = c => [c.Emit(new ReLU(), c.X)],
            ["LeakyRelu"] = c => [c.Emit(new LeakyReLU { NegativeSlope = Proto.Float(c.Node, "alpha", 0.01) }, c.X)],
            ["PRelu"] = c =>
            {
                // The slope broadcasts: one value, or one per channel ([C] or [C, 1, ...]).
                var slope = c.RequiredConstant(1, "slope");
                c.Consumes(1);
                return [c.Emit(new PReLU { NumParameters = checked((int)Math.Max(1, slope.Elements)) }, c.X)];
            },
            ["Sigmoid"] = c => [c.Emit(new Sigmoid(), c.X)],
            ["HardSigmoid"] = c => [c.Emit(new HardSigmoid(), c.X)],
            ["HardSwish"] = c => [c.Emit(new HardSwish(), c.X)],
            ["Tanh"] = c => [c.Emit(new Tanh(), c.X)],
            ["Erf"] = c => [c.Emit(new Erf(), c.X)],
            ["Sqrt"] = c => [c.Emit(new Elementwise { Op = ElementwiseOp.Pow, Constant = TensorShape.Vector(1) }, c.X)], // x^0.5
            ["Gelu"] = c => [c.Emit(new GELU(), c.X)],
            ["Clip"] = ClipOp,
            ["Softmax"] = c => [c.Emit(new Softmax { Axis = c.Axis(Proto.Int(c.Node, "axis", c.Opset >= 13 ? -1 : 1), c.X) }, c.X)],
            ["BatchNormalization"] = BatchNorm,
            ["LayerNormalization"] = c =>
            {
                c.Consumes(1);
                c.Consumes(2);
                var axis = Proto.Int(c.Node, "axis", -1);
                return [c.Emit(new LayerNorm { Axis = axis < 0 ? (int)axis : c.Axis(axis, c.X), HasBias = c.Constant(2) is not null }, c.X)];
            },
            ["InstanceNormalization"] = c =>
            {
                c.Consumes(1);
                c.Consumes(2);
                // A scale that is not an initializer (a Constant node of ones) is not learned.
                var affine = c.Constant(1) is { Initializer: not null };
                Layer norm = SpatialRank(c) switch
                {
                    1 => new InstanceNorm1d { Affine = affine },
                    2 => new InstanceNorm2d { Affine = affine },
                    _ => new InstanceNorm3d { Affine = affine },
                };
                return [c.Emit(norm, c.X)];
            },
            ["LRN"] = c => [c.Emit(new LocalResponseNorm
            {
                Size = (int)Proto.Int(c.Node, "size", 5),
                Alpha = Proto.Float(c.Node, "alpha", 1e-4),
                Beta = Proto.Float(c.Node, "beta", 0.75),
                K = Proto.Float(c.Node, "bias", 1),
            }, c.X)],
            ["MaxPool"] = c => Pool(c, max: true),
            ["AveragePool"] = c => Pool(c, max: false),
            ["GlobalAveragePool"] = c => [c.Emit(GlobalPool(SpatialRank(c), max: false), c.X)],
            ["GlobalMaxPool"] = c => [c.Emit(GlobalPool(SpatialRank(c), max: true), c.X)],
            ["ReduceMean"] = ReduceMeanOp,
            ["Flatten"] = FlattenOp,
            ["Reshape"] = ReshapeOp,
            ["Squeeze"] = c => SqueezeOp(c, unsqueeze: false),
            ["Unsqueeze"] = c => SqueezeOp(c, unsqueeze: true),
            ["Transpose"] = TransposeOp,
            ["Concat"] = ConcatOp,
            ["Gather"] = GatherOp,
            ["Split"] = SplitOp,
            ["Slice"] = SliceOp,
            ["Pad"] = PadOp,
            ["Resize"] = ResizeOp,
            ["Upsample"] = ResizeOp,
            ["Identity"] = c => [c.Inputs[0]!],
            ["Cast"] = c => [c.Inputs[0]!],
            ["Dropout"] = c => [c.Emit(new Dropout { P = c.Constant(1)?.Data is [var r] ? r : Proto.Float(c.Node, "ratio", 0.5) }, c.X)],
            ["Shape"] = ShapeOp,
            ["Constant"] = ConstantOp,
        };

        // The spatial axes of the node's input (its ONNX rank less the batch and the channels): 1 to 3,
        // else an error naming the node, never a pass-through.
        private static int SpatialRank(OpContext c)
        {
            var rank = c.X.Shape.SpatialRank;
            return rank is >= 1 and <= SpatialSize.MaxRank
                ? rank
                : throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) needs an N x C x L, N x C x H x W or N x C x D x H x W input, got [1,{string.Join(",", c.X.Shape.Dims)}].");
        }

        // A per-axis attribute (kernel_shape, strides, dilations, output_padding): absent gives the
        // fallback; anything but one value per spatial axis from min to int.MaxValue is an error naming it.
        private static SpatialSize Axes(OpContext c, string attribute, int rank, SpatialSize fallback, int min = 1)
        {
            var values = Proto.Ints(c.Node, attribute);
            if (values is null)
            {
                return fallback.At(rank, attribute);
            }

            if (values.Length != rank)
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) has {attribute} of {values.Length} values for its {rank}-D input (one per spatial axis).");
            }

            if (values.Any(v => v < min || v > int.MaxValue))
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) has {attribute} [{string.Join(",", values)}]: each must be from {min} to {int.MaxValue}.");
            }

            return SpatialSize.Of([.. values.Select(v => (int)v)]);
        }

        // pads [x1_begin, ..., xk_begin, x1_end, ..., xk_end], each from 0 to int.MaxValue.
        private static SpatialPadding ExplicitPads(OpContext c, int rank)
        {
            var pads = Proto.Ints(c.Node, "pads");
            if (pads is null)
            {
                return SpatialPadding.Zero.At(rank, "pads");
            }

            if (pads.Length != 2 * rank || pads.Any(p => p < 0 || p > int.MaxValue))
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) has pads [{string.Join(",", pads)}]: {2 * rank} values from 0 to {int.MaxValue} (the begins of the {rank} spatial axes, then their ends).");
            }

            var ints = pads.Select(p => (int)p).ToArray();
            return SpatialPadding.Of(ints.AsSpan(0, rank), ints.AsSpan(rank));
        }

        private static SpatialPadding Pads(OpContext c, int rank, SpatialSize kernel, SpatialSize stride, SpatialSize dilation)
        {
            var autoPad = Proto.String(c.Node, "auto_pad", "NOTSET");
            if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                var before = new int[rank];
                var after = new int[rank];
                for (var i = 0; i < rank; i++)
                {
                    long size = c.X.Shape.Spatial(i), s = stride[i];
                    var total = (int)Math.Clamp(((((size + s) - 1) / s) - 1) * s + (((long)dilation[i] * (kernel[i] - 1)) + 1) - size, 0, int.MaxValue);
                    (before[i], after[i]) = autoPad == "SAME_UPPER" ? (total / 2, total - (total / 2)) : (total - (total / 2), total / 2);
                }

                return SpatialPadding.Of(before, after);
            }

            return autoPad == "VALID" ? SpatialPadding.Zero.At(rank, "pads") : ExplicitPads(c, rank);
        }

        // What Conv and ConvTranspose share: a weight of rank 3 to 5 (one spatial axis per input axis), an
        // optional bias, groups, kernel, strides, dilations.
        private readonly record struct ConvAttributes(ConstantValue Weight, int Rank, int Group, SpatialSize Kernel, SpatialSize Stride, SpatialSize Dilation);

        private static ConvAttributes ReadConv(OpContext c)
        {
            var w = c.RequiredConstant(1, "weight");
            var rank = SpatialRank(c);
            if (w.Dims.Length != rank + 2)
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) has a weight of rank {w.Dims.Length} [{string.Join(",", w.Dims)}] for a rank-{rank + 2} input [1,{string.Join(",", c.X.Shape.Dims)}].");
            }

            c.Consumes(1);
            c.Consumes(2);
            var kernel = w.Dims[2..].Select(d => (int)Math.Clamp(d, 1, int.MaxValue)).ToArray();
            return new ConvAttributes(
                w,
                rank,
                (int)Proto.Int(c.Node, "group", 1),
                Axes(c, "kernel_shape", rank, SpatialSize.Of(kernel)),
                Axes(c, "strides", rank, SpatialSize.One),
                Axes(c, "dilations", rank, SpatialSize.One));
        }

        private static Value[] Conv(OpContext c)
        {
            var (w, rank, group, kernel, stride, dilation) = ReadConv(c);
            var (outChannels, inChannels, padding, bias) = ((int)w.Dims[0], checked((int)w.Dims[1] * group), Pads(c, rank, kernel, stride, dilation), c.Constant(2) is not null);
            Layer conv = rank switch
            {
                1 => new Conv1d { OutChannels = outChannels, InChannels = inChannels, Kernel = kernel, Stride = stride, Dilation = dilation, Padding = padding, Groups = group, HasBias = bias },
                2 => new Conv2d { OutChannels = outChannels, InChannels = inChannels, Kernel = kernel, Stride = stride, Dilation = dilation, Padding = padding, Groups = group, HasBias = bias },
                _ => new Conv3d { OutChannels = outChannels, InChannels = inChannels, Kernel = kernel, Stride = stride, Dilation = dilation, Padding = padding, Groups = group, HasBias = bias },
            };
            return [c.Emit(conv, c.X)];
        }

        private static Value[] ConvTranspose(OpContext c)
        {
            var (w, rank, group, kernel, stride, dilation) = ReadConv(c);
            var outputPadding = Axes(c, "output_padding", rank, 0, min: 0);
            var pads = ExplicitPads(c, rank);
            if (Proto.Ints(c.Node, "output_shape") is { } shape && shape.Length >= rank)
            {
                // The total padding that gives the requested output, split evenly (SAME_UPPER's rule).
                var before = new int[rank];
                var after = new int[rank];
                for (var i = 0; i < rank; i++)
                {
                    var total = checked((stride[i] * (c.X.Shape.Spatial(i) - 1)) + outputPadding[i] + ((kernel[i] - 1) * dilation[i]) + 1 - (int)shape[shape.Length - rank + i]);
                    (before[i], after[i]) = (total / 2, total - (total / 2));
                }

                pads = SpatialPadding.Of(before, after);
            }

            var (outChannels, bias) = (checked((int)w.Dims[1] * group), c.Constant(2) is not null);
            Layer layer = rank switch
            {
                1 => new ConvTranspose1d { OutChannels = outChannels, Kernel = kernel, Stride = stride, Dilation = dilation, Padding = pads, OutputPadding = outputPadding, Groups = group, HasBias = bias },
                2 => new ConvTranspose2d { OutChannels = outChannels, Kernel = kernel, Stride = stride, Dilation = dilation, Padding = pads, OutputPadding = outputPadding, Groups = group, HasBias = bias },
                _ => new ConvTranspose3d { OutChannels = outChannels, Kernel = kernel, Stride = stride, Dilation = dilation, Padding = pads, OutputPadding = outputPadding, Groups = group, HasBias = bias },
            };
            return [c.Emit(layer, c.X)];
        }

        private static Value[] Gemm(OpContext c)
        {
            if (Proto.Int(c.Node, "transA", 0) != 0 || c.Constant(1) is not { Dims.Length: 2 } b)
            {
                return c.Importer.Unknown(c);
            }

            c.Consumes(1);
            c.Consumes(2);
            var transB = Proto.Int(c.Node, "transB", 0) != 0;
            var (inFeatures, outFeatures) = transB ? (b.Dims[1], b.Dims[0]) : (b.Dims[0], b.Dims[1]);
            return [c.Emit(new Linear { OutFeatures = (int)outFeatures, InFeatures = (int)inFeatures, HasBias = c.Constant(2) is not null }, c.X)];
        }

        private static Value[] MatMulOp(OpContext c)
        {
            if (c.Inputs[0] is Activation a && c.Inputs[1] is Activation b)
            {
                return [c.Emit(new MatMul(), a, b)];
            }

            if (StoredOperand(c) is { } stored)
            {
                return stored;
            }

            if (c.Inputs[0] is not Activation || c.Constant(1) is not { Dims.Length: 2 } w)
            {
                return c.Importer.Unknown(c);
            }

            // A MatMul by a stored [K, N] matrix is a linear layer without bias over the last dimension.
            c.Consumes(1);
            return [c.Emit(new Linear { OutFeatures = (int)w.Dims[1], InFeatures = (int)w.Dims[0], HasBias = false }, c.X)];
        }

        private static Value[] Binary(OpContext c, ElementwiseOp op)
        {
            if (c.Inputs[0] is Activation a && c.Inputs[1] is Activation b)
            {
                if (op == ElementwiseOp.Add && a.Shape == b.Shape)
                {
                    return [c.Emit(Add.Instance, a, b)];
                }

                // A feature map times a C x 1 x 1 gate is an SE scale, whichever operand comes first
                // (torchvision's SqueezeExcitation returns scale * input).
                if (op == ElementwiseOp.Mul && IsGate(b, a) && !IsGate(a, b))
                {
                    return [c.Emit(Scale.Instance, a, b)];
                }

                if (op == ElementwiseOp.Mul && IsGate(a, b))
                {
                    return [c.Emit(Scale.Instance, b, a)];
                }

                return [c.Emit(new Elementwise { Op = op }, a, b)];
            }

            var (x, k, index) = c.Inputs[0] is Activation first ? (first, c.Constant(1)!, 1) : ((Activation)c.Inputs[1]!, c.Constant(0)!, 0);
            var dims = k.Dims.SkipWhile((d, i) => d == 1 && k.Dims.Length - i > x.Shape.Rank).ToArray();
            // A constant of more axes than the tensor, the batch of 1 first (Swin's shifted-window mask added to
            // a bias shared by every window), broadcasts per sample.
            var wider = dims.Length > x.Shape.Rank && !x.Batchless && k.Dims.Length > x.OnnxRank && k.Dims[0] == 1;
            dims = wider ? k.Dims[1..] : dims;
            if (dims.Length > x.Shape.Rank && !wider)
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) broadcasts a constant of [{string.Join(",", k.Dims)}] over the batch of a [1,{string.Join(",", x.Shape.Dims)}] tensor.");
            }

            var isParameter = k is { Initializer: not null, IsFloat: true };
            if (op == ElementwiseOp.Add && isParameter && x is { Batchless: false, Shape.Rank: 2 } && k.Dims.SequenceEqual(x.Shape.Dims.Prepend(1).Select(d => (long)d)))
            {
                // x + pos_embedding: a learned 1 x N x D initializer added to N x D tokens.
                c.Consumes(index);
                return [c.Emit(new PositionalEmbedding(), x)];
            }

            if (isParameter)
            {
                c.Consumes(index);
            }

            var shape = dims.Length == 0 ? TensorShape.Vector(1) : TensorShape.Of([.. dims.Select(d => (int)d)]);
            return [c.Emit(new Elementwise { Op = op, Constant = shape, ConstantIsParameter = isParameter }, x)];
        }

        private static bool IsGate(Activation gate, Activation map) =>
            map.Shape.Rank >= 2 && gate.Shape.Rank == map.Shape.Rank && Scale.IsGate(gate.Shape, map.Shape);

        private static Value[] ClipOp(OpContext c)
        {
            double Bound(int index, string attribute, double fallback) =>
                c.Opset >= 11 ? (c.Constant(index)?.Data is [var v] ? v : fallback) : Proto.Float(c.Node, attribute, fallback);

            var (min, max) = (Bound(1, "min", double.NegativeInfinity), Bound(2, "max", double.PositiveInfinity));
            Layer layer = (min, max) switch
            {
                (0, 6) => new ReLU6(),
                (0, double.PositiveInfinity) => new ReLU(),
                _ => new Clip { Min = min, Max = max },
            };
            return [c.Emit(layer, c.X)];
        }

        private static Value[] BatchNorm(OpContext c)
        {
            // N x C is BatchNorm1d's vector form; otherwise one spatial rank per input rank.
            var rank = c.X.Shape.Rank == 1 ? 1 : SpatialRank(c);
            c.Consumes(1);
            c.Consumes(2);
            c.Consumes(3, buffer: true);
            c.Consumes(4, buffer: true);
            // Scale and shift, or running statistics, that are not initializers (Constant nodes) are not
            // learned or tracked: Caffe's batch norm has no scale, CnnArch exports it with constants.
            var (affine, tracks) = (c.Constant(1) is { Initializer: not null }, c.Constant(3) is { Initializer: not null });
            Layer norm = rank switch
            {
                1 => new BatchNorm1d { TracksStepCount = false, Affine = affine, TrackRunningStats = tracks },
                2 => new BatchNorm2d { TracksStepCount = false, Affine = affine, TrackRunningStats = tracks },
                _ => new BatchNorm3d { TracksStepCount = false, Affine = affine, TrackRunningStats = tracks },
            };
            return [c.Emit(norm, c.X)];
        }

        private static Value[] Pool(OpContext c, bool max)
        {
            var rank = SpatialRank(c);
            var kernel = Axes(c, "kernel_shape", rank, SpatialSize.One);
            var stride = Axes(c, "strides", rank, SpatialSize.One);
            var dilation = Axes(c, "dilations", rank, SpatialSize.One);
            if (!max && Proto.Ints(c.Node, "dilations") is { } d && d.Any(v => v != 1))
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' (AveragePool) dilates its window [{string.Join(",", d)}], which PyTorch's average pooling cannot.");
            }

            var padding = Pads(c, rank, kernel, stride, dilation);
            var ceil = Proto.Int(c.Node, "ceil_mode", 0) != 0;
            var includePad = Proto.Int(c.Node, "count_include_pad", 0) != 0;
            Layer layer = (max, rank) switch
            {
                (true, 1) => new MaxPool1d { Kernel = kernel, Stride = stride, Padding = padding, CeilMode = ceil, Dilation = dilation },
                (true, 2) => new MaxPool2d { Kernel = kernel, Stride = stride, Padding = padding, CeilMode = ceil, Dilation = dilation },
                (true, _) => new MaxPool3d { Kernel = kernel, Stride = stride, Padding = padding, CeilMode = ceil, Dilation = dilation },
                (false, 1) => new AvgPool1d { Kernel = kernel, Stride = stride, Padding = padding, CeilMode = ceil, CountIncludePad = includePad },
                (false, 2) => new AvgPool2d { Kernel = kernel, Stride = stride, Padding = padding, CeilMode = ceil, CountIncludePad = includePad },
                (false, _) => new AvgPool3d { Kernel = kernel, Stride = stride, Padding = padding, CeilMode = ceil, CountIncludePad = includePad },
            };
            var result = c.Emit(layer, c.X);
            return max ? [result, result] : [result];
        }

        // Global average or max pooling of a map with `rank` spatial axes.
        private static Layer GlobalPool(int rank, bool max) => (max, rank) switch
        {
            (false, 1) => AdaptiveAvgPool1d.Global,
            (false, 2) => AdaptiveAvgPool2d.Global,
            (false, _) => AdaptiveAvgPool3d.Global,
            (true, 1) => AdaptiveMaxPool1d.Global,
            (true, 2) => AdaptiveMaxPool2d.Global,
            (true, _) => AdaptiveMaxPool3d.Global,
        };

        private static Value[] ReduceMeanOp(OpContext c)
        {
            var axes = (c.Opset >= 18 ? c.Constant(1)?.Longs(c.Node.Name) : Proto.Ints(c.Node, "axes"))
                ?? [.. Enumerable.Range(1, c.X.Shape.Rank).Select(i => (long)i)];
            var batchless = axes.Select(a => c.Axis(a, c.X)).Distinct().Order().ToImmutableArray();
            var keep = Proto.Int(c.Node, "keepdims", 1) != 0;
            // A mean over every spatial axis of a map, dimensions kept, is global average pooling.
            var spatial = c.X.Shape.SpatialRank;
            if (keep && spatial is >= 1 and <= SpatialSize.MaxRank && batchless.SequenceEqual(Enumerable.Range(1, spatial)))
            {
                return [c.Emit(GlobalPool(spatial, max: false), c.X)];
            }

            return [c.Emit(new ReduceMean { Axes = batchless, KeepDims = keep }, c.X)];
        }

        private static Value[] FlattenOp(OpContext c)
        {
            var axis = Proto.Int(c.Node, "axis", 1);
            if (axis == 1 || axis - c.X.OnnxRank == -c.X.OnnxRank + 1)
            {
                return [c.Emit(Flatten.Instance, c.X)];
            }

            var a = c.Axis(axis, c.X);
            var dims = c.X.Shape.Dims;
            var outer = dims.Take(a).Aggregate(1L, (p, d) => checked(p * d));
            var inner = dims.Skip(a).Aggregate(1L, (p, d) => checked(p * d));
            return [c.Emit(new Reshape { Dims = [checked((int)outer), checked((int)inner)] }, c.X)];
        }

        private static Value[] ReshapeOp(OpContext c)
        {
            var target = c.RequiredConstant(1, "shape").Longs(c.Node.Name);
            var input = c.X.OnnxDims;
            var allowZero = Proto.Int(c.Node, "allowzero", 0) != 0;
            var dims = target.Select((d, i) => d == 0 && !allowZero ? (i < input.Length ? input[i] : throw new OnnxFormatException($"Node '{c.Node.Name}' (Reshape) copies dimension {i} of a rank-{input.Length} tensor.")) : d).ToArray();
            return Reshaped(c, dims);
        }

        // ONNX dims (-1 for the one the others leave) to a view: with the batch of 1 first, a tensor without
        // it; anything else first (a sequence-first L x 1 x D), a batchless tensor of all the dims.
        private static Value[] Reshaped(OpContext c, long[] onnxDims)
        {
            var total = c.X.Shape.Elements;
            var known = onnxDims.Where(d => d != -1).Aggregate(1L, (p, d) => checked(p * d));
            var resolved = onnxDims.Select(d => d == -1 && known > 0 ? total / known : d).ToArray();
            if (resolved.Length == 0 || resolved.Any(d => d < 1 || d > int.MaxValue) || resolved.Aggregate(1L, (p, d) => checked(p * d)) != total)
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) reshapes [{string.Join(",", c.X.OnnxDims)}] to [{string.Join(",", onnxDims)}], which does not keep its {total} elements.");
            }

            var batchless = resolved[0] != 1;
            int[] dims = [.. resolved.Skip(batchless ? 0 : 1).Select(d => (int)d)];
            return [c.Emit(new Reshape { Dims = dims.Length == 0 ? [1] : [.. dims] }, batchless, c.X)];
        }

        private static Value[] SqueezeOp(OpContext c, bool unsqueeze)
        {
            var axes = (c.Opset >= 13 ? c.Constant(1)?.Longs(c.Node.Name) : Proto.Ints(c.Node, "axes")) ?? [];
            var dims = c.X.OnnxDims.ToList();
            var rank = unsqueeze ? dims.Count + axes.Length : dims.Count;
            var normalised = axes.Select(a => a < 0 ? a + rank : a).ToArray();
            if (normalised.Any(a => a < 0 || a >= rank) || normalised.Distinct().Count() != normalised.Length)
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) names axes [{string.Join(",", axes)}] of a rank-{rank} result: each once, from {-rank} to {rank - 1}.");
            }

            if (unsqueeze)
            {
                foreach (var a in normalised.Order())
                {
                    dims.Insert((int)a, 1);
                }
            }
            else
            {
                var squeezed = axes.Length == 0
                    ? Enumerable.Range(1, dims.Count - 1).Where(i => dims[i] == 1).ToHashSet()
                    : normalised.Select(a => (int)a).ToHashSet();
                dims = [.. dims.Where((d, i) => !squeezed.Contains(i))];
            }

            return Reshaped(c, [.. dims]);
        }

        private static Value[] TransposeOp(OpContext c)
        {
            if (c.Constant(0) is { } constant)
            {
                // A transpose of a stored tensor (a Linear's weight when the export kept constants unfolded)
                // is a weight transform: the same tensor in another layout, no layer.
                return [Transposed(c, constant)];
            }

            var x = c.X;
            var perm = Proto.Ints(c.Node, "perm") ?? [.. Enumerable.Range(0, x.OnnxRank).Reverse().Select(i => (long)i)];
            if (perm.Length != x.OnnxRank || perm.Order().Where((p, i) => p != i).Any())
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' (Transpose) has perm [{string.Join(",", perm)}] for a rank-{x.OnnxRank} tensor.");
            }

            if (!x.Batchless && perm[0] == 0)
            {
                return [c.Emit(new Transpose { Perm = [.. perm.Skip(1).Select(p => (int)p - 1)] }, x)];
            }

            // The batch of 1 moves (nn.MultiheadAttention's batch-first to sequence-first), or the axes of a
            // batchless tensor do. Moving only axes of 1 is a view; otherwise a transpose of all the ONNX dims.
            var full = x.OnnxDims;
            var dims = perm.Select(p => full[p]).ToArray();
            var moved = perm.Where(p => full[p] != 1).ToArray();
            if (moved.Zip(moved.Skip(1)).All(m => m.First < m.Second))
            {
                return Reshaped(c, dims);
            }

            var all = x.Batchless ? x : c.Emit(new Reshape { Dims = [.. full.Select(d => (int)d)] }, true, x);
            return [c.Emit(new Transpose { Perm = [.. perm.Select(p => (int)p)] }, true, all)];
        }

        // A constant with its axes permuted (its values too, when the file holds them), keeping its initializer.
        private static ConstantValue Transposed(OpContext c, ConstantValue k)
        {
            var rank = k.Dims.Length;
            var perm = Proto.Ints(c.Node, "perm") ?? [.. Enumerable.Range(0, rank).Reverse().Select(i => (long)i)];
            if (perm.Length != rank || perm.Order().Where((p, i) => p != i).Any())
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' (Transpose) has perm [{string.Join(",", perm)}] for a constant of rank {rank}.");
            }

            var dims = perm.Select(p => k.Dims[p]).ToArray();
            if (k.Data is not { } data)
            {
                return k with { Dims = dims };
            }

            // out[i] = in[j] where j's digits are i's permuted back: strides of the input in the output's order.
            var inStrides = new long[rank];
            for (long i = rank - 1, stride = 1; i >= 0; stride *= k.Dims[i], i--)
            {
                inStrides[i] = stride;
            }

            var permuted = new double[data.Length];
            var index = new long[rank];
            for (var o = 0; o < permuted.Length; o++)
            {
                long source = 0;
                for (var a = 0; a < rank; a++)
                {
                    source += index[a] * inStrides[perm[a]];
                }

                permuted[o] = data[source];
                for (var a = rank - 1; a >= 0 && ++index[a] == dims[a]; a--)
                {
                    index[a] = 0;
                }
            }

            return k with { Dims = dims, Data = permuted };
        }

        private static Value[] ConcatOp(OpContext c)
        {
            if (c.Inputs.Any(v => v is not Activation))
            {
                return LearnedTokens(c) ?? c.Importer.Unknown(c);
            }

            var parts = c.Inputs.Cast<Activation>().ToArray();
            return [c.Emit(new Concat { Axis = c.Axis(Proto.Int(c.Node, "axis", 1), parts[0]) }, parts)];
        }

        // torch.cat([class_token.expand(n, -1, -1), x], dim=1): learned tokens (float initializers of 1 x k x D,
        // their Expand over a batch of 1 folded away) in front of N x D tokens are a ClassToken of all of them
        // (DeiT's class and distillation tokens: 2).
        private static Value[]? LearnedTokens(OpContext c)
        {
            var count = c.Inputs.Length - 1;
            if (count < 1 || c.Inputs[^1] is not Activation { Shape.Rank: 2, Batchless: false } x || Proto.Int(c.Node, "axis", 1) is not (1 or -2))
            {
                return null;
            }

            var tokens = c.Inputs[..^1].Select(v => v as ConstantValue).ToArray();
            if (tokens.Any(t => t is not { Initializer: not null, IsFloat: true, Dims: [1, _, var d] } || d != x.Shape.Dims[1]))
            {
                return null;
            }

            for (var i = 0; i < count; i++)
            {
                c.Consumes(i);
            }

            return [c.Emit(new ClassToken { Count = checked((int)tokens.Sum(t => t!.Dims[1])) }, x)];
        }

        // x[:, i] on a computed tensor: a Gather of one index along an axis is a slice of it, then a view without that axis.
        private static Value[] GatherOp(OpContext c)
        {
            if (PositionBiasGather(c) is { } gathered)
            {
                return gathered;
            }

            if (c.Inputs[0] is ConstantValue learned && c.Constant(1) is { } indices)
            {
                // A learned tensor gathered in no pattern CnnArch knows: the constant, as before.
                return [Gather(c, learned, indices)];
            }

            if (c.Inputs[0] is not Activation x || c.Constant(1) is not { Dims.Length: 0, Data: [var index] })
            {
                return c.Importer.Unknown(c);
            }

            var axis = c.Axis(Proto.Int(c.Node, "axis", 0), x);
            var size = x.Shape.Dims[axis];
            var i = index < 0 ? (long)index + size : (long)index;
            if (i < 0 || i >= size)
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' (Gather) reads index {(long)index} of {size} along axis {axis + 1}.");
            }

            var picked = c.Emit(new Slice { Ranges = [(axis, i, i + 1, 1)] }, x);
            var dims = x.Shape.Dims.Where((_, a) => a != axis).ToArray();
            var squeeze = new Reshape { Dims = dims.Length == 0 ? [1] : [.. dims] };
            var tensor = c.Importer._builder.AddFunctional($"{c.Path}_squeeze", squeeze, picked.Tensor);
            return [new Activation(tensor, squeeze.InferShape([picked.Shape]), x.Batchless)];
        }

        private static Value[] SplitOp(OpContext c)
        {
            var axis = c.Axis(Proto.Int(c.Node, "axis", 0), c.X);
            var size = c.X.Shape.Dims[axis];
            var outputs = c.Node.Output.Count;
            var split = (c.Opset >= 13 ? c.Constant(1)?.Longs(c.Node.Name) : Proto.Ints(c.Node, "split"))
                ?? [.. Enumerable.Range(0, outputs).Select(i => (long)((size / outputs) + (i < size % outputs ? 1 : 0)))];
            if (split.Length != outputs || split.Sum() != size)
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' (Split) splits {size} elements into [{string.Join(",", split)}] for {outputs} outputs.");
            }

            var values = new Value[outputs];
            long start = 0;
            for (var i = 0; i < outputs; i++)
            {
                var slice = new Slice { Ranges = [(axis, start, start + split[i], 1)] };
                var shape = slice.InferShape([c.X.Shape]);
                var tensor = c.Importer._builder.AddFunctional($"{c.Path}.{i}", slice, c.X.Tensor);
                values[i] = new Activation(tensor, shape);
                start += split[i];
            }

            return values;
        }

        private static Value[] SliceOp(OpContext c)
        {
            long[] Read(int index, string attribute) => (c.Opset >= 10 ? c.Constant(index)?.Longs(c.Node.Name) : Proto.Ints(c.Node, attribute)) ?? [];
            var (starts, ends) = (Read(1, "starts"), Read(2, "ends"));
            var axes = Read(3, "axes");
            var steps = Read(4, "steps");
            if (ends.Length != starts.Length || (axes.Length > 0 && axes.Length != starts.Length) || (steps.Length > 0 && steps.Length != starts.Length))
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' (Slice) gives {starts.Length} starts, {ends.Length} ends, {axes.Length} axes and {steps.Length} steps: starts and ends must pair up, and axes and steps (when given) match them.");
            }
            var ranges = ImmutableArray.CreateBuilder<(int, long, long, long)>();
            for (var i = 0; i < starts.Length; i++)
            {
                var onnxAxis = axes.Length > i ? axes[i] : i;
                if (!c.X.Batchless && (onnxAxis == 0 || onnxAxis == -c.X.OnnxRank))
                {
                    continue; // the batch of one: any slice that keeps it keeps all of it
                }

                ranges.Add((c.Axis(onnxAxis, c.X), starts[i], Math.Min(ends[i], int.MaxValue), steps.Length > i ? steps[i] : 1));
            }

            return [c.Emit(new Slice { Ranges = ranges.ToImmutable() }, c.X)];
        }

        private static Value[] PadOp(OpContext c)
        {
            var pads = (c.Opset >= 11 ? c.Constant(1)?.Longs(c.Node.Name) : Proto.Ints(c.Node, "pads")) ?? [];
            var rank = c.X.OnnxRank;
            var axes = c.Opset >= 18 && c.Constant(3) is { } a ? a.Longs(c.Node.Name).Select(x => x < 0 ? x + rank : x).ToArray() : [.. Enumerable.Range(0, rank).Select(i => (long)i)];
            if (axes.Any(x => x < 0 || x >= rank) || axes.Distinct().Count() != axes.Length)
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' (Pad) pads axes [{string.Join(",", axes)}] of a rank-{rank} tensor: each once, from 0 to {rank - 1}.");
            }
            if (pads.Length != 2 * axes.Length)
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' (Pad) gives {pads.Length} pads for {axes.Length} axes.");
            }

            var before = new int[rank - 1];
            var after = new int[rank - 1];
            for (var i = 0; i < axes.Length; i++)
            {
                if (axes[i] == 0)
                {
                    if (pads[i] != 0 || pads[i + axes.Length] != 0)
                    {
                        throw new OnnxFormatException($"Node '{c.Node.Name}' (Pad) pads the batch axis.");
                    }

                    continue;
                }

                before[axes[i] - 1] = checked((int)pads[i]);
                after[axes[i] - 1] = checked((int)pads[i + axes.Length]);
            }

            return [c.Emit(new Pad { Before = [.. before], After = [.. after] }, c.X)];
        }

        private static Value[] ResizeOp(OpContext c)
        {
            var rank = SpatialRank(c);
            var onnxRank = c.X.OnnxRank;
            var sizes = c.Node.OpType == "Resize" ? c.Constant(3)?.Data : null;
            var scales = c.Node.OpType == "Resize" ? c.Constant(2)?.Data : c.Constant(1)?.Data ?? Proto.Floats(c.Node, "scales");
            var output = new int[rank];
            for (var i = 0; i < rank; i++)
            {
                var extent = sizes is { } z && z.Length == onnxRank ? z[2 + i]
                    : scales is { } f && f.Length == onnxRank ? Math.Floor(c.X.Shape.Spatial(i) * f[2 + i])
                    : throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) gives neither constant sizes nor scales for its {onnxRank} dimensions.");
                output[i] = extent is >= 1 and <= int.MaxValue
                    ? (int)extent
                    : throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) resizes a [1,{string.Join(",", c.X.Shape.Dims)}] tensor to {extent} along spatial axis {i}.");
            }

            if ((sizes is { } s && s.Length == onnxRank && (s[0] != 1 || s[1] != c.X.Shape.Channels)) || (sizes is null && scales is { } k && (k[0] != 1 || k[1] != 1)))
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) resizes the batch or channel axis of a [1,{string.Join(",", c.X.Shape.Dims)}] tensor.");
            }

            var mode = (Proto.String(c.Node, "mode", "nearest"), rank) switch
            {
                ("nearest", _) => InterpolationMode.Nearest,
                ("linear" or "bilinear", 1) => InterpolationMode.Linear,
                ("linear" or "bilinear", 2) => InterpolationMode.Bilinear,
                ("linear" or "trilinear", 3) => InterpolationMode.Trilinear,
                ("cubic" or "bicubic", 2) => InterpolationMode.Bicubic,
                var (other, r) => throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) interpolates in mode '{other}' over {r} spatial axes, which CnnArch does not model."),
            };
            return [c.Emit(new Upsample { Size = SpatialSize.Of(output), Mode = mode }, c.X)];
        }

        private static Value[] ShapeOp(OpContext c)
        {
            return [ShapeOf(c.Node, c.X.OnnxDims)];
        }

        // Shape's output: the dims from its start to its end attribute.
        private static ConstantValue ShapeOf(global::Onnx.NodeProto node, long[] onnxDims)
        {
            var dims = onnxDims.Select(d => (double)d).ToArray();
            var rank = dims.Length;
            long Clamp(long v) => Math.Clamp(v < 0 ? v + rank : v, 0, rank);
            var start = (int)Clamp(Proto.Int(node, "start", 0));
            var end = (int)Clamp(Proto.Int(node, "end", rank));
            return ConstantValue.Vector(dims[start..Math.Max(start, end)]);
        }

        private static Value[] ConstantOp(OpContext c)
        {
            var n = c.Node;
            if (Proto.Attribute(n, "value") is { T: { } tensor })
            {
                return [Proto.Read(tensor, $"Constant '{n.Name}'", c.MaxConstantElements, null) with { Initializer = null }];
            }

            return Proto.Attribute(n, "value_float") is { } f ? [ConstantValue.Of([], [f.F], isFloat: true)]
                : Proto.Attribute(n, "value_int") is { } i ? [ConstantValue.Of([], [i.I])]
                : Proto.Attribute(n, "value_floats") is { } fs ? [ConstantValue.Vector(fs.Floats.Select(v => (double)v), isFloat: true)]
                : Proto.Attribute(n, "value_ints") is { } ints ? [ConstantValue.Vector(ints.Ints.Select(v => (double)v))]
                : throw new OnnxFormatException($"Constant node '{n.Name}' has no value.");
        }
    }
}

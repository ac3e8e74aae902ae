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
            ["Sigmoid"] = c => [c.Emit(new Sigmoid(), c.X)],
            ["HardSigmoid"] = c => [c.Emit(new HardSigmoid(), c.X)],
            ["HardSwish"] = c => [c.Emit(new HardSwish(), c.X)],
            ["Tanh"] = c => [c.Emit(new Tanh(), c.X)],
            ["Erf"] = c => [c.Emit(new Erf(), c.X)],
            ["Gelu"] = c => [c.Emit(new GELU(), c.X)],
            ["Clip"] = ClipOp,
            ["Softmax"] = c => [c.Emit(new Softmax { Axis = c.Axis(Proto.Int(c.Node, "axis", c.Opset >= 13 ? -1 : 1), c.X.OnnxRank) }, c.X)],
            ["BatchNormalization"] = BatchNorm,
            ["LayerNormalization"] = c =>
            {
                c.Consumes(1);
                c.Consumes(2);
                var axis = Proto.Int(c.Node, "axis", -1);
                return [c.Emit(new LayerNorm { Axis = axis < 0 ? (int)axis : c.Axis(axis, c.X.OnnxRank), HasBias = c.Constant(2) is not null }, c.X)];
            },
            ["InstanceNormalization"] = c =>
            {
                c.Consumes(1);
                c.Consumes(2);
                return [c.Emit(new InstanceNorm2d(), c.X)];
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
            ["GlobalAveragePool"] = c => [c.Emit(AdaptiveAvgPool2d.Global, c.X)],
            ["GlobalMaxPool"] = c => [c.Emit(GlobalMaxPool2d.Instance, c.X)],
            ["ReduceMean"] = ReduceMeanOp,
            ["Flatten"] = FlattenOp,
            ["Reshape"] = ReshapeOp,
            ["Squeeze"] = c => SqueezeOp(c, unsqueeze: false),
            ["Unsqueeze"] = c => SqueezeOp(c, unsqueeze: true),
            ["Transpose"] = TransposeOp,
            ["Concat"] = ConcatOp,
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

        private static Padding2D Pads(OpContext c, ActivationShape x, Size2D kernel, Size2D stride, Size2D dilation)
        {
            var autoPad = Proto.String(c.Node, "auto_pad", "NOTSET");
            if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                int Total(int size, int k, int s, int d) => (int)Math.Clamp(((((size + (long)s) - 1) / s) - 1) * s + (((long)d * (k - 1)) + 1) - size, 0, int.MaxValue);
                var (th, tw) = (Total(x.Height, kernel.Height, stride.Height, dilation.Height), Total(x.Width, kernel.Width, stride.Width, dilation.Width));
                return autoPad == "SAME_UPPER"
                    ? new Padding2D(th / 2, th - (th / 2), tw / 2, tw - (tw / 2))
                    : new Padding2D(th - (th / 2), th / 2, tw - (tw / 2), tw / 2);
            }

            return autoPad == "VALID" ? Padding2D.Zero : FourPads(c);
        }

        private readonly record struct ActivationShape(int Height, int Width);

        private static ActivationShape Spatial(OpContext c) =>
            c.X.Shape.IsFeatureMap ? new(c.X.Shape.Height, c.X.Shape.Width)
            : throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) needs an N x C x H x W input, got [1,{string.Join(",", c.X.Shape.Dims)}].");

        // A 2-D attribute (kernel_shape, strides, dilations, output_padding): absent gives the fallback;
        // anything but two values from min to int.MaxValue is an error naming the attribute.
        private static Size2D Pair(OpContext c, string attribute, Size2D fallback, int min = 1)
        {
            var values = Proto.Ints(c.Node, attribute);
            return values switch
            {
                null => fallback,
                [var h, var w] when h >= min && w >= min && h <= int.MaxValue && w <= int.MaxValue => new Size2D((int)h, (int)w),
                [_, _] => throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) has {attribute} [{string.Join(",", values)}]: each must be from {min} to {int.MaxValue}."),
                _ => throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) has {attribute} of {values.Length} values; CnnArch reads 2-D operators (two values)."),
            };
        }

        // pads [top, left, bottom, right], each from 0 to int.MaxValue.
        private static Padding2D FourPads(OpContext c)
        {
            var pads = Proto.Ints(c.Node, "pads");
            return pads switch
            {
                null => Padding2D.Zero,
                [var t, var l, var b, var r] when pads.All(p => p >= 0 && p <= int.MaxValue) => new Padding2D((int)t, (int)b, (int)l, (int)r),
                _ => throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) has pads [{string.Join(",", pads)}]: four values from 0 to {int.MaxValue} (top, left, bottom, right)."),
            };
        }

        // What Conv and ConvTranspose share: a 4-D weight, an optional bias, groups, kernel, strides, dilations.
        private readonly record struct ConvAttributes(ConstantValue Weight, int Group, Size2D Kernel, Size2D Stride, Size2D Dilation);

        private static ConvAttributes? ReadConv(OpContext c)
        {
            var w = c.RequiredConstant(1, "weight");
            if (w.Dims.Length != 4)
            {
                return null;
            }

            c.Consumes(1);
            c.Consumes(2);
            return new ConvAttributes(
                w,
                (int)Proto.Int(c.Node, "group", 1),
                Pair(c, "kernel_shape", new Size2D(Math.Max(1, (int)w.Dims[2]), Math.Max(1, (int)w.Dims[3]))),
                Pair(c, "strides", Size2D.One),
                Pair(c, "dilations", Size2D.One));
        }

        private static Value[] Conv(OpContext c)
        {
            if (ReadConv(c) is not ({ } w, var group, var kernel, var stride, var dilation))
            {
                return c.Importer.Unknown(c);
            }

            var conv = new Conv2d
            {
                OutChannels = (int)w.Dims[0],
                InChannels = checked((int)w.Dims[1] * group),
                Kernel = kernel,
                Stride = stride,
                Dilation = dilation,
                Padding = Pads(c, Spatial(c), kernel, stride, dilation),
                Groups = group,
                HasBias = c.Constant(2) is not null,
            };
            return [c.Emit(conv, c.X)];
        }

        private static Value[] ConvTranspose(OpContext c)
        {
            if (ReadConv(c) is not ({ } w, var group, var kernel, var stride, var dilation))
            {
                return c.Importer.Unknown(c);
            }

            var outputPadding = Pair(c, "output_padding", new Size2D(0, 0), min: 0);
            var pads = FourPads(c);
            if (Proto.Ints(c.Node, "output_shape") is [.., var oh, var ow])
            {
                var x = Spatial(c);
                int Total(int n, int k, int s, int d, int op, long o) => checked((s * (n - 1)) + op + ((k - 1) * d) + 1 - (int)o);
                var (th, tw) = (Total(x.Height, kernel.Height, stride.Height, dilation.Height, outputPadding.Height, oh), Total(x.Width, kernel.Width, stride.Width, dilation.Width, outputPadding.Width, ow));
                pads = new Padding2D(th / 2, th - (th / 2), tw / 2, tw - (tw / 2));
            }

            return [c.Emit(new ConvTranspose2d
            {
                OutChannels = checked((int)w.Dims[1] * group),
                Kernel = kernel,
                Stride = stride,
                Dilation = dilation,
                Padding = pads,
                OutputPadding = outputPadding,
                Groups = group,
                HasBias = c.Constant(2) is not null,
            }, c.X)];
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
            if (dims.Length > x.Shape.Rank)
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) broadcasts a constant of [{string.Join(",", k.Dims)}] over the batch of a [1,{string.Join(",", x.Shape.Dims)}] tensor.");
            }

            var isParameter = k is { Initializer: not null, IsFloat: true };
            if (isParameter)
            {
                c.Consumes(index);
            }

            var shape = dims.Length == 0 ? TensorShape.Vector(1) : TensorShape.Of([.. dims.Select(d => (int)d)]);
            return [c.Emit(new Elementwise { Op = op, Constant = shape, ConstantIsParameter = isParameter }, x)];
        }

        private static bool IsGate(Activation gate, Activation map) =>
            map.Shape.IsFeatureMap && gate.Shape == TensorShape.Chw(map.Shape.Channels, 1, 1);

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
            if (!c.X.Shape.IsFeatureMap)
            {
                return c.Importer.Unknown(c);
            }

            c.Consumes(1);
            c.Consumes(2);
            c.Consumes(3, buffer: true);
            c.Consumes(4, buffer: true);
            return [c.Emit(new BatchNorm2d { TracksStepCount = false }, c.X)];
        }

        private static Value[] Pool(OpContext c, bool max)
        {
            var kernel = Pair(c, "kernel_shape", Size2D.One);
            var stride = Pair(c, "strides", Size2D.One);
            var dilation = Pair(c, "dilations", Size2D.One);
            var padding = Pads(c, Spatial(c), kernel, stride, dilation);
            var ceil = Proto.Int(c.Node, "ceil_mode", 0) != 0;
            Layer layer = max
                ? new MaxPool2d { Kernel = kernel, Stride = stride, Padding = padding, CeilMode = ceil, Dilation = dilation }
                : new AvgPool2d { Kernel = kernel, Stride = stride, Padding = padding, CeilMode = ceil, CountIncludePad = Proto.Int(c.Node, "count_include_pad", 0) != 0 };
            var result = c.Emit(layer, c.X);
            return max ? [result, result] : [result];
        }

        private static Value[] ReduceMeanOp(OpContext c)
        {
            var axes = (c.Opset >= 18 ? c.Constant(1)?.Longs(c.Node.Name) : Proto.Ints(c.Node, "axes"))
                ?? [.. Enumerable.Range(1, c.X.Shape.Rank).Select(i => (long)i)];
            var batchless = axes.Select(a => c.Axis(a, c.X.OnnxRank)).Distinct().Order().ToImmutableArray();
            var keep = Proto.Int(c.Node, "keepdims", 1) != 0;
            if (keep && c.X.Shape.IsFeatureMap && batchless.SequenceEqual([1, 2]))
            {
                return [c.Emit(AdaptiveAvgPool2d.Global, c.X)];
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

            var a = c.Axis(axis, c.X.OnnxRank);
            var dims = c.X.Shape.Dims;
            var outer = dims.Take(a).Aggregate(1L, (p, d) => checked(p * d));
            var inner = dims.Skip(a).Aggregate(1L, (p, d) => checked(p * d));
            return [c.Emit(new Reshape { Dims = [checked((int)outer), checked((int)inner)] }, c.X)];
        }

        private static Value[] ReshapeOp(OpContext c)
        {
            var target = c.RequiredConstant(1, "shape").Longs(c.Node.Name);
            var input = c.X.Shape.Dims.Prepend(1).Select(d => (long)d).ToArray();
            var allowZero = Proto.Int(c.Node, "allowzero", 0) != 0;
            var dims = target.Select((d, i) => d == 0 && !allowZero ? (i < input.Length ? input[i] : throw new OnnxFormatException($"Node '{c.Node.Name}' (Reshape) copies dimension {i} of a rank-{input.Length} tensor.")) : d).ToArray();
            return Reshaped(c, dims);
        }

        // ONNX dims with the batch first (1, or -1 standing for it) to a view without the batch.
        private static Value[] Reshaped(OpContext c, long[] onnxDims)
        {
            var total = c.X.Shape.Elements;
            var known = onnxDims.Where(d => d != -1).Aggregate(1L, (p, d) => checked(p * d));
            var resolved = onnxDims.Select(d => d == -1 && known > 0 ? total / known : d).ToArray();
            if (resolved.Length == 0 || resolved[0] != 1 || resolved.Skip(1).Any(d => d < 1 || d > int.MaxValue))
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) reshapes [1,{string.Join(",", c.X.Shape.Dims)}] to [{string.Join(",", onnxDims)}], which does not keep the batch of 1.");
            }

            return resolved.Length == 1
                ? [c.Emit(new Reshape { Dims = [1] }, c.X)]
                : [c.Emit(new Reshape { Dims = [.. resolved.Skip(1).Select(d => (int)d)] }, c.X)];
        }

        private static Value[] SqueezeOp(OpContext c, bool unsqueeze)
        {
            var axes = (c.Opset >= 13 ? c.Constant(1)?.Longs(c.Node.Name) : Proto.Ints(c.Node, "axes")) ?? [];
            var dims = c.X.Shape.Dims.Prepend(1).Select(d => (long)d).ToList();
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
            var perm = Proto.Ints(c.Node, "perm") ?? [.. Enumerable.Range(0, c.X.OnnxRank).Reverse().Select(i => (long)i)];
            if (perm.Length == 0 || perm[0] != 0)
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' (Transpose) moves the batch axis (perm [{string.Join(",", perm)}]).");
            }

            return [c.Emit(new Transpose { Perm = [.. perm.Skip(1).Select(p => (int)p - 1)] }, c.X)];
        }

        private static Value[] ConcatOp(OpContext c)
        {
            if (c.Inputs.Any(v => v is not Activation))
            {
                return c.Importer.Unknown(c);
            }

            var parts = c.Inputs.Cast<Activation>().ToArray();
            return [c.Emit(new Concat { Axis = c.Axis(Proto.Int(c.Node, "axis", 1), parts[0].OnnxRank) }, parts)];
        }

        private static Value[] SplitOp(OpContext c)
        {
            var axis = c.Axis(Proto.Int(c.Node, "axis", 0), c.X.OnnxRank);
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
                if (onnxAxis == 0 || onnxAxis == -c.X.OnnxRank)
                {
                    continue; // the batch of one: any slice that keeps it keeps all of it
                }

                ranges.Add((c.Axis(onnxAxis, c.X.OnnxRank), starts[i], Math.Min(ends[i], int.MaxValue), steps.Length > i ? steps[i] : 1));
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
            var x = Spatial(c);
            var sizes = c.Node.OpType == "Resize" ? c.Constant(3)?.Data : null;
            var scales = c.Node.OpType == "Resize" ? c.Constant(2)?.Data : c.Constant(1)?.Data ?? Proto.Floats(c.Node, "scales");
            Size2D output = sizes is { Length: 4 }
                ? new((int)sizes[2], (int)sizes[3])
                : scales is { Length: 4 }
                    ? new((int)Math.Floor(x.Height * scales[2]), (int)Math.Floor(x.Width * scales[3]))
                    : throw new OnnxFormatException($"Node '{c.Node.Name}' ({c.Node.OpType}) gives neither constant sizes nor scales for its 4 dimensions.");
            var mode = Proto.String(c.Node, "mode", "nearest");
            return [c.Emit(new Resize { OutputSize = output, Linear = mode != "nearest" }, c.X)];
        }

        private static Value[] ShapeOp(OpContext c)
        {
            var dims = c.X.Shape.Dims.Prepend(1).Select(d => (double)d).ToArray();
            var rank = dims.Length;
            long Clamp(long v) => Math.Clamp(v < 0 ? v + rank : v, 0, rank);
            var start = (int)Clamp(Proto.Int(c.Node, "start", 0));
            var end = (int)Clamp(Proto.Int(c.Node, "end", rank));
            return [ConstantValue.Vector(dims[start..Math.Max(start, end)])];
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

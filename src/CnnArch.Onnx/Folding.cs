namespace CnnArch.Onnx;

public static partial class OnnxImporter
{
    private sealed partial class Importer
    {
        /// <summary>
        /// Folds an operator whose inputs are all constants: the shape arithmetic exporters emit (Shape,
        /// Gather, Unsqueeze, Squeeze, Concat, Slice, Cast, ConstantOfShape, Range, arithmetic) before a
        /// Reshape, and the tensors they compute from constants (Equal, Where, Expand, Mod, ScatterND: see
        /// ConstantTensors.cs). Results larger than the options allow are kept as dims without values.
        /// </summary>
        private static bool TryFold(OpContext c, out Value[] result)
        {
            var k = c.Inputs.Select(v => v as ConstantValue).ToArray();
            ConstantValue First() => k[0]!;
            var name = c.Node.Name;
            result = [];
            ConstantValue? folded = c.Node.OpType switch
            {
                "Identity" => First(),
                "Shape" => ShapeOf(c.Node, First().Dims),
                "Cast" => Converted(First(), Proto.Int(c.Node, "to", 1)),
                "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Mod" or "Equal" or "Less" or "Greater" or "And" or "Or" or "Not" or "Where" =>
                    k.All(x => x is not null) ? Elementwise(c, [.. k.Select(x => x!)]) : null,
                "Neg" => Map(First(), v => -v),
                "Unsqueeze" or "Squeeze" or "Reshape" or "Flatten" => Reshaped(c, First()),
                "Concat" => Concatenate(c, k),
                "Gather" when First().Learned is null => Gather(c, First(), k[1]!),
                "Slice" => Sliced(c, First()),
                "Expand" => Expanded(c, First(), k[1]!),
                "ScatterND" => Scattered(c, First(), k[1]!, k[2]!),
                "ConstantOfShape" => Filled(c, First()),
                "Range" => Range(c, k[0]!.Values(name)[0], k[1]!.Values(name)[0], k[2]!.Values(name)[0]),
                _ => null,
            };
            if (folded is null)
            {
                return false;
            }

            result = [folded];
            return true;
        }

        private static ConstantValue Map(ConstantValue a, Func<double, double> f) => a with { Data = a.Data?.Select(f).ToArray(), Initializer = null };

        // Cast to a TensorProto data type: to an integer type the values are truncated, to bool they become 0 or 1.
        private static ConstantValue Converted(ConstantValue a, long to) => to switch
        {
            1 or 10 or 11 or 16 => a with { IsFloat = true },
            9 => Map(a, v => v != 0 ? 1 : 0) with { IsFloat = false },
            _ when a.IsFloat => Map(a, Math.Truncate) with { IsFloat = false },
            _ => a,
        };

        private static ConstantValue Reshaped(OpContext c, ConstantValue a)
        {
            var node = c.Node;
            long[] dims = node.OpType switch
            {
                "Unsqueeze" => Unsqueezed(a.Dims, (c.Opset >= 13 ? c.Constant(1)?.Longs(node.Name) : Proto.Ints(node, "axes")) ?? []),
                "Squeeze" => Squeezed(a.Dims, (c.Opset >= 13 ? c.Constant(1)?.Longs(node.Name) : Proto.Ints(node, "axes")) ?? []),
                "Flatten" => [a.Dims.Take((int)Proto.Int(node, "axis", 1)).Aggregate(1L, (p, d) => p * d), a.Dims.Skip((int)Proto.Int(node, "axis", 1)).Aggregate(1L, (p, d) => p * d)],
                _ => Resolve(c.RequiredConstant(1, "shape").Longs(node.Name), a.Dims, a.Elements),
            };
            return a with { Dims = dims, Initializer = null };
        }

        private static long[] Unsqueezed(long[] dims, long[] axes)
        {
            var result = dims.ToList();
            var rank = dims.Length + axes.Length;
            foreach (var axis in axes.Select(x => x < 0 ? x + rank : x).Order())
            {
                result.Insert((int)axis, 1);
            }

            return [.. result];
        }

        private static long[] Squeezed(long[] dims, long[] axes)
        {
            var drop = axes.Length == 0 ? Enumerable.Range(0, dims.Length).Where(i => dims[i] == 1).ToHashSet() : axes.Select(x => (int)(x < 0 ? x + dims.Length : x)).ToHashSet();
            return [.. dims.Where((_, i) => !drop.Contains(i))];
        }

        private static long[] Resolve(long[] target, long[] dims, long elements)
        {
            var result = target.Select((d, i) => d == 0 && i < dims.Length ? dims[i] : d).ToArray();
            var known = result.Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
            return [.. result.Select(d => d == -1 && known != 0 ? elements / known : d)];
        }

        private static ConstantValue Filled(OpContext c, ConstantValue shape)
        {
            var dims = Proto.CheckedDims(shape.Longs(c.Node.Name), $"ConstantOfShape '{c.Node.Name}'");
            var value = Proto.Attribute(c.Node, "value") is { T: { } t } ? Proto.Read(t, $"ConstantOfShape '{c.Node.Name}'", 1, null) : null;
            var elements = dims.Aggregate(1L, (p, d) => p * d);
            var fill = value?.Data is [var v] ? v : 0;
            return elements <= c.MaxConstantElements
                ? new(dims, Enumerable.Repeat(fill, (int)elements).ToArray(), value?.IsFloat ?? true, null)
                : new(dims, null, value?.IsFloat ?? true, null);
        }

        private static ConstantValue Range(OpContext c, double start, double limit, double delta)
        {
            if (delta == 0)
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' (Range) has a step of 0.");
            }

            var count = Math.Max(0, Math.Ceiling((limit - start) / delta));
            if (count > c.MaxConstantElements)
            {
                return new([(long)Math.Min(count, int.MaxValue)], null, false, null);
            }

            return ConstantValue.Vector(Enumerable.Range(0, (int)count).Select(i => start + (i * delta)));
        }
    }
}

namespace CnnArch.Onnx;

public static partial class OnnxImporter
{
    private sealed partial class Importer
    {
        /// <summary>
        /// Folds an operator whose inputs are all constants: the shape arithmetic exporters emit (Shape,
        /// Gather, Unsqueeze, Squeeze, Concat, Slice, Cast, ConstantOfShape, Range, arithmetic) before a
        /// Reshape. Results larger than the options allow are kept as dims without values.
        /// </summary>
        private static bool TryFold(OpContext c, out Value[] result)
        {
            var k = c.Inputs.Select(v => v as ConstantValue).ToArray();
            ConstantValue First() => k[0]!;
            var name = c.Node.Name;
            result = [];
            ConstantValue? folded = c.Node.OpType switch
            {
                "Identity" or "Cast" => First(),
                "Add" or "Sub" or "Mul" or "Div" or "Pow" => Arithmetic(c.Node.OpType, First(), k[1]!, name),
                "Neg" => Map(First(), v => -v),
                "Unsqueeze" or "Squeeze" or "Reshape" or "Flatten" => Reshaped(c, First()),
                "Concat" => Concatenate(k, name, c.MaxConstantElements),
                "Gather" => Gather(First(), k[1]!, (int)Proto.Int(c.Node, "axis", 0), name),
                "Slice" => Sliced(c, First()),
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

        private static ConstantValue Arithmetic(string op, ConstantValue a, ConstantValue b, string node)
        {
            var (x, y) = (a.Values(node), b.Values(node));
            if (x.Length != y.Length && x.Length != 1 && y.Length != 1)
            {
                return new(a.Dims.Length >= b.Dims.Length ? a.Dims : b.Dims, null, a.IsFloat || b.IsFloat, null);
            }

            var n = Math.Max(x.Length, y.Length);
            var isFloat = a.IsFloat || b.IsFloat;
            var data = new double[n];
            for (var i = 0; i < n; i++)
            {
                var (p, q) = (x[x.Length == 1 ? 0 : i], y[y.Length == 1 ? 0 : i]);
                data[i] = op switch
                {
                    "Add" => p + q,
                    "Sub" => p - q,
                    "Mul" => p * q,
                    "Div" => isFloat ? p / q : q == 0 ? throw new OnnxFormatException($"Node '{node}' divides by zero.") : Math.Truncate(p / q),
                    _ => Math.Pow(p, q),
                };
            }

            return new(x.Length >= y.Length ? a.Dims : b.Dims, data, isFloat, null);
        }

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

        private static ConstantValue? Concatenate(ConstantValue?[] parts, string node, int maxElements)
        {
            if (parts.Any(p => p is null || p.Dims.Length > 1))
            {
                return null;
            }

            var isFloat = parts.Any(p => p!.IsFloat);
            var length = parts.Sum(p => p!.Elements);
            if (length > maxElements)
            {
                return new([length], null, isFloat, null);
            }

            var values = parts.SelectMany(p => p!.Values(node)).ToArray();
            return ConstantValue.Vector(values, isFloat);
        }

        private static ConstantValue? Gather(ConstantValue data, ConstantValue indices, int axis, string node)
        {
            if (data.Dims.Length != 1 || axis != 0)
            {
                return null;
            }

            var values = data.Values(node);
            var picked = indices.Values(node).Select(i => (long)i).Select(i => i < 0 ? i + values.Length : i)
                .Select(i => i >= 0 && i < values.Length ? values[i] : throw new OnnxFormatException($"Node '{node}' (Gather) reads index {i} of {values.Length} values.")).ToArray();
            return new(indices.Dims, picked, data.IsFloat, null);
        }

        private static ConstantValue? Sliced(OpContext c, ConstantValue a)
        {
            if (a.Dims.Length != 1)
            {
                return null;
            }

            var node = c.Node.Name;
            var values = a.Values(node);
            long Read(int index, string attribute, long fallback) =>
                (c.Opset >= 10 ? c.Constant(index)?.Longs(node) : Proto.Ints(c.Node, attribute)) is [var v, ..] ? v : fallback;
            var n = values.Length;
            var step = Read(4, "steps", 1);
            if (step == 0)
            {
                throw new OnnxFormatException($"Node '{node}' (Slice) has a step of 0.");
            }

            long Clamp(long v) => Math.Clamp(v < 0 ? v + n : v, step > 0 ? 0 : -1, step > 0 ? n : n - 1);
            var (start, end) = (Clamp(Read(1, "starts", 0)), Clamp(Read(2, "ends", n)));
            var picked = new List<double>();
            for (var i = start; step > 0 ? i < end : i > end; i += step)
            {
                picked.Add(values[i]);
            }

            return ConstantValue.Vector(picked, a.IsFloat);
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

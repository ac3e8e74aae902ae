namespace CnnArch.Onnx;

public static partial class OnnxImporter
{
    /// <summary>
    /// Folds of constants of any rank: the element-wise operators with numpy broadcasting (arithmetic,
    /// Mod, comparisons, Not, Where), Expand, Gather, Slice, Concat and ScatterND. Exporters compute whole
    /// tensors from constants in the graph: ViT's class token expanded over the batch through a shape made
    /// by Equal and Where, Swin's padding (Mod, Sub) and its shifted-window mask (ScatterND on zeros).
    /// A result's dims are always known; its values only when every input's are and it has at most
    /// <see cref="OnnxImportOptions.MaxConstantElements"/> elements.
    /// </summary>
    private sealed partial class Importer
    {
        private static long Product(IEnumerable<long> dims) => dims.Aggregate(1L, (p, d) => checked(p * d));

        // numpy broadcasting of several shapes (aligned at their last axes); null when they do not broadcast.
        private static long[]? BroadcastDims(IReadOnlyList<long[]> shapes)
        {
            var rank = shapes.Max(s => s.Length);
            var result = new long[rank];
            for (var a = 0; a < rank; a++)
            {
                long size = 1;
                foreach (var s in shapes)
                {
                    var i = a - (rank - s.Length);
                    var d = i >= 0 ? s[i] : 1;
                    if (d != 1 && size != 1 && d != size)
                    {
                        return null;
                    }

                    size = d == 1 ? size : d;
                }

                result[a] = size;
            }

            return result;
        }

        // The values of a tensor of dims `from` repeated to the dims `to` it broadcasts to, in row-major order.
        private static double[] BroadcastTo(double[] data, long[] from, long[] to)
        {
            var rank = to.Length;
            var strides = new long[rank];
            for (long a = rank - 1, stride = 1; a >= 0; a--)
            {
                var i = a - (rank - from.Length);
                if (i >= 0)
                {
                    strides[a] = from[i] == 1 ? 0 : stride;
                    stride *= from[i];
                }
            }

            var result = new double[Product(to)];
            var index = new long[rank];
            long source = 0;
            for (var o = 0; o < result.Length; o++)
            {
                result[o] = data[source];
                for (var a = rank - 1; a >= 0; a--)
                {
                    source += strides[a];
                    if (++index[a] < to[a])
                    {
                        break;
                    }

                    source -= strides[a] * to[a];
                    index[a] = 0;
                }
            }

            return result;
        }

        /// <summary>An element-wise operator on constants, its inputs broadcast against each other.</summary>
        private static ConstantValue Elementwise(OpContext c, ConstantValue[] args)
        {
            var (op, node) = (c.Node.OpType, c.Node.Name);
            var isFloat = op switch
            {
                "Equal" or "Less" or "Greater" or "Not" or "And" or "Or" => false,
                "Where" => args[1].IsFloat || args[2].IsFloat,
                _ => args.Any(a => a.IsFloat),
            };
            var dims = BroadcastDims([.. args.Select(a => a.Dims)]);
            if (dims is null)
            {
                // Shapes that do not broadcast: the result stays unknown, as an operator's on unknown values.
                return new(args.MaxBy(a => a.Dims.Length)!.Dims, null, isFloat, null);
            }

            if (args.Any(a => a.Data is null) || Product(dims) > c.MaxConstantElements)
            {
                return new(dims, null, isFloat, null);
            }

            var x = args.Select(a => BroadcastTo(a.Data!, a.Dims, dims)).ToArray();
            var fmod = Proto.Int(c.Node, "fmod", 0) != 0;
            var data = new double[x[0].Length];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = Apply(op, x, i, isFloat, fmod, node);
            }

            return new(dims, data, isFloat, null);
        }

        private static double Apply(string op, double[][] x, int i, bool isFloat, bool fmod, string node)
        {
            var p = x[0][i];
            var q = x.Length > 1 ? x[1][i] : 0;
            return op switch
            {
                "Add" => p + q,
                "Sub" => p - q,
                "Mul" => p * q,
                "Div" => isFloat ? p / q : q == 0 ? throw new OnnxFormatException($"Node '{node}' divides by zero.") : Math.Truncate(p / q),
                "Pow" => Math.Pow(p, q),
                "Mod" => Modulo(p, q, isFloat, fmod, node),
                "Equal" => p == q ? 1 : 0,
                "Less" => p < q ? 1 : 0,
                "Greater" => p > q ? 1 : 0,
                "And" => p != 0 && q != 0 ? 1 : 0,
                "Or" => p != 0 || q != 0 ? 1 : 0,
                "Not" => p == 0 ? 1 : 0,
                _ => p != 0 ? q : x[2][i], // Where(condition, x, y)
            };
        }

        // ONNX Mod: fmod=1 takes the dividend's sign (C's fmod); fmod=0, for integers, the divisor's (Python's %).
        private static double Modulo(double p, double q, bool isFloat, bool fmod, string node)
        {
            if (q == 0 && !isFloat)
            {
                throw new OnnxFormatException($"Node '{node}' (Mod) divides by zero.");
            }

            var r = p % q;
            return fmod || r == 0 || (r < 0) == (q < 0) ? r : r + q;
        }

        /// <summary>
        /// Expand: the constant broadcast to a shape (both ways, as ONNX's Expand). A result of the
        /// constant's own dims is the constant itself, so an expanded initializer (a class token expanded
        /// over a batch of 1) is still known as that initializer.
        /// </summary>
        private static ConstantValue Expanded(OpContext c, ConstantValue a, ConstantValue shape)
        {
            var target = shape.Longs(c.Node.Name);
            var dims = BroadcastDims([a.Dims, target])
                ?? throw new OnnxFormatException($"Node '{c.Node.Name}' (Expand) expands [{string.Join(",", a.Dims)}] to [{string.Join(",", target)}], which it does not broadcast to.");
            if (dims.SequenceEqual(a.Dims))
            {
                return a;
            }

            return a.Data is { } data && Product(dims) <= c.MaxConstantElements
                ? new(dims, BroadcastTo(data, a.Dims, dims), a.IsFloat, null)
                : new(dims, null, a.IsFloat, null);
        }

        private static ConstantValue Gather(OpContext c, ConstantValue data, ConstantValue indices)
        {
            var node = c.Node.Name;
            var rank = data.Dims.Length;
            var axis = Proto.Int(c.Node, "axis", 0);
            axis = axis < 0 ? axis + rank : axis;
            if (axis < 0 || axis >= rank)
            {
                throw new OnnxFormatException($"Node '{node}' (Gather) reads axis {Proto.Int(c.Node, "axis", 0)} of a rank-{rank} constant.");
            }

            var at = (int)axis;
            long[] dims = [.. data.Dims[..at], .. indices.Dims, .. data.Dims[(at + 1)..]];
            if (data.Data is not { } values || indices.Data is null || Product(dims) > c.MaxConstantElements)
            {
                return new(dims, null, data.IsFloat, null);
            }

            var (outer, size, inner) = (Product(data.Dims[..at]), data.Dims[at], Product(data.Dims[(at + 1)..]));
            var picked = indices.Longs(node).Select(i => i < 0 ? i + size : i)
                .Select(i => i >= 0 && i < size ? i : throw new OnnxFormatException($"Node '{node}' (Gather) reads index {i} of {size} values.")).ToArray();
            var result = new double[Product(dims)];
            var o = 0;
            for (long b = 0; b < outer; b++)
            {
                foreach (var i in picked)
                {
                    Array.Copy(values, (b * size * inner) + (i * inner), result, o, inner);
                    o += (int)inner;
                }
            }

            return new(dims, result, data.IsFloat, null);
        }

        /// <summary>Slice of a constant: per sliced axis its first index, step and count, clamped as ONNX's Slice.</summary>
        private static ConstantValue Sliced(OpContext c, ConstantValue a)
        {
            var node = c.Node.Name;
            long[] Read(int index, string attribute) => (c.Opset >= 10 ? c.Constant(index)?.Longs(node) : Proto.Ints(c.Node, attribute)) ?? [];
            var (starts, ends, axes, steps) = (Read(1, "starts"), Read(2, "ends"), Read(3, "axes"), Read(4, "steps"));
            var rank = a.Dims.Length;
            var first = new long[rank];
            var step = Enumerable.Repeat(1L, rank).ToArray();
            var dims = a.Dims.ToArray();
            for (var i = 0; i < starts.Length && i < ends.Length; i++)
            {
                var axis = axes.Length > i ? axes[i] : i;
                axis = axis < 0 ? axis + rank : axis;
                if (axis < 0 || axis >= rank)
                {
                    throw new OnnxFormatException($"Node '{node}' (Slice) slices axis {axis} of a rank-{rank} constant.");
                }

                var (n, s) = (a.Dims[axis], steps.Length > i ? steps[i] : 1);
                if (s == 0)
                {
                    throw new OnnxFormatException($"Node '{node}' (Slice) has a step of 0.");
                }

                var start = Math.Clamp(starts[i] < 0 ? starts[i] + n : starts[i], 0, s > 0 ? n : n - 1);
                var end = Math.Clamp(ends[i] < 0 ? ends[i] + n : ends[i], s > 0 ? 0 : -1, s > 0 ? n : n - 1);
                (first[axis], step[axis]) = (start, s);
                dims[axis] = Math.Max(0, s > 0 ? (end - start + s - 1) / s : (start - end - s - 1) / -s);
            }

            return a.Data is { } data && Product(dims) <= c.MaxConstantElements
                ? new(dims, Pick(data, a.Dims, dims, first, step), a.IsFloat, null)
                : new(dims, null, a.IsFloat, null);
        }

        // The elements at first + index * step along every axis, for every index of the result's dims.
        private static double[] Pick(double[] data, long[] from, long[] dims, long[] first, long[] step)
        {
            var rank = from.Length;
            var strides = new long[rank];
            for (long a = rank - 1, stride = 1; a >= 0; stride *= from[a], a--)
            {
                strides[a] = stride;
            }

            var result = new double[Product(dims)];
            var index = new long[rank];
            for (var o = 0; o < result.Length; o++)
            {
                long source = 0;
                for (var a = 0; a < rank; a++)
                {
                    source += (first[a] + (index[a] * step[a])) * strides[a];
                }

                result[o] = data[source];
                for (var a = rank - 1; a >= 0 && ++index[a] == dims[a]; a--)
                {
                    index[a] = 0;
                }
            }

            return result;
        }

        /// <summary>Concat of constants of one rank along an axis (scalars and vectors: one vector, as exporters build shapes).</summary>
        private static ConstantValue? Concatenate(OpContext c, ConstantValue?[] parts)
        {
            if (parts.Any(p => p is null))
            {
                return null;
            }

            var k = parts.Select(p => p!).ToArray();
            var isFloat = k.Any(p => p.IsFloat);
            if (k.All(p => p.Dims.Length <= 1))
            {
                var length = k.Sum(p => p.Elements);
                return length > c.MaxConstantElements || k.Any(p => p.Data is null)
                    ? new([length], null, isFloat, null)
                    : ConstantValue.Vector(k.SelectMany(p => p.Data!), isFloat);
            }

            var rank = k[0].Dims.Length;
            var axis = (int)Proto.Int(c.Node, "axis", 0);
            axis = axis < 0 ? axis + rank : axis;
            if (axis < 0 || axis >= rank || k.Any(p => p.Dims.Length != rank || p.Dims.Where((d, i) => i != axis && d != k[0].Dims[i]).Any()))
            {
                throw new OnnxFormatException($"Node '{c.Node.Name}' (Concat) joins constants of dims {string.Join(" and ", k.Select(p => $"[{string.Join(",", p.Dims)}]"))} along axis {axis}.");
            }

            long[] dims = [.. k[0].Dims.Select((d, i) => i == axis ? k.Sum(p => p.Dims[axis]) : d)];
            if (k.Any(p => p.Data is null) || Product(dims) > c.MaxConstantElements)
            {
                return new(dims, null, isFloat, null);
            }

            var outer = Product(dims[..axis]);
            var result = new List<double>((int)Product(dims));
            for (long b = 0; b < outer; b++)
            {
                foreach (var p in k)
                {
                    var block = (int)Product(p.Dims[axis..]);
                    result.AddRange(p.Data!.AsSpan((int)b * block, block));
                }
            }

            return new(dims, [.. result], isFloat, null);
        }

        /// <summary>ScatterND (no reduction): the data with the slices the indices name replaced by the updates.</summary>
        private static ConstantValue Scattered(OpContext c, ConstantValue data, ConstantValue indices, ConstantValue updates)
        {
            var node = c.Node.Name;
            var k = indices.Dims.Length == 0 ? 0 : (int)indices.Dims[^1];
            if (data.Data is not { } values || indices.Data is null || updates.Data is not { } update || Proto.String(c.Node, "reduction", "none") != "none" || k > data.Dims.Length)
            {
                return new(data.Dims, null, data.IsFloat, null);
            }

            var block = Product(data.Dims[k..]);
            var strides = data.Dims[..k].Select((_, a) => Product(data.Dims[(a + 1)..])).ToArray();
            var index = indices.Longs(node);
            var result = values.ToArray();
            for (var j = 0; j * k < index.Length && k > 0; j++)
            {
                long offset = 0;
                for (var a = 0; a < k; a++)
                {
                    var i = index[(j * k) + a] < 0 ? index[(j * k) + a] + data.Dims[a] : index[(j * k) + a];
                    offset += i >= 0 && i < data.Dims[a] ? i * strides[a] : throw new OnnxFormatException($"Node '{node}' (ScatterND) writes index {i} of {data.Dims[a]}.");
                }

                if ((j + 1) * block > update.Length)
                {
                    throw new OnnxFormatException($"Node '{node}' (ScatterND) has fewer updates than its indices name.");
                }

                Array.Copy(update, j * block, result, offset, block);
            }

            return new(data.Dims, result, data.IsFloat, null);
        }
    }
}

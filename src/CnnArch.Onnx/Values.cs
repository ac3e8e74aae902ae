using CnnArch.Graph;
using Onnx;

namespace CnnArch.Onnx;

/// <summary>What an ONNX value name stands for during the import.</summary>
internal abstract record Value;

/// <summary>
/// A tensor computed by the network; <see cref="Shape"/> leaves out the batch of 1 in front (ONNX rank =
/// Shape.Rank + 1). A <see cref="Batchless"/> tensor is one whose first ONNX axis is not that batch:
/// nn.MultiheadAttention's sequence-first layout (L x 1 x D, heads x L x d) after a Transpose or Reshape
/// moved the batch of 1 inwards; its Shape is all its ONNX dims.
/// </summary>
internal sealed record Activation(Tensor Tensor, TensorShape Shape, bool Batchless = false) : Value
{
    public int OnnxRank => Shape.Rank + (Batchless ? 0 : 1);

    /// <summary>The ONNX dims: the batch of 1 and the shape, or the shape alone when batchless.</summary>
    public long[] OnnxDims => [.. (Batchless ? Shape.Dims : Shape.Dims.Prepend(1)).Select(d => (long)d)];
}

/// <summary>
/// A constant: an initializer, a Constant node or a folded result. <see cref="Data"/> is null when the
/// values are not known (weights kept in external data) or too large to materialise.
/// </summary>
internal sealed record ConstantValue(long[] Dims, double[]? Data, bool IsFloat, string? Initializer) : Value
{
    /// <summary>
    /// The float initializer this constant is, or is a view of (reshaped, unsqueezed, transposed): a learned
    /// tensor that a Gather or MatMul reads as data, which the forward computes from each time, not a constant.
    /// </summary>
    public string? Learned { get; init; }

    public long Elements => Dims.Aggregate(1L, (a, d) => checked(a * d));

    public static ConstantValue Of(long[] dims, double[] data, bool isFloat = false) => new(dims, data, isFloat, null);

    public static ConstantValue Vector(IEnumerable<double> values, bool isFloat = false)
    {
        var data = values.ToArray();
        return new([data.Length], data, isFloat, null);
    }

    public double[] Values(string node) =>
        Data ?? throw new OnnxFormatException($"Node '{node}' needs the values of a constant whose values are not stored in the file (or are too large to fold).");

    // INT64_MAX, which exporters write as "to the end" (Slice's ends), reads back as 2^63 through a double.
    public long[] Longs(string node) => [.. Values(node).Select(v => v is >= -9.2233720368547758E+18 and < 9.2233720368547758E+18
        ? (long)v
        : v == 9.2233720368547758E+18 ? long.MaxValue
        : throw new OnnxFormatException($"Node '{node}' needs whole numbers, but a constant it reads holds {v}."))];
}

/// <summary>Reads tensors and attributes of ONNX protobuf messages.</summary>
internal static class Proto
{
    // TensorProto.DataType: FLOAT=1, UINT8=2, INT8=3, UINT16=4, INT16=5, INT32=6, INT64=7, BOOL=9, FLOAT16=10, DOUBLE=11, BFLOAT16=16.
    public static bool IsFloat(int dataType) => dataType is 1 or 10 or 11 or 16;

    public static long[] CheckedDims(IEnumerable<long> dims, string what)
    {
        var result = dims.ToArray();
        foreach (var d in result)
        {
            if (d < 0 || d > int.MaxValue)
            {
                throw new OnnxFormatException($"{what} has a dimension of {d}, which no tensor can have.");
            }
        }

        long elements = 1;
        foreach (var d in result)
        {
            if (d != 0 && elements > long.MaxValue / d)
            {
                throw new OnnxFormatException($"{what} has dimensions [{string.Join(",", result)}], more elements than can be counted.");
            }

            elements *= d;
        }

        return result;
    }

    /// <summary>A tensor's dims and, when stored inline and small, its values. External data is never opened.</summary>
    public static ConstantValue Read(TensorProto t, string what, int maxElements, string? initializer)
    {
        var dims = CheckedDims(t.Dims, what);
        var elements = dims.Aggregate(1L, (a, d) => a * d);
        var isFloat = IsFloat(t.DataType);
        if (t.DataLocation == TensorProto.Types.DataLocation.External || elements > maxElements)
        {
            return new(dims, null, isFloat, initializer);
        }

        double[]? data = t.DataType switch
        {
            1 when t.FloatData.Count > 0 => [.. t.FloatData.Select(f => (double)f)],
            11 when t.DoubleData.Count > 0 => [.. t.DoubleData],
            7 when t.Int64Data.Count > 0 => [.. t.Int64Data.Select(v => (double)v)],
            2 or 3 or 4 or 5 or 6 or 9 when t.Int32Data.Count > 0 => [.. t.Int32Data.Select(v => (double)v)],
            _ when !t.RawData.IsEmpty => Raw(t.DataType, t.RawData.Span),
            _ => null,
        };
        if (data is not null && data.Length != elements)
        {
            throw new OnnxFormatException($"{what} declares {elements} elements but stores {data.Length}.");
        }

        return new(dims, data, isFloat, initializer);
    }

    private static double[]? Raw(int dataType, ReadOnlySpan<byte> raw)
    {
        var size = dataType switch { 1 or 6 => 4, 7 or 11 => 8, 2 or 3 or 9 => 1, 4 or 5 or 10 or 16 => 2, _ => 0 };
        if (size == 0 || raw.Length % size != 0)
        {
            return null;
        }

        var values = new double[raw.Length / size];
        for (var i = 0; i < values.Length; i++)
        {
            var b = raw.Slice(i * size, size);
            values[i] = dataType switch
            {
                1 => BitConverter.ToSingle(b),
                6 => BitConverter.ToInt32(b),
                7 => BitConverter.ToInt64(b),
                11 => BitConverter.ToDouble(b),
                2 or 9 => b[0],
                3 => unchecked((sbyte)b[0]),
                4 => BitConverter.ToUInt16(b),
                5 => BitConverter.ToInt16(b),
                10 => (double)BitConverter.ToHalf(b),
                16 => BitConverter.Int32BitsToSingle(BitConverter.ToUInt16(b) << 16),
                _ => 0,
            };
        }

        return values;
    }

    public static AttributeProto? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long Int(NodeProto node, string name, long fallback) => Attribute(node, name) is { } a ? a.I : fallback;

    public static double Float(NodeProto node, string name, double fallback) => Attribute(node, name) is { } a ? a.F : fallback;

    public static string String(NodeProto node, string name, string fallback) => Attribute(node, name) is { } a ? a.S.ToStringUtf8() : fallback;

    public static long[]? Ints(NodeProto node, string name) => Attribute(node, name) is { } a ? [.. a.Ints] : null;

    public static double[]? Floats(NodeProto node, string name) => Attribute(node, name) is { } a ? [.. a.Floats.Select(f => (double)f)] : null;
}

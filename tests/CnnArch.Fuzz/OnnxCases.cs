using CsCheck;
using Google.Protobuf;
using Onnx;

namespace CnnArch.Fuzz;

/// <summary>One edit of an ONNX model: which edit, where, and which value; small integers that CsCheck shrinks.</summary>
public readonly record struct Edit(int Op, int Target, int Choice, int Value)
{
    /// <summary>Any edit.</summary>
    public static Gen<Edit> Gen(int ops) => CsCheck.Gen.Select(CsCheck.Gen.Int[0, ops - 1], CsCheck.Gen.Int[0, 1 << 16], CsCheck.Gen.Int[0, 1 << 16], CsCheck.Gen.Int[0, 1 << 16], (o, t, c, v) => new Edit(o, t, c, v));
}

/// <summary>
/// ONNX models mutated at the protobuf level (operators, inputs, attributes, initializers, dims,
/// external data, cycles, outputs, new nodes) and at the byte level, from exported models and from
/// small graphs built here that exercise the shape-folding operators.
/// </summary>
public static class OnnxCases
{
    /// <summary>Values that break arithmetic: zero, negatives, the edges of int and long.</summary>
    public static readonly long[] Extremes =
        [0, 1, -1, 2, 3, 7, 64, -2, 1 << 20, int.MaxValue, (long)int.MaxValue + 1, int.MinValue, 1L << 31, 1L << 40, 1L << 62, long.MaxValue, long.MinValue, 1_000_000];

    private static readonly string[] OpTypes =
    [
        "Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Pow", "Relu", "LeakyRelu", "Sigmoid", "HardSigmoid",
        "HardSwish", "Tanh", "Erf", "Gelu", "Clip", "Softmax", "BatchNormalization", "LayerNormalization", "InstanceNormalization",
        "LRN", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "Flatten", "Reshape", "Squeeze",
        "Unsqueeze", "Transpose", "Concat", "Split", "Slice", "Pad", "Resize", "Upsample", "Identity", "Cast", "Dropout", "Shape",
        "Constant", "Neg", "Gather", "ConstantOfShape", "Range", "NotAnOperator",
    ];

    private static readonly string[] AttributeNames =
    [
        "kernel_shape", "strides", "pads", "dilations", "group", "axis", "axes", "perm", "starts", "ends", "steps", "auto_pad",
        "ceil_mode", "keepdims", "transA", "transB", "split", "allowzero", "mode", "value", "count_include_pad", "output_padding",
        "output_shape", "start", "end", "alpha", "beta", "size", "bias", "ratio", "min", "max", "value_ints", "value_int", "value_float", "scales",
    ];

    private static readonly string[] AutoPads = ["SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET", "", "junk"];

    private static readonly int[] DataTypes = [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 16, 0, 8, 13, 99];

    private const int Edits = 20;

    /// <summary>The seed models: the fixtures found under <paramref name="folder"/> and the graphs built here.</summary>
    public static IReadOnlyList<(string Name, ModelProto Model)> Seeds(string folder, int maxFileBytes = 60_000)
    {
        var seeds = new List<(string, ModelProto)>(SmallGraphs());
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.GetFiles(folder, "*.onnx").Order(StringComparer.Ordinal).Where(f => new FileInfo(f).Length <= maxFileBytes))
            {
                seeds.Add((Path.GetFileName(file), ModelProto.Parser.ParseFrom(File.ReadAllBytes(file))));
            }
        }

        return seeds;
    }

    /// <summary>Cases from <paramref name="seeds"/>: one to six edits, then sometimes a byte-level change.</summary>
    public static Gen<FuzzCase> Cases(IReadOnlyList<(string Name, ModelProto Model)> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], Edit.Gen(Edits).Array[1, 4], Edit.Gen(4).Array[0, 1], (s, edits, bytes) =>
        {
            var (name, model) = seeds[s];
            var mutated = Mutate(model, edits, bytes);
            return new FuzzCase(CaseKind.Onnx, $"{name} with {string.Join(' ', edits.Select(e => $"{e.Op}:{e.Target}:{e.Choice}:{e.Value}"))}" + (bytes.Length > 0 ? $" bytes {string.Join(' ', bytes.Select(e => $"{e.Op}:{e.Target}:{e.Choice}:{e.Value}"))}" : ""), mutated);
        });

    /// <summary>The model after the edits, serialised, then changed byte by byte.</summary>
    public static byte[] Mutate(ModelProto seed, Edit[] edits, Edit[] byteEdits)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var model = seed.Clone();
        var fresh = 0;
        foreach (var e in edits ?? [])
        {
            Apply(model, e, ref fresh);
        }

        var bytes = model.ToByteArray();
        foreach (var e in byteEdits ?? [])
        {
            bytes = ApplyBytes(bytes, e);
        }

        return bytes;
    }

    private static long Extreme(int i) => Extremes[i % Extremes.Length];

    private static void Apply(ModelProto model, Edit e, ref int fresh)
    {
        var g = model.Graph;
        if (g is null)
        {
            return;
        }

        var node = g.Node.Count > 0 ? g.Node[e.Target % g.Node.Count] : null;
        var values = g.Node.SelectMany(n => n.Output).Concat(g.Input.Select(i => i.Name)).Concat(g.Initializer.Select(i => i.Name)).Append("no_such_value").ToArray();
        switch (e.Op)
        {
            case 0 when node is not null:
                node.OpType = OpTypes[e.Choice % OpTypes.Length];
                break;
            case 1 when node is { Input.Count: > 0 }:
                node.Input.RemoveAt(e.Choice % node.Input.Count);
                break;
            case 2 when node is not null:
                if (node.Input.Count > 0 && e.Value % 2 == 0)
                {
                    node.Input[e.Choice % node.Input.Count] = "";
                }
                else
                {
                    node.Input.Add("");
                }

                break;
            case 3 when node is not null:
                var value = values[e.Value % values.Length];
                if (node.Input.Count > 0 && e.Choice % 3 != 0)
                {
                    node.Input[e.Choice % node.Input.Count] = value;
                }
                else
                {
                    node.Input.Add(value);
                }

                break;
            case 4 when node is not null:
                SetAttribute(node, AttributeNames[e.Choice % AttributeNames.Length], e.Value);
                break;
            case 5 when node is { Attribute.Count: > 0 }:
                node.Attribute.RemoveAt(e.Choice % node.Attribute.Count);
                break;
            case 6 when g.Initializer.Count > 0:
                var init = g.Initializer[e.Target % g.Initializer.Count];
                if (init.Dims.Count > 0 && e.Value % 4 != 0)
                {
                    init.Dims[e.Choice % init.Dims.Count] = Extreme(e.Value);
                }
                else if (e.Value % 8 == 0)
                {
                    init.Dims.Add(Extreme(e.Choice));
                }
                else if (init.Dims.Count > 0)
                {
                    init.Dims.RemoveAt(init.Dims.Count - 1);
                }

                break;
            case 7 when g.Initializer.Count > 0:
                MutateData(g.Initializer[e.Target % g.Initializer.Count], e);
                break;
            case 8 when g.Input.Count > 0:
                var dims = g.Input[e.Target % g.Input.Count].Type?.TensorType?.Shape?.Dim;
                if (dims is { Count: > 0 })
                {
                    var d = dims[e.Choice % dims.Count];
                    if (e.Value % 5 == 0)
                    {
                        d.DimParam = "N";
                    }
                    else
                    {
                        d.DimValue = Extreme(e.Value);
                    }
                }
                else if (dims is not null)
                {
                    dims.Add(new TensorShapeProto.Types.Dimension { DimValue = Extreme(e.Value) });
                }

                break;
            case 9 when node is not null:
                g.Node.Remove(node);
                break;
            case 10 when node is not null:
                var copy = node.Clone();
                if (e.Value % 2 == 0)
                {
                    for (var i = 0; i < copy.Output.Count; i++)
                    {
                        copy.Output[i] = $"{copy.Output[i]}_copy{fresh++}";
                    }
                }

                g.Node.Insert(e.Choice % (g.Node.Count + 1), copy);
                break;
            case 11 when g.Node.Count > 1:
                var j = e.Choice % g.Node.Count;
                var k = e.Target % g.Node.Count;
                (g.Node[j], g.Node[k]) = (g.Node[k], g.Node[j]);
                break;
            case 12:
                if (g.Output.Count > 0 && e.Value % 3 == 0)
                {
                    g.Output.RemoveAt(0);
                }
                else if (g.Output.Count > 0)
                {
                    g.Output[0].Name = values[e.Choice % values.Length];
                }

                break;
            case 13 when node is not null:
                if (e.Value % 2 == 0)
                {
                    node.Output.Add($"extra{fresh++}");
                }
                else if (node.Output.Count > 0)
                {
                    node.Output.RemoveAt(node.Output.Count - 1);
                }

                break;
            case 14 or 15 or 16:
                InsertNode(g, e, values, ref fresh);
                break;
            case 17 when node is not null:
                // A constant the node reads, with values that shape folding must survive.
                var name = $"k{fresh++}";
                var t = new TensorProto { Name = name, DataType = 7 };
                var count = 1 + (e.Value % 4);
                t.Dims.Add(count);
                for (var i = 0; i < count; i++)
                {
                    t.Int64Data.Add(Extreme(e.Choice + (i * 7)));
                }

                g.Initializer.Add(t);
                if (node.Input.Count > 0)
                {
                    node.Input[e.Choice % node.Input.Count] = name;
                }
                else
                {
                    node.Input.Add(name);
                }

                break;
            case 18 when g.Initializer.Count > 0:
                var external = g.Initializer[e.Target % g.Initializer.Count];
                external.DataLocation = TensorProto.Types.DataLocation.External;
                external.ExternalData.Add(new StringStringEntryProto { Key = e.Value % 2 == 0 ? "location" : "offset", Value = e.Choice % 2 == 0 ? "/dev/zero" : "../../../etc/passwd" });
                break;
            case 19:
                var opset = model.OpsetImport.Count > 0 ? model.OpsetImport[0] : null;
                if (opset is not null)
                {
                    opset.Version = new long[] { 1, 7, 9, 10, 11, 13, 17, 18, 21, 0, -1, long.MaxValue }[e.Value % 12];
                }

                break;
        }
    }

    private static void InsertNode(GraphProto g, Edit e, string[] values, ref int fresh)
    {
        var node = new NodeProto { OpType = OpTypes[e.Choice % OpTypes.Length], Name = $"/fuzz/fuzz.{fresh}/{OpTypes[e.Choice % OpTypes.Length]}" };
        var inputs = e.Value % 4;
        for (var i = 0; i < inputs; i++)
        {
            node.Input.Add(i == 0 ? values[(e.Target + i) % values.Length] : (e.Value >> (i + 2)) % 3 == 0 ? "" : values[(e.Target * 31 + i * 17) % values.Length]);
        }

        node.Output.Add($"fuzz{fresh++}");
        if ((e.Value >> 6) % 3 == 0)
        {
            SetAttribute(node, AttributeNames[(e.Value >> 8) % AttributeNames.Length], e.Target);
        }

        g.Node.Insert(e.Target % (g.Node.Count + 1), node);
        if ((e.Value >> 4) % 2 == 0 && g.Output.Count > 0)
        {
            g.Output[0].Name = node.Output[0];
        }
    }

    private static void SetAttribute(NodeProto node, string name, int v)
    {
        var existing = node.Attribute.FirstOrDefault(a => a.Name == name);
        if (existing is not null)
        {
            node.Attribute.Remove(existing);
        }

        var a = new AttributeProto { Name = name };
        switch (v % 6)
        {
            case 0:
                a.Type = AttributeProto.Types.AttributeType.Int;
                a.I = Extreme(v / 6);
                break;
            case 1 or 2:
                a.Type = AttributeProto.Types.AttributeType.Ints;
                var count = (v / 6) % 5;
                for (var i = 0; i < count; i++)
                {
                    a.Ints.Add(Extreme((v / 30) + (i * 5)));
                }

                break;
            case 3:
                a.Type = AttributeProto.Types.AttributeType.String;
                a.S = ByteString.CopyFromUtf8(AutoPads[(v / 6) % AutoPads.Length]);
                break;
            case 4:
                a.Type = AttributeProto.Types.AttributeType.Float;
                a.F = new[] { 0f, -1f, 0.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e30f, 6f }[(v / 6) % 8];
                break;
            default:
                a.Type = AttributeProto.Types.AttributeType.Tensor;
                var t = new TensorProto { DataType = 7 };
                t.Dims.Add(1);
                t.Int64Data.Add(Extreme(v / 6));
                a.T = t;
                break;
        }

        node.Attribute.Add(a);
    }

    private static void MutateData(TensorProto t, Edit e)
    {
        switch (e.Choice % 5)
        {
            case 0:
                t.DataType = DataTypes[e.Value % DataTypes.Length];
                break;
            case 1:
                var raw = new byte[e.Value % 64];
                new Random(e.Value).NextBytes(raw);
                t.DataLocation = TensorProto.Types.DataLocation.Default;
                t.FloatData.Clear();
                t.Int64Data.Clear();
                t.RawData = ByteString.CopyFrom(raw);
                t.DataType = DataTypes[e.Target % DataTypes.Length];
                break;
            case 2:
                t.DataLocation = TensorProto.Types.DataLocation.Default;
                t.Int64Data.Clear();
                t.Int64Data.Add(Extreme(e.Value));
                t.DataType = 7;
                break;
            case 3:
                t.DataLocation = TensorProto.Types.DataLocation.Default;
                t.FloatData.Add(float.NaN);
                break;
            default:
                t.ExternalData.Clear();
                t.DataLocation = TensorProto.Types.DataLocation.Default;
                break;
        }
    }

    private static byte[] ApplyBytes(byte[] bytes, Edit e)
    {
        if (bytes.Length == 0)
        {
            return bytes;
        }

        var at = e.Target % bytes.Length;
        switch (e.Op)
        {
            case 0:
                var flipped = (byte[])bytes.Clone();
                flipped[at] ^= (byte)(1 << (e.Choice % 8));
                return flipped;
            case 1:
                return bytes[..at];
            case 2:
                var inserted = new byte[1 + (e.Choice % 8)];
                new Random(e.Value).NextBytes(inserted);
                return [.. bytes[..at], .. inserted, .. bytes[at..]];
            default:
                var copy = (byte[])bytes.Clone();
                copy[at] = (byte)e.Value;
                return copy;
        }
    }

    // Small graphs that reach the paths exported models rarely do: shape arithmetic folded into a
    // Reshape, an SE gate multiplied from the left, Split and Slice, a broadcast constant.
    private static IEnumerable<(string, ModelProto)> SmallGraphs()
    {
        yield return ("small-conv", Graph(
            [1, 3, 16, 16],
            g =>
            {
                Weight(g, "w", 8, 3, 3, 3);
                Weight(g, "fc", 10, 8);
                Node(g, "Conv", ["x", "w"], ["c"], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
                Node(g, "Relu", ["c"], ["r"]);
                Node(g, "MaxPool", ["r"], ["p"], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
                Node(g, "GlobalAveragePool", ["p"], ["gp"]);
                Node(g, "Flatten", ["gp"], ["f"]);
                Node(g, "Gemm", ["f", "fc"], ["y"], Int("transB", 1));
            }));
        yield return ("small-shape-folding", Graph(
            [1, 4, 8, 8],
            g =>
            {
                Const(g, "zero", 0);
                Const(g, "one", 1);
                Const(g, "minus", -1);
                Node(g, "Shape", ["x"], ["s"]);
                Node(g, "Gather", ["s", "zero"], ["n"], Int("axis", 0));
                Node(g, "Unsqueeze", ["n", "zero"], ["n1"]);
                Node(g, "Unsqueeze", ["minus", "zero"], ["m1"]);
                Node(g, "Concat", ["n1", "m1"], ["shape"], Int("axis", 0));
                Node(g, "Range", ["zero", "one", "one"], ["range"]);
                Node(g, "Slice", ["s", "one", "minus"], ["tail"]);
                Node(g, "Split", ["x"], ["a", "b"], Int("axis", 1));
                Node(g, "Concat", ["b", "a"], ["ba"], Int("axis", 1));
                Node(g, "Reshape", ["ba", "shape"], ["y"]);
            }));
        yield return ("small-se-gate-first", Graph(
            [1, 8, 8, 8],
            g =>
            {
                Weight(g, "w1", 2, 8, 1, 1);
                Weight(g, "w2", 8, 2, 1, 1);
                Node(g, "GlobalAveragePool", ["x"], ["s"]);
                Node(g, "Conv", ["s", "w1"], ["s1"]);
                Node(g, "Relu", ["s1"], ["s2"]);
                Node(g, "Conv", ["s2", "w2"], ["s3"]);
                Node(g, "Sigmoid", ["s3"], ["gate"]);
                Node(g, "Mul", ["gate", "x"], ["scaled"]);
                Node(g, "Add", ["scaled", "x"], ["sum"]);
                Node(g, "Pad", ["sum", "pads"], ["y"]);
                Ints64(g, "pads", 0, 0, 1, 1, 0, 0, 1, 1);
            }));
    }

    private static ModelProto Graph(long[] input, Action<GraphProto> build)
    {
        var g = new GraphProto { Name = "fuzz" };
        var shape = new TensorShapeProto();
        foreach (var d in input)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        g.Input.Add(new ValueInfoProto { Name = "x", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } });
        build(g);
        g.Output.Add(new ValueInfoProto { Name = "y" });
        var model = new ModelProto { IrVersion = 8, Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    private static void Weight(GraphProto g, string name, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.AddRange(dims);
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        g.Initializer.Add(t);
    }

    private static void Const(GraphProto g, string name, long value)
    {
        var t = new TensorProto { Name = name, DataType = 7 };
        t.Dims.Add(1);
        t.Int64Data.Add(value);
        g.Initializer.Add(t);
    }

    private static void Ints64(GraphProto g, string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = 7 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        g.Initializer.Add(t);
    }

    private static void Node(GraphProto g, string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = $"/{op}_{g.Node.Count}" };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        g.Node.Add(n);
    }

    private static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };

    private static AttributeProto Ints(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }
}

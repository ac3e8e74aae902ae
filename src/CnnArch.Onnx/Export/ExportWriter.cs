using System.Globalization;
using System.Runtime.InteropServices;
using CnnArch.Graph;
using CnnArch.Layers;
using Google.Protobuf;
using Onnx;

namespace CnnArch.Onnx;

// How a weight is filled: zeros, ones (a batch-norm variance, a scale that must not vanish), or
// uniform in +-1/sqrt(fan-in) when random weights are asked for.
internal enum Fill
{
    Zero,
    One,
    Random,
}

// One layer being written: the writer, the node, its inputs' tensor names and shapes (one sample) and
// its output shape. Emitters add nodes in the layer's scope and return the output's name.
internal sealed record ExportStep(ExportWriter Writer, Node Node, string[] Inputs, TensorShape[] Shapes, TensorShape Output)
{
    public Layer Layer => Node.Layer;

    public string X => Inputs[0];

    public TensorShape XShape => Shapes[0];

    // A node in the layer's scope; its output is named after the node, as PyTorch's exporter does.
    public string Op(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        Writer.Node(Node.Path, opType, inputs, attributes);

    public string Weight(string name, int[] dims, Fill fill = Fill.Random, long fanIn = 1) =>
        Writer.Weight($"{Node.Path}.{name}", [.. dims.Select(d => (long)d)], fill, fanIn);

    public string Longs(string name, params long[] values) => Writer.Longs($"{Node.Path}.{name}", values);

    // A learned tensor that is the layer itself (a class token, a positional embedding, a stored table), named
    // by the layer's path as a state dict names a module's own parameter (class_token, encoder.pos_embedding).
    public string Parameter(int[] dims, Fill fill = Fill.Random, long fanIn = 1, string suffix = "") =>
        Writer.Weight(Node.Path + suffix, [.. dims.Select(d => (long)d)], fill, fanIn);

    public string Floats(params float[] values) => Writer.Floats(Node.Path, values);

    // A learned weight when the layer learns it, else a constant of the same shape (a batch norm
    // without affine parameters still needs ONNX's scale and bias inputs).
    public string WeightOrConstant(bool learned, string name, int channels, Fill fill) =>
        learned ? Weight(name, [channels], fill) : Writer.Floats(Node.Path, Enumerable.Repeat(fill == Fill.One ? 1f : 0f, channels).ToArray(), [channels]);

    // A per-sample axis as an ONNX axis (the batch is axis 0); a negative one counts from the end either way.
    public static long Axis(int axis) => axis < 0 ? axis : axis + 1L;
}

// Builds the GraphProto: nodes named in PyTorch's scopes, initializers named as a state dict, inputs
// and outputs with a symbolic or fixed batch.
internal sealed class ExportWriter(string name, OnnxExportOptions options)
{
    public const string InputName = "input";

    // The producer name the importer recognises as CnnArch's own naming.
    public const string Producer = "CnnArch";
    private const string OutputName = "output";

    // A protobuf message holds at most 2 GB; leave room for the graph itself.
    private const long MaxInlineBytes = 2_000_000_000;

    private readonly GraphProto _graph = new() { Name = name };
    private readonly Dictionary<string, int> _nodeNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _initializers = new(StringComparer.Ordinal);
    private long _inlineBytes;
    private long _externalOffset;

    public string Node(string path, string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var scope = Scope(path) + "/" + opType;
        var count = _nodeNames.TryGetValue(scope, out var seen) ? seen : 0;
        _nodeNames[scope] = count + 1;
        var nodeName = count == 0 ? scope : $"{scope}_{count}";
        var node = new NodeProto { Name = nodeName, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(nodeName + "_output_0");
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return node.Output[0];
    }

    // "layer1.0.conv1" as PyTorch's scopes: /layer1/layer1.0/conv1 (an index qualifies its container).
    public static string Scope(string path)
    {
        var parts = path.Split('.');
        var segments = new List<string>(parts.Length);
        foreach (var part in parts)
        {
            segments.Add(segments.Count > 0 && part.Length > 0 && part.All(char.IsAsciiDigit) ? $"{segments[^1]}.{part}" : part);
        }

        return "/" + string.Join('/', segments);
    }

    public string Weight(string weightName, long[] dims, Fill fill, long fanIn)
    {
        var tensor = Tensor(weightName, dims, TensorProto.Types.DataType.Float);
        var elements = dims.Aggregate(1L, (a, d) => checked(a * d));
        var bytes = checked(elements * sizeof(float));
        if (options.Weights == OnnxWeights.None && bytes >= 1024)
        {
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = name + ".onnx.data" });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = _externalOffset.ToString(CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = bytes.ToString(CultureInfo.InvariantCulture) });
            _externalOffset += bytes;
            return Add(tensor);
        }

        _inlineBytes += bytes;
        if (_inlineBytes > MaxInlineBytes)
        {
            throw new OnnxExportException($"Network '{name}' holds more than {MaxInlineBytes / 1e9:0} GB of weights, more than one ONNX file can hold inline; write it without weights (--weights none).");
        }

        var values = new float[elements];
        if (fill == Fill.One)
        {
            Array.Fill(values, 1f);
        }
        else if (fill == Fill.Random && options.Weights == OnnxWeights.Random)
        {
            var random = new Random(StableHash(weightName));
            var bound = 1 / Math.Sqrt(Math.Max(1, fanIn));
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(((random.NextDouble() * 2) - 1) * bound);
            }
        }

        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        return Add(tensor);
    }

    // An int64 constant; a second one of the same name (two layers at one path) gets _1, _2, as nodes do.
    public string Longs(string constantName, long[] values)
    {
        var unique = constantName;
        for (var i = 1; _initializers.Contains(unique); i++)
        {
            unique = $"{constantName}_{i}";
        }

        var tensor = Tensor(unique, [values.Length], TensorProto.Types.DataType.Int64);
        tensor.Int64Data.AddRange(values);
        return Add(tensor);
    }

    // A float constant (a clip bound, a dropout ratio, GELU's sqrt 2) is a Constant node, as PyTorch
    // writes it: an initializer would read as a learned parameter.
    public string Floats(string path, float[] values, long[]? dims = null)
    {
        var tensor = Tensor("value", dims ?? (values.Length == 1 ? [] : [values.Length]), TensorProto.Types.DataType.Float);
        tensor.FloatData.AddRange(values);
        return Node(path, "Constant", [], new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor });
    }

    public ModelProto Finish(TensorShape input, string output, TensorShape outputShape)
    {
        _graph.Input.Add(Value(InputName, input));
        _graph.Output.Add(Value(OutputName, outputShape));
        // The last node's output is the graph's output: rename it rather than add an Identity.
        foreach (var node in _graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = node.Input[i] == output ? OutputName : node.Input[i];
            }

            for (var i = 0; i < node.Output.Count; i++)
            {
                node.Output[i] = node.Output[i] == output ? OutputName : node.Output[i];
            }
        }

        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = Producer,
            ProducerVersion = typeof(ExportWriter).Assembly.GetName().Version?.ToString(3) ?? "0",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExportOptions.Opset });
        return model;
    }

    public static AttributeProto Int(string attribute, long value) => new() { Name = attribute, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string attribute, double value) => new() { Name = attribute, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    public static AttributeProto Text(string attribute, string value) => new() { Name = attribute, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string attribute, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = attribute, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Ints(string attribute, IEnumerable<int> values) => Ints(attribute, values.Select(v => (long)v));

    private ValueInfoProto Value(string valueName, TensorShape shape)
    {
        var tensorShape = new TensorShapeProto();
        tensorShape.Dim.Add(options.Batch is { } b ? new TensorShapeProto.Types.Dimension { DimValue = b } : new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var d in shape.Dims)
        {
            tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = valueName,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } },
        };
    }

    private static TensorProto Tensor(string tensorName, long[] dims, TensorProto.Types.DataType type)
    {
        var tensor = new TensorProto { Name = tensorName, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private string Add(TensorProto tensor)
    {
        if (!_initializers.Add(tensor.Name))
        {
            throw new OnnxExportException($"Two weights of network '{name}' are both named '{tensor.Name}': two layers share a path.");
        }

        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    // FNV-1a: the same seed for the same name on every run and platform (string.GetHashCode is randomised).
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return unchecked((int)hash);
    }
}

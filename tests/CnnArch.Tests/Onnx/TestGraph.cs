using CnnArch.Onnx;
using Google.Protobuf;
using Onnx;

namespace CnnArch.Tests.Onnx;

/// <summary>Builds small ONNX models in test code: an input, initializers, nodes, one output.</summary>
internal sealed class TestGraph
{
    private readonly GraphProto _graph = new() { Name = "test" };
    private readonly long _opset;

    public TestGraph(long[] input, long opset = 17, string inputName = "x")
    {
        _opset = opset;
        _graph.Input.Add(Info(inputName, input));
    }

    public static ValueInfoProto Info(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d >= 0 ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    /// <summary>A float weight whose values live in external data (only its dims are known), as the shared exports.</summary>
    public TestGraph Weight(string name, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.AddRange(dims);
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../../../../etc/never-opened.bin" });
        _graph.Initializer.Add(t);
        return this;
    }

    /// <summary>An int64 initializer stored inline (shapes, axes, pads).</summary>
    public TestGraph Ints(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = 7 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        _graph.Initializer.Add(t);
        return this;
    }

    /// <summary>An int64 initializer of any dims stored inline (a scalar index: dims []).</summary>
    public TestGraph IntTensor(string name, long[] dims, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = 7 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        _graph.Initializer.Add(t);
        return this;
    }

    /// <summary>A float initializer stored inline.</summary>
    public TestGraph Floats(string name, long[] dims, params float[] values)
    {
        var t = new TensorProto { Name = name, DataType = 1 };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        _graph.Initializer.Add(t);
        return this;
    }

    public TestGraph Node(string op, string[] inputs, string[] outputs, string? name = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name ?? $"/{op.ToLowerInvariant()}/{op}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return this;
    }

    public TestGraph Output(string name)
    {
        _graph.Output.Add(new ValueInfoProto { Name = name });
        return this;
    }

    public byte[] Bytes()
    {
        var model = new ModelProto { IrVersion = 8, Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _opset });
        return model.ToByteArray();
    }

    public OnnxImport Import(OnnxImportOptions? options = null) => OnnxImporter.Load(new MemoryStream(Bytes()), "test", options);

    public AnalysisReport Analyze(CostModel? convention = null) =>
        Analyzer.Analyze(Import().Network, new AnalysisOptions { Convention = convention ?? Conventions.TorchVision });

    public static AttributeProto Attr(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto List(string name, params long[] values) => Attr(name, values);

    public static AttributeProto TensorAttr(string name, TensorProto t) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = t };
}

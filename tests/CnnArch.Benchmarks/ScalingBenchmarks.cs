using BenchmarkDotNet.Attributes;
using CnnArch;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Layers;
using CnnArch.Memory;
using CnnArch.Onnx;
using CnnArch.Spec;
using Google.Protobuf;
using Onnx;

/// <summary>
/// Linear to 100,000 layers: a plain chain, a stack of residual blocks and a dense concatenation at
/// 1k, 10k and 100k nodes, through every stage a large network meets. Ten times the nodes should
/// cost about ten times the time.
/// </summary>
[MemoryDiagnoser]
public class ScalingBenchmarks
{
    private Network _network = null!;
    private string _spec = null!;
    private byte[] _onnx = null!;

    [Params(1_000, 10_000, 100_000)]
    public int Nodes { get; set; }

    [Params("chain", "residual", "dense")]
    public string Shape { get; set; } = "chain";

    [GlobalSetup]
    public void Setup()
    {
        _network = Shape switch
        {
            "residual" => Residual(Nodes),
            "dense" => Dense(Nodes),
            _ => Chain(Nodes),
        };
        _spec = SpecWriter.Write(_network);
        _onnx = ChainOnnx(Nodes);
    }

    [Benchmark]
    public AnalysisReport Analyze() => Analyzer.Analyze(_network);

    [Benchmark]
    public MemoryReport Memory() => MemoryAnalyzer.Analyze(_network);

    [Benchmark]
    public string WriteSpec() => SpecWriter.Write(_network);

    [Benchmark]
    public Network ReadSpec() => SpecReader.Parse(_spec);

    [Benchmark]
    public Network ImportOnnxChain() => OnnxImporter.Load(new MemoryStream(_onnx), "chain").Network;

    private static Network Chain(int n)
    {
        var b = new NetworkBuilder("chain");
        var x = b.Input;
        for (var i = 0; i < n; i++)
        {
            x = b.Add($"layers.{i}", i % 2 == 0 ? new Conv2d { OutChannels = 8, Padding = 1 } : new ReLU(), x);
        }

        return b.Build(x, TensorShape.Chw(8, 16, 16));
    }

    private static Network Residual(int n)
    {
        var b = new NetworkBuilder("residual");
        var x = b.Input;
        for (var i = 0; i < n / 4; i++)
        {
            x = b.Add($"blocks.{i}", new Residual { Body = new Sequential(new Conv2d { OutChannels = 8, Padding = 1 }, new ReLU(), new Conv2d { OutChannels = 8, Padding = 1 }) }, x);
        }

        return b.Build(x, TensorShape.Chw(8, 16, 16));
    }

    // Each step concatenates a new 1-channel map to everything before it, as DenseNet does.
    private static Network Dense(int n)
    {
        var b = new NetworkBuilder("dense");
        var x = b.Input;
        for (var i = 0; i < n / 2; i++)
        {
            var c = b.Add($"conv{i}", new Conv2d { OutChannels = 1, Kernel = 1 }, x);
            x = b.AddFunctional($"cat{i}", Concat.Instance, x, c);
        }

        return b.Build(x, TensorShape.Chw(1, 4, 4));
    }

    // The chain as a TorchScript-style export: one scope per layer, as /layers/layers.i/Relu.
    private static byte[] ChainOnnx(int n)
    {
        var g = new GraphProto { Name = "chain" };
        var shape = new TensorShapeProto();
        foreach (var d in new long[] { 1, 8, 16, 16 })
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        g.Input.Add(new ValueInfoProto { Name = "x", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } });
        var w = new TensorProto { Name = "w", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        w.Dims.AddRange([8, 8, 3, 3]);
        g.Initializer.Add(w);
        var x = "x";
        for (var i = 0; i < n; i++)
        {
            var conv = i % 2 == 0;
            var node = new NodeProto { OpType = conv ? "Conv" : "Relu", Name = $"/layers/layers.{i}/{(conv ? "Conv" : "Relu")}", Output = { $"v{i}" } };
            node.Input.Add(x);
            if (conv)
            {
                node.Input.Add("w");
                node.Attribute.Add(new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 1, 1, 1 } });
            }

            g.Node.Add(node);
            x = $"v{i}";
        }

        g.Output.Add(new ValueInfoProto { Name = x });
        var model = new ModelProto { IrVersion = 8, Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }
}

/// <summary>Latency prediction is analytic: ResNet-152 at batch 64 on the H200.</summary>
[MemoryDiagnoser]
public class LatencyBenchmarks
{
    private readonly Network _resnet152 = CnnArch.Presets.Catalog.Create("resnet152");

    [Benchmark]
    public CnnArch.Performance.LatencyReport PredictResNet152() =>
        CnnArch.Performance.LatencyModel.Predict(_resnet152, new CnnArch.Performance.LatencyOptions { Batch = 64, DataType = CnnArch.DataType.Bf16 });
}

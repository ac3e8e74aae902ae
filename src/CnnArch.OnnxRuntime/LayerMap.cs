using System.Collections.Immutable;
using System.Text.RegularExpressions;
using CnnArch.Graph;
using CnnArch.Onnx;
using Onnx;

namespace CnnArch.OnnxRuntime;

/// <summary>
/// Maps ONNX Runtime's kernels onto the layers CnnArch imports from the same file. A kernel is traced back to
/// a node of the file, and that node's layer path is the importer's (<see cref="OnnxImporter.LayerPath"/>:
/// <c>/layer1/layer1.0/conv1/Conv</c> is <c>layer1.0.conv1</c>). ONNX Runtime names its kernels (1.31, seen in
/// its profiles of torchvision and timm exports):
/// <list type="bullet">
/// <item>as the file's node, also when it fused others into it (<c>FusedConv</c> keeps its Conv's name; BatchNorm
/// folded into a Conv leaves the Conv's name);</item>
/// <item>the file's node and the fusion that made it (<c>/stage2/stage2.1/Slice_1/GatherSliceToSplitFusion</c>,
/// <c>.../MatMul/MatMulAddFusion</c> for a Gemm, <c>.../Mul/QuickGeluFusion/</c> for a Sigmoid and Mul);</item>
/// <item>on x64 at <see cref="OrtOptimization.All"/>, a node in the NCHWc layout after the tensor it computes with
/// <c>_nchwc</c> appended (<c>/relu/Relu_output_0_nchwc</c>, a Conv with the ReLU after it fused in; its
/// Conv is found by walking back from the tensor's producer through the activations and adds fused into it),
/// and a BatchNorm made a 1x1 Conv with <c>_bn_nchwc</c>;</item>
/// <item>a name of its own for a node it added (<c>ReorderInput</c>, <c>ReorderOutput_token_14</c>,
/// <c>gemm_input_reshape</c>) or for the nodes of an inlined function (<c>HardSigmoid_185</c>, <c>Mul_186</c>
/// from a HardSwish): these map onto no layer.</item>
/// </list>
/// </summary>
internal sealed partial class LayerMap
{
    // Operators ONNX Runtime fuses into the Conv (or Gemm) before them: walked through to find that Conv.
    private static readonly HashSet<string> Fusable = new(StringComparer.Ordinal)
    {
        "Relu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "LeakyRelu", "Tanh", "Mul", "Add", "Sum", "BatchNormalization",
    };

    private readonly Network? _network;
    private readonly HashSet<string> _paths;
    private readonly string _producerName;
    private readonly Dictionary<string, NodeProto> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeProto> _producer = new(StringComparer.Ordinal);

    private LayerMap(Network? network, string? error, GraphProto graph, string producer)
    {
        _network = network;
        Error = error;
        _producerName = producer;
        _paths = network is null ? [] : network.Nodes.Select(n => n.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            _byName.TryAdd(node.Name, node);
            foreach (var output in node.Output.Where(o => o.Length > 0))
            {
                _producer.TryAdd(output, node);
            }
        }
    }

    /// <summary>Why the file could not be imported; null when it was.</summary>
    public string? Error { get; }

    /// <summary>The layers of the model in <paramref name="onnx"/>, imported at the input it is fed.</summary>
    public static LayerMap Import(byte[] onnx, string name, PreparedModel model)
    {
        var fed = model.Inputs[0].Shape;
        try
        {
            var sample = fed.Length >= 2 && fed.Skip(1).All(d => d is >= 1 and <= int.MaxValue)
                ? TensorShape.Of([.. fed.Skip(1).Select(d => (int)d)])
                : (TensorShape?)null;
            using var stream = new MemoryStream(onnx, writable: false);
            return new LayerMap(OnnxImporter.Load(stream, name, new OnnxImportOptions { Input = sample }).Network, null, model.Graph, model.Producer);
        }
        catch (Exception ex) when (ex is FormatException or InvalidNetworkException or ArgumentException)
        {
            return new LayerMap(null, ex.Message, model.Graph, model.Producer);
        }
    }

    /// <summary>The layer path the kernel <paramref name="kernel"/> of operator <paramref name="opType"/> maps onto, or null.</summary>
    public string? LayerOf(string kernel, string opType)
    {
        if (Resolve(kernel, opType) is not { } node)
        {
            return null;
        }

        var path = OnnxImporter.LayerPath(node.Name, node.OpType, node.Output.FirstOrDefault() ?? string.Empty, _producerName);
        return _paths.Contains(path) ? path : null;
    }

    private NodeProto? Resolve(string kernel, string opType)
    {
        var name = Token().Replace(kernel, string.Empty);
        if (_byName.TryGetValue(name, out var node))
        {
            return node;
        }

        if (Fusion().Match(name) is { Success: true } fusion && _byName.TryGetValue(fusion.Groups["node"].Value, out node))
        {
            return node;
        }

        if (Nchwc().Match(name) is { Success: true } nchwc && _producer.TryGetValue(nchwc.Groups["tensor"].Value, out node))
        {
            return nchwc.Groups["bn"].Success ? node : Absorbing(node, opType);
        }

        return null;
    }

    /// <summary>
    /// The node of the kernel's own operator that absorbed <paramref name="last"/>: <paramref name="last"/> itself
    /// when it is of that operator, else the nearest such node up to three fusable nodes before it.
    /// </summary>
    private NodeProto Absorbing(NodeProto last, string opType)
    {
        var family = opType.StartsWith("Fused", StringComparison.Ordinal) ? opType["Fused".Length..] : opType;
        var frontier = new List<NodeProto> { last };
        for (var step = 0; step <= 3 && frontier.Count > 0; step++)
        {
            if (frontier.FirstOrDefault(n => n.OpType == family) is { } found)
            {
                return found;
            }

            frontier = [.. frontier.Where(n => Fusable.Contains(n.OpType))
                .SelectMany(n => n.Input)
                .Select(i => _producer.GetValueOrDefault(i))
                .OfType<NodeProto>()
                .Distinct()];
        }

        return last;
    }

    /// <summary>Every layer of the network in its order, with the summed time of the kernels mapped onto it.</summary>
    public ImmutableArray<OrtLayerTime> Layers(ImmutableArray<OrtNodeTime> nodes)
    {
        if (_network is null)
        {
            return [];
        }

        var byLayer = nodes.Where(n => n.Layer is not null).ToLookup(n => n.Layer!, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var layers = ImmutableArray.CreateBuilder<OrtLayerTime>();
        foreach (var node in _network.Nodes)
        {
            if (!seen.Add(node.Path))
            {
                continue;
            }

            var kernels = byLayer[node.Path].ToList();
            var fusedInto = kernels.Count == 0 ? RanBefore(node, byLayer) : null;
            layers.Add(new OrtLayerTime(node.Path, node.Layer.Kind, [.. kernels.Select(k => k.OpType).Distinct()], kernels.Sum(k => k.Milliseconds), fusedInto));
        }

        return layers.ToImmutable();
    }

    // The nearest layer before this one, along first inputs, that ran a kernel: the one ONNX Runtime fused it into.
    private string? RanBefore(Node node, ILookup<string, OrtNodeTime> byLayer)
    {
        for (var (t, step) = (node.Inputs.FirstOrDefault(Tensor.NetworkInput), 0); !t.IsNetworkInput && step < 16; step++)
        {
            var before = _network!.Nodes[t.Id];
            if (byLayer.Contains(before.Path))
            {
                return before.Path;
            }

            t = before.Inputs.FirstOrDefault(Tensor.NetworkInput);
        }

        return null;
    }

    [GeneratedRegex(@"_token_\d+$")]
    private static partial Regex Token();

    [GeneratedRegex(@"^(?<node>.+)/[A-Za-z0-9]+Fusion/?$")]
    private static partial Regex Fusion();

    [GeneratedRegex(@"^(?<tensor>.+?)(?<bn>_bn)?_nchwc$")]
    private static partial Regex Nchwc();
}

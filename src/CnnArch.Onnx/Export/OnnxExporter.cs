using CnnArch.Graph;
using Google.Protobuf;
using Onnx;

namespace CnnArch.Onnx;

/// <summary>How <see cref="OnnxExporter"/> fills the weights of the model it writes.</summary>
public enum OnnxWeights
{
    /// <summary>Every weight zero (a batch-norm variance one): the file runs and compresses well.</summary>
    Zeros,

    /// <summary>Deterministic uniform values in +-1/sqrt(fan-in) (PyTorch's default range), the same for the same network.</summary>
    Random,

    /// <summary>No values: each weight refers to external data that is not written, like a stripped export. Analyses read it; ONNX Runtime needs the values filled.</summary>
    None,
}

/// <summary>What <see cref="OnnxExporter"/> writes.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The ONNX operator set: 17, the only one written.</summary>
    public const int Opset = 17;

    /// <summary>How weights are filled; default zeros.</summary>
    public OnnxWeights Weights { get; init; } = OnnxWeights.Zeros;

    /// <summary>One sample's input; null for the network's own.</summary>
    public TensorShape? Input { get; init; }

    /// <summary>
    /// The batch the input declares; null (the default) leaves it symbolic (<c>batch</c>), so that one
    /// file runs at any batch.
    /// </summary>
    public int? Batch { get; init; }
}

/// <summary>A network ONNX cannot express as written: the message names the layer and why.</summary>
public sealed class OnnxExportException : Exception
{
    /// <summary>An exception with a message.</summary>
    public OnnxExportException()
    {
    }

    /// <summary>An exception with a message.</summary>
    public OnnxExportException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and its cause.</summary>
    public OnnxExportException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// Writes any network CnnArch describes as an ONNX model (opset 17) that ONNX Runtime runs and Netron
/// shows: one node (or a short fixed chain) per layer, named by the layer's path in the scopes
/// PyTorch's exporter writes (<c>layer1.0.conv1</c> is node <c>/layer1/layer1.0/conv1/Conv</c>), weights
/// named as in a PyTorch state dict (<c>layer1.0.conv1.weight</c>), batch norm as its own node. Importing
/// the file gives the network's parameters and multiply-adds again. Each kind's ONNX form is one entry
/// of <see cref="OnnxExporter.Expressible"/>'s table.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The model as ONNX protobuf bytes.</summary>
    /// <exception cref="OnnxExportException">A layer has no ONNX form; the message names it.</exception>
    /// <exception cref="InvalidNetworkException">The network does not fit its input.</exception>
    public static byte[] Export(Network network, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Build(network, options ?? new OnnxExportOptions()).ToByteArray();
    }

    /// <summary>Writes the model to <paramref name="path"/>; with <see cref="OnnxWeights.None"/> its initializers refer to <c>NAME.onnx.data</c>, which is not written.</summary>
    /// <exception cref="OnnxExportException">A layer has no ONNX form, or the weights exceed the 2 GB a protobuf file holds (write them with <see cref="OnnxWeights.None"/>).</exception>
    public static void Write(Network network, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(path);
        var model = Build(network, options ?? new OnnxExportOptions());
        using var stream = File.Create(path);
        model.WriteTo(stream);
    }

    /// <summary>Whether a layer kind has an ONNX form (a kind without one makes <see cref="Export"/> fail naming the layer).</summary>
    public static bool Expressible(Type layerType)
    {
        ArgumentNullException.ThrowIfNull(layerType);
        return Emitters.Find(layerType) is not null;
    }

    private static ModelProto Build(Network network, OnnxExportOptions options)
    {
        var input = options.Input ?? network.DefaultInput ?? throw new ArgumentException($"Network '{network.Name}' has no default input; give one in the options.", nameof(options));
        var shapes = Analysis.Analyzer.InferShapes(network, input);
        var writer = new ExportWriter(network.Name, options);
        var names = new string[network.Nodes.Length];
        string NameOf(Tensor t) => t.IsNetworkInput ? ExportWriter.InputName : names[t.Id];
        TensorShape ShapeOf(Tensor t) => t.IsNetworkInput ? input : shapes[t.Id];

        foreach (var node in network.Nodes)
        {
            var emit = Emitters.Find(node.Layer.GetType())
                ?? throw new OnnxExportException($"Layer '{node.Path}' ({node.Layer.Kind}) has no ONNX form in CnnArch's exporter.");
            var step = new ExportStep(writer, node, [.. node.Inputs.Select(NameOf)], [.. node.Inputs.Select(ShapeOf)], shapes[node.Index]);
            try
            {
                names[node.Index] = emit(step);
            }
            catch (NotSupportedException ex)
            {
                throw new OnnxExportException($"Layer '{node.Path}' ({node.Layer.Kind}): {ex.Message}", ex);
            }
        }

        return writer.Finish(input, names[network.Output.Id], shapes[network.Output.Id]);
    }
}

namespace CnnArch.Onnx;

public static partial class OnnxImporter
{
    /// <summary>
    /// The CnnArch layer path the import gives an ONNX node of this name and operator: the TorchScript
    /// exporter's <c>/layer1/layer1.0/conv1/Conv</c> is <c>layer1.0.conv1</c>, a functional operator in a
    /// scope (<c>/layer1/layer1.0/Add</c>) <c>layer1.0.add</c>; other names (<c>node_Conv_292</c>) are kept.
    /// A tool that sees the same nodes elsewhere (ONNX Runtime's profile) lines them up with a report this way.
    /// </summary>
    /// <param name="nodeName">The node's name in the file; an unnamed node is named after its first output, else its operator.</param>
    /// <param name="opType">The node's operator (<c>Conv</c>, <c>Add</c>).</param>
    /// <param name="firstOutput">The name of the node's first output, for an unnamed node.</param>
    /// <param name="producer">The file's producer_name: CnnArch's own exports (<c>CnnArch</c>) name scopes by the layers' paths exactly.</param>
    public static string LayerPath(string nodeName, string opType, string firstOutput = "", string producer = "")
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        ArgumentNullException.ThrowIfNull(opType);
        ArgumentNullException.ThrowIfNull(firstOutput);
        ArgumentNullException.ThrowIfNull(producer);
        return NodePaths.Of(nodeName, opType, firstOutput, producer == ExportWriter.Producer);
    }
}

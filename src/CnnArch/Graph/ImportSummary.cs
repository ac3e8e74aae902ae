using System.Collections.Immutable;

namespace CnnArch.Graph;

/// <summary>An operator an importer has no model of, kept in the graph as an uncounted <see cref="Layers.Opaque"/> node.</summary>
/// <param name="NodeName">The node's name in the file.</param>
/// <param name="OpType">The operator.</param>
/// <param name="Path">The node's path in the network.</param>
public sealed record UnknownOperator(string NodeName, string OpType, string Path);

/// <summary>
/// What importing a model file noticed, which a report prints under its table: the opset, the parameter
/// and buffer elements stored in the file (a shared tensor once), and the operators left uncounted.
/// </summary>
/// <param name="Format">The file's format (ONNX).</param>
/// <param name="Opset">The opset of the default domain.</param>
/// <param name="UniqueParameterElements">Parameter elements stored in the file, each tensor once.</param>
/// <param name="UniqueBufferElements">Buffer elements stored in the file, each tensor once.</param>
/// <param name="UnknownOperators">Operators with no model: their output assumed to have their input's shape, their cost uncounted.</param>
public sealed record ImportSummary(string Format, long Opset, long UniqueParameterElements, long UniqueBufferElements, ImmutableArray<UnknownOperator> UnknownOperators);

using System.Collections.Immutable;
using CnnArch.Graph;

namespace CnnArch.Onnx;

/// <summary>The result of importing an ONNX model.</summary>
public sealed record OnnxImport
{
    /// <summary>The network, ready for <see cref="Analysis.Analyzer"/> and <see cref="Memory.MemoryAnalyzer"/>.</summary>
    public required Network Network { get; init; }

    /// <summary>The opset of the default ONNX domain.</summary>
    public required long Opset { get; init; }

    /// <summary>Operators with no model: their output shape was assumed to be their first input's, and their cost is not counted.</summary>
    public required ImmutableArray<UnknownOperator> UnknownOperators { get; init; }

    /// <summary>
    /// Parameter elements stored in the file, each initializer counted once even when several layers
    /// share it (through <c>Identity</c>). The report's per-layer sum counts a shared tensor at every use.
    /// </summary>
    public required long UniqueParameterElements { get; init; }

    /// <summary>Buffer elements stored in the file (BatchNormalization's mean and variance), each counted once.</summary>
    public required long UniqueBufferElements { get; init; }

    /// <summary>What a report prints about the import: opset, stored elements, unknown operators.</summary>
    public ImportSummary Summary => new("ONNX", Opset, UniqueParameterElements, UniqueBufferElements, UnknownOperators);
}

/// <summary>A model file that cannot be imported: truncated or corrupt, a cycle, an absurd dimension. The message names the node or tensor.</summary>
public sealed class OnnxFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public OnnxFormatException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>How to import: the input size to infer shapes at, when the file's is symbolic or should be overridden.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>One sample's input (C x H x W); null takes the file's.</summary>
    public TensorShape? Input { get; init; }

    /// <summary>The most elements a folded constant may have (ConstantOfShape, Range); larger ones are not materialised. Default 1,048,576.</summary>
    public int MaxConstantElements { get; init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxConstantElements)); } = 1 << 20;
}

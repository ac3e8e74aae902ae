using System.Collections.Immutable;

namespace CnnArch.Analysis;

/// <summary>
/// How to analyse a network: input shape, batch size, element type and counting convention.
/// These belong to the analysis, not to the network, so one network serves every setting.
/// </summary>
public sealed record AnalysisOptions
{
    /// <summary>The default: the network's own input, batch 1, fp32, the lecture's convention.</summary>
    public static AnalysisOptions Default { get; } = new();

    /// <summary>One sample's input shape (C x H x W); null uses the network's default input.</summary>
    public TensorShape? Input { get; init; }

    /// <summary>Samples per batch; default 1. Multiplies activations and operations, not parameters.</summary>
    public int Batch { get; init => field = Guard.Positive(value, nameof(Batch)); } = 1;

    /// <summary>Element type of activations; default fp32 (4 bytes, as the lecture).</summary>
    public DataType DataType { get; init; } = DataType.Fp32;

    /// <summary>
    /// Paths of layers or blocks whose parameters are frozen (get no gradient): <c>layer1</c> freezes
    /// every layer under it. Trainable counts and the backward pass follow. Default none.
    /// </summary>
    public ImmutableArray<string> Frozen { get; init; } = [];

    /// <summary>The counting convention; default <see cref="Conventions.Lecture"/>.</summary>
    public CostModel Convention { get; init => field = value ?? throw new ArgumentNullException(nameof(Convention)); } = Conventions.Lecture;
}

using System.Collections.Immutable;

namespace CnnArch.Analysis;

/// <summary>
/// How to analyse a network: input shape, batch size, element type and counting convention.
/// These belong to the analysis, not to the network, so one network serves every setting.
/// </summary>
public sealed record AnalysisOptions : Workload
{
    /// <summary>The default: the network's own input, batch 1, fp32, the lecture's convention.</summary>
    public AnalysisOptions()
    {
    }

    /// <summary>The input, batch and data type of <paramref name="workload"/>, the rest default.</summary>
    public AnalysisOptions(Workload workload)
        : base(workload)
    {
    }

    /// <summary>The default: the network's own input, batch 1, fp32, the lecture's convention.</summary>
    public static AnalysisOptions Default { get; } = new();

    /// <summary>
    /// Paths of layers or blocks whose parameters are frozen (get no gradient): <c>layer1</c> freezes
    /// every layer under it. Trainable counts and the backward pass follow. Default none.
    /// </summary>
    public ImmutableArray<string> Frozen { get; init; } = [];

    /// <summary>The counting convention; default <see cref="Conventions.Lecture"/>.</summary>
    public CostModel Convention { get; init => field = value ?? throw new ArgumentNullException(nameof(Convention)); } = Conventions.Lecture;
}

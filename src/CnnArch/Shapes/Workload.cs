namespace CnnArch;

/// <summary>
/// What a network is run on, shared by every analysis: one sample's input, the batch, and the data type.
/// <see cref="Analysis.AnalysisOptions"/>, <see cref="Memory.MemoryOptions"/> and
/// <see cref="Performance.LatencyOptions"/> are workloads with what each adds, and each can be made
/// from any other's workload.
/// </summary>
public abstract record Workload
{
    /// <summary>The default: the network's own input, batch 1, fp32.</summary>
    protected Workload()
    {
    }

    /// <summary>The same input, batch and data type as <paramref name="workload"/>.</summary>
    protected Workload(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        Input = workload.Input;
        Batch = workload.Batch;
        DataType = workload.DataType;
    }

    /// <summary>One sample's input shape (C x H x W, or C x L, C x D x H x W); null uses the network's default input.</summary>
    public TensorShape? Input { get; init; }

    /// <summary>Samples per batch; default 1. Multiplies activations and operations, not parameters.</summary>
    public int Batch { get; init => field = Guard.Positive(value, nameof(Batch)); } = 1;

    /// <summary>The element type of activations and the precision of the math; default fp32 (4 bytes, as the lecture).</summary>
    public DataType DataType { get; init; } = DataType.Fp32;
}

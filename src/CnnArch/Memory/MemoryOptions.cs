namespace CnnArch.Memory;

/// <summary>The optimizer whose state training memory includes.</summary>
public enum Optimizer
{
    /// <summary>Plain SGD: no state.</summary>
    Sgd,

    /// <summary>SGD with momentum: one buffer per parameter.</summary>
    SgdMomentum,

    /// <summary>Adam: two buffers per parameter (first and second moments).</summary>
    Adam,

    /// <summary>AdamW: two buffers per parameter, as Adam.</summary>
    AdamW,
}

/// <summary>Names and state sizes of <see cref="Optimizer"/> values.</summary>
public static class Optimizers
{
    /// <summary>Buffers of parameter size the optimizer keeps: 0, 1 or 2.</summary>
    public static int StatePerParameter(this Optimizer optimizer) => optimizer switch
    {
        Optimizer.Sgd => 0,
        Optimizer.SgdMomentum => 1,
        Optimizer.Adam or Optimizer.AdamW => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer, "Unknown optimizer."),
    };

    /// <summary>The command-line name: sgd, sgd-momentum, adam, adamw.</summary>
    public static string Name(this Optimizer optimizer) => optimizer switch
    {
        Optimizer.SgdMomentum => "sgd-momentum",
        _ => optimizer.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses sgd, sgd-momentum, adam or adamw.</summary>
    /// <exception cref="FormatException">Unknown name; the message lists the valid ones.</exception>
    public static Optimizer Parse(string name)
    {
        foreach (var optimizer in Enum.GetValues<Optimizer>())
        {
            if (string.Equals(optimizer.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                return optimizer;
            }
        }

        throw new FormatException($"No optimizer named '{name}'. Known: sgd, sgd-momentum, adam, adamw.");
    }
}

/// <summary>How to estimate memory: input, batch, element types and optimizer.</summary>
/// <remarks>The workload's <see cref="Workload.DataType"/> is that of activations and their gradients.</remarks>
public sealed record MemoryOptions : Workload
{
    /// <summary>The default: the network's own input, batch 1, fp32 throughout, SGD with momentum.</summary>
    public MemoryOptions()
    {
    }

    /// <summary>The input, batch and data type of <paramref name="workload"/>, weights in the same type, the rest default.</summary>
    public MemoryOptions(Workload workload)
        : base(workload) => Weights = workload.DataType;

    /// <summary>Element type of weights, their gradients and optimizer state; default fp32 (mixed precision: fp32 weights, fp16 activations).</summary>
    public DataType Weights { get; init; } = DataType.Fp32;

    /// <summary>The optimizer whose state counts in training; default SGD with momentum.</summary>
    public Optimizer Optimizer { get; init; } = Optimizer.SgdMomentum;

    /// <summary>
    /// Paths of layers or blocks whose parameters are frozen: they get no gradient and no optimizer
    /// state, and layers that no gradient reaches save nothing for backward. Default none.
    /// </summary>
    public System.Collections.Immutable.ImmutableArray<string> Frozen { get; init; } = [];

    /// <summary>
    /// Round every allocation up to this many bytes, as PyTorch's CUDA caching allocator does (512);
    /// 1 counts exact tensor sizes. Default 512.
    /// </summary>
    public int AllocationGranularity { get; init => field = Guard.Positive(value, nameof(AllocationGranularity)); } = 512;
}

namespace CnnArch.OnnxRuntime;

/// <summary>How much of its graph ONNX Runtime rewrites before it runs it (its <c>GraphOptimizationLevel</c>).</summary>
public enum OrtOptimization
{
    /// <summary>No rewriting (<c>ORT_DISABLE_ALL</c>): every ONNX node runs as its own kernel, named as in the file.</summary>
    None,

    /// <summary>Semantics-preserving rewrites (<c>ORT_ENABLE_BASIC</c>): constant folding, BatchNormalization folded into the Conv before it, redundant nodes removed.</summary>
    Basic,

    /// <summary>Every rewrite (<c>ORT_ENABLE_ALL</c>, ONNX Runtime's default): also Conv+activation fused into <c>FusedConv</c>, Conv+Add+Relu, layout changes (NCHWc).</summary>
    All,
}

/// <summary>How <see cref="OrtRunner"/> measures a model. Every value is checked when set.</summary>
public sealed record OrtMeasureOptions
{
    /// <summary>Samples per batch, fed as the input's first dimension; at least 1. Default 1.</summary>
    public int Batch { get; init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Batch), value, "The batch is at least 1."); } = 1;

    /// <summary>ONNX Runtime's intra-op threads; 0 (the default) is one per logical processor.</summary>
    public int Threads { get; init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Threads), value, "Threads is 0 (one per logical processor) or more."); }

    /// <summary>Timed runs; at least 1. Default 10.</summary>
    public int Runs { get; init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Runs), value, "At least one run is timed."); } = 10;

    /// <summary>
    /// Keep timing past <see cref="Runs"/> until the timed runs add up to this many milliseconds (at most
    /// 10,000 runs): a model of a millisecond gets hundreds of runs and its fastest one is stable, where three
    /// runs on a busy machine may all be slowed. 0 or more; default 0, exactly <see cref="Runs"/>.
    /// </summary>
    public double MinimumMilliseconds { get; init => field = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(MinimumMilliseconds), value, "The minimum time is 0 or more milliseconds."); }

    /// <summary>
    /// Runs before the timed ones, not counted; 0 or more. Default 3: ONNX Runtime's first two runs grow its
    /// memory arena and fault in fresh pages, and ran 2-3x slower than the rest on the machine the defaults
    /// were set on (densenet121: 55, 50, 27, then 22-24 ms).
    /// </summary>
    public int Warmup { get; init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Warmup), value, "Warmup is 0 or more runs."); } = 3;

    /// <summary>How much ONNX Runtime rewrites the graph. Default <see cref="OrtOptimization.All"/>, as ONNX Runtime.</summary>
    public OrtOptimization Optimization { get; init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Optimization), value, "Not an optimization level."); } = OrtOptimization.All;

    /// <summary>
    /// Whether ONNX Runtime's profiler records each node's time (<see cref="OrtMeasurement.Nodes"/> and
    /// <see cref="OrtMeasurement.Layers"/>); the timed runs then include the profiler's own small cost. Default true.
    /// </summary>
    public bool Profile { get; init; } = true;

    /// <summary>The seed of the input's pseudo-random values (uniform in [-1, 1)): the same seed feeds the same input. Default 0.</summary>
    public int Seed { get; init; }
}

/// <summary>ONNX Runtime's levels and the latency model's <see cref="Performance.CpuOptimization"/>: one level each, mapped here only.</summary>
public static class OrtOptimizations
{
    /// <summary>The fusion rules the latency model applies at this level.</summary>
    public static Performance.CpuOptimization ToCpu(this OrtOptimization level) => level switch
    {
        OrtOptimization.None => Performance.CpuOptimization.None,
        OrtOptimization.Basic => Performance.CpuOptimization.Basic,
        _ => Performance.CpuOptimization.All,
    };

    /// <summary>The level ONNX Runtime runs at for a profile calibrated with these fusion rules.</summary>
    public static OrtOptimization ToOrt(this Performance.CpuOptimization level) => level switch
    {
        Performance.CpuOptimization.None => OrtOptimization.None,
        Performance.CpuOptimization.Basic => OrtOptimization.Basic,
        _ => OrtOptimization.All,
    };
}

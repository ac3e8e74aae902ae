using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Performance;

/// <summary>What ONNX Runtime's graph optimisations fuse on the CPU, by level (its <c>GraphOptimizationLevel</c>).</summary>
public enum CpuOptimization
{
    /// <summary>Nothing fused: every layer is a kernel.</summary>
    None,

    /// <summary>Constant folding and batch norm folded into the convolution before it.</summary>
    Basic,

    /// <summary>
    /// Also an activation (ReLU, clip, leaky ReLU, sigmoid, hard sigmoid, tanh) and a residual addition
    /// fused into the convolution before them (ORT's FusedConv and NCHWc convolution with a sum input),
    /// as deployment runs.
    /// </summary>
    All,
}

/// <summary>
/// What makes a profile a CPU's: the processor, the threads it ran with, its last-level cache and the
/// bandwidth measured from it, and the runtime and optimisation level the profile was calibrated with.
/// A profile with these facts is predicted with the CPU rules (docs/latency.md): no host issue cost and
/// no wave quantisation; a layer whose working set fits the last-level cache moves its bytes at the
/// cache's bandwidth; layers the runtime fuses into a convolution take no time of their own.
/// </summary>
public sealed record CpuFacts
{
    /// <summary>The processor's name as the operating system reports it.</summary>
    public required string Model { get; init; }

    /// <summary>Logical processors the machine has.</summary>
    public required int LogicalProcessors { get; init; }

    /// <summary>Threads the runtime ran each operator with (its intra-op threads).</summary>
    public required int Threads { get; init; }

    /// <summary>The largest working set (bytes read and written) that still moves at the cache's bandwidth: the knee of the measured bandwidth curve, in effect the last-level cache.</summary>
    public required long LastLevelCacheBytes { get; init; }

    /// <summary>Bandwidth of a working set that fits the last-level cache, GB/s (10^9 bytes), measured.</summary>
    public required double CacheBandwidthGBps { get; init; }

    /// <summary>The runtime that was measured, with its version and execution provider.</summary>
    public required string Runtime { get; init; }

    /// <summary>The graph optimisation level the runtime ran at, which decides what is fused.</summary>
    public required CpuOptimization Optimization { get; init; }
}

/// <summary>
/// Which layers the CPU runtime fuses into the convolution that produces their input, so that they take
/// no time of their own: a chain conv -> batch norm -> residual add -> activation, each link fused when
/// the level allows it and the tensor it reads has no other reader.
/// </summary>
internal static class CpuFusion
{
    // The stages of an open epilogue, in the order ORT fuses them.
    private const int Norm = 1, Sum = 2, Activation = 3;

    public static bool[] Absorbed(Network network, CpuOptimization level)
    {
        var absorbed = new bool[network.Nodes.Length];
        if (level == CpuOptimization.None)
        {
            return absorbed;
        }

        var readers = new int[network.Nodes.Length];
        foreach (var node in network.Nodes)
        {
            foreach (var t in node.Inputs.Where(t => !t.IsNetworkInput))
            {
                readers[t.Id]++;
            }
        }

        // The stage reached by the open epilogue ending at each node; -1 when none is open.
        var stage = new int[network.Nodes.Length];
        foreach (var node in network.Nodes)
        {
            var layer = node.Layer;
            stage[node.Index] = layer is Convolution ? 0 : -1;
            var want = layer switch
            {
                BatchNorm => Norm,
                Add when level == CpuOptimization.All => Sum,
                ReLU or ReLU6 or Clip or LeakyReLU or Sigmoid or HardSigmoid or Tanh when level == CpuOptimization.All => Activation,
                _ => 0,
            };
            if (want == 0)
            {
                continue;
            }

            foreach (var t in node.Inputs)
            {
                if (!t.IsNetworkInput && readers[t.Id] == 1 && stage[t.Id] >= 0 && stage[t.Id] < want)
                {
                    absorbed[node.Index] = true;
                    stage[node.Index] = want;
                    break;
                }
            }
        }

        return absorbed;
    }
}

using System.Collections.Immutable;
using System.Text.Json.Serialization;
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

    /// <summary>
    /// The measured bandwidth against the working set (bytes read plus written by one element-wise pass),
    /// smallest first: a layer moves its bytes at the bandwidth of its working set, interpolated between the
    /// points on a log scale (the L2 cache's rate for a small layer, the last-level cache's, then DRAM's).
    /// Empty: the cache's bandwidth up to <see cref="LastLevelCacheBytes"/>, DRAM's above.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<BandwidthPoint> BandwidthCurve { get; init; }

    /// <summary>
    /// The channel block of the runtime's blocked layout on this processor (ONNX Runtime's NCHWc: 16 channels
    /// with AVX-512, 8 with AVX2), which its fast 2-D convolutions and pools need; null where it has none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ChannelBlock { get; init; }

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

/// <summary>One point of a measured bandwidth curve: a working set in bytes and the rate it moved at, GB/s (10^9 bytes).</summary>
public sealed record BandwidthPoint(long Bytes, [property: JsonPropertyName("gbps")] double GBps);

/// <summary>The bandwidth a CPU moves a working set at (<see cref="CpuFacts.BandwidthCurve"/>).</summary>
internal static class CpuBandwidth
{
    /// <summary>GB/s for <paramref name="bytes"/> of working set; <paramref name="dramGBps"/> when no curve was measured and the set overflows the cache.</summary>
    public static double At(CpuFacts cpu, double bytes, double dramGBps)
    {
        var curve = cpu.BandwidthCurve;
        if (curve.IsDefaultOrEmpty)
        {
            return bytes <= cpu.LastLevelCacheBytes ? cpu.CacheBandwidthGBps : dramGBps;
        }

        if (bytes <= curve[0].Bytes)
        {
            return curve[0].GBps;
        }

        for (var i = 1; i < curve.Length; i++)
        {
            if (bytes <= curve[i].Bytes)
            {
                var t = Math.Log(bytes / curve[i - 1].Bytes) / Math.Log((double)curve[i].Bytes / curve[i - 1].Bytes);
                return Math.Exp(Math.Log(curve[i - 1].GBps) + (t * Math.Log(curve[i].GBps / curve[i - 1].GBps)));
            }
        }

        return Math.Min(curve[^1].GBps, dramGBps);
    }
}

/// <summary>
/// Which layers ONNX Runtime runs in its blocked channel layout (NCHWc), whose 2-D convolutions are its
/// fastest: a 2-D convolution whose output channels are a multiple of the block, with input channels
/// fewer than the block (a stem reads the plain layout) or a multiple of it; a depthwise one; a grouped
/// one whose input and output channels per group are multiples of the block. Other convolutions (1-D,
/// 3-D, transposed, channels off the block) unfold their input and run a matrix product.
/// </summary>
internal static class CpuLayout
{
    public static bool Blocked(Layer layer, TensorShape input, int block)
    {
        if (layer is not Conv2d { Stacked: false } conv || input.Rank != 3 || conv.OutChannels % block != 0)
        {
            return false;
        }

        var inputs = input.Channels;
        if (conv.Groups == 1)
        {
            return inputs < block || inputs % block == 0;
        }

        var depthwise = inputs == conv.Groups && conv.OutChannels == conv.Groups;
        return depthwise || ((inputs / conv.Groups) % block == 0 && (conv.OutChannels / conv.Groups) % block == 0);
    }
}

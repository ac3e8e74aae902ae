using System.Collections.Immutable;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Analysis;

/// <summary>The backward count of a layer by its kind's <see cref="BackwardRule"/>, and frozen-path matching.</summary>
public static class Backward
{
    /// <summary>
    /// The backward count of one layer: <paramref name="forward"/> is its forward count,
    /// <paramref name="inputsNeedingGradient"/> how many distinct inputs need a gradient (the network's
    /// input never does), <paramref name="trainable"/> whether its parameters get one.
    /// </summary>
    public static long Count(BackwardRule rule, long forward, int inputsNeedingGradient, bool trainable) => rule switch
    {
        BackwardRule.PassThrough => 0,
        BackwardRule.InputGradient => inputsNeedingGradient > 0 ? forward : 0,
        BackwardRule.PerInput => checked(forward * inputsNeedingGradient),
        BackwardRule.Weighted => checked((inputsNeedingGradient > 0 ? forward : 0) + (trainable ? forward : 0)),
        BackwardRule.TwiceForward => inputsNeedingGradient > 0 ? checked(2 * forward) : 0,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown backward rule."),
    };

    /// <summary>True when <paramref name="path"/> is <paramref name="prefix"/> or lies under it (<c>layer1</c> covers <c>layer1.0.conv1</c>, not <c>layer10</c>).</summary>
    public static bool Covers(string prefix, string path)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(path);
        return path.Length == prefix.Length ? path == prefix
            : path.Length > prefix.Length && path[prefix.Length] == '.' && path.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>Which nodes of <paramref name="network"/> the frozen prefixes cover.</summary>
    /// <exception cref="ArgumentException">A prefix covers no node; the message names it and the top-level names.</exception>
    public static bool[] FrozenNodes(Network network, ImmutableArray<string> prefixes)
    {
        ArgumentNullException.ThrowIfNull(network);
        var frozen = new bool[network.Nodes.Length];
        if (prefixes.IsDefaultOrEmpty)
        {
            return frozen;
        }

        foreach (var prefix in prefixes)
        {
            var any = false;
            foreach (var node in network.Nodes)
            {
                if (Covers(prefix, node.Path))
                {
                    frozen[node.Index] = any = true;
                }
            }

            if (!any)
            {
                var tops = network.Nodes.Select(n => n.Path.Split('.')[0]).Where(p => p.Length > 0).Distinct().Take(12);
                throw new ArgumentException($"Frozen path '{prefix}' is no layer or block of {network.Name}; its top-level names are {string.Join(", ", tops)}.", nameof(prefixes));
            }
        }

        return frozen;
    }
}

/// <summary>
/// What one training step costs: the forward pass, the backward pass (gradients of the inputs and
/// of the trainable weights), and their sum, for the batch; auxiliary heads included, since they run
/// in training. Costs are linear in the batch, so an epoch is exact for any dataset size.
/// </summary>
/// <param name="Batch">Samples per step.</param>
/// <param name="ForwardMacs">Forward multiply-adds of the step.</param>
/// <param name="ForwardFlops">Forward FLOPs of the step.</param>
/// <param name="BackwardMacs">Backward multiply-adds of the step.</param>
/// <param name="BackwardFlops">Backward FLOPs of the step.</param>
public sealed record TrainingCompute(int Batch, long ForwardMacs, long ForwardFlops, long BackwardMacs, long BackwardFlops)
{
    /// <summary>Forward + backward multiply-adds per step.</summary>
    public long StepMacs => checked(ForwardMacs + BackwardMacs);

    /// <summary>Forward + backward FLOPs per step.</summary>
    public long StepFlops => checked(ForwardFlops + BackwardFlops);

    /// <summary>Multiply-adds of one pass over <paramref name="samples"/> samples (the last batch may be partial).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Samples not positive, or the count does not fit 64 bits.</exception>
    public long EpochMacs(long samples) => Epoch(StepMacs, samples);

    /// <summary>FLOPs of one pass over <paramref name="samples"/> samples.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Samples not positive, or the count does not fit 64 bits.</exception>
    public long EpochFlops(long samples) => Epoch(StepFlops, samples);

    // Every count is the batch times a per-sample count, so the division is exact.
    private long Epoch(long step, long samples)
    {
        Guard.Positive(samples, nameof(samples));
        try
        {
            return checked(step / Batch * samples);
        }
        catch (OverflowException)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), $"One epoch of {samples} samples costs more than 2^63 - 1 operations, the most cnnarch counts; give fewer samples.");
        }
    }
}

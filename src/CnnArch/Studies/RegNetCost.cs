using CnnArch.Presets;

namespace CnnArch.Studies;

/// <summary>The costs the search's fast path computes without building a network.</summary>
/// <param name="Parameters">Learnable parameters.</param>
/// <param name="Macs">Multiply-adds, torchvision's convention (conv and linear, bias not counted).</param>
/// <param name="ActivationBytes">The sum of every layer's fp32 output, batch 1, as <see cref="Analysis.Totals.ActivationBytes"/>.</param>
public readonly record struct FastCost(long Parameters, long Macs, long ActivationBytes);

/// <summary>
/// RegNet's costs in closed form, block by block, equal to what <see cref="RegNets.Build"/> and the
/// analyzer count (torchvision convention), for the search's cost-only path: no network, no report.
/// </summary>
public static class RegNetCost
{
    /// <summary>The costs of the RegNet <paramref name="p"/> generates at <paramref name="resolution"/> x <paramref name="resolution"/>, 1000 classes.</summary>
    public static FastCost Compute(RegNetParameters p, int resolution = 224)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        Span<int> widths = stackalloc int[p.Depth];
        Span<int> blocks = stackalloc int[p.Depth];
        Span<int> groups = stackalloc int[p.Depth];
        var stages = p.StagesInto(widths, blocks, groups);
        checked
        {
            long h = ((resolution - 1) / 2) + 1;
            long hw = h * h;
            const long stem = 32;

            // Stem: conv 3x3 (27 x 32 weights), BN (2 x 32), ReLU.
            long parameters = (27 * stem) + (2 * stem);
            long macs = 27 * stem * hw;
            long elements = 3 * stem * hw;
            long current = stem;
            for (var s = 0; s < stages; s++)
            {
                long w = widths[s];
                long wb = (long)Math.Round(w * p.BottleneckRatio, MidpointRounding.ToEven);
                long perGroup = groups[s];
                for (var i = 0; i < blocks[s]; i++)
                {
                    var win = i == 0 ? current : w;
                    var hwIn = hw;
                    if (i == 0)
                    {
                        h = ((h - 1) / 2) + 1;
                        hw = h * h;
                    }

                    if (i == 0)
                    {
                        // Projection: 1x1 stride 2 conv + BN (every stage's first block changes the shape).
                        parameters += (win * w) + (2 * w);
                        macs += win * w * hw;
                        elements += 2 * w * hw;
                    }

                    var (blockParameters, blockMacs, blockElements) = Block(win, w, wb, perGroup, hwIn, hw, p.SeRatio);
                    parameters += blockParameters;
                    macs += blockMacs;
                    elements += blockElements;
                }

                current = w;
            }

            // Head: average pool, flatten, fc.
            parameters += (current * 1000) + 1000;
            macs += current * 1000;
            elements += current + current + 1000;
            return new FastCost(parameters, macs, elements * 4);
        }
    }

    // One block past its projection: a: 1x1 win -> wb at the input resolution; b: grouped 3x3 (stride in
    // the first block); c: 1x1 wb -> w; and squeeze-excitation when the ratio is above 0.
    private static (long Parameters, long Macs, long Elements) Block(long win, long w, long wb, long perGroup, long hwIn, long hw, double seRatio)
    {
        checked
        {
            var parameters = (win * wb) + (2 * wb) + (9 * wb * perGroup) + (2 * wb) + (wb * w) + (2 * w);
            var macs = (win * wb * hwIn) + (9 * wb * perGroup * hw) + (wb * w * hw);
            var elements = (3 * wb * hwIn) + (3 * wb * hw) + (2 * w * hw) + (2 * w * hw);
            if (seRatio > 0)
            {
                long se = (long)Math.Round(seRatio * win, MidpointRounding.ToEven);
                parameters += (wb * se) + se + (se * wb) + wb;
                macs += 2 * wb * se;
                elements += wb + se + se + wb + wb + (wb * hw);
            }

            return (parameters, macs, elements);
        }
    }
}

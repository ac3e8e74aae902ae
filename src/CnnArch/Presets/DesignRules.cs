using MathNet.Numerics.RootFinding;

namespace CnnArch.Presets;

/// <summary>The lecture's design arithmetic, for choosing widths at equal cost.</summary>
public static class DesignRules
{
    /// <summary>
    /// The width c of each of <paramref name="cardinality"/> ResNeXt branches (1x1 from 4C to c, 3x3 c to c,
    /// 1x1 c to 4C) whose block costs what a bottleneck of <paramref name="channels"/> = C costs: the positive
    /// root of 9Gc^2 + 8GCc - 17C^2 = 0 (the block is (8Cc + 9c^2) x HW x G multiply-adds against 17HWC^2).
    /// C = 64 gives 40, 24, 14 and 4 (rounded) for G = 2, 4, 8 and 32, the lecture's table.
    /// </summary>
    public static double ResNeXtWidth(int channels, int cardinality)
    {
        double c = Guard.Positive(channels, nameof(channels));
        double g = Guard.Positive(cardinality, nameof(cardinality));
        double Cost(double width) => (9 * g * width * width) + (8 * g * c * width) - (17 * c * c);

        // The cost is negative at 0 and positive at C (17C^2 > 0 is outgrown): one root between, found by Brent's method.
        return Brent.FindRoot(Cost, 0, c * 2, 1e-9);
    }
}

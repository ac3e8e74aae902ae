using MathNet.Numerics.RootFinding;

namespace CnnArch.Studies;

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

    /// <summary>
    /// The x in [<paramref name="lowerBound"/>, <paramref name="upperBound"/>] where <paramref name="cost"/>(x) equals
    /// <paramref name="target"/>, by Brent's method (bisection when the cost is a step function Brent cannot close on).
    /// The cost must be below the target at one bound and above it at the other.
    /// </summary>
    /// <exception cref="ArgumentException">The bounds do not bracket the target.</exception>
    public static double EqualCost(Func<double, double> cost, double target, double lowerBound, double upperBound)
    {
        ArgumentNullException.ThrowIfNull(cost);
        var scale = Math.Max(1, Math.Abs(target));
        double F(double x) => (cost(x) - target) / scale;
        var (fLo, fHi) = (F(lowerBound), F(upperBound));
        if (fLo == 0)
        {
            return lowerBound;
        }

        if (fHi == 0)
        {
            return upperBound;
        }

        if (Math.Sign(fLo) == Math.Sign(fHi))
        {
            throw new ArgumentException($"The cost does not cross {target:G6} between {lowerBound:G6} ({cost(lowerBound):G6}) and {upperBound:G6} ({cost(upperBound):G6}).");
        }

        var accuracy = 1e-9 * Math.Max(1, Math.Abs(upperBound - lowerBound));
        return Brent.TryFindRoot(F, lowerBound, upperBound, accuracy, 200, out var root)
            ? root
            : Bisection.FindRoot(F, lowerBound, upperBound, accuracy, 200);
    }
}

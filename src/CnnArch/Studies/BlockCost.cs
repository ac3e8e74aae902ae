using System.Collections.Immutable;
using System.Globalization;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Layers;
using MathNet.Numerics.LinearAlgebra;

namespace CnnArch.Studies;

/// <summary>One term of a block's cost: <c>Coefficient x C^CPower x (HW)^HwPower</c>.</summary>
/// <param name="CPower">Power of the width C.</param>
/// <param name="HwPower">Power of the map size H x W.</param>
/// <param name="Coefficient">The coefficient.</param>
public sealed record Monomial(int CPower, int HwPower, double Coefficient);

/// <summary>A cost as a polynomial in a block's width C and its map size H x W.</summary>
/// <param name="Terms">The non-zero terms, highest power of C first.</param>
/// <param name="IsExact">Whether the polynomial reproduced the exact cost at sizes it was not fitted on.</param>
public sealed record CostPolynomial(ImmutableArray<Monomial> Terms, bool IsExact)
{
    /// <summary>The polynomial's value at width <paramref name="c"/> and map size <paramref name="hw"/>.</summary>
    public double Evaluate(double c, double hw) => Terms.Sum(t => t.Coefficient * Math.Pow(c, t.CPower) * Math.Pow(hw, t.HwPower));

    /// <summary>The coefficient of C^<paramref name="cPower"/> (HW)^<paramref name="hwPower"/>; 0 when absent.</summary>
    public double Coefficient(int cPower, int hwPower) => Terms.FirstOrDefault(t => t.CPower == cPower && t.HwPower == hwPower)?.Coefficient ?? 0;

    /// <summary>The lecture's notation: <c>(9C + C^2)HW</c>, <c>18C^2HW</c>, <c>18C^2 + 4C</c>.</summary>
    public override string ToString()
    {
        if (Terms.IsEmpty)
        {
            return "0";
        }

        var parts = new List<string>();
        foreach (var group in Terms.GroupBy(t => t.HwPower).OrderByDescending(g => g.Key))
        {
            var inner = string.Join(" + ", group.OrderBy(t => t.CPower).Select(t => Term(t.Coefficient, t.CPower)));
            var hw = group.Key switch { 0 => string.Empty, 1 => "HW", _ => $"(HW)^{group.Key}" };
            parts.Add(group.Count() > 1 && hw.Length > 0 ? $"({inner}){hw}" : inner + hw);
        }

        return string.Join(" + ", parts);
    }

    private static string Term(double coefficient, int power)
    {
        var c = coefficient.ToString("0.###", CultureInfo.InvariantCulture);
        var x = power switch { 0 => string.Empty, 1 => "C", _ => $"C^{power}" };
        return power == 0 ? c : (c == "1" ? x : c + x);
    }
}

/// <summary>A block to cost: its name, what it is, the input channels it takes at width C, and its layers at width C.</summary>
/// <param name="Name">The command-line name.</param>
/// <param name="Description">One line.</param>
/// <param name="InputChannels">Input channels at width C (4C for a bottleneck).</param>
/// <param name="Build">The block at width C.</param>
public sealed record BlockDefinition(string Name, string Description, Func<int, int> InputChannels, Func<int, Module> Build);

/// <summary>
/// The cost of a block as a polynomial in its width C and map size H x W, derived by building and
/// counting the block at several sizes and solving for the coefficients (least squares over the
/// monomials C^i (HW)^j, i &lt;= 2, j &lt;= 1, then rounded and checked at fresh sizes): the lecture's
/// 25C^2HW, 18C^2HW, 17HWC^2 and (9C + C^2)HW come out of the counts, not from hand-written formulas.
/// </summary>
public static class BlockCosts
{
    private static Conv2d Conv(int outChannels, int kernel, int groups = 1) =>
        new() { OutChannels = outChannels, Kernel = kernel, Padding = kernel / 2, Groups = groups, HasBias = false };

    /// <summary>The built-in blocks.</summary>
    public static ImmutableArray<BlockDefinition> Known { get; } =
    [
        new("conv3x3", "One 3x3 conv, C to C", c => c, c => Conv(c, 3)),
        new("conv5x5", "One 5x5 conv, C to C (the receptive field of two 3x3s)", c => c, c => Conv(c, 5)),
        new("two3x3", "Two stacked 3x3 convs, C to C (VGG's replacement for a 5x5)", c => c, c => new Sequential(Conv(c, 3), Conv(c, 3))),
        new("basic", "ResNet basic block: two 3x3 convs with BN and ReLU, identity shortcut", c => c, c => new Residual
        {
            Body = new Sequential(Conv(c, 3), new BatchNorm2d(), new ReLU(), Conv(c, 3), new BatchNorm2d()),
            After = new Sequential(new ReLU()),
        }),
        new("bottleneck", "ResNet bottleneck: 1x1 4C to C, 3x3 C to C, 1x1 C to 4C, identity shortcut", c => 4 * c, c => new Residual
        {
            Body = new Sequential(Conv(c, 1), new BatchNorm2d(), new ReLU(), Conv(c, 3), new BatchNorm2d(), new ReLU(), Conv(4 * c, 1), new BatchNorm2d()),
            After = new Sequential(new ReLU()),
        }),
        new("depthwise_separable", "MobileNet's depthwise 3x3 then pointwise 1x1, C to C", c => c, c => new Sequential(Conv(c, 3, groups: c), Conv(c, 1))),
        new("inverted_residual", "MobileNetV2 block, expansion 6: 1x1 C to 6C, depthwise 3x3, 1x1 6C to C, identity shortcut", c => c, c => new Residual
        {
            Body = new Sequential(Conv(6 * c, 1), new BatchNorm2d(), new ReLU6(), Conv(6 * c, 3, groups: 6 * c), new BatchNorm2d(), new ReLU6(), Conv(c, 1), new BatchNorm2d()),
        }),
    ];

    /// <summary>The built-in block named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such block; the message lists them.</exception>
    public static BlockDefinition Get(string name) =>
        Known.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No block named '{name}'. Known: {string.Join(", ", Known.Select(b => b.Name))}.", nameof(name));

    /// <summary>The block's <paramref name="cost"/> as a polynomial in C and HW, fitted to exact counts.</summary>
    public static CostPolynomial Fit(BlockDefinition block, DesignCost cost, CostModel? convention = null)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(cost);
        double Exact(int c, int side) => cost.Measure(
            Network.Create(block.Name, block.Build(c), TensorShape.Chw(block.InputChannels(c), side, side)), null, convention);

        (int C, int H)[] samples = [(8, 4), (16, 4), (24, 4), (32, 4), (8, 6), (16, 6), (24, 6), (32, 6), (8, 8), (40, 8)];
        (int I, int J)[] powers = [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1)];
        var a = Matrix<double>.Build.Dense(samples.Length, powers.Length, (r, k) => Math.Pow(samples[r].C, powers[k].I) * Math.Pow(samples[r].H * samples[r].H, powers[k].J));
        var b = Vector<double>.Build.Dense(samples.Length, r => Exact(samples[r].C, samples[r].H));
        var x = a.Solve(b);
        var terms = powers.Select((p, k) => new Monomial(p.I, p.J, Math.Round(x[k] * 1000) / 1000))
            .Where(t => t.Coefficient != 0)
            .OrderByDescending(t => t.HwPower).ThenByDescending(t => t.CPower)
            .ToImmutableArray();
        var polynomial = new CostPolynomial(terms, true);
        var exact = new[] { (48, 10), (64, 14), (12, 7) }.All(s => Math.Abs(polynomial.Evaluate(s.Item1, s.Item2 * s.Item2) - Exact(s.Item1, s.Item2)) < 0.5);
        return polynomial with { IsExact = exact };
    }
}

using System.Collections.Immutable;
using System.Globalization;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Presets;

namespace CnnArch.Studies;

/// <summary>One value of the varied parameter with its exact cost.</summary>
/// <param name="Value">The parameter's value.</param>
/// <param name="Cost">The network's exact cost there.</param>
/// <param name="Ratio">Cost over the target.</param>
public sealed record SolvedPoint(double Value, long Cost, double Ratio);

/// <summary>Where a preset parameter makes a cost equal a target.</summary>
/// <param name="Preset">The preset varied.</param>
/// <param name="Fixed">The other parameters given (--set).</param>
/// <param name="Parameter">The parameter varied (or <c>resolution</c>, the input's height and width).</param>
/// <param name="Cost">The cost matched.</param>
/// <param name="Target">The cost to reach.</param>
/// <param name="Continuous">The root of the continuous relaxation.</param>
/// <param name="IsInteger">Whether the parameter takes whole numbers only.</param>
/// <param name="Neighbours">The admissible values either side of the root, with their exact costs.</param>
public sealed record EqualCostSolution(
    string Preset, ImmutableDictionary<string, string> Fixed, string Parameter, DesignCost Cost, double Target, double Continuous, bool IsInteger, ImmutableArray<SolvedPoint> Neighbours)
{
    /// <summary>The neighbour whose cost is nearest the target.</summary>
    public SolvedPoint Nearest => Neighbours.MinBy(n => Math.Abs(n.Ratio - 1))!;

    /// <summary>Which neighbour is the answer; default the nearest.</summary>
    public SolutionPick Pick { get; init; } = SolutionPick.Nearest;

    /// <summary>
    /// The answer by <see cref="Pick"/>: the nearest cost; the largest value whose cost is at most the target
    /// (a budget: it fits); or the smallest whose cost is at least the target. Where no neighbour is on the
    /// side asked for, the nearest.
    /// </summary>
    public SolvedPoint Chosen => Pick switch
    {
        SolutionPick.Within => Neighbours.Where(n => n.Cost <= Target).MaxBy(n => n.Value) ?? Nearest,
        SolutionPick.AtLeast => Neighbours.Where(n => n.Cost >= Target).MinBy(n => n.Value) ?? Nearest,
        _ => Nearest,
    };
}

/// <summary>Which admissible value answers an equal-cost question.</summary>
public enum SolutionPick
{
    /// <summary>The value whose cost is nearest the target, on either side.</summary>
    Nearest,

    /// <summary>The largest value whose cost is at most the target: a budget's answer, it fits.</summary>
    Within,

    /// <summary>The smallest value whose cost is at least the target.</summary>
    AtLeast,
}

/// <summary>
/// The lecture's equal-cost arithmetic for any preset: find the value of one numeric parameter (anything
/// <c>--set</c> takes, or <c>resolution</c>) at which a cost equals a target. Integer parameters are relaxed
/// to a continuous one by interpolating the exact costs of neighbouring integers; the root is found with
/// Brent's method (MathNet.Numerics) and the integers either side are reported with their exact costs.
/// The cost must grow with the parameter.
/// </summary>
public static class EqualCostSolver
{
    /// <summary>The pseudo-parameter that varies the input's height and width.</summary>
    public const string Resolution = "resolution";

    /// <summary>Solves cost(<paramref name="preset"/> with <paramref name="parameter"/> = x) = <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentException">Unknown preset or parameter, or no value reaches the target.</exception>
    public static EqualCostSolution Solve(string preset, string parameter, double target, DesignCost cost, IReadOnlyDictionary<string, string>? fixedValues = null, CostModel? convention = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(cost);
        if (!(target > 0) || !double.IsFinite(target))
        {
            throw new ArgumentException($"The target {cost.Name} must be a positive number below 2^63, got {UserText.Number(target)}.", nameof(target));
        }

        var given = (fixedValues ?? ImmutableDictionary<string, string>.Empty).ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);
        var info = Catalog.Find(preset);
        var declared = Declared(info, parameter);
        var byInput = declared is null;
        var baseNetwork = Catalog.Create(info.Name, given);
        var baseInput = baseNetwork.DefaultInput ?? TensorShape.Chw(3, 224, 224);
        var defaultText = byInput ? baseInput.Resolution.ToString(CultureInfo.InvariantCulture) : given.GetValueOrDefault(declared!.Name, declared.Default);
        if (!double.TryParse(defaultText, NumberStyles.Float, CultureInfo.InvariantCulture, out var start) || !(start > 0))
        {
            throw new ArgumentException(declared?.Kind == ParameterKind.Boolean
                ? $"'{info.Name}' takes {declared.Name} as true or false: there is no value to solve for."
                : $"'{info.Name}' has {parameter} = {defaultText}; solving starts from a positive value (give one with --set).", nameof(parameter));
        }

        var isInteger = byInput || declared!.Kind != ParameterKind.Real;
        var exact = new ExactCosts(info.Name, given, declared, baseNetwork, baseInput, cost, convention);
        long Exact(double value) => exact.At(value);

        double Relaxed(double x)
        {
            if (!isInteger)
            {
                return Exact(x);
            }

            var (lo, hi) = (Math.Floor(x), Math.Ceiling(x));
            return lo == hi ? Exact(lo) : Exact(lo) + ((x - lo) * (Exact(hi) - Exact(lo)));
        }

        var (floor, ceiling) = byInput ? (1.0, 16_384.0) : (Math.Max(declared!.Minimum, isInteger ? 1 : 1e-3), declared.Maximum);
        var (low, high) = Bracket(Relaxed, target, Math.Clamp(start, floor, ceiling), floor, ceiling, parameter, info.Name, cost);
        var root = DesignRules.EqualCost(Relaxed, target, low, high);
        double[] candidates = isInteger
            ? [Math.Max(1, Math.Floor(root)), Math.Max(1, Math.Ceiling(root))]
            : [Step(Math.Floor(root * 100) / 100, -0.01, v => Exact(v) <= target), Step(Math.Ceiling(root * 100) / 100, 0.01, v => Exact(v) >= target)];
        var neighbours = candidates.Where(v => v > 0).Distinct().Select(v => new SolvedPoint(v, Exact(v), Exact(v) / target)).ToImmutableArray();
        return new EqualCostSolution(info.Name, given, declared?.Name ?? Resolution, cost, target, root, isInteger, neighbours);
    }

    // The preset's parameter named so, or null for the resolution; any other name is an error that lists the numeric ones.
    private static PresetParameter? Declared(PresetInfo info, string parameter)
    {
        var declared = info.Parameters.FirstOrDefault(p => string.Equals(p.Name, parameter, StringComparison.OrdinalIgnoreCase));
        if (declared is null && !string.Equals(parameter, Resolution, StringComparison.OrdinalIgnoreCase))
        {
            var numeric = info.Parameters.Where(p => p.Kind != ParameterKind.Boolean).Select(p => p.Name).Append(Resolution);
            throw new ArgumentException($"Preset '{info.Name}' has no numeric parameter '{parameter}'; known: {string.Join(", ", numeric)}.", nameof(parameter));
        }

        return declared;
    }

    // The exact cost at each value of the varied parameter (the resolution when none is declared), each
    // network built and measured once.
    private sealed class ExactCosts(string preset, ImmutableDictionary<string, string> given, PresetParameter? declared, Network baseNetwork, TensorShape baseInput, DesignCost cost, CostModel? convention)
    {
        private readonly Dictionary<double, long> _cache = [];

        // The cost with the parameter at value.
        public long At(double value)
        {
            if (_cache.TryGetValue(value, out var c))
            {
                return c;
            }

            Network network;
            TensorShape? input = null;
            if (declared is null)
            {
                network = baseNetwork;
                input = baseInput.WithResolution((int)value);
            }
            else
            {
                network = Catalog.Create(preset, given.SetItem(declared.Name, value.ToString("R", CultureInfo.InvariantCulture)));
            }

            return _cache[value] = cost.Measure(network, input, convention);
        }
    }

    /// <summary>The exact cost of a preset as given (the reference of <c>--match</c>).</summary>
    public static long CostOf(string preset, DesignCost cost, IReadOnlyDictionary<string, string>? values = null, TensorShape? input = null, CostModel? convention = null)
    {
        ArgumentNullException.ThrowIfNull(cost);
        return cost.Measure(Catalog.Create(preset, values), input, convention);
    }

    // A real parameter's cost is a step function (channels round to multiples of 8): walk the two-decimal grid to the side of the target.
    private static double Step(double value, double step, Func<double, bool> done)
    {
        for (var i = 0; i < 100 && value + step > 0 && !done(value); i++)
        {
            value = Math.Round(value + step, 2);
        }

        return value;
    }

    // A range [low, high] of the parameter, inside its declared range, whose costs straddle the target.
    private static (double Low, double High) Bracket(Func<double, double> f, double target, double start, double floor, double ceiling, string parameter, string preset, DesignCost cost)
    {
        double lo = start, hi = start;
        if (f(start) < target)
        {
            while (f(hi) < target)
            {
                if (hi >= ceiling)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{preset}' does not reach {cost.Name} {target:G6} for any {parameter} up to {ceiling:G6}, the largest it takes."));
                }

                lo = hi;
                hi = Math.Min(ceiling, hi * 2);
            }
        }
        else
        {
            while (f(lo) > target)
            {
                if (lo <= floor)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{preset}' costs more than {cost.Name} {target:G6} even at {parameter} = {lo:G6}, the smallest it takes."));
                }

                hi = lo;
                lo = Math.Max(floor, floor >= 1 ? Math.Floor(lo / 2) : lo / 2);
            }
        }

        return (lo, hi);
    }
}

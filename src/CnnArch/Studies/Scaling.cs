using System.Collections.Immutable;
using System.Globalization;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Presets;

namespace CnnArch.Studies;

/// <summary>Which dimensions a network is scaled along.</summary>
public enum ScaleMode
{
    /// <summary>The width multiplier alone (parameter <c>width</c>).</summary>
    Width,

    /// <summary>The depth alone (parameter <c>depth</c>).</summary>
    Depth,

    /// <summary>The input resolution alone.</summary>
    Resolution,

    /// <summary>All three at once, EfficientNet's compound rule: depth alpha^phi, width beta^phi, resolution gamma^phi.</summary>
    Compound,
}

/// <summary>EfficientNet's compound-scaling constants (paper section 3.3: alpha = 1.2, beta = 1.1, gamma = 1.15, found by a grid search on B0).</summary>
/// <param name="Alpha">Depth base.</param>
/// <param name="Beta">Width base.</param>
/// <param name="Gamma">Resolution base.</param>
public sealed record CompoundCoefficients(double Alpha = 1.2, double Beta = 1.1, double Gamma = 1.15);

/// <summary>A scaled network.</summary>
/// <param name="Preset">The preset scaled.</param>
/// <param name="Mode">How.</param>
/// <param name="Phi">The compound coefficient phi (<see cref="ScaleMode.Compound"/>), else the solved parameter's value.</param>
/// <param name="Settings">The preset parameters of the scaled network.</param>
/// <param name="Input">Its input.</param>
/// <param name="Cost">Its exact cost.</param>
/// <param name="Network">The network.</param>
public sealed record ScaledDesign(string Preset, ScaleMode Mode, double Phi, ImmutableDictionary<string, string> Settings, TensorShape Input, long Cost, Network Network)
{
    /// <summary>The budget the design was scaled to fill; null for a design at a given phi.</summary>
    public Budget? Budget { get; init; }

    /// <summary>The compound rule's bases (compound scaling only).</summary>
    public CompoundCoefficients? Coefficients { get; init; }
}

/// <summary>
/// Scale a preset's width, depth or resolution, alone or compoundly, to the largest network within a
/// budget. Single dimensions go through <see cref="EqualCostSolver"/>; compound scaling solves for phi.
/// </summary>
public static class Scaling
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The largest <paramref name="preset"/> scaled by <paramref name="mode"/> whose cost stays within <paramref name="budget"/>.</summary>
    /// <exception cref="ArgumentException">The preset lacks the parameter the mode varies, or no scale fits.</exception>
    public static ScaledDesign Scale(string preset, Budget budget, ScaleMode mode, IReadOnlyDictionary<string, string>? fixedValues = null, CompoundCoefficients? coefficients = null, CostModel? convention = null)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var given = (fixedValues ?? ImmutableDictionary<string, string>.Empty).ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);
        if (mode == ScaleMode.Compound)
        {
            var k = Checked(coefficients ?? new CompoundCoefficients());
            var (lo, hi) = PhiRange(preset, k, given);
            double Cost(double phi) => Compound(preset, phi, k, given, budget.Cost, convention).Cost;
            if (Cost(lo) > budget.Limit)
            {
                throw new ArgumentException(string.Create(C, $"'{preset}' costs more than {budget.Cost.Name} {budget.Limit:#,0} even at phi = {lo:0.###}, where its width or depth reaches the smallest it takes."));
            }

            double phi;
            if (Cost(hi) <= budget.Limit)
            {
                phi = hi;
            }
            else
            {
                phi = Math.Floor(DesignRules.EqualCost(Cost, budget.Limit, lo, hi) * 1000) / 1000;
                while (Cost(phi) > budget.Limit && phi > lo)
                {
                    phi -= 0.001;
                }
            }

            return Compound(preset, Math.Round(Math.Max(phi, lo), 3), k, given, budget.Cost, convention) with { Budget = budget };
        }

        var parameter = mode switch { ScaleMode.Width => "width", ScaleMode.Depth => "depth", _ => EqualCostSolver.Resolution };
        var solution = EqualCostSolver.Solve(preset, parameter, budget.Limit, budget.Cost, given, convention);
        var best = solution.Neighbours.Where(n => budget.Allows(n.Cost)).MaxBy(n => n.Value)
            ?? throw new ArgumentException($"No {parameter} of '{preset}' near {solution.Continuous:G4} fits {budget.Cost.Name} <= {budget.Limit:N0}.");
        var text = best.Value.ToString("R", C);
        if (mode == ScaleMode.Resolution)
        {
            var network = Catalog.Create(preset, given);
            var input = (network.DefaultInput ?? TensorShape.Chw(3, 224, 224)).WithResolution((int)best.Value);
            return new ScaledDesign(solution.Preset, mode, best.Value, given, input, best.Cost, network) { Budget = budget };
        }

        var settings = given.SetItem(solution.Parameter, text);
        var scaled = Catalog.Create(preset, settings);
        return new ScaledDesign(solution.Preset, mode, best.Value, settings, scaled.DefaultInput ?? TensorShape.Chw(3, 224, 224), best.Cost, scaled) { Budget = budget };
    }

    // Each base from 1 (that dimension unscaled) to 4: the paper's grid search kept alpha * beta^2 * gamma^2 near 2.
    private static CompoundCoefficients Checked(CompoundCoefficients k)
    {
        foreach (var (name, value) in new[] { ("alpha", k.Alpha), ("beta", k.Beta), ("gamma", k.Gamma) })
        {
            if (!(value is >= 1 and <= 4))
            {
                throw new ArgumentException($"Compound scaling's {name} is a base from 1 (not scaled) to 4, got {UserText.Number(value)}.");
            }
        }

        return k;
    }

    // The phi for which width, depth and resolution stay within what the preset takes (and within -20..20).
    private static (double Lo, double Hi) PhiRange(string preset, CompoundCoefficients k, ImmutableDictionary<string, string> given)
    {
        var info = Catalog.Find(preset);
        var (lo, hi) = (-20.0, 20.0);
        void Limit(string name, double @base, double value, double min, double max)
        {
            if (@base > 1 && value > 0)
            {
                lo = Math.Max(lo, Math.Log(min / value) / Math.Log(@base));
                hi = Math.Min(hi, Math.Log(max / value) / Math.Log(@base));
            }
        }

        foreach (var (name, @base) in new[] { ("width", k.Beta), ("depth", k.Alpha) })
        {
            if (info.Parameters.FirstOrDefault(p => p.Name == name) is { } p
                && double.TryParse(given.GetValueOrDefault(name, p.Default), NumberStyles.Float, C, out var v))
            {
                Limit(name, @base, v, p.Minimum, p.Maximum);
            }
        }

        var side = (Catalog.Create(info.Name, given).DefaultInput ?? TensorShape.Chw(3, 224, 224)).Resolution;
        var declared = info.Parameters.FirstOrDefault(p => p.Name == "resolution");
        Limit("resolution", k.Gamma, side, declared?.Minimum ?? MinResolution, declared?.Maximum ?? MaxResolution);
        // Rounding to 3 decimals must not step outside.
        return (Math.Ceiling(lo * 1000) / 1000, Math.Floor(hi * 1000) / 1000);
    }

    private const double MinResolution = 16, MaxResolution = 4096;

    /// <summary>
    /// The preset compoundly scaled by <paramref name="phi"/>: width x beta^phi, depth x alpha^phi and
    /// resolution x gamma^phi from the preset's own values (rounded to a whole number of pixels).
    /// </summary>
    /// <exception cref="ArgumentException">The preset has no width or depth parameter.</exception>
    public static ScaledDesign Compound(string preset, double phi, CompoundCoefficients coefficients, IReadOnlyDictionary<string, string>? fixedValues = null, DesignCost? cost = null, CostModel? convention = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        Checked(coefficients ?? throw new ArgumentNullException(nameof(coefficients)));
        if (!double.IsFinite(phi) || Math.Abs(phi) > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(phi), phi, $"Compound scaling's phi is from -20 to 20, got {UserText.Number(phi)}.");
        }

        var info = Catalog.Find(preset);
        var given = (fixedValues ?? ImmutableDictionary<string, string>.Empty).ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);
        double Base(string name) =>
            info.Parameters.FirstOrDefault(p => p.Name == name) is { } p && double.TryParse(given.GetValueOrDefault(name, p.Default), NumberStyles.Float, C, out var v)
                ? v
                : throw new ArgumentException($"Compound scaling needs '{info.Name}' to take width and depth multipliers; it takes: {string.Join(", ", info.Parameters.Select(q => q.Name))}.");
        var (width, depth) = (Base("width"), Base("depth"));
        var baseNetwork = Catalog.Create(info.Name, given);
        var baseInput = baseNetwork.DefaultInput ?? TensorShape.Chw(3, 224, 224);
        var side = (int)Math.Clamp(Math.Round(baseInput.Resolution * Math.Pow(coefficients.Gamma, phi)), 1, MaxResolution);
        var settings = given
            .SetItem("width", Math.Round(width * Math.Pow(coefficients.Beta, phi), 4).ToString("R", C))
            .SetItem("depth", Math.Round(depth * Math.Pow(coefficients.Alpha, phi), 4).ToString("R", C));
        var hasResolution = info.Parameters.Any(p => p.Name == "resolution");
        if (hasResolution)
        {
            settings = settings.SetItem("resolution", side.ToString(C));
        }

        var network = Catalog.Create(info.Name, settings);
        var input = baseInput.WithResolution(side);
        var measured = (cost ?? new DesignCost(CostKind.Macs)).Measure(network, input, convention);
        return new ScaledDesign(info.Name, ScaleMode.Compound, phi, settings, input, measured, network) { Coefficients = coefficients };
    }
}

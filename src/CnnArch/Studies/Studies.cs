using System.Collections.Immutable;
using CnnArch.Analysis;
using CnnArch.Presets;

namespace CnnArch.Studies;

/// <summary>
/// Equal-cost solutions of one preset parameter, once or once per value of another (<c>--each
/// groups=2,4,8,32</c>), against a reference network's cost or a number.
/// </summary>
/// <param name="Solutions">One solution per value of <see cref="Each"/>, or one.</param>
/// <param name="Each">The parameter fixed at each value; null for a single solution.</param>
/// <param name="Reference">The preset whose cost is matched; null when the target is a number.</param>
/// <param name="Target">The cost matched.</param>
/// <param name="Convention">The counting convention.</param>
public sealed record EqualCostStudy(ImmutableArray<EqualCostSolution> Solutions, string? Each, string? Reference, double Target, CostModel Convention)
{
    /// <summary>Which neighbour each solution answers with.</summary>
    public SolutionPick Pick => Solutions.IsDefaultOrEmpty ? SolutionPick.Nearest : Solutions[0].Pick;

    /// <summary>
    /// Solves <paramref name="parameter"/> of <paramref name="preset"/> for the cost of <paramref name="reference"/>
    /// (or <paramref name="target"/>), once per value of <paramref name="each"/> when given.
    /// </summary>
    /// <remarks>Which neighbour answers is <paramref name="pick"/>: by default <see cref="SolutionPick.Within"/> for a target (a budget), <see cref="SolutionPick.Nearest"/> for a reference.</remarks>
    /// <exception cref="ArgumentException">Both or neither of reference and target; unknown names; no solution.</exception>
    public static EqualCostStudy Run(
        string preset, string parameter, DesignCost cost, string? reference = null, double? target = null, IReadOnlyDictionary<string, string>? fixedValues = null,
        (string Name, IReadOnlyList<string> Values)? each = null, CostModel? convention = null, SolutionPick? pick = null)
    {
        var chosen = pick ?? (target is null ? SolutionPick.Nearest : SolutionPick.Within);
        ArgumentNullException.ThrowIfNull(cost);
        convention ??= Conventions.TorchVision;
        var goal = (reference, target) switch
        {
            ({ } r, null) => EqualCostSolver.CostOf(r, cost, convention: convention),
            (null, { } t) => t,
            _ => throw new ArgumentException("Give exactly one of a reference preset and a target amount."),
        };
        var given = (fixedValues ?? ImmutableDictionary<string, string>.Empty).ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);
        ImmutableArray<EqualCostSolution> solutions = each is { } e
            ? [.. e.Values.Select(v => EqualCostSolver.Solve(preset, parameter, goal, cost, given.SetItem(e.Name, v), convention) with { Pick = chosen })]
            : [EqualCostSolver.Solve(preset, parameter, goal, cost, given, convention) with { Pick = chosen }];
        return new EqualCostStudy(solutions, each?.Name, reference is null ? null : Catalog.Find(reference).Name, goal, convention);
    }
}

/// <summary>A built-in block's MACs, parameters and activation memory as polynomials in C and HW.</summary>
/// <param name="Block">The block.</param>
/// <param name="Macs">Multiply-adds.</param>
/// <param name="Params">Parameters.</param>
/// <param name="Memory">Activation bytes.</param>
public sealed record BlockCostRow(BlockDefinition Block, CostPolynomial Macs, CostPolynomial Params, CostPolynomial Memory)
{
    /// <summary>Whether every polynomial met its checks at fresh sizes.</summary>
    public bool IsExact => Macs.IsExact && Params.IsExact && Memory.IsExact;
}

/// <summary>Blocks' cost polynomials in one convention.</summary>
/// <param name="Rows">One row per block.</param>
/// <param name="Convention">The counting convention.</param>
public sealed record BlockCostTable(ImmutableArray<BlockCostRow> Rows, CostModel Convention)
{
    /// <summary>The polynomials of the blocks named (every built-in block when none is).</summary>
    /// <exception cref="ArgumentException">An unknown block; the message lists them.</exception>
    public static BlockCostTable Of(IReadOnlyList<string>? names = null, CostModel? convention = null)
    {
        convention ??= Conventions.TorchVision;
        var blocks = names is { Count: > 0 } ? names.Select(BlockCosts.Get).ToList() : [.. BlockCosts.Known];
        return new BlockCostTable(
            [.. blocks.Select(b => new BlockCostRow(b,
                BlockCosts.Fit(b, new DesignCost(CostKind.Macs), convention),
                BlockCosts.Fit(b, new DesignCost(CostKind.Params), convention),
                BlockCosts.Fit(b, new DesignCost(CostKind.Memory), convention)))],
            convention);
    }
}

/// <summary>One phi of a compound-scaling table: the rule's design and, for phi 0 to 7, EfficientNet's published one.</summary>
/// <param name="Phi">The compound coefficient.</param>
/// <param name="Rule">The preset scaled by the rule.</param>
/// <param name="Published">torchvision's efficientnet_bN coefficients, for phi 0 to 7.</param>
/// <param name="PublishedMacs">The MACs of efficientnet_bN at its evaluation crop.</param>
public sealed record CompoundRow(int Phi, ScaledDesign Rule, EfficientNetCoefficients? Published, long? PublishedMacs);

/// <summary>The compound rule at several phi, beside EfficientNet B1-B7 as published.</summary>
/// <param name="Preset">The preset scaled.</param>
/// <param name="Coefficients">The rule's bases.</param>
/// <param name="Rows">One row per phi.</param>
/// <param name="Convention">The counting convention.</param>
public sealed record CompoundTable(string Preset, CompoundCoefficients Coefficients, ImmutableArray<CompoundRow> Rows, CostModel Convention)
{
    /// <summary>The preset compoundly scaled at each of <paramref name="phis"/> (whole numbers from -20 to 20).</summary>
    /// <exception cref="ArgumentException">A phi out of range, bad coefficients, or a preset without width and depth.</exception>
    public static CompoundTable Of(string preset, IReadOnlyList<int> phis, CompoundCoefficients? coefficients = null, IReadOnlyDictionary<string, string>? fixedValues = null, CostModel? convention = null)
    {
        ArgumentNullException.ThrowIfNull(phis);
        var k = coefficients ?? new CompoundCoefficients();
        convention ??= Conventions.TorchVision;
        var rows = phis.Select(p =>
        {
            var rule = Scaling.Compound(preset, p, k, fixedValues, convention: convention);
            var published = p >= 0 && p < EfficientNets.Variants.Length ? EfficientNets.Variants[p] : null;
            long? macs = published is null ? null : new DesignCost(CostKind.Macs).Measure(EfficientNets.B(p), convention: convention);
            return new CompoundRow(p, rule, published, macs);
        });
        return new CompoundTable(Catalog.Find(preset).Name, k, [.. rows], convention);
    }
}

using System.Collections.Immutable;
using System.Diagnostics;
using CnnArch.Analysis;
using CnnArch.Memory;

namespace CnnArch.Studies;

/// <summary>What a search samples, keeps and ranks.</summary>
public sealed record SearchOptions
{
    /// <summary>The most candidates one search draws: 100,000 (each is measured exactly; the RegNet paper draws 500 per space).</summary>
    public const int MaxSamples = 100_000;

    /// <summary>Candidates drawn, from 1 to <see cref="MaxSamples"/>; default 1000.</summary>
    public int Samples
    {
        get;
        init => field = value is >= 1 and <= MaxSamples
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Samples), value, $"A search draws 1 to {MaxSamples:N0} candidates, got {value:N0}.");
    } = 1000;

    /// <summary>Seed of the sampler: the same seed draws the same candidates; default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Upper bounds every kept candidate meets.</summary>
    public ImmutableArray<Budget> Budgets { get; init; } = [];

    /// <summary>Costs the frontier maximizes (capacity, e.g. MACs); default MACs.</summary>
    public ImmutableArray<DesignCost> Maximize { get; init; } = [new(CostKind.Macs)];

    /// <summary>Costs the frontier minimizes; default activation memory.</summary>
    public ImmutableArray<DesignCost> Minimize { get; init; } = [new(CostKind.Memory)];
}

/// <summary>A sampled candidate with its exact costs.</summary>
/// <param name="Index">Its position in the sample (0-based): the same seed gives the same index.</param>
/// <param name="Values">Its parameter values, in the space's order.</param>
/// <param name="Costs">Its costs, in <see cref="SearchResult.Costs"/> order.</param>
/// <param name="Preset">The preset it equals, if any.</param>
/// <param name="Top1">That preset's published top-1.</param>
public sealed record SearchCandidate(int Index, ImmutableArray<double> Values, ImmutableArray<long> Costs, string? Preset, double? Top1);

/// <summary>A search's outcome.</summary>
/// <param name="Space">The space searched.</param>
/// <param name="Options">How.</param>
/// <param name="Costs">The costs measured, in candidate order: every budget's and objective's.</param>
/// <param name="Feasible">Every sampled candidate within every budget, in sample order.</param>
/// <param name="Frontier">The non-dominated feasible candidates (one per distinct cost vector), best first by the first objective.</param>
/// <param name="Elapsed">Wall time of sampling and costing.</param>
public sealed record SearchResult(DesignSpace Space, SearchOptions Options, ImmutableArray<DesignCost> Costs, ImmutableArray<SearchCandidate> Feasible, ImmutableArray<SearchCandidate> Frontier, TimeSpan Elapsed)
{
    /// <summary>The empirical distribution of cost <paramref name="cost"/> over the feasible candidates at quantile <paramref name="q"/> (0-1), as the RegNet paper's EDF.</summary>
    public long Quantile(int cost, double q)
    {
        if (Feasible.IsEmpty)
        {
            return 0;
        }

        var sorted = Feasible.Select(c => c.Costs[cost]).Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// Budgeted design-space search: sample a space (seeded), cost every candidate exactly, keep those within
/// every budget, and return the Pareto frontier of the objectives plus each cost's distribution. It
/// predicts cost, not accuracy. RegNet spaces cost candidates in closed form (no network is built)
/// unless a training-memory figure is asked for.
/// </summary>
public static class Search
{
    /// <summary>Runs the search.</summary>
    public static SearchResult Run(DesignSpace space, SearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(options);
        var stopwatch = Stopwatch.StartNew();
        var costs = options.Budgets.Select(b => b.Cost).Concat(options.Maximize).Concat(options.Minimize).Distinct().ToImmutableArray();
        var random = new Random(options.Seed);
        var samples = new double[options.Samples][];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = space.Sample(random);
        }

        var fast = space.HasFastPath && costs.All(c => c.Scope is null);
        var measured = new long[]?[samples.Length];
        Parallel.For(0, samples.Length, i => measured[i] = Measure(space, samples[i], costs, options.Budgets, fast));
        var budgetIndex = options.Budgets.Select(b => costs.IndexOf(b.Cost)).ToArray();
        var feasible = ImmutableArray.CreateBuilder<SearchCandidate>();
        for (var i = 0; i < samples.Length; i++)
        {
            if (measured[i] is { } m && options.Budgets.Select((b, k) => b.Allows(m[budgetIndex[k]])).All(ok => ok))
            {
                var preset = space.MatchingPreset(samples[i]);
                var top1 = preset is null ? null : Presets.Catalog.All.FirstOrDefault(p => p.Name == preset)?.Top1;
                feasible.Add(new SearchCandidate(i, [.. samples[i]], [.. m], preset, top1));
            }
        }

        var result = feasible.ToImmutable();
        var frontier = Frontier(result, [.. options.Maximize.Select(c => costs.IndexOf(c))], [.. options.Minimize.Select(c => costs.IndexOf(c))]);
        return new SearchResult(space, options, costs, result, frontier, stopwatch.Elapsed);
    }

    /// <summary>
    /// The candidates no other candidate dominates (at least as good in every objective, better in one),
    /// one per distinct cost vector, best first by the first objective.
    /// </summary>
    public static ImmutableArray<SearchCandidate> Frontier(IReadOnlyList<SearchCandidate> candidates, IReadOnlyList<int> maximize, IReadOnlyList<int> minimize)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(maximize);
        ArgumentNullException.ThrowIfNull(minimize);

        // Objectives as "larger is better"; sorted lexicographically best first, a dominator always comes before.
        long[] Score(SearchCandidate c) => [.. maximize.Select(k => c.Costs[k]), .. minimize.Select(k => -c.Costs[k])];
        var scored = candidates.Select(c => (Candidate: c, Score: Score(c))).ToList();
        scored.Sort((a, b) =>
        {
            for (var k = 0; k < a.Score.Length; k++)
            {
                var order = b.Score[k].CompareTo(a.Score[k]);
                if (order != 0)
                {
                    return order;
                }
            }

            return a.Candidate.Index.CompareTo(b.Candidate.Index);
        });
        // Every candidate is compared with the frontier so far, which can hold them all (maximizing and
        // minimizing one cost): the comparison allocates nothing.
        var frontier = new List<(SearchCandidate Candidate, long[] Score)>();
        foreach (var s in scored)
        {
            if (!frontier.Exists(f => Covers(f.Score, s.Score)))
            {
                frontier.Add(s);
            }
        }

        return [.. frontier.Select(f => f.Candidate)];
    }

    // Whether a score is at least as good as another in every objective.
    private static bool Covers(long[] score, long[] other)
    {
        for (var k = 0; k < score.Length; k++)
        {
            if (score[k] < other[k])
            {
                return false;
            }
        }

        return true;
    }

    // Costs the analysis gives (closed form for RegNet) come first; a candidate they already rule out is never
    // given to the memory model, the slow part.
    private static long[]? Measure(DesignSpace space, double[] values, ImmutableArray<DesignCost> costs, ImmutableArray<Budget> budgets, bool fastPath)
    {
        try
        {
            var result = new long[costs.Length];
            Graph.Network? network = null;
            Totals? totals = null;
            FastCost? fast = null;
            for (var pass = 0; pass < 2; pass++)
            {
                for (var k = 0; k < costs.Length; k++)
                {
                    var c = costs[k];
                    if ((c.Kind == CostKind.TrainMemory) != (pass == 1))
                    {
                        continue;
                    }

                    if (c.Kind == CostKind.TrainMemory)
                    {
                        network ??= space.Build(values);
                        result[k] = MemoryAnalyzer.Analyze(network, new MemoryOptions { Batch = c.Batch }).Training.PeakBytes;
                    }
                    else if (fastPath)
                    {
                        var f = fast ??= space.FastCost(values);
                        result[k] = c.Kind switch { CostKind.Macs => f.Macs, CostKind.Params => f.Parameters, _ => f.ActivationBytes };
                    }
                    else
                    {
                        network ??= space.Build(values);
                        var t = totals ??= Analyzer.Analyze(network, new AnalysisOptions { Convention = Conventions.TorchVision }).Totals;
                        result[k] = c.Kind switch { CostKind.Macs => t.Macs, CostKind.Params => t.Parameters, _ => t.ActivationBytes };
                    }
                }

                if (pass == 0 && budgets.Any(b => b.Cost.Kind != CostKind.TrainMemory && !b.Allows(result[costs.IndexOf(b.Cost)])))
                {
                    return null;
                }
            }

            return result;
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException or InvalidNetworkException)
        {
            // A sample the generator cannot build (a width that overflows): not a candidate.
            return null;
        }
    }
}

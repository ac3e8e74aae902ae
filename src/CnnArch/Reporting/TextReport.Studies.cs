using CnnArch.Analysis;
using CnnArch.Studies;

namespace CnnArch.Reporting;

public static partial class TextReport
{
    /// <summary>The comparison as plain text (see <see cref="Document(Comparison)"/>).</summary>
    public static string Write(Comparison comparison) => Document(comparison).ToString();

    /// <summary>The models side by side: parameters, MACs, activations and the inference peak with ratios to the first, top-1, and latency when predicted.</summary>
    public static TextDocument Document(Comparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var latency = comparison.Latency;
        var training = comparison.Rows.Any(r => r.TrainingPeakBytes is not null);
        TextColumn[] columns = [new("Model"), new("Params", true), new("x", true), new("MACs", true), new("x", true), new("Activations", true), new("x", true), new("Peak (inference)", true),
            .. training ? [new TextColumn("Peak (training)", true)] : Array.Empty<TextColumn>(), new("Top-1 %", true)];
        var table = new TextTable.Builder(latency.IsEmpty ? columns : [.. columns, new("ms", true), new("Images/s", true)]);
        for (var i = 0; i < comparison.Rows.Length; i++)
        {
            var r = comparison.Rows[i];
            string[] cells = [r.Model, Units.Count(r.Parameters), Units.Ratio(r.ParametersRatio), Units.Count(r.Macs), Units.Ratio(r.MacsRatio),
                Units.Bytes(r.ActivationBytes), Units.Ratio(r.MemoryRatio), Units.Bytes(r.InferencePeakBytes),
                .. training ? [r.TrainingPeakBytes is { } peak ? Units.Bytes(peak) : "-"] : Array.Empty<string>(), r.Top1?.ToString("0.00", C) ?? "-"];
            table.Row(latency.IsEmpty ? cells : [.. cells, Units.Milliseconds(latency[i].Milliseconds) + (latency[i].Uncalibrated.IsEmpty ? "" : "*"), latency[i].ImagesPerSecond.ToString("N0", C)]);
        }

        var doc = new TextDocument.Builder()
            .Table(table.Build())
            .Line($"Ratios (x) against {comparison.Rows[0].Model}. Activations: the sum of every layer's output, batch 1. Top-1: torchvision's published ImageNet accuracy.")
            .Lines(training ? ["Peak (training): the most memory one training step at the batch asked for holds at once (weights, gradients, SGD-momentum state, saved activations), as 'cnnarch memory --training'."] : [])
            .Line($"Convention {comparison.Convention.Name}: {comparison.Convention.Describe()}");
        if (!latency.IsEmpty)
        {
            var o = latency[0].Options;
            doc.Line(o.Device.IsCpu
                ? $"Latency: predicted for one forward pass of batch {o.Batch} on {o.Device.Name} ({o.Device.Description}), as calibrated; see docs/latency-cpu.md."
                : $"Latency: predicted for one forward pass of batch {o.Batch} in {o.DataType.Name()} on {o.Device.Name} ({(o.Device.Calibrated ? "calibrated" : "datasheet peaks")}), eager PyTorch; see docs/latency.md.");
            if (latency.Any(l => !l.Uncalibrated.IsEmpty))
            {
                doc.Line($"* uncalibrated: holds layers of kinds {o.Device.Name}'s calibration never timed ({string.Join(", ", o.Device.UncalibratedKinds)}), predicted with the matrix-product efficiency fitted on other models.");
            }
        }

        return doc.Build();
    }

    /// <summary>The sweep as plain text (see <see cref="Document(Sweep)"/>).</summary>
    public static string Write(Sweep sweep) => Document(sweep).ToString();

    /// <summary>MACs, the activation sum and the inference and training peaks at each point, with latency when predicted.</summary>
    public static TextDocument Document(Sweep sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var latency = sweep.Latency;
        string[] titles = ["Batch", "Input", "MACs", "Activations (sum)", "Inference peak", "Training peak (SGD+momentum)"];
        var table = new TextTable.Builder([.. (latency.IsEmpty ? titles : [.. titles, "ms", "Images/s"]).Select(t => new TextColumn(t, true))]);
        for (var i = 0; i < sweep.Points.Length; i++)
        {
            var p = sweep.Points[i];
            string[] cells = [p.Batch.ToString(C), p.Input.ToString(), Units.Count(p.Macs), Units.Bytes(p.ActivationBytes), Units.Bytes(p.InferencePeakBytes), Units.Bytes(p.TrainingPeakBytes)];
            table.Row(latency.IsEmpty ? cells : [.. cells, Units.Milliseconds(latency[i].Milliseconds), latency[i].ImagesPerSecond.ToString("N0", C)]);
        }

        return new TextDocument.Builder()
            .Line($"{sweep.Model} over {Name(sweep.Over)}")
            .Table(table.Build())
            .Line($"Convention {sweep.Convention.Name}: {sweep.Convention.Describe()} Peaks: fp32, as 'cnnarch memory'.")
            .Build();
    }

    internal static string Name(SweepAxis axis) => axis == SweepAxis.Batch ? "batch" : "resolution";

    /// <summary>The equal-cost study as plain text (see <see cref="Document(EqualCostStudy)"/>).</summary>
    public static string Write(EqualCostStudy study) => Document(study).ToString();

    /// <summary>Per solution: the continuous root, the chosen admissible value (see <see cref="SolutionPick"/>) with its exact cost and ratio, and the other neighbour.</summary>
    public static TextDocument Document(EqualCostStudy study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var first = study.Solutions[0];
        var cost = first.Cost;
        string Amount(double v) => cost.IsBytes ? Units.Bytes((long)v) : Units.Count((long)v);
        string[] titles = ["continuous", first.Parameter, cost.Name, "x target", "other neighbour", cost.Name, "x target"];
        var picked = study.Pick switch
        {
            SolutionPick.Within => "the largest value within the target (it fits)",
            SolutionPick.AtLeast => "the smallest value at or above the target",
            _ => "the value whose cost is nearest the target",
        };
        var table = new TextTable.Builder([.. (study.Each is null ? titles : [study.Each, .. titles]).Select(t => new TextColumn(t, true))]);
        foreach (var r in study.Solutions)
        {
            var other = r.Neighbours.FirstOrDefault(n => n != r.Chosen);
            string[] cells = [
                r.Continuous.ToString("0.00", C), r.Chosen.Value.ToString("R", C), Amount(r.Chosen.Cost), r.Chosen.Ratio.ToString("0.000", C) + "x",
                other?.Value.ToString("R", C) ?? "-", other is null ? "-" : Amount(other.Cost), other is null ? "-" : other.Ratio.ToString("0.000", C) + "x"];
            table.Row(study.Each is null ? cells : [r.Fixed[study.Each], .. cells]);
        }

        var against = study.Reference is null ? Amount(study.Target) : $"{study.Reference} ({Amount(study.Target)})";
        var scope = cost.Scope is null ? string.Empty : $" (layers under {cost.Scope} only)";
        return new TextDocument.Builder()
            .Line($"{first.Preset}: {first.Parameter} at which {cost.Name}{scope} equals {against}, convention {study.Convention.Name}")
            .Table(table.Build())
            .Line(first.IsInteger
                ? "Continuous: the root of the costs interpolated between integers (Brent's method); the integers either side are built and counted exactly."
                : "Continuous: the root found by Brent's method on the exact cost; neighbours are that root to two decimals either side.")
            .Line($"Answer ({first.Parameter}): {picked}; --pick nearest, within or at-least chooses.")
            .Build();
    }

    /// <summary>The blocks' cost polynomials as plain text (see <see cref="Document(BlockCostTable)"/>).</summary>
    public static string Write(BlockCostTable blocks) => Document(blocks).ToString();

    /// <summary>Each block's input and its MACs, parameters and activation bytes as polynomials; '~' marks a fit that missed a check.</summary>
    public static TextDocument Document(BlockCostTable blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        static string Exactly(CostPolynomial p) => p.IsExact ? p.ToString() : "~ " + p;
        var table = new TextTable.Builder(new("Block"), new("Input"), new("MACs"), new("Params"), new("Activation bytes"));
        foreach (var row in blocks.Rows)
        {
            var input = row.Block.InputChannels(2) == 2 ? "C x H x W" : $"{row.Block.InputChannels(2) / 2}C x H x W";
            table.Row(row.Block.Name, input, Exactly(row.Macs), Exactly(row.Params), Exactly(row.Memory));
        }

        return new TextDocument.Builder()
            .Table(table.Build())
            .Line($"Fitted to exact counts at 10 sizes (C 8-40, H = W 4-8) and checked at 3 others; convention {blocks.Convention.Name}. '~' marks a fit that missed a check.")
            .Build();
    }

    /// <summary>The compound-scaling table as plain text (see <see cref="Document(CompoundTable)"/>).</summary>
    public static string Write(CompoundTable table) => Document(table).ToString();

    /// <summary>Per phi, the rule's width, depth, resolution and MACs beside EfficientNet's published ones.</summary>
    public static TextDocument Document(CompoundTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var k = table.Coefficients;
        string[] titles = ["phi", "rule width", "rule depth", "rule res", "rule MACs", "published", "width", "depth", "res", "MACs"];
        var rows = new TextTable.Builder([.. titles.Select(t => new TextColumn(t, true))]);
        foreach (var row in table.Rows)
        {
            var rule = row.Rule;
            string[] cells = [row.Phi.ToString(C), rule.Settings["width"], rule.Settings["depth"], rule.Input.Resolution.ToString(C), Units.Count(rule.Cost)];
            rows.Row(row.Published is { } v
                ? [.. cells, $"efficientnet_b{row.Phi}", v.Width.ToString(C), v.Depth.ToString(C), v.Resolution.ToString(C), Units.Count(row.PublishedMacs ?? 0)]
                : [.. cells, "-", "-", "-", "-", "-"]);
        }

        return new TextDocument.Builder()
            .Table(rows.Build())
            .Line(string.Create(C, $"Rule: depth x {k.Alpha}^phi, width x {k.Beta}^phi, resolution x {k.Gamma}^phi from {table.Preset}'s own values. Published: torchvision's efficientnet_bN coefficients at its evaluation crop."))
            .Build();
    }

    /// <summary>
    /// A design scaled to fill a budget: what was scaled and by how much, its cost against the budget, the
    /// <c>--set</c> values that rebuild it, then <paramref name="report"/> (its analysis) laid out by <paramref name="options"/>.
    /// </summary>
    public static TextDocument Document(ScaledDesign scaled, AnalysisReport report, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scaled);
        var budget = scaled.Budget ?? throw new ArgumentException("The design was not scaled to a budget.", nameof(scaled));
        var mode = scaled.Mode.ToString().ToLowerInvariant();
        var what = scaled.Coefficients is { } k
            ? string.Create(C, $"phi = {scaled.Phi.ToString("0.###", C)} (alpha {k.Alpha}, beta {k.Beta}, gamma {k.Gamma})")
            : $"{mode} = {scaled.Phi.ToString("R", C)}";
        string Amount(double v) => budget.Cost.IsBytes ? Units.Bytes((long)v) : Units.Count((long)v);
        var doc = new TextDocument.Builder()
            .Line($"{scaled.Preset} scaled by {mode}: {what}; input {scaled.Input}; {budget.Cost.Name} {Amount(scaled.Cost)} ({Units.Exact(scaled.Cost)}) within {budget.Cost.Name} <= {Amount(budget.Limit)}");
        var settings = string.Join(" --set ", scaled.Settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));
        if (settings.Length > 0)
        {
            doc.Line("--set " + settings);
        }

        return doc.Blocks(Document(report, options).Blocks).Build();
    }

    private static readonly double[] Quantiles = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1];

    /// <summary>The search as plain text (see <see cref="Document(SearchResult, int, string?)"/>).</summary>
    public static string Write(SearchResult search, int top = 20, string? exportedTo = null) => Document(search, top, exportedTo).ToString();

    /// <summary>
    /// What was searched and how fast, the first <paramref name="top"/> candidates of the Pareto frontier,
    /// each cost's distribution over the feasible candidates, and where the frontier's spec files went.
    /// </summary>
    public static TextDocument Document(SearchResult search, int top = 20, string? exportedTo = null)
    {
        ArgumentNullException.ThrowIfNull(search);
        var (s, o) = (search.Space, search.Options);
        string Amount(int k, long value) => search.Costs[k].IsBytes ? Units.Bytes(value) : Units.Count(value);
        var seconds = search.Elapsed.TotalSeconds;
        var path = !s.HasFastPath ? "full build and analysis" : search.Costs.All(c => c.Kind != CostKind.TrainMemory) ? "cost-only fast path" : "closed-form costs, memory model for training memory";
        var budgets = o.Budgets.IsEmpty ? "no budget" : string.Join(", ", o.Budgets.Select(b => $"{b.Cost.Name} <= {(b.Cost.IsBytes ? Units.Bytes((long)b.Limit) : Units.Count((long)b.Limit))}"));
        var objectives = string.Join(", ", o.Maximize.Select(c => "max " + c.Name).Concat(o.Minimize.Select(c => "min " + c.Name)));
        var frontier = new TextTable.Builder([new("#", true), new("Candidate"), .. search.Costs.Select(c => new TextColumn(c.Name, true)), new("Preset (top-1)")]);
        foreach (var c in search.Frontier.Take(top))
        {
            frontier.Row([c.Index.ToString(C), s.Describe(c.Values), .. c.Costs.Select((v, k) => Amount(k, v)), c.Preset is null ? "-" : $"{c.Preset} ({c.Top1?.ToString("0.0", C) ?? "-"})"]);
        }

        var edf = new TextTable.Builder([new("EDF of feasible"), .. Quantiles.Select(q => new TextColumn(q switch { 0 => "min", 1 => "max", _ => string.Create(C, $"{q * 100:0}%") }, true))]);
        for (var k = 0; k < search.Costs.Length; k++)
        {
            edf.Row([search.Costs[k].Name, .. Quantiles.Select(q => Amount(k, search.Quantile(k, q)))]);
        }

        var doc = new TextDocument.Builder()
            .Line(string.Create(C, $"Searched {s.Name}: {o.Samples:N0} candidates (seed {o.Seed}) in {seconds:0.###} s ({o.Samples / Math.Max(seconds, 1e-9):N0}/s, {path}); {search.Feasible.Length:N0} within {budgets}."))
            .Line($"Pareto frontier ({objectives}): {search.Frontier.Length} candidates{(search.Frontier.Length > top ? $", first {top} shown" : string.Empty)}.")
            .Table(frontier.Build())
            .Table(edf.Build());
        if (exportedTo is not null)
        {
            doc.Line($"Spec files of the {search.Frontier.Length} frontier candidates written to {exportedTo} ({s.Name}_INDEX.json).");
        }

        return doc.Line("Search predicts cost, not accuracy: top-1 is shown only where a candidate equals a preset with published weights. MACs and memory in torchvision's convention, batch 1; train-memory at its @batch (SGD with momentum, fp32).").Build();
    }
}

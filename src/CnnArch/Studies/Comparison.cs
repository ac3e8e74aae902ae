using System.Collections.Immutable;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Memory;

namespace CnnArch.Studies;

/// <summary>One model of a comparison, with its ratios to the first.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Input">Its input.</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="Macs">Multiply-adds in the comparison's convention.</param>
/// <param name="ActivationBytes">The plain sum of every layer's output, as the lecture adds them.</param>
/// <param name="InferencePeakBytes">Activations alive at once at the inference peak (batch 1, see <see cref="MemoryAnalyzer"/>).</param>
/// <param name="Top1">Published ImageNet top-1 (%), when known.</param>
/// <param name="ParametersRatio">Parameters over the first model's; null when the first has none (no ratio has a value).</param>
/// <param name="MacsRatio">MACs over the first model's; null when the first has none.</param>
/// <param name="MemoryRatio">Activation sum over the first model's; null when the first has none.</param>
public sealed record ComparisonRow(
    string Model, TensorShape Input, long Parameters, long Macs, long ActivationBytes, long InferencePeakBytes, double? Top1,
    double? ParametersRatio, double? MacsRatio, double? MemoryRatio);

/// <summary>Several models side by side, as the lecture compares AlexNet with VGG-16.</summary>
public static class Comparisons
{
    /// <summary>Analyses each network with <paramref name="options"/> and relates it to the first.</summary>
    /// <param name="models">The networks, each with its published top-1 when known.</param>
    /// <param name="options">The analysis options; the input, when given, applies to every model.</param>
    public static ImmutableArray<ComparisonRow> Compare(IReadOnlyList<(Network Network, double? Top1)> models, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0)
        {
            throw new ArgumentException("A comparison needs at least one model.", nameof(models));
        }

        options ??= AnalysisOptions.Default;
        var reports = models.Select(m => (Report: Analyzer.Analyze(m.Network, options), m.Top1,
            Peak: MemoryAnalyzer.Analyze(m.Network, new MemoryOptions { Input = options.Input, Batch = options.Batch, Activations = options.DataType }).Inference.PeakBytes)).ToList();
        var first = reports[0].Report.Totals;
        static double? Ratio(long a, long b) => b == 0 ? null : (double)a / b;
        return [.. reports.Select(r => new ComparisonRow(
            r.Report.Model, r.Report.Input, r.Report.Totals.Parameters, r.Report.Totals.Macs, r.Report.Totals.ActivationBytes, r.Peak, r.Top1,
            Ratio(r.Report.Totals.Parameters, first.Parameters), Ratio(r.Report.Totals.Macs, first.Macs), Ratio(r.Report.Totals.ActivationBytes, first.ActivationBytes)))];
    }
}

/// <summary>One point of a sweep over batch size or input resolution.</summary>
/// <param name="Batch">Samples per batch.</param>
/// <param name="Input">One sample's input.</param>
/// <param name="Macs">Multiply-adds for the batch.</param>
/// <param name="ActivationBytes">The plain sum of every layer's output for the batch.</param>
/// <param name="InferencePeakBytes">Activations alive at the inference peak.</param>
/// <param name="TrainingPeakBytes">Everything at the training peak (weights, optimizer state, activations, gradients).</param>
public sealed record SweepPoint(int Batch, TensorShape Input, long Macs, long ActivationBytes, long InferencePeakBytes, long TrainingPeakBytes);

/// <summary>How cost grows with batch size or input resolution.</summary>
public static class Sweeps
{
    /// <summary>One point per (batch, input); <paramref name="progress"/> is told after each.</summary>
    public static ImmutableArray<SweepPoint> Run(Network network, IEnumerable<(int Batch, TensorShape? Input)> points, AnalysisOptions? options = null, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(points);
        options ??= AnalysisOptions.Default;
        var results = ImmutableArray.CreateBuilder<SweepPoint>();
        foreach (var (batch, input) in points)
        {
            var at = options with { Batch = batch, Input = input ?? options.Input };
            var report = Analyzer.Analyze(network, at);
            var memory = MemoryAnalyzer.Analyze(network, new MemoryOptions { Input = at.Input, Batch = batch, Activations = at.DataType });
            results.Add(new SweepPoint(batch, report.Input, report.Totals.Macs, report.Totals.ActivationBytes, memory.Inference.PeakBytes, memory.Training.PeakBytes));
            progress?.Invoke(results.Count);
        }

        return results.ToImmutable();
    }
}

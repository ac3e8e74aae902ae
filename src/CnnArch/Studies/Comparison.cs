using System.Collections.Immutable;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Memory;
using CnnArch.Performance;

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
    double? ParametersRatio, double? MacsRatio, double? MemoryRatio)
{
    /// <summary>The peak of one training step (SGD with momentum, as 'cnnarch memory --training') at the batch asked for; null when not asked for.</summary>
    public long? TrainingPeakBytes { get; init; }
}

/// <summary>Models side by side: their rows, the convention counted in, and each model's latency when predicted.</summary>
/// <param name="Rows">One row per model, ratios against the first.</param>
/// <param name="Convention">The counting convention of the MACs and activations.</param>
public sealed record Comparison(ImmutableArray<ComparisonRow> Rows, CostModel Convention)
{
    /// <summary>Each model's analysis, in the rows' order (the HTML page draws them).</summary>
    public ImmutableArray<AnalysisReport> Reports { get; init; } = [];

    /// <summary>Each model's predicted latency, in the rows' order; empty when none was asked for.</summary>
    public ImmutableArray<LatencyReport> Latency { get; init; } = [];
}

/// <summary>Several models side by side, as the lecture compares AlexNet with VGG-16.</summary>
public static class Comparisons
{
    /// <summary>Analyses each network with <paramref name="options"/> and relates it to the first; predicts each one's latency with <paramref name="latency"/> when given.</summary>
    /// <param name="models">The networks, each with its published top-1 when known.</param>
    /// <param name="options">The analysis options; the input, when given, applies to every model.</param>
    /// <param name="latency">The device, precision and batch to predict latency for; null predicts none.</param>
    /// <param name="trainingBatch">Also each model's training peak at this batch (<see cref="ComparisonRow.TrainingPeakBytes"/>: DenseNet's concatenations show there); null leaves it out.</param>
    public static Comparison Compare(IReadOnlyList<(Network Network, double? Top1)> models, AnalysisOptions? options = null, LatencyOptions? latency = null, int? trainingBatch = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0)
        {
            throw new ArgumentException("A comparison needs at least one model.", nameof(models));
        }

        options ??= AnalysisOptions.Default;
        var reports = models.Select(m => (Report: Analyzer.Analyze(m.Network, options), m.Top1, m.Network,
            Memory: MemoryAnalyzer.Analyze(m.Network, new MemoryOptions { Input = options.Input, Batch = options.Batch, DataType = options.DataType }))).ToList();
        var first = reports[0].Report.Totals;
        static double? Ratio(long a, long b) => b == 0 ? null : (double)a / b;
        ImmutableArray<ComparisonRow> rows = [.. reports.Select(r => new ComparisonRow(
            r.Report.Model, r.Report.Input, r.Report.Totals.Parameters, r.Report.Totals.Macs, r.Report.Totals.ActivationBytes, r.Memory.Inference.PeakBytes, r.Top1,
            Ratio(r.Report.Totals.Parameters, first.Parameters), Ratio(r.Report.Totals.Macs, first.Macs), Ratio(r.Report.Totals.ActivationBytes, first.ActivationBytes))
        {
            TrainingPeakBytes = trainingBatch is { } b ? MemoryAnalyzer.Analyze(r.Network, new MemoryOptions { Input = options.Input, Batch = b, DataType = options.DataType }).Training.PeakBytes : null,
        })];
        return new Comparison(rows, options.Convention)
        {
            Reports = [.. reports.Select(r => r.Report)],
            Latency = latency is null ? [] : [.. models.Select(m => LatencyModel.Predict(m.Network, latency with { Input = options.Input }))],
        };
    }
}

/// <summary>What a sweep varies.</summary>
public enum SweepAxis
{
    /// <summary>The batch size.</summary>
    Batch,

    /// <summary>The input's resolution (height and width, or a 1-D input's length; channels and depth kept).</summary>
    Resolution,
}

/// <summary>One point of a sweep over batch size or input resolution.</summary>
/// <param name="Batch">Samples per batch.</param>
/// <param name="Input">One sample's input.</param>
/// <param name="Macs">Multiply-adds for the batch.</param>
/// <param name="ActivationBytes">The plain sum of every layer's output for the batch.</param>
/// <param name="InferencePeakBytes">Activations alive at the inference peak.</param>
/// <param name="TrainingPeakBytes">Everything at the training peak (weights, optimizer state, activations, gradients).</param>
public sealed record SweepPoint(int Batch, TensorShape Input, long Macs, long ActivationBytes, long InferencePeakBytes, long TrainingPeakBytes);

/// <summary>A model's cost at each batch size or resolution.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Over">What varies.</param>
/// <param name="Convention">The counting convention of the MACs and activations.</param>
/// <param name="Points">One point per value, in the order given.</param>
public sealed record Sweep(string Model, SweepAxis Over, CostModel Convention, ImmutableArray<SweepPoint> Points)
{
    /// <summary>The predicted latency at each point; empty when none was asked for.</summary>
    public ImmutableArray<LatencyReport> Latency { get; init; } = [];
}

/// <summary>How cost grows with batch size or input resolution.</summary>
public static class Sweeps
{
    /// <summary>The most points one sweep takes.</summary>
    public const int MaxPoints = 1000;

    /// <summary>The network at each batch size; latency at each with <paramref name="latency"/> when given; <paramref name="progress"/> is told after each point.</summary>
    /// <exception cref="ArgumentException">No batch, more than <see cref="MaxPoints"/>, or one not positive.</exception>
    public static Sweep OverBatch(Network network, IEnumerable<int> batches, AnalysisOptions? options = null, LatencyOptions? latency = null, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var values = Checked([.. batches], "batch size");
        return Run(network, SweepAxis.Batch, [.. values.Select(b => (b, (TensorShape?)null))], options, latency, progress);
    }

    /// <summary>The network at each input resolution (batch 1); see <see cref="OverBatch"/>.</summary>
    /// <exception cref="ArgumentException">No resolution, more than <see cref="MaxPoints"/>, or one not positive.</exception>
    public static Sweep OverResolution(Network network, IEnumerable<int> resolutions, AnalysisOptions? options = null, LatencyOptions? latency = null, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(resolutions);
        options ??= AnalysisOptions.Default;
        var input = options.Input ?? network.DefaultInput ?? TensorShape.Chw(3, 224, 224);
        var values = Checked([.. resolutions], "resolution");
        return Run(network, SweepAxis.Resolution, [.. values.Select(side => (1, (TensorShape?)input.WithResolution(side)))], options, latency, progress);
    }

    private static int[] Checked(int[] values, string what)
    {
        if (values.Length is 0 or > MaxPoints)
        {
            throw new ArgumentException($"A sweep takes 1 to {MaxPoints:N0} values of {what}, got {values.Length:N0}.");
        }

        foreach (var v in values)
        {
            if (v < 1)
            {
                throw new ArgumentException($"A sweep's {what} must be positive, got {v}.");
            }
        }

        return values;
    }

    private static Sweep Run(Network network, SweepAxis over, List<(int Batch, TensorShape? Input)> points, AnalysisOptions? options, LatencyOptions? latency, Action<int>? progress)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= AnalysisOptions.Default;
        var results = ImmutableArray.CreateBuilder<SweepPoint>();
        foreach (var (batch, input) in points)
        {
            var at = options with { Batch = batch, Input = input ?? options.Input };
            var report = Analyzer.Analyze(network, at);
            var memory = MemoryAnalyzer.Analyze(network, new MemoryOptions { Input = at.Input, Batch = batch, DataType = at.DataType });
            results.Add(new SweepPoint(batch, report.Input, report.Totals.Macs, report.Totals.ActivationBytes, memory.Inference.PeakBytes, memory.Training.PeakBytes));
            progress?.Invoke(results.Count);
        }

        return new Sweep(network.Name, over, options.Convention, results.ToImmutable())
        {
            Latency = latency is null ? [] : [.. points.Select(p => LatencyModel.Predict(network, latency with { Batch = p.Batch, Input = p.Input ?? options.Input }))],
        };
    }
}

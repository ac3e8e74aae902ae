using System.Globalization;
using CnnArch.Analysis;

namespace CnnArch.Reporting;

/// <summary>
/// The report as the command line prints it to a file or a pipe: the lecture's table (layer, kind,
/// output, memory, exact parameters, MACs), the totals, torchinfo's footer and the convention, in
/// plain text: byte for byte what <c>cnnarch analyze</c> prints to a file or a pipe.
/// </summary>
public static partial class TextReport
{
    /// <summary>The table of <paramref name="report"/>, blocks deeper than <paramref name="depth"/> collapsed; shapes batch-first when <paramref name="batchDim"/>.</summary>
    public static string Write(AnalysisReport report, int? depth = null, bool batchDim = false) =>
        Write(report, new ReportOptions { Depth = depth, BatchDim = batchDim });

    /// <summary>The report laid out by <paramref name="options"/> (columns, depth, tree, batch-first shapes, notes), as plain text.</summary>
    public static string Write(AnalysisReport report, ReportOptions options) => Document(report, options).ToString();

    /// <summary>
    /// The report as a document: the title line, the table (its last row the totals), the footer, and
    /// the notes <paramref name="options"/> carries (an import's, a latency prediction's).
    /// </summary>
    public static TextDocument Document(AnalysisReport report, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        options ??= ReportOptions.Default;
        var columns = options.Columns;
        var table = new TextTable.Builder([.. columns.Select(c => new TextColumn(c.HeaderFor(options), c.IsRightAligned))]);
        foreach (var (row, label) in ReportRows.Of(report, options))
        {
            table.Row(columns.Select(c => c.Value(report, row, label, options)));
        }

        table.Blank().Total(columns.Select(c => c.Total(report, options)));
        return new TextDocument.Builder()
            .Line(string.Create(CultureInfo.InvariantCulture, $"{report.Model}: input {options.Shape(report, report.Input)}, batch {report.Batch}, {report.DataType.Name()}"))
            .Table(table.Build())
            .Lines(Footer(report, options.DatasetSize))
            .Lines(ImportNotes(report, options.Import))
            .Lines(options.Latency is { } latency ? [Summary(latency)] : [])
            .Build();
    }

    // What importing the file noticed: the elements it stores against the rows' sum, and operators left uncounted.
    private static IEnumerable<string> ImportNotes(AnalysisReport report, Graph.ImportSummary? import)
    {
        if (import is null)
        {
            yield break;
        }

        yield return $"{import.Format} opset {import.Opset}: {Units.Exact(import.UniqueParameterElements)} parameter elements stored in the file (a shared tensor once); the table sums {Units.Exact(report.Totals.Parameters)} over the layers that use them.";
        if (import.UnknownOperators.Length > 0)
        {
            yield return $"Uncounted: {import.UnknownOperators.Length} node(s) of unknown operators, their output assumed to have their input's shape: " +
                string.Join(", ", import.UnknownOperators.Select(u => $"{u.NodeName} ({u.OpType})"));
        }
    }

    /// <summary>The lines under the table: totals, torchinfo's footer, auxiliary heads, the convention, warnings.</summary>
    public static IEnumerable<string> Footer(AnalysisReport report) => Footer(report, null);

    /// <summary>The lines under the table, with one epoch's training compute over <paramref name="datasetSize"/> samples when given.</summary>
    public static IEnumerable<string> Footer(AnalysisReport report, long? datasetSize)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = report.Totals;
        if (report.Selection is { } selection)
        {
            yield return $"Only {selection}: the totals below are theirs.";
        }

        yield return $"Params {Units.Exact(t.Parameters)} (+{Units.Exact(t.Buffers)} buffers), MACs {Units.Exact(t.Macs)}, FLOPs {Units.Exact(t.Flops)}, activations {Units.Exact(t.ActivationBytes)} bytes (sum of every row's output).";
        if (report.AuxiliaryTotals.Parameters + report.AuxiliaryTotals.Macs > 0)
        {
            var a = report.AuxiliaryTotals;
            yield return $"Auxiliary (training only, not in the totals): params {Units.Exact(a.Parameters)}, MACs {Units.Exact(a.Macs)}.";
        }

        // torchinfo's footer, line for line as torchinfo writes it (MB = 10^6 bytes), so eyes and scripts find it.
        var z = report.Sizes();
        static string Mb(long bytes) => (bytes / 1e6).ToString("N2", CultureInfo.InvariantCulture);
        yield return $"Total params: {Units.Exact(z.TotalParameters)}";
        yield return $"Trainable params: {Units.Exact(z.TrainableParameters)}";
        yield return $"Non-trainable params: {Units.Exact(z.NonTrainableParameters)}";
        yield return $"Total mult-adds ({MultAddUnit(t.Macs).Unit}): {(t.Macs / MultAddUnit(t.Macs).Scale).ToString("0.00", CultureInfo.InvariantCulture)}";
        yield return $"Buffers: {Units.Exact(z.Buffers)} (BatchNorm statistics: not parameters, where Keras counts them as non-trainable params)";
        yield return $"Input size (MB): {Mb(z.InputBytes)}";
        yield return $"Forward/backward pass size (MB): {Mb(z.ForwardBackwardBytes)}";
        yield return $"Params size (MB): {Mb(z.ParameterBytes)}";
        yield return $"Estimated Total Size (MB): {Mb(z.TotalBytes)}";
        var training = report.Training();
        yield return $"Training step (batch {report.Batch}): forward {Units.Count(training.ForwardMacs)} + backward {Units.Count(training.BackwardMacs)} = {Units.Count(training.StepMacs)} MACs ({Units.Count(training.StepFlops)} FLOPs); backward rules per kind in docs/conventions.md.";
        if (datasetSize is { } samples)
        {
            yield return $"Training epoch ({Units.Exact(samples)} samples): {Units.Count(training.EpochMacs(samples))} MACs ({Units.Count(training.EpochFlops(samples))} FLOPs).";
        }

        yield return $"Convention {report.Convention.Name}: {report.Convention.Describe()}";
        foreach (var d in report.Diagnostics)
        {
            yield return $"warning: {d.Path}: {d.Message}";
        }
    }

    // torchinfo's unit for the mult-adds: the largest of M, G and T that the total reaches (M below).
    private static (string Unit, double Scale) MultAddUnit(long macs) =>
        macs >= 1e12 ? ("T", 1e12) : macs >= 1e9 ? ("G", 1e9) : ("M", 1e6);
}

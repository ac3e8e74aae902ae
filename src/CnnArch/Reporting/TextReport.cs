using System.Globalization;
using System.Text;
using CnnArch.Analysis;

namespace CnnArch.Reporting;

/// <summary>
/// The report as the command line prints it to a file or a pipe: the lecture's table (layer, kind,
/// output, memory, exact parameters, MACs), the totals, torchinfo's footer and the convention, in
/// plain text: byte for byte what <c>cnnarch analyze</c> prints to a file or a pipe.
/// </summary>
public static class TextReport
{
    /// <summary>The table of <paramref name="report"/>, blocks deeper than <paramref name="depth"/> collapsed; shapes batch-first when <paramref name="batchDim"/>.</summary>
    public static string Write(AnalysisReport report, int? depth = null, bool batchDim = false) =>
        Write(report, new TableOptions { Depth = depth, BatchDim = batchDim });

    /// <summary>The table of <paramref name="report"/> laid out by <paramref name="options"/> (columns, depth, tree, batch-first shapes).</summary>
    public static string Write(AnalysisReport report, TableOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        var columns = options.Columns;
        var rows = new List<string[]> { columns.Select(c => c.HeaderFor(options)).ToArray() };
        foreach (var (row, label) in ReportRows.Of(report, options))
        {
            rows.Add([.. columns.Select(c => c.Value(report, row, label, options))]);
        }

        rows.Add([.. columns.Select(_ => string.Empty)]);
        rows.Add([.. columns.Select(c => c.Total(report, options))]);
        var widths = Enumerable.Range(0, columns.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var inner = widths.Sum() + (3 * widths.Length) - 1;
        string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((cell, c) => columns[c].IsRightAligned ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))) + " |";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{report.Model}: input {options.Shape(report, report.Input)}, batch {report.Batch}, {report.DataType.Name()}\n");
        text.Append('+').Append('-', inner).Append("+\n");
        text.Append(Line(rows[0])).Append('\n');
        text.Append("|-").Append(string.Join("-+-", widths.Select(w => new string('-', w)))).Append("-|\n");
        foreach (var r in rows.Skip(1))
        {
            text.Append(Line(r)).Append('\n');
        }

        text.Append('+').Append('-', inner).Append("+\n");
        foreach (var line in Footer(report, options.DatasetSize))
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The lines under the table: totals, torchinfo's footer, auxiliary heads, the convention, warnings.</summary>
    public static IEnumerable<string> Footer(AnalysisReport report) => Footer(report, null);

    /// <summary>The lines under the table, with one epoch's training compute over <paramref name="datasetSize"/> samples when given.</summary>
    public static IEnumerable<string> Footer(AnalysisReport report, long? datasetSize)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = report.Totals;
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

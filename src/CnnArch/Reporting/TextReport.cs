using System.Globalization;
using System.Text;
using CnnArch.Analysis;

namespace CnnArch.Reporting;

/// <summary>
/// The report as the command line prints it to a file or a pipe: the lecture's table (layer, kind,
/// output, memory, exact parameters, MACs), the totals, torchinfo's footer and the convention, in
/// plain text. <see cref="AnalysisReport.ToTable"/> and <see cref="AnalysisReport.ToString"/> give it.
/// </summary>
public static class TextReport
{
    /// <summary>The table of <paramref name="report"/>, blocks deeper than <paramref name="depth"/> collapsed; shapes batch-first when <paramref name="batchDim"/>.</summary>
    public static string Write(AnalysisReport report, int? depth = null, bool batchDim = false)
    {
        ArgumentNullException.ThrowIfNull(report);
        string Shape(TensorShape s) => batchDim ? $"[{string.Join(", ", s.Dims.Prepend(report.Batch))}]" : s.ToString();
        var rows = new List<string[]> { new[] { "Layer", "Kind", "Output", "Memory", "Params", "MACs" } };
        foreach (var row in report.Collapsed(depth))
        {
            rows.Add([row.IsAuxiliary ? row.Path + " (aux)" : row.Path, row.Kind, Shape(row.Output), Units.Bytes(row.ActivationBytes), Units.Exact(row.Parameters), row.IsCounted ? Units.Count(row.Macs) : "uncounted"]);
        }

        var t = report.Totals;
        rows.Add(["", "", "", "", "", ""]);
        rows.Add(["Total", "", Shape(report.Output), Units.Bytes(t.ActivationBytes), Units.Exact(t.Parameters), Units.Count(t.Macs)]);
        var widths = Enumerable.Range(0, 6).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var inner = widths.Sum() + (3 * widths.Length) - 1;
        string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((cell, c) => c < 2 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))) + " |";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{report.Model}: input {Shape(report.Input)}, batch {report.Batch}, {report.DataType.Name()}\n");
        text.Append('+').Append('-', inner).Append("+\n");
        text.Append(Line(rows[0])).Append('\n');
        text.Append("|-").Append(string.Join("-+-", widths.Select(w => new string('-', w)))).Append("-|\n");
        foreach (var r in rows.Skip(1))
        {
            text.Append(Line(r)).Append('\n');
        }

        text.Append('+').Append('-', inner).Append("+\n");
        foreach (var line in Footer(report))
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The lines under the table: totals, torchinfo's footer, auxiliary heads, the convention, warnings.</summary>
    public static IEnumerable<string> Footer(AnalysisReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = report.Totals;
        yield return $"Params {Units.Exact(t.Parameters)} (+{Units.Exact(t.Buffers)} buffers), MACs {Units.Exact(t.Macs)}, FLOPs {Units.Exact(t.Flops)}, activations {Units.Exact(t.ActivationBytes)} bytes (sum of every row's output).";
        if (report.AuxiliaryTotals.Parameters + report.AuxiliaryTotals.Macs > 0)
        {
            var a = report.AuxiliaryTotals;
            yield return $"Auxiliary (training only, not in the totals): params {Units.Exact(a.Parameters)}, MACs {Units.Exact(a.Macs)}.";
        }

        var z = report.Sizes();
        static string Mb(long bytes) => (bytes / 1e6).ToString("N2", CultureInfo.InvariantCulture);
        yield return $"Total params: {Units.Exact(z.TotalParameters)}; trainable: {Units.Exact(z.TrainableParameters)}; non-trainable: {Units.Exact(z.NonTrainableParameters)} (buffers are not parameters: {Units.Exact(z.Buffers)}, which Keras counts as non-trainable).";
        yield return $"Input size (MB): {Mb(z.InputBytes)}; Forward/backward pass size (MB): {Mb(z.ForwardBackwardBytes)}; Params size (MB): {Mb(z.ParameterBytes)}; Estimated total size (MB): {Mb(z.TotalBytes)} (torchinfo's definitions, MB = 10^6 bytes).";
        yield return $"Convention {report.Convention.Name}: {report.Convention.Describe()}";
        foreach (var d in report.Diagnostics)
        {
            yield return $"warning: {d.Path}: {d.Message}";
        }
    }
}

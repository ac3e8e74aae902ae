using System.Text;
using CnnArch.Analysis;

namespace CnnArch.Reporting;

public static partial class TextReport
{
    /// <summary>
    /// Each layer's numbers as the lecture derives them (<see cref="LayerArithmetic"/>): the output size
    /// from the window, the memory, the parameters and the multiply-adds with the layer's own numbers,
    /// for every row or for the one at <paramref name="path"/>; what <c>cnnarch analyze --explain</c> prints.
    /// </summary>
    /// <exception cref="ArgumentException">No row has the path <paramref name="path"/>.</exception>
    public static string Explain(AnalysisReport report, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = path is null ? report.Layers : [.. report.Layers.Where(l => l.Path == path)];
        if (rows.IsEmpty)
        {
            var close = string.Join(", ", report.Layers.Select(l => l.Path).Where(p => p.Contains(path!, StringComparison.OrdinalIgnoreCase)).Take(5));
            throw new ArgumentException($"--explain: no layer '{path}' in {report.Model}{(close.Length == 0 ? "; 'cnnarch analyze' lists the paths." : $"; close: {close}.")}", nameof(path));
        }

        var text = new StringBuilder();
        text.Append(report.Model).Append(": input ").Append(report.Input).Append(", batch ").Append(report.Batch).Append(", ").Append(report.DataType.Name()).Append('\n');
        foreach (var row in rows)
        {
            text.Append('\n').Append(row.Path).Append("  ").Append(row.Kind).Append('\n');
            foreach (var line in LayerArithmetic.Explain(report, row))
            {
                text.Append("  ").Append(line).Append('\n');
            }
        }

        text.Append('\n').Append("Convention ").Append(report.Convention.Name).Append(": ").Append(report.Convention.Describe()).Append('\n');
        return text.ToString();
    }
}

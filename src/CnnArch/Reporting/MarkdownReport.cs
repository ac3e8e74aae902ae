using System.Globalization;
using System.Text;
using CnnArch.Analysis;

namespace CnnArch.Reporting;

/// <summary>A report as a Markdown table (exact integers, so rows add up to the totals), with the convention below it.</summary>
public static class MarkdownReport
{
    /// <summary>The report as Markdown; <paramref name="depth"/> collapses deeper blocks.</summary>
    public static string Write(AnalysisReport report, int? depth = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"**{report.Model}**: input {report.Input}, batch {report.Batch}, {report.DataType.Name()}\n\n");
        sb.Append("| Layer | Kind | Output | Memory (KB) | Params | MACs |\n");
        sb.Append("|---|---|---:|---:|---:|---:|\n");
        foreach (var l in report.Collapsed(depth).Where(l => !l.IsAuxiliary))
        {
            sb.Append(c, $"| {Escape(l.Path)} | {Escape(l.Kind)} | {l.Output} | {l.MemoryKB:#,0.##} | {l.Parameters:N0} | {(l.IsCounted ? l.Macs.ToString("N0", c) : "uncounted")} |\n");
        }

        var t = report.Totals;
        sb.Append(c, $"| **Total** | | {report.Output} | {t.MemoryKB:#,0.##} | {t.Parameters:N0} | {t.Macs:N0} |\n\n");
        sb.Append(c, $"Convention `{report.Convention.Name}`: {report.Convention.Describe()}\n");
        return sb.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}

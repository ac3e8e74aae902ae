using System.Globalization;
using System.Text;
using CnnArch.Analysis;

namespace CnnArch.Reporting;

/// <summary>
/// A report as a Markdown table with exact integers (so rows add up to the totals) and the convention
/// below it. By default it carries every column (<see cref="ReportColumn.All"/>); auxiliary heads,
/// which the totals leave out, are left out of a flat table too.
/// </summary>
public static class MarkdownReport
{
    /// <summary>The report as Markdown with every column; <paramref name="depth"/> collapses deeper blocks.</summary>
    public static string Write(AnalysisReport report, int? depth = null) =>
        Write(report, new ReportOptions { Depth = depth, Columns = ReportColumn.All });

    /// <summary>The report as Markdown laid out by <paramref name="options"/>.</summary>
    public static string Write(AnalysisReport report, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        options = options with { Exact = true };
        var c = CultureInfo.InvariantCulture;
        var columns = options.Columns;
        var sb = new StringBuilder();
        sb.Append(c, $"**{report.Model}**: input {options.Shape(report, report.Input)}, batch {report.Batch}, {report.DataType.Name()}\n\n");
        sb.Append("| ").AppendJoin(" | ", columns.Select(col => col.HeaderFor(options))).Append(" |\n");
        sb.Append('|').AppendJoin('|', columns.Select(col => col.IsRightAligned ? "---:" : "---")).Append("|\n");
        foreach (var (row, label) in ReportRows.Of(report, options).Where(r => options.Tree || !r.Row.IsAuxiliary))
        {
            sb.Append("| ").AppendJoin(" | ", columns.Select(col => Escape(col.Value(report, row, label, options)))).Append(" |\n");
        }

        sb.Append("| ").AppendJoin(" | ", columns.Select(col => col == ReportColumn.Layer ? "**Total**" : Escape(col.Total(report, options)))).Append(" |\n\n");
        sb.Append(c, $"Convention `{report.Convention.Name}`: {report.Convention.Describe()}\n");
        if (options.Latency is { } latency)
        {
            sb.Append('\n').Append(TextReport.Summary(latency)).Append('\n');
        }

        return sb.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}

using CnnArch.Analysis;
using Spectre.Console;

namespace CnnArch.Cli;

/// <summary>The lecture's table with the chosen columns (flat or as a tree), the totals, the footer and the convention.</summary>
internal static class TableRenderer
{
    public static void Render(AnalysisReport report, IAnsiConsole console, bool fancy, TableOptions options)
    {
        console.WriteLine($"{report.Model}: input {options.Shape(report, report.Input)}, batch {report.Batch}, {report.DataType.Name()}");
        var table = new Table().Border(fancy ? TableBorder.Rounded : TableBorder.Ascii);
        foreach (var column in options.Columns)
        {
            var c = new TableColumn(Markup.Escape(column.HeaderFor(options)));
            table.AddColumn(column.IsRightAligned ? c.RightAligned() : c);
        }

        foreach (var (row, label) in ReportRows.Of(report, options))
        {
            table.AddRow([.. options.Columns.Select(c => Markup.Escape(c.Value(report, row, label, options)))]);
        }

        table.AddEmptyRow();
        table.AddRow([.. options.Columns.Select(c => c == ReportColumn.Layer && fancy ? "[bold]Total[/]" : Markup.Escape(c.Total(report, options)))]);
        console.Write(table);
        foreach (var line in TextReport.Footer(report, options.DatasetSize))
        {
            console.WriteLine(line);
        }
    }
}

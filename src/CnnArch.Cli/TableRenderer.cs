using CnnArch.Analysis;
using Spectre.Console;

namespace CnnArch.Cli;

/// <summary>The lecture's table: layer, kind, output volume, memory, parameters, multiply-adds; totals; the convention.</summary>
internal static class TableRenderer
{
    public static void Render(AnalysisReport report, IAnsiConsole console, bool fancy, int? depth = null, bool batchDim = false)
    {
        // torchinfo's shapes: the batch first, [1, 64, 56, 56].
        string Shape(TensorShape s) => batchDim ? Markup.Escape($"[{string.Join(", ", s.Dims.Prepend(report.Batch))}]") : s.ToString();
        console.WriteLine($"{report.Model}: input {(batchDim ? $"[{string.Join(", ", report.Input.Dims.Prepend(report.Batch))}]" : report.Input.ToString())}, batch {report.Batch}, {report.DataType.Name()}");
        var table = new Table().Border(fancy ? TableBorder.Rounded : TableBorder.Ascii);
        table.AddColumn("Layer");
        table.AddColumn("Kind");
        table.AddColumn(new TableColumn("Output").RightAligned());
        table.AddColumn(new TableColumn("Memory").RightAligned());
        table.AddColumn(new TableColumn("Params").RightAligned());
        table.AddColumn(new TableColumn("MACs").RightAligned());
        foreach (var row in report.Collapsed(depth))
        {
            var macs = row.IsCounted ? Units.Count(row.Macs) : "uncounted";
            var path = row.IsAuxiliary ? row.Path + " (aux)" : row.Path;
            table.AddRow(
                Markup.Escape(path),
                Markup.Escape(row.Kind),
                Shape(row.Output),
                Units.Bytes(row.ActivationBytes),
                Units.Exact(row.Parameters),
                macs);
        }

        var t = report.Totals;
        table.AddEmptyRow();
        table.AddRow(
            fancy ? "[bold]Total[/]" : "Total",
            string.Empty,
            Shape(report.Output),
            Units.Bytes(t.ActivationBytes),
            Units.Exact(t.Parameters),
            Units.Count(t.Macs));
        console.Write(table);
        foreach (var line in TextReport.Footer(report))
        {
            console.WriteLine(line);
        }
    }
}

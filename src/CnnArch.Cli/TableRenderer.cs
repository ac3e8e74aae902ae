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
        console.WriteLine($"Params {Units.Exact(t.Parameters)} (+{Units.Exact(t.Buffers)} buffers), MACs {Units.Exact(t.Macs)}, FLOPs {Units.Exact(t.Flops)}, activations {Units.Exact(t.ActivationBytes)} bytes (sum of every row's output).");
        if (report.AuxiliaryTotals.Parameters + report.AuxiliaryTotals.Macs > 0)
        {
            var a = report.AuxiliaryTotals;
            console.WriteLine($"Auxiliary (training only, not in the totals): params {Units.Exact(a.Parameters)}, MACs {Units.Exact(a.Macs)}.");
        }

        var z = report.Sizes();
        static string Mb(long bytes) => (bytes / 1e6).ToString("N2", System.Globalization.CultureInfo.InvariantCulture);
        console.WriteLine($"Total params: {Units.Exact(z.TotalParameters)}; trainable: {Units.Exact(z.TrainableParameters)}; non-trainable: {Units.Exact(z.NonTrainableParameters)} (buffers are not parameters: {Units.Exact(z.Buffers)}, which Keras counts as non-trainable).");
        console.WriteLine($"Input size (MB): {Mb(z.InputBytes)}; Forward/backward pass size (MB): {Mb(z.ForwardBackwardBytes)}; Params size (MB): {Mb(z.ParameterBytes)}; Estimated total size (MB): {Mb(z.TotalBytes)} (torchinfo's definitions, MB = 10^6 bytes).");
        console.WriteLine($"Convention {report.Convention.Name}: {report.Convention.Describe()}");
        foreach (var d in report.Diagnostics)
        {
            console.WriteLine($"warning: {d.Path}: {d.Message}");
        }
    }
}

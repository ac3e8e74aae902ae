using System.Collections.Immutable;
using System.CommandLine;
using CnnArch.Analysis;
using CnnArch.Performance;

namespace CnnArch.Cli.Commands;

/// <summary><c>cnnarch analyze</c>: the per-layer report of one network in any format.</summary>
internal static class AnalyzeCommand
{
    private enum LayerNames
    {
        Torch,
        Lecture,
    }

    public static Command Create(CliContext cli)
    {
        var model = CliOptions.Model();
        var input = CliOptions.Input();
        var batch = CliOptions.Batch();
        var dtype = CliOptions.DataType();
        var convention = CliOptions.Convention();
        var format = CliOptions.Format(
            "Output format: table (units), json, csv, markdown (exact integers), html (one self-contained page to open in a browser: the graph, the table, the totals).",
            OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv, OutputFormat.Markdown, OutputFormat.Html);
        var output = CliOptions.Output();
        var depth = CliOptions.Depth("Collapse blocks nested deeper than N into one row of their sums (as torchinfo's depth; 1 = top-level layers and blocks).");
        var set = CliOptions.Set();
        var ignore = new Option<string[]>("--ignore") { Description = "Count nothing for this layer kind (repeatable), e.g. --ignore BatchNorm2d for BN folded into the conv.", HelpName = "kind" };
        var names = CliOptions.Choice("--names", "Layer names: torch (module paths) or lecture (conv1 ... pool5, fc6 ... fc8, as the lecture's AlexNet table).", [("torch", LayerNames.Torch), ("lecture", LayerNames.Lecture)], LayerNames.Torch);
        var batchDim = CliOptions.Flag("--batch-dim", "Show shapes with the batch first, as torchinfo: [1, 64, 56, 56].");
        var columns = new Option<string?>("--columns")
        {
            Description = $"Table and Markdown columns, comma-separated: {string.Join(", ", ReportColumn.All.Select(c => c.Name))}; or default, wide (the lecture's full table), all; '+name' adds to the default. Default: wide on a terminal of 160 columns or more, else default; Markdown: all. CSV and JSON carry every column.",
            HelpName = "list",
        };
        var tree = CliOptions.Flag("--tree", "Show blocks as a tree with their own totals and children indented (├─ └─), as torchinfo; --depth N cuts the tree at depth N.");
        var freeze = CliOptions.Freeze();
        var dataset = CliOptions.Optional("--dataset", "Samples in the training set: the footer adds the training compute of one epoch (forward + backward).", 1L, long.MaxValue, "N");
        var from = new Option<string?>("--from") { Description = "Analyse only a contiguous part: from this layer or block (as the table names it).", HelpName = "path" };
        var until = new Option<string?>("--until") { Description = "Analyse only a contiguous part: up to and including this layer or block.", HelpName = "path" };
        var device = CliOptions.Device("Also predict each layer's latency on this device (h200, a100, ... or a profile file) in the --dtype precision: a footer line in the table and Markdown, and 'latency' in JSON and HTML (whose graph can then be coloured by it); not in CSV; see 'cnnarch latency'.");

        var command = new Command("analyze",
            "Per-layer output volume, memory, parameters and multiply-adds of a network.\n" +
            "Example: cnnarch analyze alexnet --input 3x227x227 --convention lecture")
        {
            model, input, batch, dtype, convention, format, output, depth, set, ignore, names, batchDim, from, until, columns, tree, freeze, dataset, device,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var inputShape = result.Shape(input);
            var source = result.Load(model, set, input);
            var options = new AnalysisOptions
            {
                Input = inputShape,
                Batch = result.GetValue(batch),
                DataType = result.GetValue(dtype),
                Convention = (result.GetValue(ignore) ?? []).Aggregate(result.GetValue(convention)!, (c, kind) => c.Ignoring(Conventions.LayerType(kind))),
                Frozen = [.. result.GetValue(freeze) ?? []],
            };
            var whole = result.GetValue(from) is null && result.GetValue(until) is null;
            var network = whole ? source.Network : NetworkPart.Between(source.Network, result.GetValue(from), result.GetValue(until), inputShape);
            var report = Analyzer.Analyze(network, whole ? options : options with { Input = network.DefaultInput });
            report = result.GetValue(names) == LayerNames.Lecture ? report.WithLectureNames() : report;
            var latency = result.GetValue(device) is { } name
                ? LatencyModel.Predict(network, new LatencyOptions(options) { Device = DeviceProfile.Get(name), Input = report.Input })
                : null;
            if (result.GetValue(dataset) is { } samples)
            {
                // Counted before anything is written: an epoch too large to count is an error, not a broken report.
                report.Training().EpochMacs(samples);
            }

            var chosen = result.GetValue(columns) is { } list ? ReportColumn.Parse(list) : (ImmutableArray<ReportColumn>?)null;
            var layout = new ReportOptions
            {
                Depth = result.GetValue(depth),
                BatchDim = result.GetValue(batchDim),
                Tree = result.GetValue(tree),
                DatasetSize = result.GetValue(dataset),
                Import = source.Import,
                Latency = latency,
            };
            cli.Emit(result.GetValue(output), fancy => result.GetValue(format) switch
            {
                OutputFormat.Json => JsonReport.Write(report, layout) + "\n",
                OutputFormat.Csv => CsvReport.Write(report, layout.Depth),
                OutputFormat.Html => HtmlReport.Write(report, layout),
                OutputFormat.Markdown => MarkdownReport.Write(report, layout with { Columns = chosen ?? ReportColumn.All }),
                _ => CliContext.Text(
                    TextReport.Document(report, layout with { Columns = chosen ?? (fancy && CliContext.TerminalWidth() >= 160 ? ReportColumn.Wide : ReportColumn.Default) }),
                    fancy),
            });
        }));
        return command;
    }
}

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
        var o = new AnalyzeOptions();
        var command = new Command("analyze",
            "Per-layer output volume, memory, parameters and multiply-adds of a network.\n" +
            "Example: cnnarch analyze alexnet --input 3x227x227 --convention lecture")
        {
            o.Model, o.Input, o.Batch, o.DataType, o.Convention, o.Format, o.Output, o.Depth, o.Set, o.Ignore, o.Names, o.BatchDim,
            o.From, o.Until, o.Columns, o.Tree, o.Freeze, o.Dataset, o.Device, o.Kinds, o.Explain,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () => Run(cli, result, o)));
        return command;
    }

    private static void Run(CliContext cli, ParseResult result, AnalyzeOptions o)
    {
        var inputShape = result.Shape(o.Input);
        var source = result.Load(o.Model, o.Set, o.Input);
        var options = new AnalysisOptions
        {
            Input = inputShape,
            Batch = result.GetValue(o.Batch),
            DataType = result.GetValue(o.DataType),
            Convention = (result.GetValue(o.Ignore) ?? []).Aggregate(result.GetValue(o.Convention)!, (c, kind) => c.Ignoring(Conventions.LayerType(kind))),
            Frozen = [.. result.GetValue(o.Freeze) ?? []],
        };
        var whole = result.GetValue(o.From) is null && result.GetValue(o.Until) is null;
        var network = whole ? source.Network : NetworkPart.Between(source.Network, result.GetValue(o.From), result.GetValue(o.Until), inputShape);
        var report = Analyzer.Analyze(network, whole ? options : options with { Input = network.DefaultInput });
        report = Select(result.GetValue(o.Names) == LayerNames.Lecture ? report.WithLectureNames() : report, result, o);

        var latency = result.GetValue(o.Device) is { } name
            ? LatencyModel.Predict(network, new LatencyOptions(options) { Device = DeviceProfile.Get(name), Input = report.Input })
            : null;
        if (result.GetValue(o.Dataset) is { } samples)
        {
            // Counted before anything is written: an epoch too large to count is an error, not a broken report.
            report.Training().EpochMacs(samples);
        }

        if (result.GetResult(o.Explain) is not null)
        {
            var explained = TextReport.Explain(report, result.GetValue(o.Explain));
            cli.Emit(result.GetValue(o.Output), _ => explained);
            return;
        }

        var chosen = result.GetValue(o.Columns) is { } list ? ReportColumn.Parse(list) : (ImmutableArray<ReportColumn>?)null;
        var layout = new ReportOptions
        {
            Depth = result.GetValue(o.Depth),
            BatchDim = result.GetValue(o.BatchDim),
            Tree = result.GetValue(o.Tree),
            DatasetSize = result.GetValue(o.Dataset),
            Import = source.Import,
            Latency = latency,
        };
        cli.WarnIfImplausible(report.Totals.ActivationBytes, "activations (the sum of every layer's output)", report.Input, options.Batch);
        cli.Emit(result.GetValue(o.Output), fancy => result.GetValue(o.Format) switch
        {
            OutputFormat.Json => JsonReport.Write(report, layout) + "\n",
            OutputFormat.Csv => CsvReport.Write(report, layout.Depth),
            OutputFormat.Html => HtmlReport.Write(report, layout),
            OutputFormat.Markdown => MarkdownReport.Write(report, layout with { Columns = chosen ?? ReportColumn.All }),
            _ => CliContext.Text(
                TextReport.Document(report, layout with { Columns = chosen ?? (fancy && CliContext.TerminalWidth() >= 160 ? ReportColumn.Wide : ReportColumn.Default) }),
                fancy),
        });
    }

    // --kinds: only rows of those kinds, and totals over them.
    private static AnalysisReport Select(AnalysisReport report, ParseResult result, AnalyzeOptions o)
    {
        if (result.GetValue(o.Kinds) is not { Length: > 0 } kinds)
        {
            return report;
        }

        if (result.GetValue(o.Tree) || result.GetValue(o.Depth) is not null)
        {
            throw new ArgumentException("--kinds keeps single rows: it does not combine with --tree or --depth.");
        }

        return report.Only([.. kinds.SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))]);
    }

    private sealed class AnalyzeOptions
    {
        public Argument<string> Model { get; } = CliOptions.Model();

        public Option<string?> Input { get; } = CliOptions.Input();

        public Option<int> Batch { get; } = CliOptions.Batch();

        public Option<DataType> DataType { get; } = CliOptions.DataType();

        public Option<CostModel> Convention { get; } = CliOptions.Convention();

        public Option<OutputFormat> Format { get; } = CliOptions.Format(
            "Output format: table (units), json, csv, markdown (exact integers), html (one self-contained page to open in a browser: the graph, the table, the totals).",
            OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv, OutputFormat.Markdown, OutputFormat.Html);

        public Option<string?> Output { get; } = CliOptions.Output();

        public Option<int?> Depth { get; } = CliOptions.Depth("Collapse blocks nested deeper than N into one row of their sums (as torchinfo's depth; 1 = top-level layers and blocks).");

        public Option<string[]> Set { get; } = CliOptions.Set();

        public Option<string?> Explain { get; } = new("--explain") { Description = "Each layer's numbers as the lecture derives them (output size, memory, params, MACs with the layer's own numbers), or only the layer at PATH.", HelpName = "path", Arity = ArgumentArity.ZeroOrOne };

        public Option<string[]> Kinds { get; } = new("--kinds") { Description = "Only rows of these kinds, and totals over them: families conv, linear, pool, norm, activation, join, attention, or kind names (--kinds conv,linear: the lecture's memory of conv and FC outputs).", HelpName = "list" };

        public Option<string[]> Ignore { get; } = new("--ignore") { Description = "Count nothing for this layer kind (repeatable), e.g. --ignore BatchNorm2d for BN folded into the conv.", HelpName = "kind" };

        public Option<LayerNames> Names { get; } = CliOptions.Choice(
            "--names", "Layer names: torch (module paths) or lecture (conv1 ... pool5, fc6 ... fc8, as the lecture's AlexNet table).",
            [("torch", LayerNames.Torch), ("lecture", LayerNames.Lecture)], LayerNames.Torch);

        public Option<bool> BatchDim { get; } = CliOptions.Flag("--batch-dim", "Show shapes with the batch first, as torchinfo: [1, 64, 56, 56].");

        public Option<string?> Columns { get; } = new("--columns")
        {
            Description = $"Table and Markdown columns, comma-separated: {string.Join(", ", ReportColumn.All.Select(c => c.Name))}; or default, wide (the lecture's full table), all; '+name' adds to the default. Default: wide on a terminal of 160 columns or more, else default; Markdown: all. CSV and JSON carry every column.",
            HelpName = "list",
        };

        public Option<bool> Tree { get; } = CliOptions.Flag("--tree", "Show blocks as a tree with their own totals and children indented (├─ └─), as torchinfo; --depth N cuts the tree at depth N.");

        public Option<string[]> Freeze { get; } = CliOptions.Freeze();

        public Option<long?> Dataset { get; } = CliOptions.Optional("--dataset", "Samples in the training set: the footer adds the training compute of one epoch (forward + backward).", 1L, long.MaxValue, "N");

        public Option<string?> From { get; } = new("--from") { Description = "Analyse only a contiguous part: from this layer or block (as the table names it).", HelpName = "path" };

        public Option<string?> Until { get; } = new("--until") { Description = "Analyse only a contiguous part: up to and including this layer or block.", HelpName = "path" };

        public Option<string?> Device { get; } = CliOptions.Device("Also predict each layer's latency on this device (h200, a100, ... or a profile file) in the --dtype precision: a footer line in the table and Markdown, and 'latency' in JSON and HTML (whose graph can then be coloured by it); not in CSV; see 'cnnarch latency'.");
    }
}

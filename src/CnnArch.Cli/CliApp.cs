using System.Collections.Immutable;
using System.CommandLine;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Memory;
using CnnArch.Presets;
using CnnArch.Reporting;
using Spectre.Console;

namespace CnnArch.Cli;

/// <summary>The <c>cnnarch</c> command line: a thin shell over the library.</summary>
internal static class CliApp
{
    // Options whose values are names from a closed set: matched whatever their case (--format JSON, -c FULL).
    private static readonly HashSet<string> NamedValues = new(StringComparer.Ordinal)
    {
        "--format", "-f", "--convention", "-c", "--dtype", "--weights-dtype", "--optimizer", "--kind", "-k", "--x", "--names",
    };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var root = BuildRoot(stdout, stderr, isTerminal);
        // Bare 'cnnarch' shows what it can do.
        var parsed = root.Parse(args.Length == 0 ? ["--help"] : CaseInsensitiveValues(args));
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            var help = command == root ? "cnnarch --help" : $"cnnarch {command.Name} --help";
            // The unknown token is what the user typed wrong; later errors ("command not provided") follow from it.
            var error = parsed.Errors.FirstOrDefault(e => parsed.UnmatchedTokens.Any(t => e.Message.Contains(t, StringComparison.Ordinal))) ?? parsed.Errors[0];
            stderr.WriteLine($"error: {Plain(OneLine(error.Message))} (see '{help}')");
            return ExitCodes.UsageOrInput;
        }

        try
        {
            if (parsed.Action is System.CommandLine.Help.HelpAction)
            {
                // The usage line names the process (CnnArch.Cli, dotnet, testhost); users type cnnarch.
                using var help = new StringWriter();
                var code = parsed.Invoke(new InvocationConfiguration { Output = help, Error = stderr, EnableDefaultExceptionHandler = false });
                stdout.Write(help.ToString().Replace($"  {RootCommand.ExecutableName} ", "  cnnarch ", StringComparison.Ordinal));
                return code;
            }

            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
#pragma warning disable CA1031 // The last line of defence: a bug still gets one line, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"error: internal failure ({ex.GetType().Name}): {FirstLine(ex.Message)}. Please report it.");
            return ExitCodes.InternalError;
        }
    }

    private static string[] CaseInsensitiveValues(string[] args)
    {
        var result = (string[])args.Clone();
        for (var i = 0; i < result.Length; i++)
        {
            var eq = result[i].IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && NamedValues.Contains(result[i][..eq]))
            {
                result[i] = result[i][..(eq + 1)] + result[i][(eq + 1)..].ToLowerInvariant();
            }
            else if (NamedValues.Contains(result[i]) && i + 1 < result.Length)
            {
                result[i + 1] = result[i + 1].ToLowerInvariant();
                i++;
            }
        }

        return result;
    }

    // System.CommandLine names .NET types ("as expected type 'System.Int32'"); a user needs the kind of value.
    private static string Plain(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, @"Cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)' as expected type '(?<type>[^']*)'");
        if (!m.Success)
        {
            return message;
        }

        var kind = m.Groups["type"].Value switch
        {
            "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "a whole number",
            "System.Double" or "System.Nullable`1[System.Double]" => "a number",
            "System.Boolean" => "true or false",
            _ => "a value of another kind",
        };
        return $"{m.Groups["option"].Value} takes {kind}, got '{m.Groups["value"].Value}'.";
    }

    private static RootCommand BuildRoot(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var root = new RootCommand(
            "cnnarch: what a convolutional network costs, layer by layer, without running it.\n" +
            "Exit codes: 0 success, 1 invalid network, 2 usage or input-file error, 3 a bug in cnnarch (please report it).");
        root.Add(AnalyzeCommand(stdout, stderr, isTerminal));
        root.Add(MemoryCommand(stdout, stderr, isTerminal));
        root.Add(CompareSweepCommands.Compare(stdout, stderr, isTerminal));
        root.Add(CompareSweepCommands.SweepCommand(stdout, stderr, isTerminal));
        root.Add(PlotCommand(stdout, stderr));
        root.Add(ExportCommand(stdout, stderr, isTerminal));
        root.Add(ListCommand(stdout, stderr, isTerminal));
        root.Add(DesignCommands.Design(stdout, stderr, isTerminal));
        root.Add(SearchCommand.Create(stdout, stderr, isTerminal));
        root.Add(LatencyCommand.Create(stdout, stderr, isTerminal));
        return root;
    }

    private static Command AnalyzeCommand(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var model = CliOptions.Model();
        var input = CliOptions.Input();
        var batch = CliOptions.Batch();
        var dtype = CliOptions.DataType();
        var convention = CliOptions.Convention();
        var format = CliOptions.Format("Output format: table (units), json, csv, markdown (exact integers), html (one self-contained page to open in a browser: the graph, the table, the totals).", "table", "json", "csv", "markdown", "html");
        var output = CliOptions.Output();
        var depth = CliOptions.Depth("Collapse blocks nested deeper than N into one row of their sums (as torchinfo's depth; 1 = top-level layers and blocks).");
        var set = CliOptions.Set();
        var ignore = new Option<string[]>("--ignore") { Description = "Count nothing for this layer kind (repeatable), e.g. --ignore BatchNorm2d for BN folded into the conv.", HelpName = "kind" };
        var names = new Option<string>("--names") { Description = "Layer names: torch (module paths) or lecture (conv1 ... pool5, fc6 ... fc8, as the lecture's AlexNet table).", DefaultValueFactory = _ => "torch" };
        names.AcceptOnlyFromAmong("torch", "lecture");
        var batchDim = new Option<bool>("--batch-dim") { Description = "Show shapes with the batch first, as torchinfo: [1, 64, 56, 56]." };
        var columns = new Option<string?>("--columns")
        {
            Description = $"Table and Markdown columns, comma-separated: {string.Join(", ", ReportColumn.All.Select(c => c.Name))}; or default, wide (the lecture's full table), all; '+name' adds to the default. Default: wide on a terminal of 160 columns or more, else default; Markdown: all. CSV and JSON carry every column.",
            HelpName = "list",
        };
        var tree = new Option<bool>("--tree") { Description = "Show blocks as a tree with their own totals and children indented (├─ └─), as torchinfo; --depth N cuts the tree at depth N." };
        var freeze = CliOptions.Freeze();
        var dataset = new Option<long?>("--dataset") { Description = "Samples in the training set: the footer adds the training compute of one epoch (forward + backward).", HelpName = "N" };
        dataset.Validators.Add(r =>
        {
            if (r.GetValue(dataset) is <= 0)
            {
                r.AddError("--dataset must be a positive number of samples.");
            }
        });
        var from = new Option<string?>("--from") { Description = "Analyse only a contiguous part: from this layer or block (as the table names it).", HelpName = "path" };
        var until = new Option<string?>("--until") { Description = "Analyse only a contiguous part: up to and including this layer or block.", HelpName = "path" };
        var device = LatencyCommand.Device("Also predict each layer's latency on this device (h200, a100, ... or a profile file): a footer line in the table and Markdown, and 'latency' in JSON and HTML (whose graph can then be coloured by it); not in CSV; see 'cnnarch latency'.");
        var precision = LatencyCommand.Precision("--precision");

        var command = new Command("analyze",
            "Per-layer output volume, memory, parameters and multiply-adds of a network.\n" +
            "Example: cnnarch analyze alexnet --input 3x227x227 --convention lecture")
        {
            model, input, batch, dtype, convention, format, output, depth, set, ignore, names, batchDim, from, until, columns, tree, freeze, dataset, device, precision,
        };
        command.SetAction(result => Guarded(stderr, () =>
        {
            var inputShape = result.Shape(input);
            var source = ModelSource.Load(result.GetRequiredValue(model), result.GetValue(set) ?? [], inputShape);
            var options = new AnalysisOptions
            {
                Input = inputShape,
                Batch = result.GetValue(batch),
                DataType = DataTypes.Parse(result.GetRequiredValue(dtype)),
                Convention = (result.GetValue(ignore) ?? []).Aggregate(
                    Conventions.Get(result.GetRequiredValue(convention)),
                    (c, kind) => c.Ignoring(Conventions.LayerType(kind))),
                Frozen = [.. result.GetValue(freeze) ?? []],
            };
            var network = result.GetValue(from) is null && result.GetValue(until) is null
                ? source.Network
                : NetworkPart.Between(source.Network, result.GetValue(from), result.GetValue(until), inputShape);
            var report = Analyzer.Analyze(network, network == source.Network ? options : options with { Input = network.DefaultInput });
            if (result.GetValue(names) == "lecture")
            {
                report = report.WithLectureNames();
            }

            var latency = LatencyCommand.Predict(result, device, precision, report.Batch, report.Input, [network])?[0];
            void Extra(System.Text.Json.Utf8JsonWriter w)
            {
                source.WriteJson(w);
                WriteEpoch(w, report, result.GetValue(dataset));
                if (latency is not null)
                {
                    w.WriteStartObject("latency");
                    latency.WriteJsonProperties(w);
                    w.WriteEndObject();
                }
            }

            var levels = result.GetValue(depth);
            var chosen = result.GetValue(columns) is { } list ? ReportColumn.Parse(list) : (ImmutableArray<ReportColumn>?)null;
            var table = new TableOptions { Depth = levels, BatchDim = result.GetValue(batchDim), Tree = result.GetValue(tree), DatasetSize = result.GetValue(dataset) };
            Write(stdout, isTerminal, result.GetValue(output), (writer, fancy) =>
            {
                switch (result.GetValue(format))
                {
                    case "json":
                        WriteUtf8(writer, stream => JsonReport.Write(report, stream, Extra, levels));
                        writer.WriteLine();
                        break;
                    case "csv":
                        writer.Write(CsvReport.Write(report, levels));
                        break;
                    case "html":
                        writer.Write(HtmlReport.Write(report, Extra));
                        break;
                    case "markdown":
                        writer.Write(MarkdownReport.Write(report, table with { Columns = chosen ?? ReportColumn.All }));
                        if (latency is not null)
                        {
                            writer.WriteLine();
                            writer.WriteLine(LatencyCommand.Summary(latency));
                        }

                        break;
                    default:
                        var console = CreateConsole(writer, fancy);
                        TableRenderer.Render(report, console, fancy, table with { Columns = chosen ?? (fancy && TerminalWidth() >= 160 ? ReportColumn.Wide : ReportColumn.Default) });
                        source.WriteNotes(console, report);
                        if (latency is not null)
                        {
                            console.WriteLine(LatencyCommand.Summary(latency));
                        }

                        break;
                }
            });
        }));
        return command;
    }

    private static void WriteEpoch(System.Text.Json.Utf8JsonWriter w, AnalysisReport report, long? samples)
    {
        if (samples is not { } n)
        {
            return;
        }

        var training = report.Training();
        w.WriteStartObject("epoch");
        w.WriteNumber("samples", n);
        w.WriteNumber("macs", training.EpochMacs(n));
        w.WriteNumber("flops", training.EpochFlops(n));
        w.WriteEndObject();
    }

    // Writes UTF-8 bytes: straight into the stream under a UTF-8 StreamWriter (standard output, a file),
    // else through a string (a test's StringWriter).
    internal static void WriteUtf8(TextWriter writer, Action<Stream> write)
    {
        if (writer is StreamWriter { Encoding: System.Text.UTF8Encoding } utf8)
        {
            utf8.Flush();
            write(utf8.BaseStream);
            return;
        }

        using var buffer = new MemoryStream();
        write(buffer);
        writer.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    // Writes to the terminal, or to a file (plain text, no colours) when --output names one.
    internal static void Write(TextWriter stdout, bool isTerminal, string? file, Action<TextWriter, bool> write)
    {
        if (file is null)
        {
            write(stdout, isTerminal);
            return;
        }

        using (var writer = new StreamWriter(file, append: false, new System.Text.UTF8Encoding(false)))
        {
            write(writer, false);
        }

        stdout.WriteLine($"wrote {file}");
    }

    private static Command MemoryCommand(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var model = CliOptions.Model();
        var input = CliOptions.Input();
        var batch = CliOptions.Batch();
        var dtype = CliOptions.DataType();
        var weights = CliOptions.DataType("--weights-dtype", "Element type of weights, gradients and optimizer state (default: as --dtype; mixed precision: fp32 weights with --dtype fp16).", fallback: null);
        var optimizer = new Option<string>("--optimizer") { Description = "Optimizer whose state training keeps.", DefaultValueFactory = _ => "sgd-momentum" };
        optimizer.AcceptOnlyFromAmong("sgd", "sgd-momentum", "adam", "adamw");
        var training = new Option<bool>("--training") { Description = "Print the training breakdown too, and make --fits answer for training." };
        var fits = new Option<string?>("--fits") { Description = "Also answer the largest batch that fits in this much memory (24GB, 80GiB, 16000MB; powers of 1024).", HelpName = "size" };
        var format = CliOptions.Format("Output format.", "table", "json");
        var set = CliOptions.Set();
        var memoryOutput = CliOptions.Output();
        var memoryFreeze = CliOptions.Freeze();

        var command = new Command("memory",
            "Memory for inference and training: weights, activations alive at the peak, what backward keeps, gradients, optimizer state.\n" +
            "Example: cnnarch memory resnet50 --batch 32 --optimizer sgd-momentum --training --fits 24GB")
        {
            model, input, batch, dtype, weights, optimizer, training, fits, format, set, memoryOutput, memoryFreeze,
        };
        command.SetAction(result => Guarded(stderr, () =>
        {
            var inputShape = result.Shape(input);
            var network = ModelSource.Load(result.GetRequiredValue(model), result.GetValue(set) ?? [], inputShape).Network;
            var activations = DataTypes.Parse(result.GetRequiredValue(dtype));
            var options = new MemoryOptions
            {
                Input = inputShape,
                Batch = result.GetValue(batch),
                Activations = activations,
                Weights = result.GetValue(weights) is { } w ? DataTypes.Parse(w) : activations,
                Optimizer = Optimizers.Parse(result.GetRequiredValue(optimizer)),
                Frozen = [.. result.GetValue(memoryFreeze) ?? []],
            };
            var report = MemoryAnalyzer.Analyze(network, options);
            var isTraining = result.GetValue(training);
            int? largest = result.GetValue(fits) is { } budget
                ? MemoryAnalyzer.LargestBatch(network, ByteSize.Parse(budget), options, isTraining)
                : null;
            Write(stdout, isTerminal, result.GetValue(memoryOutput), (writer, fancy) =>
            {
                if (result.GetValue(format) == "json")
                {
                    writer.Write(MemoryJson.Write(report, largest, result.GetValue(fits), isTraining));
                    writer.WriteLine();
                }
                else
                {
                    MemoryRenderer.Render(report, isTraining, largest, result.GetValue(fits), CreateConsole(writer, fancy), fancy);
                }
            });
        }));
        return command;
    }

    private static Command PlotCommand(TextWriter stdout, TextWriter stderr)
    {
        var model = new Argument<string?>("model") { Description = "A preset, an .onnx file or a spec file (for --kind accuracy: a preset to highlight, optional).", Arity = ArgumentArity.ZeroOrOne };
        var kind = new Option<string>("--kind", "-k") { Description = "layers: each layer's share of memory, params and MACs; trends: the lecture's three panels of memory, params and MACs per layer; accuracy: presets' top-1 against GMACs (or latency with --x latency); roofline: each layer on the device's roofline.", DefaultValueFactory = _ => "layers" };
        kind.AcceptOnlyFromAmong("layers", "trends", "accuracy", "roofline");
        var logX = new Option<bool>("--log-x") { Description = "The accuracy chart with a logarithmic x axis." };
        var x = new Option<string>("--x") { Description = "The accuracy chart's x axis: macs, or latency (predicted on --device).", DefaultValueFactory = _ => "macs" };
        x.AcceptOnlyFromAmong("macs", "latency");
        var device = LatencyCommand.Device("The device for --kind roofline and --x latency.", "h200");
        var dtype = LatencyCommand.Precision();
        var batch = CliOptions.Batch();
        var output = new Option<string>("--output", "-o") { Description = "The chart file: .png or .svg.", HelpName = "file", Required = true };
        var input = CliOptions.Input();
        var convention = CliOptions.Convention();
        var depth = CliOptions.Depth("Collapse blocks deeper than N (default: as deep as 40 bars allow).");
        var size = new Option<string>("--size") { Description = "Width x height in pixels.", DefaultValueFactory = _ => "1400x800", HelpName = "WxH" };
        var set = CliOptions.Set();
        var command = new Command("plot",
            "Charts: where a network's costs go by layer, or accuracy against compute.\n" +
            "Example: cnnarch plot alexnet --input 3x227x227 --output alexnet.png    or    cnnarch plot --kind accuracy --output models.svg")
        {
            model, kind, output, input, convention, depth, size, set, x, device, dtype, batch, logX,
        };
        command.SetAction(result => Guarded(stderr, () =>
        {
            var file = result.GetRequiredValue(output);
            var pixels = TensorShape.Parse(result.GetRequiredValue(size));
            if (pixels.Rank != 2 || pixels.Dims[0] > 10_000 || pixels.Dims[1] > 10_000)
            {
                throw new FormatException($"--size takes width x height up to 10000x10000, like 1400x800; got '{result.GetValue(size)}'.");
            }

            // The accuracy chart compares with published figures, which count as torchvision does.
            var conventionName = result.GetValue(kind) == "accuracy" && result.GetResult(convention) is null or { Implicit: true } ? "torchvision" : result.GetRequiredValue(convention);
            var conventionModel = Conventions.Get(conventionName);
            ScottPlot.Plot chart;
            Performance.LatencyOptions Latency(TensorShape? shape) => new()
            {
                Device = Performance.DeviceProfile.Get(result.GetValue(device)!),
                Precision = Performance.Precisions.Parse(result.GetRequiredValue(dtype)),
                Batch = result.GetValue(batch),
                Input = shape,
            };
            if (result.GetValue(kind) == "accuracy")
            {
                chart = Charts.Accuracy(conventionModel, result.GetValue(model), pixels.Dims[0], pixels.Dims[1], result.GetValue(x) == "latency" ? Latency(null) : null, result.GetValue(logX)).Plot;
            }
            else if (result.GetValue(kind) == "roofline")
            {
                var name = result.GetValue(model) ?? throw new ArgumentException("plot --kind roofline needs a model.");
                var inputShape = result.Shape(input);
                chart = Charts.Roofline(Performance.LatencyModel.Predict(ModelSource.Load(name, result.GetValue(set) ?? [], inputShape).Network, Latency(inputShape)));
            }
            else if (result.GetValue(kind) == "trends")
            {
                var name = result.GetValue(model) ?? throw new ArgumentException("plot --kind trends needs a model.");
                var inputShape = result.Shape(input);
                var network = ModelSource.Load(name, result.GetValue(set) ?? [], inputShape).Network;
                Charts.SavePanels(Charts.Trends(Analyzer.Analyze(network, new AnalysisOptions { Input = inputShape, Convention = conventionModel }), result.GetValue(depth)), file, pixels.Dims[0], pixels.Dims[1]);
                stdout.WriteLine($"wrote {file}");
                return;
            }
            else
            {
                var name = result.GetValue(model) ?? throw new ArgumentException("plot --kind layers needs a model.");
                var inputShape = result.Shape(input);
                var network = ModelSource.Load(name, result.GetValue(set) ?? [], inputShape).Network;
                chart = Charts.Layers(Analyzer.Analyze(network, new AnalysisOptions { Input = inputShape, Convention = conventionModel }), result.GetValue(depth));
            }

            Charts.Save(chart, file, pixels.Dims[0], pixels.Dims[1]);
            stdout.WriteLine($"wrote {file}");
        }));
        return command;
    }

    private static Command ExportCommand(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var model = CliOptions.Model();
        var format = CliOptions.Format("What to write: a spec file (JSON) that 'cnnarch analyze' reads back.", "spec");
        var input = CliOptions.Input("For an .onnx file: the input to import it at.");
        var set = CliOptions.Set();
        var output = CliOptions.Output();
        var command = new Command("export",
            "Any network as a spec file, to edit and analyze again.\n" +
            "Example: cnnarch export resnet18 --format spec > resnet18.json && cnnarch analyze resnet18.json")
        {
            model, format, input, set, output,
        };
        command.SetAction(result => Guarded(stderr, () =>
        {
            var network = ModelSource.Load(result.GetRequiredValue(model), result.GetValue(set) ?? [], result.Shape(input)).Network;
            Write(stdout, isTerminal, result.GetValue(output), (writer, _) => writer.Write(Spec.SpecWriter.Write(network)));
        }));
        return command;
    }

    private static Command ListCommand(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var command = new Command("list", "The built-in presets, with description, paper and parameters.\nExample: cnnarch list");
        command.SetAction(_ => Guarded(stderr, () =>
        {
            var console = CreateConsole(stdout, isTerminal);
            var table = new Table().Border(isTerminal ? TableBorder.Rounded : TableBorder.Ascii);
            table.AddColumn("Preset");
            table.AddColumn("Family");
            table.AddColumn("Description");
            table.AddColumn("Parameters");
            foreach (var p in Catalog.All)
            {
                var parameters = string.Join(", ", p.Parameters.Select(q => $"{q.Name}={q.Default}"));
                table.AddRow(Markup.Escape(p.Name), Markup.Escape(p.Family), Markup.Escape(p.Description + "\n" + p.Paper), Markup.Escape(parameters));
            }

            console.Write(table);
        }));
        return command;
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    internal static IAnsiConsole CreateConsole(TextWriter stdout, bool isTerminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!isTerminal)
        {
            // Redirected output has no width of its own: keep rows whole rather than wrapped at 80 columns.
            console.Profile.Width = 240;
        }

        return console;
    }

    /// <summary>
    /// Flushes what <see cref="Run"/> left buffered in the process's standard output. A full disk or a
    /// closed file is one line on stderr and exit code 2, as inside a command; an error the command
    /// already reported (its exit code is not 0) is not reported twice.
    /// </summary>
    public static int Finish(TextWriter stdout, TextWriter stderr, int code)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            stdout.Flush();
            return code;
        }
        catch (IOException ex)
        {
            if (code == ExitCodes.Success)
            {
                stderr.WriteLine($"error: {FirstLine(ex.Message)}");
            }

            return code == ExitCodes.Success ? ExitCodes.UsageOrInput : code;
        }
    }

    // One line on stderr and a documented exit code for every error a user can cause; never a stack trace.
    internal static int Guarded(TextWriter stderr, Action action)
    {
        try
        {
            action();
            return ExitCodes.Success;
        }
        catch (InvalidNetworkException ex)
        {
            stderr.WriteLine($"error: invalid network: {ex.Message}");
            return ExitCodes.InvalidNetwork;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {FirstLine(ex.Message)}");
            return ExitCodes.UsageOrInput;
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string FirstLine(string message)
    {
        // ArgumentException appends " (Parameter 'x')"; users need the sentence, not the parameter.
        var line = message.Split('\n')[0].TrimEnd();
        var cut = line.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut > 0 ? line[..cut] : line;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CnnArch.Analysis;
using CnnArch.Studies;
using CnnArch.Graph;
using CnnArch.Performance;
using CnnArch.Presets;
using Spectre.Console;

namespace CnnArch.Cli;

/// <summary>compare and sweep: several analyses in one table.</summary>
internal static class CompareSweepCommands
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static Command Compare(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var models = new Argument<string[]>("models") { Description = "Presets, .onnx or spec files, each optionally labelled (label=model: wide=resnet50); ratios are against the first.", Arity = ArgumentArity.OneOrMore };
        var set = new Option<string[]>("--set") { Description = "A preset parameter for every preset (repeatable), or for one: label:name=value (w75:width=0.75).", HelpName = "name=value" };
        var input = CliOptions.Input("One input for every model (default: each model's own).");
        var convention = CliOptions.Convention();
        var format = CliOptions.Format("Output format: table, json, csv, or html (one page with each model's graph and table).", "table", "json", "csv", "html");
        var output = CliOptions.Output();
        var device = LatencyCommand.Device("Also predict each model's latency and throughput on this device (h200, a100, ... or a profile file); see 'cnnarch latency'.");
        var dtype = LatencyCommand.Precision();
        var batch = CliOptions.Batch();
        var command = new Command("compare",
            "Models side by side: parameters, MACs, activation memory and published top-1, with ratios against the first; latency with --device.\n" +
            "Example: cnnarch compare alexnet vgg16 googlenet resnet50 mobilenet_v2 --device h200 --batch 64")
        {
            models, input, convention, format, output, device, dtype, batch, set,
        };
        command.SetAction(result => CliApp.Guarded(stderr, () =>
        {
            var inputShape = result.Shape(input);
            var settings = result.GetValue(set) ?? [];
            var loaded = result.GetRequiredValue(models).Select(entry =>
            {
                // label=model names a row, so two variants of one preset can stand side by side.
                var eq = entry.IndexOf('=', StringComparison.Ordinal);
                var (label, model) = eq > 0 && !File.Exists(entry) ? (entry[..eq], entry[(eq + 1)..]) : (null, entry);
                // model@from..until compares a part: googlenet@..maxpool2 is GoogLeNet's stem.
                var at = model.LastIndexOf('@');
                var part = at > 0 && !File.Exists(model) ? model[(at + 1)..] : null;
                model = part is null ? model : model[..at];
                var own = settings.Where(x => label is not null && x.StartsWith(label + ":", StringComparison.Ordinal)).Select(x => x[(label!.Length + 1)..]);
                var shared = settings.Where(x => !x.Contains(':', StringComparison.Ordinal));
                var preset = Catalog.Contains(model);
                string[] applied = preset ? [.. shared, .. own] : [];
                var network = ModelSource.Load(model, applied, inputShape).Network;
                if (part is not null)
                {
                    var range = part.Split("..", 2);
                    network = NetworkPart.Between(network, range[0].Length > 0 ? range[0] : null, range.Length > 1 && range[1].Length > 0 ? range[1] : null, inputShape);
                    label ??= entry;
                }

                // A published top-1 belongs to the preset as published, not to a variant of it.
                var top1 = applied.Length == 0 && part is null ? Catalog.All.FirstOrDefault(p => string.Equals(p.Name, model, StringComparison.OrdinalIgnoreCase))?.Top1 : null;
                return (Network: label is null ? network : network.WithName(label), Top1: top1);
            }).ToList();
            var options = new AnalysisOptions { Input = inputShape, Convention = Conventions.Get(result.GetRequiredValue(convention)) };
            var rows = Comparisons.Compare(loaded, options);
            var latency = LatencyCommand.Predict(result, device, dtype, result.GetValue(batch), inputShape, loaded.Select(l => l.Network));
            CliApp.Write(stdout, isTerminal, result.GetValue(output), (writer, fancy) =>
            {
                switch (result.GetValue(format))
                {
                    case "html":
                        writer.Write(HtmlReport.Write([.. loaded.Select(l => Analyzer.Analyze(l.Network, options))]));
                        break;
                    case "json":
                        writer.WriteLine(JsonText.Object(w =>
                        {
                            w.WriteString("convention", options.Convention.Name);
                            if (latency is not null)
                            {
                                w.WriteString("device", latency[0].Options.Device.Name);
                                w.WriteString("dtype", latency[0].Options.Precision.Name());
                                w.WriteNumber("batch", latency[0].Options.Batch);
                            }

                            w.WriteStartArray("models");
                            foreach (var (r, i) in rows.Select((r, i) => (r, i)))
                            {
                                w.WriteStartObject();
                                w.WriteString("model", r.Model);
                                w.WriteString("input", r.Input.ToString());
                                w.WriteNumber("params", r.Parameters);
                                w.WriteNumber("macs", r.Macs);
                                w.WriteNumber("activationBytes", r.ActivationBytes);
                                w.WriteNumber("inferencePeakBytes", r.InferencePeakBytes);
                                if (r.Top1 is { } top1)
                                {
                                    w.WriteNumber("top1", top1);
                                }

                                // A ratio to a first model with none of the quantity has no value: null.
                                foreach (var (key, ratio) in new[] { ("paramsRatio", r.ParametersRatio), ("macsRatio", r.MacsRatio), ("memoryRatio", r.MemoryRatio) })
                                {
                                    if (ratio is { } v)
                                    {
                                        w.WriteNumber(key, v);
                                    }
                                    else
                                    {
                                        w.WriteNull(key);
                                    }
                                }
                                if (latency is not null)
                                {
                                    w.WriteNumber("latencyMs", Math.Round(latency[i].Milliseconds, 6));
                                    w.WriteNumber("imagesPerSecond", Math.Round(latency[i].ImagesPerSecond, 1));
                                }

                                w.WriteEndObject();
                            }

                            w.WriteEndArray();
                        }));
                        break;
                    case "csv":
                        writer.Write("model,input,params,macs,activation_bytes,inference_peak_bytes,top1,params_ratio,macs_ratio,memory_ratio" + (latency is null ? "\n" : ",latency_ms,images_per_second\n"));
                        foreach (var (r, i) in rows.Select((r, i) => (r, i)))
                        {
                            writer.Write(Csv.Row(r.Model, r.Input.ToString(), Csv.Number(r.Parameters), Csv.Number(r.Macs), Csv.Number(r.ActivationBytes), Csv.Number(r.InferencePeakBytes),
                                Csv.Number(r.Top1), Csv.Number(r.ParametersRatio, "0.####"), Csv.Number(r.MacsRatio, "0.####"), Csv.Number(r.MemoryRatio, "0.####")).TrimEnd('\n'));
                            writer.Write(latency is null ? "\n" : string.Create(C, $",{latency[i].Milliseconds:0.######},{latency[i].ImagesPerSecond:0.#}\n"));
                        }

                        break;
                    default:
                        var table = new Table().Border(fancy ? TableBorder.Rounded : TableBorder.Ascii);
                        var columns = new[] { ("Model", false), ("Params", true), ("x", true), ("MACs", true), ("x", true), ("Activations", true), ("x", true), ("Peak (inference)", true), ("Top-1 %", true) };
                        foreach (var (title, right) in latency is null ? columns : [.. columns, ("ms", true), ("Images/s", true)])
                        {
                            table.AddColumn(right ? new TableColumn(title).RightAligned() : new TableColumn(title));
                        }

                        foreach (var (r, i) in rows.Select((r, i) => (r, i)))
                        {
                            string[] cells = [Markup.Escape(r.Model), Units.Count(r.Parameters), Ratio(r.ParametersRatio), Units.Count(r.Macs), Ratio(r.MacsRatio),
                                Units.Bytes(r.ActivationBytes), Ratio(r.MemoryRatio), Units.Bytes(r.InferencePeakBytes), r.Top1?.ToString("0.00", C) ?? "-"];
                            table.AddRow(latency is null ? cells : [.. cells, LatencyCommand.Ms(latency[i].Milliseconds), latency[i].ImagesPerSecond.ToString("N0", C)]);
                        }

                        var console = CliApp.CreateConsole(writer, fancy);
                        console.Write(table);
                        console.WriteLine($"Ratios (x) against {rows[0].Model}. Activations: the sum of every layer's output, batch 1. Top-1: torchvision's published ImageNet accuracy.");
                        console.WriteLine($"Convention {options.Convention.Name}: {options.Convention.Describe()}");
                        if (latency is not null)
                        {
                            var o = latency[0].Options;
                            console.WriteLine($"Latency: predicted for one forward pass of batch {o.Batch} in {o.Precision.Name()} on {o.Device.Name} ({(o.Device.Calibrated ? "calibrated" : "datasheet peaks")}), eager PyTorch; see docs/latency.md.");
                        }

                        break;
                }
            });
        }));
        return command;
    }

    public static Command SweepCommand(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var model = CliOptions.Model();
        var batches = new Option<string?>("--batch", "-b") { Description = "Batch sizes, comma separated: 1,8,32,128.", HelpName = "list" };
        var resolutions = new Option<string?>("--resolution", "-r") { Description = "Input resolutions (height and width, or the length of a 1-D input; channels and depth kept): from:to:step (128:512:32) or a list (224,256).", HelpName = "range" };
        var convention = CliOptions.Convention();
        var format = CliOptions.Format("Output format.", "table", "json", "csv");
        var output = CliOptions.Output();
        var device = LatencyCommand.Device("Also predict latency and throughput at each point on this device (h200, a100, ... or a profile file).");
        var dtype = LatencyCommand.Precision();
        var command = new Command("sweep",
            "MACs and memory (and latency with --device) against batch size or input resolution.\n" +
            "Example: cnnarch sweep resnet50 --batch 1,8,32,128 --device h200    or    cnnarch sweep mobilenet_v2 --resolution 128:512:32")
        {
            model, batches, resolutions, convention, format, output, device, dtype,
        };
        command.SetAction(result => CliApp.Guarded(stderr, () =>
        {
            var network = ModelSource.Load(result.GetRequiredValue(model), [], null).Network;
            var baseInput = network.DefaultInput ?? TensorShape.Chw(3, 224, 224);
            var (batchText, resolutionText) = (result.GetValue(batches), result.GetValue(resolutions));
            List<(int Batch, TensorShape? Input)> points = (batchText, resolutionText) switch
            {
                ({ } b, null) => [.. ParseList(b, "--batch").Select(n => (n, (TensorShape?)null))],
                (null, { } r) => [.. ParseRange(r).Select(side => (1, (TensorShape?)baseInput.WithResolution(side)))],
                _ => throw new ArgumentException("Give exactly one of --batch and --resolution."),
            };
            var options = new AnalysisOptions { Convention = Conventions.Get(result.GetRequiredValue(convention)) };
            var rows = isTerminal && points.Count > 1
                ? AnsiConsole.Progress().AutoClear(true).Start(ctx =>
                {
                    var task = ctx.AddTask($"sweeping {network.Name}", maxValue: points.Count);
                    return Sweeps.Run(network, points, options, done => task.Value = done);
                })
                : Sweeps.Run(network, points, options);
            var over = batchText is not null ? "batch" : "resolution";
            var latency = result.GetValue(device) is null ? null
                : rows.Select(p => LatencyCommand.Predict(result, device, dtype, p.Batch, p.Input, [network])![0]).ToList();
            CliApp.Write(stdout, isTerminal, result.GetValue(output), (writer, fancy) =>
            {
                switch (result.GetValue(format))
                {
                    case "json":
                        writer.WriteLine(JsonText.Object(w =>
                        {
                            w.WriteString("model", network.Name);
                            w.WriteString("over", over);
                            w.WriteString("convention", options.Convention.Name);
                            if (latency is not null)
                            {
                                w.WriteString("device", latency[0].Options.Device.Name);
                                w.WriteString("dtype", latency[0].Options.Precision.Name());
                            }

                            w.WriteStartArray("points");
                            foreach (var (p, i) in rows.Select((p, i) => (p, i)))
                            {
                                w.WriteStartObject();
                                w.WriteNumber("batch", p.Batch);
                                w.WriteString("input", p.Input.ToString());
                                w.WriteNumber("macs", p.Macs);
                                w.WriteNumber("activationBytes", p.ActivationBytes);
                                w.WriteNumber("inferencePeakBytes", p.InferencePeakBytes);
                                w.WriteNumber("trainingPeakBytes", p.TrainingPeakBytes);
                                if (latency is not null)
                                {
                                    w.WriteNumber("latencyMs", Math.Round(latency[i].Milliseconds, 6));
                                    w.WriteNumber("imagesPerSecond", Math.Round(latency[i].ImagesPerSecond, 1));
                                }

                                w.WriteEndObject();
                            }

                            w.WriteEndArray();
                        }));
                        break;
                    case "csv":
                        writer.Write("batch,input,macs,activation_bytes,inference_peak_bytes,training_peak_bytes" + (latency is null ? "\n" : ",latency_ms,images_per_second\n"));
                        foreach (var (p, i) in rows.Select((p, i) => (p, i)))
                        {
                            writer.Write(string.Create(C, $"{p.Batch},{p.Input},{p.Macs},{p.ActivationBytes},{p.InferencePeakBytes},{p.TrainingPeakBytes}"));
                            writer.Write(latency is null ? "\n" : string.Create(C, $",{latency[i].Milliseconds:0.######},{latency[i].ImagesPerSecond:0.#}\n"));
                        }

                        break;
                    default:
                        var table = new Table().Border(fancy ? TableBorder.Rounded : TableBorder.Ascii);
                        string[] titles = ["Batch", "Input", "MACs", "Activations (sum)", "Inference peak", "Training peak (SGD+momentum)"];
                        foreach (var title in latency is null ? titles : [.. titles, "ms", "Images/s"])
                        {
                            table.AddColumn(new TableColumn(title).RightAligned());
                        }

                        foreach (var (p, i) in rows.Select((p, i) => (p, i)))
                        {
                            string[] cells = [p.Batch.ToString(C), p.Input.ToString(), Units.Count(p.Macs), Units.Bytes(p.ActivationBytes), Units.Bytes(p.InferencePeakBytes), Units.Bytes(p.TrainingPeakBytes)];
                            table.AddRow(latency is null ? cells : [.. cells, LatencyCommand.Ms(latency[i].Milliseconds), latency[i].ImagesPerSecond.ToString("N0", C)]);
                        }

                        var console = CliApp.CreateConsole(writer, fancy);
                        console.WriteLine($"{network.Name} over {over}");
                        console.Write(table);
                        console.WriteLine($"Convention {options.Convention.Name}: {options.Convention.Describe()} Peaks: fp32, as 'cnnarch memory'.");
                        break;
                }
            });
        }));
        return command;
    }

    private static string Ratio(double? r) => r is not { } v || !double.IsFinite(v) ? "-" : v.ToString(v >= 10 ? "0.0" : "0.00", C);

    internal static int[] ParseList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = parts.Select(p => int.TryParse(p, NumberStyles.None, C, out var v) && v > 0 ? v : throw new FormatException($"{option} takes positive whole numbers separated by commas, got '{text}'.")).ToArray();
        return values.Length > 0 ? values : throw new FormatException($"{option} takes positive whole numbers separated by commas, got '{text}'.");
    }

    internal static int[] ParseRange(string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 1)
        {
            return ParseList(text, "--resolution");
        }

        var bad = new FormatException($"--resolution takes from:to:step like 128:512:32, or a list like 224,256; got '{text}'.");
        if (parts.Length != 3 || parts.Any(p => !int.TryParse(p, NumberStyles.None, C, out var v) || v < 1))
        {
            throw bad;
        }

        var (from, to, step) = (int.Parse(parts[0], C), int.Parse(parts[1], C), int.Parse(parts[2], C));
        if (to < from || (to - from) / step > 10_000)
        {
            throw bad;
        }

        return [.. Enumerable.Range(0, ((to - from) / step) + 1).Select(i => from + (i * step))];
    }
}

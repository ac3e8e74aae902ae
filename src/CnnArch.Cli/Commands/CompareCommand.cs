using System.CommandLine;
using CnnArch.Analysis;
using CnnArch.Studies;
using CnnArch.Graph;
using CnnArch.Onnx;
using CnnArch.Presets;

namespace CnnArch.Cli.Commands;

/// <summary><c>cnnarch compare</c>: models side by side, with ratios against the first.</summary>
internal static class CompareCommand
{
    public static Command Create(CliContext cli)
    {
        var models = new Argument<string[]>("models") { Description = "Presets, .onnx or spec files, each optionally labelled (label=model: wide=resnet50), or a part (model@from..until); ratios are against the first.", Arity = ArgumentArity.OneOrMore };
        var set = new Option<string[]>("--set") { Description = "A preset parameter for every preset (repeatable), or for one: label:name=value (w75:width=0.75).", HelpName = "name=value" };
        var input = CliOptions.Input("One input for every model (default: each model's own).");
        var convention = CliOptions.Convention();
        var format = CliOptions.Format("Output format: table, json, csv, or html (one page with each model's graph and table).", OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv, OutputFormat.Html);
        var output = CliOptions.Output();
        var device = CliOptions.Device("Also predict each model's latency and throughput on this device (h200, a100, ... or a profile file) in the --dtype precision; see 'cnnarch latency'.");
        var dtype = CliOptions.DataType("Precision latency is predicted in with --device: fp32 (convs in TF32, as PyTorch), tf32, bf16, fp16.");
        var batch = CliOptions.Batch();
        var training = CliOptions.Flag("--training", "Also each model's training peak at --batch (SGD with momentum, as 'cnnarch memory --training').");
        var command = new Command("compare",
            "Models side by side: parameters, MACs, activation memory and published top-1, with ratios against the first; latency with --device.\n" +
            "Example: cnnarch compare alexnet vgg16 googlenet resnet50 mobilenet_v2 --device h200 --batch 64")
        {
            models, input, convention, format, output, device, dtype, batch, set, training,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var inputShape = result.Shape(input);
            var settings = result.GetValue(set) ?? [];
            var loaded = result.GetRequiredValue(models).Select(entry => Load(entry, settings, inputShape)).ToList();
            var comparison = Comparisons.Compare(
                loaded,
                new AnalysisOptions { Input = inputShape, Convention = result.GetValue(convention)! },
                LatencyCommand.OptionsIfAny(result, device, dtype, result.GetValue(batch), inputShape),
                result.GetValue(training) ? result.GetValue(batch) : null);
            cli.Emit(result.GetValue(output), fancy => result.GetValue(format) switch
            {
                OutputFormat.Html => HtmlReport.Write(comparison),
                OutputFormat.Json => JsonReport.Write(comparison) + "\n",
                OutputFormat.Csv => CsvReport.Write(comparison),
                _ => CliContext.Text(TextReport.Document(comparison), fancy),
            });
        }));
        return command;
    }

    // label=model names a row, so two variants of one preset stand side by side; model@from..until compares a
    // part (googlenet@..maxpool2 is GoogLeNet's stem); label:name=value sets a parameter of one labelled model.
    private static (Network Network, double? Top1) Load(string entry, string[] settings, TensorShape? input)
    {
        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        var (label, model) = eq > 0 && !File.Exists(entry) ? (entry[..eq], entry[(eq + 1)..]) : (null, entry);
        var at = model.LastIndexOf('@');
        var part = at > 0 && !File.Exists(model) ? model[(at + 1)..] : null;
        model = part is null ? model : model[..at];
        var own = settings.Where(x => label is not null && x.StartsWith(label + ":", StringComparison.Ordinal)).Select(x => x[(label!.Length + 1)..]);
        var shared = settings.Where(x => !x.Contains(':', StringComparison.Ordinal));
        string[] applied = Catalog.Contains(model) ? [.. shared, .. own] : [];
        var network = ModelLoader.Load(model, ModelLoader.Settings(applied), input).Network;
        if (part is not null)
        {
            var range = part.Split("..", 2);
            network = NetworkPart.Between(network, range[0].Length > 0 ? range[0] : null, range.Length > 1 && range[1].Length > 0 ? range[1] : null, input);
            label ??= entry;
        }

        // A published top-1 belongs to the preset as published, not to a variant of it.
        var top1 = applied.Length == 0 && part is null && Catalog.Contains(model) ? Catalog.Find(model).Top1 : null;
        return (label is null ? network : network.WithName(label), top1);
    }
}

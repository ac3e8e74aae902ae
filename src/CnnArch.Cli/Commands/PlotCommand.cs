using System.CommandLine;
using CnnArch.Analysis;
using CnnArch.Onnx;
using CnnArch.Performance;

namespace CnnArch.Cli.Commands;

/// <summary><c>cnnarch plot</c>: charts of where a network's costs go, and of accuracy against compute.</summary>
internal static class PlotCommand
{
    private enum ChartKind
    {
        Layers,
        Trends,
        Accuracy,
        Roofline,
    }

    private enum ChartAxis
    {
        Macs,
        Latency,
    }

    public static Command Create(CliContext cli)
    {
        var model = new Argument<string?>("model") { Description = "A preset, an .onnx file or a spec file (for --kind accuracy: a preset to highlight, optional).", Arity = ArgumentArity.ZeroOrOne };
        var kind = CliOptions.Choice(
            "--kind",
            "layers: each layer's share of memory, params and MACs; trends: the lecture's three panels of memory, params and MACs per layer; accuracy: presets' top-1 against GMACs (or latency with --x latency); roofline: each layer on the device's roofline.",
            Enum.GetValues<ChartKind>().Select(k => (k.ToString().ToLowerInvariant(), k)), ChartKind.Layers, "-k");
        var logX = CliOptions.Flag("--log-x", "The accuracy chart with a logarithmic x axis.");
        var x = CliOptions.Choice("--x", "The accuracy chart's x axis: macs, or latency (predicted on --device).", [("macs", ChartAxis.Macs), ("latency", ChartAxis.Latency)], ChartAxis.Macs);
        var device = CliOptions.Device("The device for --kind roofline and --x latency.", "h200");
        var dtype = CliOptions.DataType("Precision latency is predicted in: fp32 (convs in TF32, as PyTorch), tf32, bf16, fp16.");
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
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var file = result.GetRequiredValue(output);
            var pixels = TensorShape.Parse(result.GetRequiredValue(size));
            if (pixels.Rank != 2 || pixels.Dims[0] > 10_000 || pixels.Dims[1] > 10_000)
            {
                throw new FormatException($"--size takes width x height up to 10000x10000, like 1400x800; got '{result.GetValue(size)}'.");
            }

            var (width, height) = (pixels.Dims[0], pixels.Dims[1]);
            var chart = result.GetValue(kind);
            LatencyOptions Latency(TensorShape? shape) => LatencyCommand.Options(result, device, dtype, result.GetValue(batch), shape);
            if (chart == ChartKind.Accuracy)
            {
                // The accuracy chart compares with published figures, which count as torchvision does.
                var published = result.GetResult(convention) is null or { Implicit: true } ? Conventions.TorchVision : result.GetValue(convention)!;
                Charts.Save(Charts.Accuracy(published, result.GetValue(model), width, height, result.GetValue(x) == ChartAxis.Latency ? Latency(null) : null, result.GetValue(logX)).Plot, file, width, height);
                cli.Stdout.WriteLine($"wrote {file}");
                return;
            }

            var name = result.GetValue(model) ?? throw new ArgumentException($"plot --kind {chart.ToString().ToLowerInvariant()} needs a model.");
            var shape = result.Shape(input);
            var network = ModelLoader.Load(name, ModelLoader.Settings(result.GetValue(set) ?? []), shape).Network;
            AnalysisReport Report() => Analyzer.Analyze(network, new AnalysisOptions { Input = shape, Convention = result.GetValue(convention)! });
            switch (chart)
            {
                case ChartKind.Roofline:
                    Charts.Save(Charts.Roofline(LatencyModel.Predict(network, Latency(shape))), file, width, height);
                    break;
                case ChartKind.Trends:
                    Charts.SavePanels(Charts.Trends(Report(), result.GetValue(depth)), file, width, height);
                    break;
                default:
                    Charts.Save(Charts.Layers(Report(), result.GetValue(depth)), file, width, height);
                    break;
            }

            cli.Stdout.WriteLine($"wrote {file}");
        }));
        return command;
    }
}

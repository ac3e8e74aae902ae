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
        Winners,
        Complexity,
    }

    private enum AccuracyMetric
    {
        Top1,
        Top5,
    }

    private enum ChartAxis
    {
        Macs,
        Latency,
    }

    public static Command Create(CliContext cli)
    {
        var o = new PlotOptions();
        var command = new Command("plot",
            "Charts: where a network's costs go by layer, or accuracy against compute.\n" +
            "Example: cnnarch plot alexnet --input 3x227x227 --output alexnet.png    or    cnnarch plot --kind accuracy --output models.svg")
        {
            o.Model, o.Kind, o.Output, o.Input, o.Convention, o.Depth, o.Size, o.Set, o.X, o.Device, o.DataType, o.Batch, o.LogX, o.Metric,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var file = result.GetRequiredValue(o.Output);
            Draw(result, o, file);
            cli.Stdout.WriteLine($"wrote {file}");
        }));
        return command;
    }

    private static void Draw(ParseResult result, PlotOptions o, string file)
    {
        var pixels = TensorShape.Parse(result.GetRequiredValue(o.Size));
        if (pixels.Rank != 2 || pixels.Dims[0] > 10_000 || pixels.Dims[1] > 10_000)
        {
            throw new FormatException($"--size takes width x height up to 10000x10000, like 1400x800; got '{result.GetValue(o.Size)}'.");
        }

        var (width, height) = (pixels.Dims[0], pixels.Dims[1]);
        var chart = result.GetValue(o.Kind);
        LatencyOptions Latency(TensorShape? shape) => LatencyCommand.Options(result, o.Device, o.DataType, result.GetValue(o.Batch), shape);
        if (chart == ChartKind.Winners)
        {
            Charts.Save(Charts.Winners(), file, width, height);
            return;
        }

        if (chart is ChartKind.Accuracy or ChartKind.Complexity)
        {
            // The accuracy chart compares with published figures, which count as torchvision does.
            var published = result.GetResult(o.Convention) is null or { Implicit: true } ? Conventions.TorchVision : result.GetValue(o.Convention)!;
            var latency = result.GetValue(o.X) == ChartAxis.Latency ? Latency(null) : null;
            var top5 = result.GetValue(o.Metric) == AccuracyMetric.Top5;
            var drawn = chart == ChartKind.Complexity ? Charts.Complexity(top5) : new AccuracyChart(null, top5, null);
            Charts.Save(Charts.Accuracy(published, result.GetValue(o.Model), width, height, latency, result.GetValue(o.LogX), drawn).Plot, file, width, height);
            return;
        }

        var name = result.GetValue(o.Model) ?? throw new ArgumentException($"plot --kind {chart.ToString().ToLowerInvariant()} needs a model.");
        var shape = result.Shape(o.Input);
        var network = ModelLoader.Load(name, ModelLoader.Settings(result.GetValue(o.Set) ?? []), shape).Network;
        AnalysisReport Report() => Analyzer.Analyze(network, new AnalysisOptions { Input = shape, Convention = result.GetValue(o.Convention)! });
        switch (chart)
        {
            case ChartKind.Roofline:
                Charts.Save(Charts.Roofline(LatencyModel.Predict(network, Latency(shape))), file, width, height);
                break;
            case ChartKind.Trends:
                Charts.SavePanels(Charts.Trends(Report(), result.GetValue(o.Depth)), file, width, height);
                break;
            default:
                Charts.Save(Charts.Layers(Report(), result.GetValue(o.Depth)), file, width, height);
                break;
        }
    }

    private sealed class PlotOptions
    {
        public Argument<string?> Model { get; } = new("model") { Description = "A preset, an .onnx file or a spec file (for --kind accuracy: a preset to highlight, optional).", Arity = ArgumentArity.ZeroOrOne };

        public Option<ChartKind> Kind { get; } = CliOptions.Choice(
            "--kind",
            "layers: each layer's share of memory, params and MACs; trends: the lecture's three panels of memory, params and MACs per layer; accuracy: presets' top-1 against GMACs (or latency with --x latency); roofline: each layer on the device's roofline; winners: the ImageNet winners by year, top-5 error and depth; complexity: the lecture's comparing-complexity chart (Canziani et al. 2016).",
            Enum.GetValues<ChartKind>().Select(k => (k.ToString().ToLowerInvariant(), k)), ChartKind.Layers, "-k");

        public Option<bool> LogX { get; } = CliOptions.Flag("--log-x", "The accuracy chart with a logarithmic x axis.");

        public Option<AccuracyMetric> Metric { get; } = CliOptions.Choice("--metric", "The accuracy and complexity charts' y axis: top1 or top5 (published ImageNet accuracy).", [("top1", AccuracyMetric.Top1), ("top5", AccuracyMetric.Top5)], AccuracyMetric.Top1);

        public Option<ChartAxis> X { get; } = CliOptions.Choice("--x", "The accuracy chart's x axis: macs, or latency (predicted on --device).", [("macs", ChartAxis.Macs), ("latency", ChartAxis.Latency)], ChartAxis.Macs);

        public Option<string?> Device { get; } = CliOptions.Device("The device for --kind roofline and --x latency.", "h200");

        public Option<DataType> DataType { get; } = CliOptions.DataType("Precision latency is predicted in: fp32 (convs in TF32, as PyTorch), tf32, bf16, fp16.");

        public Option<int> Batch { get; } = CliOptions.Batch();

        public Option<string> Output { get; } = new("--output", "-o") { Description = "The chart file: .png or .svg.", HelpName = "file", Required = true };

        public Option<string?> Input { get; } = CliOptions.Input();

        public Option<CostModel> Convention { get; } = CliOptions.Convention();

        public Option<int?> Depth { get; } = CliOptions.Depth("Collapse blocks deeper than N (default: as deep as 40 bars allow).");

        public Option<string> Size { get; } = new("--size") { Description = "Width x height in pixels.", DefaultValueFactory = _ => "1400x800", HelpName = "WxH" };

        public Option<string[]> Set { get; } = CliOptions.Set();
    }
}

using System.CommandLine;
using CnnArch.Memory;

namespace CnnArch.Cli.Commands;

/// <summary><c>cnnarch memory</c>: inference and training memory, and the largest batch within a budget.</summary>
internal static class MemoryCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CliOptions.Model();
        var input = CliOptions.Input();
        var batch = CliOptions.Batch();
        var dtype = CliOptions.DataType();
        var weights = CliOptions.Choice<DataType?>(
            "--weights-dtype", "Element type of weights, gradients and optimizer state (default: as --dtype; mixed precision: fp32 weights with --dtype fp16).",
            Enum.GetValues<DataType>().Select(t => (t.Name(), (DataType?)t)), null);
        var optimizer = CliOptions.Choice("--optimizer", "Optimizer whose state training keeps.", Enum.GetValues<Optimizer>().Select(o => (o.Name(), o)), Optimizer.SgdMomentum);
        var training = CliOptions.Flag("--training", "Print the training breakdown too, and make --fits answer for training.");
        var fits = new Option<ByteSize?>("--fits")
        {
            Description = "Also answer the largest batch that fits in this much memory (24GB, 80GiB, 16000MB; powers of 1024).",
            HelpName = "size",
            CustomParser = r => Parse(r),
        };
        var format = CliOptions.Format("Output format.", OutputFormat.Table, OutputFormat.Json);
        var set = CliOptions.Set();
        var output = CliOptions.Output();
        var freeze = CliOptions.Freeze();
        var command = new Command("memory",
            "Memory for inference and training: weights, activations alive at the peak, what backward keeps, gradients, optimizer state.\n" +
            "Example: cnnarch memory resnet50 --batch 32 --optimizer sgd-momentum --training --fits 24GB")
        {
            model, input, batch, dtype, weights, optimizer, training, fits, format, set, output, freeze,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var network = result.Load(model, set, input).Network;
            var options = new MemoryOptions
            {
                Input = result.Shape(input),
                Batch = result.GetValue(batch),
                DataType = result.GetValue(dtype),
                Weights = result.GetValue(weights) ?? result.GetValue(dtype),
                Optimizer = result.GetValue(optimizer),
                Frozen = [.. result.GetValue(freeze) ?? []],
            };
            var report = MemoryAnalyzer.Analyze(network, options);
            var isTraining = result.GetValue(training);
            cli.WarnIfImplausible(isTraining ? report.Training.PeakBytes : report.Inference.PeakBytes, isTraining ? "memory at the training peak" : "memory at the inference peak", report.Input, options.Batch);
            var fit = result.GetValue(fits) is { } budget ? MemoryAnalyzer.Fit(network, budget, options, isTraining) : null;
            cli.Emit(result.GetValue(output), fancy => result.GetValue(format) == OutputFormat.Json
                ? JsonReport.Write(report, fit) + "\n"
                : CliContext.Text(TextReport.Document(report, isTraining, fit), fancy));
        }));
        return command;
    }

    private static ByteSize? Parse(System.CommandLine.Parsing.ArgumentResult r)
    {
        try
        {
            return ByteSize.Parse(r.Tokens[^1].Value);
        }
        catch (FormatException ex)
        {
            r.AddError("--fits: " + ex.Message);
            return null;
        }
    }
}

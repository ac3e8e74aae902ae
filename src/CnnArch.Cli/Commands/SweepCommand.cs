using System.CommandLine;
using System.Globalization;
using CnnArch.Analysis;
using CnnArch.Studies;
using Spectre.Console;

namespace CnnArch.Cli.Commands;

/// <summary><c>cnnarch sweep</c>: cost against batch size or input resolution.</summary>
internal static class SweepCommand
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static Command Create(CliContext cli)
    {
        var model = CliOptions.Model();
        var batches = new Option<string?>("--batch", "-b") { Description = "Batch sizes, comma separated: 1,8,32,128.", HelpName = "list" };
        var resolutions = new Option<string?>("--resolution", "-r") { Description = "Input resolutions (height and width, or the length of a 1-D input; channels and depth kept): from:to:step (128:512:32) or a list (224,256).", HelpName = "range" };
        var convention = CliOptions.Convention();
        var format = CliOptions.Format("Output format.", OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv);
        var output = CliOptions.Output();
        var device = CliOptions.Device("Also predict latency and throughput at each point on this device (h200, a100, ... or a profile file) in the --dtype precision.");
        var dtype = CliOptions.DataType("Precision latency is predicted in with --device: fp32 (convs in TF32, as PyTorch), tf32, bf16, fp16.");
        var command = new Command("sweep",
            "MACs and memory (and latency with --device) against batch size or input resolution.\n" +
            "Example: cnnarch sweep resnet50 --batch 1,8,32,128 --device h200    or    cnnarch sweep mobilenet_v2 --resolution 128:512:32")
        {
            model, batches, resolutions, convention, format, output, device, dtype,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var network = result.Load(model, null, null).Network;
            var options = new AnalysisOptions { Convention = result.GetValue(convention)! };
            var latency = LatencyCommand.OptionsIfAny(result, device, dtype, 1, null);
            var (overBatch, values) = (result.GetValue(batches), result.GetValue(resolutions)) switch
            {
                ({ } b, null) => (true, ParseList(b, "--batch")),
                (null, { } r) => (false, ParseRange(r)),
                _ => throw new ArgumentException("Give exactly one of --batch and --resolution."),
            };
            Studies.Sweep Run(Action<int>? progress) => overBatch
                ? Sweeps.OverBatch(network, values, options, latency, progress)
                : Sweeps.OverResolution(network, values, options, latency, progress);
            var sweep = cli.IsTerminal && values.Length > 1
                ? AnsiConsole.Progress().AutoClear(true).Start(ctx =>
                {
                    var task = ctx.AddTask($"sweeping {network.Name}", maxValue: values.Length);
                    return Run(done => task.Value = done);
                })
                : Run(null);
            cli.Emit(result.GetValue(output), fancy => result.GetValue(format) switch
            {
                OutputFormat.Json => JsonReport.Write(sweep) + "\n",
                OutputFormat.Csv => CsvReport.Write(sweep),
                _ => CliContext.Text(TextReport.Document(sweep), fancy),
            });
        }));
        return command;
    }

    internal static int[] ParseList(string text, string option)
    {
        var bad = new FormatException($"{option} takes positive whole numbers separated by commas, got '{text}'.");
        var values = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, C, out var v) && v > 0 ? v : throw bad).ToArray();
        return values.Length is > 0 and <= Sweeps.MaxPoints ? values : values.Length == 0 ? throw bad
            : throw new FormatException($"{option} takes at most {Sweeps.MaxPoints:N0} values, got {values.Length:N0}.");
    }

    internal static int[] ParseRange(string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 1)
        {
            return ParseList(text, "--resolution");
        }

        var bad = new FormatException($"--resolution takes from:to:step like 128:512:32, or a list like 224,256; got '{text}'.");
        var numbers = parts.Select(p => int.TryParse(p, NumberStyles.None, C, out var v) && v >= 1 ? v : 0).ToArray();
        if (numbers.Length != 3 || numbers.Contains(0) || numbers[1] < numbers[0])
        {
            throw bad;
        }

        var (from, to, step) = (numbers[0], numbers[1], numbers[2]);
        var count = ((long)to - from) / step + 1;
        return count <= Sweeps.MaxPoints
            ? [.. Enumerable.Range(0, (int)count).Select(i => from + (i * step))]
            : throw new FormatException($"--resolution {text} is {count:N0} points; a sweep takes at most {Sweeps.MaxPoints:N0}.");
    }
}

using System.CommandLine;
using System.Text;
using CnnArch.OnnxRuntime;

namespace CnnArch.Bench.Commands;

/// <summary><c>cnnarch-bench measure MODEL</c>: the measured time of a forward pass, per layer.</summary>
internal static class MeasureCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Func<string, ModelSource> resolveModel)
    {
        var model = new Argument<string>("model") { Description = "An .onnx file (weights kept outside it and missing run as zeros)." };
        var batch = BenchOptions.Number("--batch", "Samples per batch (the input's first axis).", 1, 1, 65_536, "-b");
        var threads = BenchOptions.Number("--threads", "ONNX Runtime's intra-op threads; 0 is its own choice (one per physical core).", 0, 0, 1_024, "-t");
        var runs = BenchOptions.Number("--runs", "Timed runs; the report gives their median, min and max.", 10, 1, 100_000, "-n");
        var warmup = BenchOptions.Number("--warmup", "Runs before the timed ones, not counted.", 2, 0, 100_000);
        var optimization = BenchOptions.Choice("--optimization", "How much ONNX Runtime rewrites the graph: none (every node as in the file), basic (BatchNorm folded), all (fused kernels; ONNX Runtime's default).",
            [("none", OrtOptimization.None), ("basic", OrtOptimization.Basic), ("all", OrtOptimization.All)], OrtOptimization.All, "-O");
        var format = BenchOptions.Choice("--format", "Output format.", [("text", OutputFormat.Text), ("json", OutputFormat.Json), ("csv", OutputFormat.Csv)], OutputFormat.Text, "-f");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of the terminal.", HelpName = "file" };
        var noProfile = new Option<bool>("--no-profile") { Description = "Time the runs without ONNX Runtime's profiler (a little faster; no per-layer table)." };
        var command = new Command("measure",
            "Run a model with ONNX Runtime on the CPU and time it: the median, min and max of the timed runs, and each CnnArch layer's time from ONNX Runtime's profile.\n" +
            "Example: cnnarch-bench measure resnet18.onnx --batch 8 --threads 4 --optimization basic")
        {
            model, batch, threads, runs, warmup, optimization, format, output, noProfile,
        };
        command.SetAction(result => BenchApp.Guarded(stderr, () =>
        {
            var source = resolveModel(result.GetRequiredValue(model));
            var file = result.GetValue(output);
            if (file is not null && Directory.Exists(file))
            {
                throw new ArgumentException($"--output '{file}' is a folder; give a file to write.");
            }

            var measurement = source.Measure(new OrtMeasureOptions
            {
                Batch = result.GetValue(batch),
                Threads = result.GetValue(threads),
                Runs = result.GetValue(runs),
                Warmup = result.GetValue(warmup),
                Optimization = result.GetValue(optimization),
                Profile = !result.GetValue(noProfile),
            });
            var text = result.GetValue(format) switch
            {
                OutputFormat.Json => MeasureReport.Json(measurement),
                OutputFormat.Csv => MeasureReport.Csv(measurement),
                _ => MeasureReport.Text(measurement),
            };
            if (file is null)
            {
                stdout.Write(text);
                return;
            }

            File.WriteAllText(file, text, new UTF8Encoding(false));
            stdout.WriteLine($"wrote {file}");
        }));
        return command;
    }
}

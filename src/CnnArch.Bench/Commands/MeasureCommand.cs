using System.CommandLine;
using System.Text;
using CnnArch.OnnxRuntime;
using CnnArch.Performance;

namespace CnnArch.Bench.Commands;

/// <summary><c>cnnarch-bench measure MODEL</c>: the measured time of a forward pass, per layer.</summary>
internal static class MeasureCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Func<string, ModelSource>? resolveModel)
    {
        var model = new Argument<string>("model") { Description = "A preset ('cnnarch list'), a spec file (.json) or an .onnx file (weights kept outside it and missing run as zeros)." };
        var set = new Option<string[]>("--set") { Description = "A preset parameter, name=value (repeatable).", HelpName = "name=value" };
        var input = new Option<string?>("--input", "-i") { Description = "One sample's input, like 3x224x224 (default: the model's own).", HelpName = "CxHxW" };
        var device = new Option<string?>("--device") { Description = "A profile to predict with beside the measurement (a file from 'cnnarch-bench calibrate', or a built-in device): per layer and in total, with measured / predicted.", HelpName = "profile.json" };
        var batch = BenchOptions.Number("--batch", "Samples per batch (the input's first axis).", 1, 1, 65_536, "-b");
        var threads = BenchOptions.Number("--threads", "ONNX Runtime's intra-op threads; 0 is one per logical processor.", 0, 0, 1_024, "-t");
        var runs = BenchOptions.Number("--runs", "Timed runs; the report gives their median, min and max.", 10, 1, 100_000, "-n");
        var minTime = BenchOptions.Number("--min-time", "Keep timing past --runs until the timed runs add up to this many milliseconds (at most 10,000 runs).", 0, 0, 3_600_000);
        var warmup = BenchOptions.Number("--warmup", "Runs before the timed ones, not counted (ONNX Runtime's first two runs grow its memory and run 2-3x slower).", 3, 0, 100_000);
        var optimization = BenchOptions.Choice("--optimization", "How much ONNX Runtime rewrites the graph: none (every node as in the file), basic (BatchNorm folded), all (fused kernels; ONNX Runtime's default).",
            [("none", OrtOptimization.None), ("basic", OrtOptimization.Basic), ("all", OrtOptimization.All)], OrtOptimization.All, "-O");
        var format = BenchOptions.Choice("--format", "Output format.", [("text", OutputFormat.Text), ("json", OutputFormat.Json), ("csv", OutputFormat.Csv)], OutputFormat.Text, "-f");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of the terminal.", HelpName = "file" };
        var noProfile = new Option<bool>("--no-profile") { Description = "Time the runs without ONNX Runtime's profiler (a little faster; no per-layer table)." };
        var command = new Command("measure",
            "Run a model with ONNX Runtime on the CPU and time it: the median, min and max of the timed runs, and each CnnArch layer's time from ONNX Runtime's profile.\n" +
            "Example: cnnarch-bench measure resnet18.onnx --batch 8 --threads 4 --optimization basic")
        {
            model, set, input, batch, threads, runs, minTime, warmup, optimization, format, output, noProfile, device,
        };
        command.SetAction(result => BenchApp.Guarded(stderr, () =>
        {
            var shape = result.GetValue(input) is { } text ? TensorShape.Parse(text) : (TensorShape?)null;
            var source = resolveModel is null
                ? ModelSources.Resolve(result.GetRequiredValue(model), result.GetValue(set) ?? [], shape)
                : resolveModel(result.GetRequiredValue(model));
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
                MinimumMilliseconds = result.GetValue(minTime),
                Warmup = result.GetValue(warmup),
                Optimization = result.GetValue(optimization),
                Profile = !result.GetValue(noProfile),
            });
            var predicted = result.GetValue(device) is { } profile
                ? LatencyModel.Predict(source.PredictedNetwork(shape), new LatencyOptions { Device = DeviceProfile.Get(profile), Batch = result.GetValue(batch) })
                : null;
            Emit(stdout, file, result.GetValue(format) switch
            {
                OutputFormat.Json => MeasureReport.Json(measurement, predicted),
                OutputFormat.Csv => MeasureReport.Csv(measurement, predicted),
                _ => MeasureReport.Text(measurement, predicted),
            });
        }));
        return command;
    }

    private static void Emit(TextWriter stdout, string? file, string report)
    {
        if (file is null)
        {
            stdout.Write(report);
            return;
        }

        File.WriteAllText(file, report, new UTF8Encoding(false));
        stdout.WriteLine($"wrote {file}");
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using CnnArch.OnnxRuntime;
using CnnArch.Performance;
using MathNet.Numerics.Statistics;

namespace CnnArch.Bench.Commands;

/// <summary><c>cnnarch-bench check</c>: measure whole models and set the profile's predictions beside them.</summary>
internal static class CheckCommand
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    private sealed record Row(string Model, int Batch, long Macs, double Measured, double Predicted)
    {
        public double Ratio => Measured / Predicted;
    }

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var models = new Argument<string[]>("models") { Description = "Presets, spec files or .onnx files; none for every preset that exports to ONNX.", Arity = ArgumentArity.ZeroOrMore };
        var device = new Option<string>("--device") { Description = "The profile whose predictions are checked (from 'cnnarch-bench calibrate').", HelpName = "profile.json", Required = true };
        var batches = new Option<string>("--batch", "-b") { Description = "Batches, comma-separated.", DefaultValueFactory = _ => "1,8", HelpName = "list" };
        var runs = BenchOptions.Number("--runs", "Timed runs per model and batch, each model in a process of its own; the fastest run is the measurement (the log also shows the median).", 3, 1, 10_000, "-n");
        var minTime = BenchOptions.Number("--min-time", "Keep timing past --runs until the timed runs add up to this many milliseconds: a small model gets hundreds of runs, and its fastest is stable.", 1000, 0, 3_600_000);
        var warmup = BenchOptions.Number("--warmup", "Runs before the timed ones, not counted (ONNX Runtime's first two runs grow its memory and run 2-3x slower).", 3, 0, 100_000);
        var maxGmacs = BenchOptions.Number("--max-gmacs", "Skip models of more multiply-adds per sample, in billions (0: no limit).", 0, 0, 1_000_000);
        var markdown = new Option<bool>("--markdown") { Description = "Write the table as Markdown (for docs)." };
        var command = new Command("check",
            "Measure whole models with ONNX Runtime at the profile's threads and optimisation level, and print measured against predicted per model and batch: " +
            "the ratio, how many are within 25%, and Spearman's rank correlation per batch.\n" +
            "Example: cnnarch-bench check --device my-machine.json resnet50 mobilenet_v2 --batch 1,8")
        {
            models, device, batches, runs, minTime, warmup, maxGmacs, markdown,
        };
        command.SetAction(result => BenchApp.Guarded(stderr, () =>
        {
            var profile = DeviceProfile.Get(result.GetRequiredValue(device));
            var cpu = profile.Cpu ?? throw new ArgumentException($"--device '{profile.Name}' is not a CPU profile; make one with 'cnnarch-bench calibrate'.");
            var sizes = result.GetRequiredValue(batches).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(b => int.TryParse(b, NumberStyles.None, C, out var n) && n >= 1 ? n : throw new ArgumentException($"--batch takes whole numbers from 1, comma-separated; got '{b}'.")).ToArray();
            var names = result.GetValue(models) is { Length: > 0 } given ? given : [.. Presets.Catalog.All.Select(p => p.Name)];
            var rows = new List<Row>();
            var width = Math.Max(18, names.Max(n => n.Length));
            var text = !result.GetValue(markdown);
            if (text)
            {
                // Rows as they are measured: a long check that is stopped keeps what it has.
                stdout.WriteLine(string.Create(C, $"{"model".PadRight(width)}  {"batch",5}  {"GMACs",8}  {"measured ms",11}  {"predicted ms",12}  {"ratio",5}"));
            }

            foreach (var name in names)
            {
                foreach (var row in Check(name, profile, cpu, sizes, (result.GetValue(runs), result.GetValue(warmup), result.GetValue(minTime)), result.GetValue(maxGmacs), stderr))
                {
                    rows.Add(row);
                    if (text)
                    {
                        stdout.WriteLine(string.Create(C, $"{row.Model.PadRight(width)}  {row.Batch,5}  {row.Macs / 1e9,8:0.###}  {row.Measured,11:F2}  {row.Predicted,12:F2}  {row.Ratio,5:0.00}"));
                        stdout.Flush();
                    }
                }
            }

            stdout.Write(text ? Text(rows, sizes) : Markdown(rows, sizes));
        }));
        return command;
    }

    private static IEnumerable<Row> Check(string name, DeviceProfile profile, CpuFacts cpu, int[] batches, (int Timed, int Warmup, int MinimumMilliseconds) runs, int maxGmacs, TextWriter log)
    {
        ModelSource source;
        try
        {
            source = ModelSources.Resolve(name, [], null);
        }
        catch (Onnx.OnnxExportException ex)
        {
            log.WriteLine($"  {name}: skipped: {ex.Message}");
            yield break;
        }

        var network = source.PredictedNetwork(null);
        var macs = Analysis.Analyzer.Analyze(network, new Analysis.AnalysisOptions { Convention = Analysis.Conventions.TorchVision }).Totals.Macs;
        if (maxGmacs > 0 && macs > maxGmacs * 1e9)
        {
            log.WriteLine(string.Create(C, $"  {name}: skipped: {macs / 1e9:0.##} GMACs is over --max-gmacs {maxGmacs}"));
            yield break;
        }

        foreach (var batch in batches)
        {
            var (fastest, median) = Isolated.Measure(name, source, new OrtMeasureOptions { Batch = batch, Threads = cpu.Threads, Runs = runs.Timed, Warmup = runs.Warmup, MinimumMilliseconds = runs.MinimumMilliseconds, Profile = false, Optimization = cpu.Optimization.ToOrt() });
            var predicted = LatencyModel.Predict(network, new LatencyOptions { Device = profile, Batch = batch }).Milliseconds;
            // The fastest run, as calibrate times its benchmarks: a busy machine only ever adds time.
            log.WriteLine(string.Create(C, $"  {name} batch {batch}: measured {fastest:F2} ms (median {median:F2}), predicted {predicted:F2} ms"));
            yield return new Row(network.Name, batch, macs, fastest, predicted);
        }
    }

    private static IEnumerable<string> Summary(List<Row> rows, int[] batches)
    {
        var within = rows.Count(r => Math.Abs(r.Ratio - 1) <= 0.25);
        yield return string.Create(C, $"within 25%: {within} of {rows.Count} (model, batch) pairs ({(rows.Count == 0 ? 0 : (double)within / rows.Count):P0})");
        foreach (var b in batches)
        {
            var at = rows.Where(r => r.Batch == b).ToArray();
            var spearman = at.Length < 2 ? double.NaN : Correlation.Spearman(at.Select(r => r.Measured), at.Select(r => r.Predicted));
            var inBatch = at.Count(r => Math.Abs(r.Ratio - 1) <= 0.25);
            yield return string.Create(C, $"batch {b}: {inBatch} of {at.Length} within 25%, Spearman {spearman:0.000}, median ratio {(at.Length == 0 ? double.NaN : Statistics.Median(at.Select(r => r.Ratio))):0.00}");
        }
    }

    private static string Text(List<Row> rows, int[] batches)
    {
        var s = new StringBuilder();
        s.AppendLine();
        foreach (var line in Summary(rows, batches))
        {
            s.AppendLine(line);
        }

        return s.ToString();
    }

    private static string Markdown(List<Row> rows, int[] batches)
    {
        var s = new StringBuilder();
        foreach (var line in Summary(rows, batches))
        {
            s.AppendLine(C, $"- {line}");
        }

        s.AppendLine();
        s.AppendLine("| model | batch | GMACs | measured ms | predicted ms | measured / predicted |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            s.AppendLine(C, $"| {r.Model} | {r.Batch} | {r.Macs / 1e9:0.###} | {r.Measured:F2} | {r.Predicted:F2} | {r.Ratio:0.00}{(Math.Abs(r.Ratio - 1) <= 0.25 ? "" : " *")} |");
        }

        return s.ToString();
    }
}

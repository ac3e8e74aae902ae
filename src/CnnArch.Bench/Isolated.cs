using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using CnnArch.OnnxRuntime;

namespace CnnArch.Bench;

/// <summary>
/// Times a model in a process of its own: one process measuring model after model ran the later ones up to
/// 2x slower than a fresh process did (mobilenet_v3_large at batch 8, measured three times in one process:
/// 23, 24 and 38 ms; in fresh processes 18-26 ms), so <c>check</c> starts <c>cnnarch-bench measure</c> for
/// each model and batch. Where this process is not cnnarch-bench (a test host), it measures in process.
/// </summary>
internal static class Isolated
{
    /// <summary>The fastest and the median run, in milliseconds.</summary>
    public static (double Min, double Median) Measure(string model, ModelSource? source, OrtMeasureOptions options)
    {
        if (Launcher() is not { } launcher)
        {
            var m = (source ?? ModelSource.FromFile(model)).Measure(options);
            return (m.Min, m.Milliseconds);
        }

        var start = new ProcessStartInfo(launcher.File) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in launcher.Prefix.Concat(Arguments(model, options)))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new OrtMeasureException($"cannot start '{launcher.File}' to measure '{model}'.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != ExitCodes.Success)
        {
            var reason = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {process.ExitCode}";
            throw new OrtMeasureException(reason.StartsWith("error: ", StringComparison.Ordinal) ? reason[7..] : reason);
        }

        using var json = JsonDocument.Parse(stdout);
        return (json.RootElement.GetProperty("min").GetDouble(), json.RootElement.GetProperty("ms").GetDouble());
    }

    /// <summary>The fastest run of an ONNX model given as bytes, in a process of its own (through a temporary file) where it can be.</summary>
    public static double Fastest(byte[] onnx, OrtMeasureOptions options, string name)
    {
        if (Launcher() is null)
        {
            return OrtRunner.Measure(onnx, options, name).Min;
        }

        var file = Path.Combine(Path.GetTempPath(), $"cnnarch-bench-{Environment.ProcessId}-{name}.onnx");
        File.WriteAllBytes(file, onnx);
        try
        {
            return Measure(file, null, options).Min;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IEnumerable<string> Arguments(string model, OrtMeasureOptions o) =>
    [
        "measure", model, "--batch", Text(o.Batch), "--threads", Text(o.Threads), "--runs", Text(o.Runs), "--warmup", Text(o.Warmup),
        "--min-time", Text((int)Math.Ceiling(o.MinimumMilliseconds)),
        "--optimization", o.Optimization.ToString().ToLowerInvariant(), "--no-profile", "--format", "json",
    ];

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    // This program again: its own executable, or the host running its assembly; null in a test host.
    private static (string File, string[] Prefix)? Launcher()
    {
        var entry = Assembly.GetEntryAssembly();
        if (entry != typeof(Isolated).Assembly || Environment.ProcessPath is not { } path)
        {
            return null;
        }

        return Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? (path, [entry.Location]) : (path, []);
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using CnnArch.OnnxRuntime;

namespace CnnArch.Bench.Commands;

/// <summary><c>cnnarch-bench calibrate</c>: fit the latency model to this machine's CPU and write a profile.</summary>
internal static class CalibrateCommand
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var output = new Option<string>("--output", "-o") { Description = "The profile to write (JSON), for 'cnnarch latency MODEL --device FILE'.", HelpName = "file", DefaultValueFactory = _ => "my-machine.json" };
        var name = new Option<string>("--name") { Description = "The profile's name in reports.", DefaultValueFactory = _ => "my-machine" };
        var threads = BenchOptions.Number("--threads", "ONNX Runtime's intra-op threads to calibrate for; 0 is one per logical processor.", 0, 0, 1_024, "-t");
        var optimization = BenchOptions.Choice("--optimization", "The graph optimisation level the profile predicts for: none, basic (batch norm folded), all (fused kernels, as deployed).",
            [("none", OrtOptimization.None), ("basic", OrtOptimization.Basic), ("all", OrtOptimization.All)], OrtOptimization.All, "-O");
        var quick = new Option<bool>("--quick") { Description = "A short suite of a few benchmarks (seconds), to try the command; the profile is rougher." };
        var command = new Command("calibrate",
            "Time a fixed suite of single-operator networks with ONNX Runtime on this CPU (dense, grouped and depthwise convolutions, matrix products, pools, element-wise and copy kernels; under two minutes), " +
            "measure its peak and bandwidths, and fit the latency model to them. No whole model is measured.\n" +
            "Example: cnnarch-bench calibrate --output my-machine.json && cnnarch latency resnet50 --device my-machine.json")
        {
            output, name, threads, optimization, quick,
        };
        command.SetAction(result => BenchApp.Guarded(stderr, () =>
        {
            var file = result.GetRequiredValue(output);
            if (Directory.Exists(file))
            {
                throw new ArgumentException($"--output '{file}' is a folder; give a file to write.");
            }

            var calibration = CpuCalibration.Run(new CpuCalibrationOptions
            {
                Name = result.GetRequiredValue(name),
                Threads = result.GetValue(threads),
                Optimization = result.GetValue(optimization),
                Quick = result.GetValue(quick),
                Timer = Isolated.Fastest,
                Progress = b => stderr.WriteLine(string.Create(C, $"  {b.Name,-28} {b.Milliseconds,10:F3} ms")),
            });
            File.WriteAllText(file, calibration.Profile.ToJson(), new UTF8Encoding(false));
            stdout.Write(Summary(calibration));
            stdout.WriteLine($"wrote {file}");
        }));
        return command;
    }

    private static string Summary(CpuCalibrationResult calibration)
    {
        var p = calibration.Profile;
        var f = p.Parameters!;
        var s = new StringBuilder();
        s.AppendLine(C, $"{p.Description}");
        s.AppendLine(C, $"ceilings   {p.Fp32Tflops * 1000:0.#} GFLOP/s, DRAM {p.MemoryBandwidthGBps:0.#} GB/s, cache {p.Cpu!.CacheBandwidthGBps:0.#} GB/s (last level {p.Cpu.LastLevelCacheBytes / 1024.0 / 1024:0.##} MB)");
        // A fit may put the loss of narrow groups in the unblocked convolutions' narrow product instead.
        var grouped = f.GroupWidthHalfEfficiency is { } half and >= 0.05 ? string.Create(C, $"half of it at {half:0.#} channels per group") : "as dense";
        s.AppendLine(C, $"fitted     conv {f.Convolution[0]:P0} (grouped: {grouped}), depthwise {f.DepthwiseConvolution[0]:P0}, matmul {f.MatrixMultiply[0]:P0} of the peak;");
        if (f.UnblockedConvolution is { } unblocked)
        {
            s.AppendLine(C, $"           outside the blocked layout {unblocked:P0} of that, half again for a product {f.UnblockedHalfDimension ?? double.PositiveInfinity:0.#} wide");
        }

        s.AppendLine(C, $"           memory {f.Memory:P0} of the bandwidth ({f.ConvolutionMemory:P0} for convolutions); {f.KernelMicroseconds:0.#} us per operator");
        var ratios = calibration.Benchmarks.Where(b => b.PredictedMilliseconds > 0).Select(b => b.Milliseconds / b.PredictedMilliseconds!.Value).ToArray();
        var within = ratios.Count(r => Math.Abs(r - 1) <= 0.25);
        s.AppendLine(C, $"fit        {within} of {ratios.Length} benchmarks within 25% of their measured time");
        s.AppendLine();
        s.AppendLine(C, $"{"benchmark",-28} {"measured",10} {"fitted",10} {"ratio",6}");
        foreach (var b in calibration.Benchmarks)
        {
            s.AppendLine(C, $"{b.Name,-28} {b.Milliseconds,10:F3} {b.PredictedMilliseconds,10:F3} {b.Milliseconds / b.PredictedMilliseconds,6:0.00}");
        }

        return s.ToString();
    }
}

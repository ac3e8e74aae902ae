using System.Text.Json;
using CnnArch.Bench;
using CnnArch.Onnx;
using CnnArch.Performance;
using CnnArch.Presets;

namespace CnnArch.OnnxRuntime.Tests;

/// <summary>One quick calibration for the class (a handful of benchmarks, a few seconds), its file removed after.</summary>
public sealed class QuickProfile : IDisposable
{
    /// <summary>Calibrates.</summary>
    public QuickProfile()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cnnarch-quick-{Guid.NewGuid():N}.json");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = BenchApp.Run(["calibrate", "--quick", "--threads", "1", "--name", "quick", "--output", Path], stdout, stderr);
        code.Should().Be(ExitCodes.Success, stderr.ToString());
        Profile = DeviceProfile.Load(Path);
    }

    /// <summary>The profile's file.</summary>
    public string Path { get; }

    /// <summary>The profile.</summary>
    public DeviceProfile Profile { get; }

    /// <inheritdoc/>
    public void Dispose() => File.Delete(Path);
}

/// <summary>The CPU calibration, whole-model checks and presets measured through the exporter.</summary>
[Collection(OnnxRuntimeCollection.Name)]
public class CalibrationTests(QuickProfile quick) : IClassFixture<QuickProfile>
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = BenchApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Should_Write_A_Cpu_Profile_That_Predicts_Any_Model()
    {
        var profile = quick.Profile;

        profile.Name.Should().Be("quick");
        profile.Calibrated.Should().BeTrue();
        profile.Cpu!.Threads.Should().Be(1);
        profile.Cpu.Optimization.Should().Be(CpuOptimization.All);
        profile.Cpu.Runtime.Should().Contain("ONNX Runtime 1.31.1");
        profile.Fp32Tflops.Should().BeGreaterThan(0);
        profile.Parameters!.KernelMicroseconds.Should().BeGreaterThan(0);
        var report = LatencyModel.Predict(Catalog.Create("resnet18"), new LatencyOptions { Device = profile, Batch = 8 });
        report.Milliseconds.Should().BeGreaterThan(0);
        report.Layers.Where(l => l.Kind == "BatchNorm2d").Should().OnlyContain(l => l.Bound == LatencyBound.Fused && l.Milliseconds == 0);
    }

    [Fact]
    public void Should_Rate_Each_Kind_Of_Its_Own_From_Benchmarks_Of_One_Timed_Layer()
    {
        var rated = CpuCalibration.Suite(quick: false).Where(b => b.Rated)
            .Select(b => new ModelMeasurement(b.Name, "benchmark", b.Network, b.Batch, DataType.Fp32, 1.0));

        var rates = LatencyCalibration.KindRates(quick.Profile, rated, operatorMilliseconds: 0.01);

        rates.Keys.Should().BeEquivalentTo(
            "LocalResponseNorm", "LayerNorm", "Softmax", "GELU", "SiLU", "AdaptiveAvgPool2d", "Transpose", "Slice",
            "WindowPartition", "WindowDepartition", "MaxPool2d", "MultiheadAttention", "ScaledDotProductAttention");
        rates.Values.Should().OnlyContain(r => r > 0);
    }

    [Fact]
    public void Should_Check_Every_Suite_Benchmark_Against_The_Fit()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cnnarch-quick-{Guid.NewGuid():N}.json");
        var (code, output, _) = Run("calibrate", "--quick", "--threads", "1", "--output", path);
        File.Delete(path);

        code.Should().Be(ExitCodes.Success);
        output.Should().MatchRegex(@"ceilings +\d+(\.\d)? GFLOP/s, DRAM \d+(\.\d)? GB/s, cache \d+(\.\d)? GB/s");
        output.Should().MatchRegex(@"fit +\d+ of " + CpuCalibration.Suite(quick: true).Length + " benchmarks within 25%");
        foreach (var benchmark in CpuCalibration.Suite(quick: true))
        {
            output.Should().MatchRegex(@"\n" + benchmark.Name + @" +\d+\.\d{3} +\d+\.\d{3} +\d+\.\d\d\n");
        }
    }

    [Fact]
    public void Should_Measure_A_Preset_Beside_Its_Prediction_Per_Layer()
    {
        var (code, json, error) = Run("measure", "squeezenet1_1", "--runs", "1", "--warmup", "0", "--threads", "1", "--device", quick.Path, "--format", "json");

        error.Should().BeEmpty();
        code.Should().Be(ExitCodes.Success);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        root.GetProperty("device").GetString().Should().Be("quick");
        root.GetProperty("predictedMs").GetDouble().Should().BeGreaterThan(0);
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        layers.Select(l => l.GetProperty("path").GetString()).Should().Contain("features.0");
        layers.Where(l => l.GetProperty("kind").GetString() == "Conv2d" && l.GetProperty("ms").GetDouble() > 0).Should().OnlyContain(l => l.EnumerateObject().Any(p => p.Name == "predictedMs"));
    }

    [Fact]
    public void Should_Print_Measured_Against_Predicted_With_The_Ratio()
    {
        var (code, output, _) = Run("measure", "squeezenet1_1", "--runs", "1", "--warmup", "0", "--threads", "1", "--device", quick.Path);

        code.Should().Be(ExitCodes.Success);
        output.Should().MatchRegex(@"predicted \d+\.\d{3} ms on quick: measured / predicted = \d+\.\d\d");
        output.Should().MatchRegex(@"\nlayer +kind +ops +ms +share +predicted +ratio\n");
    }

    [Fact]
    public void Should_Summarise_A_Check_Within_25_Percent_And_By_Rank()
    {
        var (code, output, error) = Run("check", "squeezenet1_1", "mobilenet_v3_small", "--device", quick.Path, "--batch", "1", "--runs", "1");

        code.Should().Be(ExitCodes.Success, error);
        output.Should().MatchRegex(@"\nsqueezenet1_1 +1 +0\.\d{3} +\d+\.\d\d +\d+\.\d\d +\d+\.\d\d\n");
        output.Should().MatchRegex(@"within 25%: \d of 2 \(model, batch\) pairs");
        output.Should().MatchRegex(@"batch 1: \d of 2 within 25%, Spearman -?\d\.\d{3}");
    }

    [Fact]
    public void Should_Refuse_A_Gpu_Profile_For_A_Check()
    {
        var (code, _, error) = Run("check", "squeezenet1_1", "--device", "h200");

        code.Should().Be(ExitCodes.UsageOrInput);
        error.Should().Be("error: --device 'h200' is not a CPU profile; make one with 'cnnarch-bench calibrate'.\n");
    }

    [Theory]
    [InlineData("squeezenet1_1")]
    [InlineData("mobilenet_v3_small")]
    [InlineData("shufflenet_v2_x0_5")]
    [InlineData("densenet121")]
    [InlineData("efficientnet_b0")]
    [InlineData("convnext_tiny")]
    [InlineData("vit_b_32")]
    [InlineData("swin_t")]
    [InlineData("maxvit_t")]
    [InlineData("r3d_18")]
    public void Should_Run_An_Exported_Preset_In_Onnx_Runtime(string preset)
    {
        var network = Catalog.Create(preset);
        var bytes = OnnxExporter.Export(network, new OnnxExportOptions { Weights = OnnxWeights.Random });

        var measurement = OrtRunner.Measure(bytes, new OrtMeasureOptions { Runs = 1, Warmup = 0, Threads = 1, Batch = 2 }, preset);

        measurement.Milliseconds.Should().BeGreaterThan(0);
        measurement.InputShape.Should().Equal([2L, .. network.DefaultInput!.Value.Dims.Select(d => (long)d)]);
        measurement.ImportError.Should().BeNull();
        measurement.Layers.Should().Contain(l => l.Milliseconds > 0);
    }
}

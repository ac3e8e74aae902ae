using CnnArch.Performance;
using CnnArch.Tests.Cli;
using CnnArch.Tests.Onnx;

namespace CnnArch.Tests.Performance;

public class LatencyModelTests
{
    [Fact]
    public void Every_Layer_Of_Every_Preset_Has_A_Rule() =>
        Catalog.All.SelectMany(p => LatencyModel.Predict(Catalog.Create(p.Name)).Uncounted.Select(u => $"{p.Name}: {u}")).Should().BeEmpty();

    [Fact]
    public void A_Layer_Without_A_Rule_Is_Listed_Not_Silently_Zero()
    {
        var report = LatencyModel.Predict(new TestGraph([1, 3, 8, 8]).Node("Mystery", ["x"], ["y"], "/mystery/Mystery").Output("y").Import().Network);

        report.Uncounted.Should().Equal("mystery");
        report.Layers[0].Bound.Should().Be(LatencyBound.NoRule);
        report.Layers[0].Bound.Name().Should().Be("no rule");
    }

    [Fact]
    public void Views_Launch_Nothing_And_Cost_Nothing()
    {
        var report = LatencyModel.Predict(Catalog.Create("alexnet"));

        var flatten = report.Layers.Single(l => l.Kind == "Flatten");
        flatten.Milliseconds.Should().Be(0);
        report.Kernels.Should().Be(report.Layers.Count(l => l.Class != KernelClass.View));
    }

    [Theory]
    [InlineData("resnet50", 1)]
    [InlineData("mobilenet_v2", 64)]
    public void The_Fused_Bound_Lies_Between_The_Roofline_And_The_Eager_Prediction(string preset, int batch)
    {
        var eager = LatencyModel.Predict(Catalog.Create(preset), new LatencyOptions { Batch = batch });
        var fused = LatencyModel.Predict(Catalog.Create(preset), new LatencyOptions { Batch = batch, Overhead = false });

        fused.Milliseconds.Should().BeLessThan(eager.Milliseconds);
        fused.Milliseconds.Should().BeGreaterThanOrEqualTo(eager.RooflineMilliseconds);
        eager.ImagesPerSecond.Should().BeApproximately(batch * 1000 / eager.Milliseconds, 1e-9);
    }

    [Fact]
    public void A_Faster_Precision_And_A_Faster_Device_Predict_Less_Time_At_Large_Batch()
    {
        var network = Catalog.Create("resnet50");
        double Ms(string device, DataType p) => LatencyModel.Predict(network, new LatencyOptions { Device = DeviceProfile.Get(device), DataType = p, Batch = 256 }).Milliseconds;

        Ms("h200", DataType.Bf16).Should().BeLessThan(Ms("h200", DataType.Fp32));
        Ms("h100", DataType.Bf16).Should().BeLessThan(Ms("a100", DataType.Bf16));
        Ms("a100", DataType.Bf16).Should().BeLessThan(Ms("t4", DataType.Fp16));
    }

    [Fact]
    public void Datasheet_Profiles_Borrow_The_Calibrated_Efficiencies()
    {
        DeviceProfile.Known.Select(p => p.Name).Should().BeEquivalentTo(["h200", "a100", "h100", "l4", "rtx4090", "t4"]);
        DeviceProfile.Known.Where(p => p.Name != "h200").Should().OnlyContain(p => !p.Calibrated && p.Parameters == null);
        DeviceProfile.Get("H200").Calibrated.Should().BeTrue();
    }

    [Fact]
    public void Known_Names_Are_Listed_Without_Parsing_And_Match_The_Profiles_In_Order()
    {
        DeviceProfile.KnownNames.Should().Equal(DeviceProfile.Known.Select(p => p.Name));
        DeviceProfile.KnownNames[0].Should().Be("h200");
        DeviceProfile.Known.Select(p => p.Calibrated).Should().BeInDescendingOrder("the calibrated profile comes first");
        DeviceProfile.Known.Should().OnlyContain(p => ReferenceEquals(p, DeviceProfile.Get(p.Name.ToUpperInvariant())), "each built-in profile is parsed once");
        var act = () => DeviceProfile.Get("v100");
        act.Should().Throw<ArgumentException>().WithMessage("No device 'v100'. Known: h200, a100, h100, l4, rtx4090, t4, or a profile file (.json).*");
    }

    [Fact]
    public void A_Users_Profile_File_Is_Read_And_A_Bad_One_Named()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cnnarch-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, DeviceProfile.Get("a100").ToJson().Replace("\"a100\"", "\"my-gpu\"", StringComparison.Ordinal));
            DeviceProfile.Get(path).Name.Should().Be("my-gpu");

            File.WriteAllText(path, DeviceProfile.Get("h200").ToJson().Replace("\"memory\": ", "\"memory\": 7 + ", StringComparison.Ordinal));
            var act = () => DeviceProfile.Get(path);
            act.Should().Throw<FormatException>().WithMessage($"'{path}' is not a device profile*");

            File.WriteAllText(path, DeviceProfile.Get("h200").ToJson().Replace("\"streamingMultiprocessors\": 132", "\"streamingMultiprocessors\": 0", StringComparison.Ordinal));
            act.Should().Throw<FormatException>().WithMessage("*streamingMultiprocessors must be from 1 to 100,000, got 0.");
            File.WriteAllText(path, DeviceProfile.Get("h200").ToJson().Replace("\"memoryBandwidthGBps\": 4257.8", "\"memoryBandwidthGBps\": 1e-320", StringComparison.Ordinal));
            act.Should().Throw<FormatException>().WithMessage("*memoryBandwidthGBps must be from 0.001 to 1,000,000, got 9.99989E-321.", "a denormal bandwidth would make every time infinite");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_Cli_Writes_The_Fields_Scripts_Read()
    {
        var (code, output, error) = CliTests.Run("latency", "resnet18", "--device", "h200", "--dtype", "bf16", "--batch", "64", "--format", "json");

        error.Should().BeEmpty();
        code.Should().Be(0);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var root = doc.RootElement;
        root.GetProperty("device").GetString().Should().Be("h200");
        root.GetProperty("dtype").GetString().Should().Be("bf16");
        root.GetProperty("batch").GetInt32().Should().Be(64);
        var total = root.GetProperty("totals").GetProperty("latencyMs").GetDouble();
        root.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("latencyMs").GetDouble()).Should().BeApproximately(total, 1e-3);
        root.GetProperty("totals").GetProperty("imagesPerSecond").GetDouble().Should().BeApproximately(64000 / total, 1);
    }

    [Fact]
    public void The_Cli_Names_An_Unknown_Device_In_One_Line()
    {
        var (code, _, error) = CliTests.Run("latency", "resnet18", "--device", "tpu");

        code.Should().Be(2);
        error.Trim().Should().Be("error: No device 'tpu'. Known: h200, a100, h100, l4, rtx4090, t4, or a profile file (.json).");
    }

    [Fact]
    public void An_Onnx_Import_Gets_The_Latency_Of_Its_Graph_Which_Folds_Batch_Norm()
    {
        // torch.onnx.export folds each BatchNorm into its conv: the exported graph launches fewer kernels
        // than eager PyTorch runs, and its convolutions take the same time.
        var imported = LatencyModel.Predict(CnnArch.Onnx.OnnxImporter.Load(ExportedModelTests.Fixture("resnet50.onnx")).Network, new LatencyOptions { Batch = 8 });
        var preset = LatencyModel.Predict(Catalog.Create("resnet50"), new LatencyOptions { Batch = 8 });
        static double Convs(LatencyReport r) => r.Layers.Where(l => l.Kind == "Conv2d").Sum(l => l.Milliseconds);

        imported.Kernels.Should().Be(preset.Kernels - preset.Layers.Count(l => l.Kind == "BatchNorm2d"));
        Convs(imported).Should().BeApproximately(Convs(preset), Convs(preset) * 0.01);
        imported.Uncounted.Should().BeEmpty();
    }
}

public class LatencyInOtherCommandsTests
{
    [Fact]
    public void Compare_Gains_Latency_And_Throughput_With_A_Device()
    {
        var (code, output, error) = CliTests.Run("compare", "resnet18", "mobilenet_v2", "--device", "h200", "--batch", "64", "--format", "json");

        error.Should().BeEmpty();
        code.Should().Be(0);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        doc.RootElement.GetProperty("device").GetString().Should().Be("h200");
        var models = doc.RootElement.GetProperty("models").EnumerateArray().ToList();
        var expected = LatencyModel.Predict(Catalog.Create("resnet18"), new LatencyOptions { Batch = 64 }).Milliseconds;
        models[0].GetProperty("latencyMs").GetDouble().Should().BeApproximately(expected, 1e-5);
        models.Should().OnlyContain(m => m.GetProperty("imagesPerSecond").GetDouble() > 0);

        CliTests.Run("compare", "resnet18", "mobilenet_v2").Out.Should().NotContain("Images/s", "latency is shown only when a device is named");
    }

    [Fact]
    public void Sweep_Shows_Throughput_Growing_With_The_Batch()
    {
        var (code, output, _) = CliTests.Run("sweep", "resnet50", "--batch", "1,16,128", "--device", "h200", "--format", "json");

        code.Should().Be(0);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var throughput = doc.RootElement.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("imagesPerSecond").GetDouble()).ToList();
        throughput.Should().BeInAscendingOrder().And.HaveCount(3);
    }

    [Fact]
    public void Plot_Draws_The_Roofline_And_Accuracy_Against_Latency()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"cnnarch-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            CliTests.Run("plot", "resnet18", "--kind", "roofline", "--output", Path.Combine(dir, "roofline.png")).Code.Should().Be(0);
            CliTests.Run("plot", "--kind", "accuracy", "--x", "latency", "--batch", "64", "--output", Path.Combine(dir, "accuracy.svg")).Code.Should().Be(0);

            new FileInfo(Path.Combine(dir, "roofline.png")).Length.Should().BeGreaterThan(10_000);
            File.ReadAllText(Path.Combine(dir, "accuracy.svg")).Should().Contain("predicted ms per forward pass of batch 64");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

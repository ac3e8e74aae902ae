using System.Text.Json;
using System.Text.RegularExpressions;
using CnnArch.Tests.Onnx;

namespace CnnArch.Tests.Cli;

public class OnnxCommandTests
{
    [Fact]
    public void Should_Analyze_An_Onnx_File_Like_A_Preset()
    {
        var (code, output, error) = CliTests.Run("analyze", ExportedModelTests.Fixture("resnet18.onnx"), "--convention", "torchvision", "--format", "json");

        code.Should().Be(0, error);
        using var doc = JsonDocument.Parse(output);
        doc.RootElement.GetProperty("model").GetString().Should().Be("resnet18");
        doc.RootElement.GetProperty("totals").GetProperty("macs").GetInt64().Should().Be(1_814_073_344);
        doc.RootElement.GetProperty("onnx").GetProperty("uniqueParameterElements").GetInt64().Should().BePositive();
    }

    [Theory]
    [InlineData("zeros", 46_000_000)]
    [InlineData("random", 46_000_000)]
    [InlineData("none", 0)]
    public void Should_Export_A_Preset_As_Onnx_That_Analyzes_Like_The_Preset(string weights, long atLeastBytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cnnarch-{Guid.NewGuid():N}.onnx");
        try
        {
            var (code, output, error) = CliTests.Run("export", "resnet18", "--format", "onnx", "--weights", weights, "--output", path);

            code.Should().Be(0, error);
            output.Should().MatchRegex($@"^wrote {Regex.Escape(path)} \([\d,]+ bytes, ONNX opset 17\)\n$");
            new FileInfo(path).Length.Should().BeGreaterThanOrEqualTo(atLeastBytes);
            var (_, exported, _) = CliTests.Run("analyze", path, "-c", "torchvision", "--format", "json");
            var (_, preset, _) = CliTests.Run("analyze", "resnet18", "-c", "torchvision", "--format", "json");
            using var a = JsonDocument.Parse(exported);
            using var b = JsonDocument.Parse(preset);
            a.RootElement.GetProperty("totals").GetProperty("macs").GetInt64().Should().Be(b.RootElement.GetProperty("totals").GetProperty("macs").GetInt64());
            a.RootElement.GetProperty("totals").GetProperty("params").GetInt64().Should().Be(11_689_512);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Should_Name_The_Layer_A_Model_Cannot_Export_As_Onnx()
    {
        var (code, output, error) = CliTests.Run("export", "enet", "--format", "onnx", "--output", Path.Combine(Path.GetTempPath(), $"cnnarch-{Guid.NewGuid():N}.onnx"));

        code.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Be("error: Layer 'upsample4_0.main_unpool1' (MaxUnpool2d) has no ONNX form in CnnArch's exporter.\n");
    }

    [Fact]
    public void Should_Say_Which_Layers_Are_Uncounted()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cnnarch-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, new TestGraph([1, 3, 8, 8]).Node("Frobnicate", ["x"], ["y"], "/odd/Frobnicate").Output("y").Bytes());
        try
        {
            var (code, output, _) = CliTests.Run("analyze", path);

            code.Should().Be(0);
            output.Should().Contain("Uncounted: 1 node(s) of unknown operators").And.Contain("/odd/Frobnicate (Frobnicate)");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Should_Exit_2_With_One_Line_For_A_Corrupt_File()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cnnarch-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, File.ReadAllBytes(ExportedModelTests.Fixture("resnet18.onnx"))[..5000]);
        try
        {
            var (code, output, error) = CliTests.Run("analyze", path);

            code.Should().Be(2);
            output.Should().BeEmpty();
            error.Should().StartWith($"error: '{path}' is not a valid ONNX file");
            error.TrimEnd().Split('\n').Should().ContainSingle();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Should_Exit_2_For_A_Missing_File()
    {
        var (code, _, error) = CliTests.Run("memory", "/no/such/model.onnx");

        code.Should().Be(2);
        error.Should().Be("error: No file '/no/such/model.onnx'.\n");
    }
}

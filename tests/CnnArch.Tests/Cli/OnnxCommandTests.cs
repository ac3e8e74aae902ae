using System.Text.Json;
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

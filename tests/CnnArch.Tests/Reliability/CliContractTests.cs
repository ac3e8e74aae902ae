using CnnArch.Tests.Cli;
using CnnArch.Tests.Onnx;

namespace CnnArch.Tests.Reliability;

/// <summary>The command line's contract on inputs nobody on the project wrote: exit 0, 1 or 2 with one line, never 3.</summary>
public class CliContractTests
{
    public static TheoryData<string, string> FixturesAndConventions()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in ExportedModelTests.Files())
        {
            foreach (var convention in Conventions.All)
            {
                data.Add(file, convention.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixturesAndConventions))]
    public void Every_Exported_Model_Analyses_In_Every_Convention(string file, string convention)
    {
        var (code, output, error) = CliTests.Run("analyze", ExportedModelTests.Fixture(file), "-c", convention, "--format", "json");

        error.Should().BeEmpty();
        code.Should().Be(0);
        var expected = Analyzer.Analyze(CnnArch.Onnx.OnnxImporter.Load(ExportedModelTests.Fixture(file)).Network, new AnalysisOptions { Convention = Conventions.Get(convention) }).Totals;
        using var json = System.Text.Json.JsonDocument.Parse(output);
        json.RootElement.GetProperty("convention").GetString().Should().Be(convention);
        var totals = json.RootElement.GetProperty("totals");
        totals.GetProperty("params").GetInt64().Should().Be(expected.Parameters);
        totals.GetProperty("macs").GetInt64().Should().Be(expected.Macs);
        totals.GetProperty("flops").GetInt64().Should().Be(expected.Flops);
        totals.GetProperty("activationBytes").GetInt64().Should().Be(expected.ActivationBytes);
    }

    [UnixFact("/dev/zero")]
    public void A_Device_That_Never_Ends_Is_Read_Up_To_A_Cap()
    {
        var (code, _, error) = CliTests.Run("analyze", "/dev/zero");

        code.Should().Be(2);
        error.Trim().Should().Be("error: '/dev/zero' holds more than 268,435,456 bytes before its end: not a model CnnArch reads.");
    }

    [Theory]
    [InlineData("alexnet")]
    [InlineData("alexnet.onnx")]
    public void An_Input_Too_Small_For_The_Network_Is_An_Invalid_Network_Whatever_Its_Source(string model)
    {
        // At 32x32, AlexNet's third pool finds a 1x1 map under its 3x3 window.
        var source = model.EndsWith(".onnx", StringComparison.Ordinal) ? ExportedModelTests.Fixture(model) : model;

        var (code, _, error) = CliTests.Run("analyze", source, "--input", "3x32x32");

        code.Should().Be(1);
        error.Should().StartWith("error: invalid network: Layer 'features.12': MaxPool2d with kernel 3");
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle();
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet18.onnx")]
    public void An_Input_Too_Large_To_Count_Is_An_Invalid_Network_Whatever_Its_Source(string model)
    {
        var source = model.EndsWith(".onnx", StringComparison.Ordinal) ? ExportedModelTests.Fixture(model) : model;

        var (code, _, error) = CliTests.Run("analyze", source, "--input", "2000000000x65536x65536");

        code.Should().Be(1);
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle();
    }
}

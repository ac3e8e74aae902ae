using System.Text.Json;
using CnnArch.Bench;

namespace CnnArch.OnnxRuntime.Tests;

[Collection(OnnxRuntimeCollection.Name)]
public class BenchCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = BenchApp.Run([.. args, "--threads", "1"], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Should_Print_The_Total_And_A_Table_Of_Layers()
    {
        var (code, output, error) = Run("measure", Fixtures.Path("resnet18.onnx"), "--runs", "2", "--warmup", "1");

        error.Should().BeEmpty();
        code.Should().Be(ExitCodes.Success);
        output.Should().Contain("resnet18: input [1x3x224x224]").And.Contain("ONNX Runtime 1.31.1").And.MatchRegex(@"total +\d+\.\d{3} ms median of 2 runs");
        output.Should().MatchRegex(@"\nlayer +kind +ops +ms +share\n").And.MatchRegex(@"\nconv1 +Conv2d +Conv +\d+\.\d{3} +\d+\.\d %\n");
        output.Should().MatchRegex(@"\nrelu +ReLU +fused into conv1\n");
    }

    [Fact]
    public void Should_Time_Past_The_Runs_Until_The_Minimum_Time()
    {
        var (code, json, error) = Run("measure", Fixtures.Path("resnet18.onnx"), "--runs", "1", "--min-time", "60", "--no-profile", "--format", "json");

        error.Should().BeEmpty();
        code.Should().Be(ExitCodes.Success);
        using var document = JsonDocument.Parse(json);
        var runs = document.RootElement.GetProperty("runs").EnumerateArray().Select(r => r.GetDouble()).ToList();
        runs.Should().HaveCountGreaterThan(1);
        runs.Sum().Should().BeGreaterThanOrEqualTo(60);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("soon")]
    public void Should_Refuse_A_Minimum_Time_That_Is_Not_A_Whole_Number_Of_Milliseconds(string value)
    {
        var (code, _, error) = Run("measure", Fixtures.Path("resnet18.onnx"), "--min-time", value);

        code.Should().Be(ExitCodes.UsageOrInput);
        error.Should().Contain("--min-time");
    }

    [Fact]
    public void Should_Write_Json_And_Csv()
    {
        var (code, json, _) = Run("measure", Fixtures.Path("resnet18.onnx"), "--runs", "1", "--warmup", "0", "--format", "JSON", "-O", "none");

        code.Should().Be(ExitCodes.Success);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        root.GetProperty("ms").GetDouble().Should().BeGreaterThan(0);
        root.GetProperty("threads").GetInt32().Should().Be(1);
        root.GetProperty("optimization").GetString().Should().Be("none");
        root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("path").GetString()).Should().Contain("layer1.0.conv1");
        root.GetProperty("nodes").EnumerateArray().Should().Contain(n => n.GetProperty("name").GetString() == "/layer1/layer1.0/conv1/Conv");

        var path = Path.Combine(Path.GetTempPath(), $"cnnarch-bench-{Guid.NewGuid():N}.csv");
        try
        {
            var (csvCode, written, _) = Run("measure", Fixtures.Path("resnet18.onnx"), "--runs", "1", "--warmup", "0", "--format", "csv", "--output", path);
            csvCode.Should().Be(ExitCodes.Success);
            written.Should().Be($"wrote {path}\n");
            var lines = File.ReadAllLines(path);
            lines[0].Should().Be("layer,kind,ops,ms,share,fused_into");
            lines.Should().Contain(l => l.StartsWith("conv1,Conv2d,", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Should_Exit_2_With_One_Line_For_A_Missing_File()
    {
        var (code, output, error) = Run("measure", "missing.onnx");

        code.Should().Be(ExitCodes.UsageOrInput);
        output.Should().BeEmpty();
        error.Should().Be("error: No file 'missing.onnx'.\n");
    }

    [Theory]
    [InlineData("--optimization", "fast", "--optimization takes none, basic, all; got 'fast'.")]
    [InlineData("--runs", "0", "--runs takes a whole number from 1 to 100,000, got '0'.")]
    [InlineData("--format", "xml", "--format takes text, json, csv; got 'xml'.")]
    public void Should_Exit_2_With_One_Line_For_A_Bad_Option(string option, string value, string message)
    {
        var (code, output, error) = Run("measure", Fixtures.Path("resnet18.onnx"), option, value);

        code.Should().Be(ExitCodes.UsageOrInput);
        output.Should().BeEmpty();
        error.Should().Be($"error: {message} (see 'cnnarch-bench measure --help')\n");
    }

    [Fact]
    public void Should_Exit_2_For_A_File_Exported_For_Another_Batch()
    {
        var (code, _, error) = Run("measure", Fixtures.Path("resnet18.onnx"), "--batch", "8");

        code.Should().Be(ExitCodes.UsageOrInput);
        error.Should().StartWith("error: '").And.Contain("was exported for batch 1").And.EndWith("\n");
        error.TrimEnd('\n').Should().NotContain("\n");
    }

    [Fact]
    public void Should_Exit_1_When_OnnxRuntime_Cannot_Load_The_Model()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cnnarch-bench-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, Fixtures.Changed("resnet18.onnx", model => model.Graph.Node[0].OpType = "NoSuchOperator"));
        try
        {
            var (code, _, error) = Run("measure", path);

            code.Should().Be(ExitCodes.ModelDoesNotRun);
            error.Should().StartWith("error: ONNX Runtime cannot load '");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Should_Measure_What_A_Resolver_Gives_For_A_Name()
    {
        // The seam 'measure PRESET' will use: a name resolved to ONNX bytes made in memory.
        var bytes = File.ReadAllBytes(Fixtures.Path("resnet18.onnx"));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = BenchApp.Run(["measure", "my-resnet", "--runs", "1", "--warmup", "0", "--format", "json", "--threads", "1"], stdout, stderr, name => ModelSource.FromBytes(name, bytes));

        code.Should().Be(ExitCodes.Success, stderr.ToString());
        stdout.ToString().Should().Contain("\"model\": \"my-resnet\"");
    }
}

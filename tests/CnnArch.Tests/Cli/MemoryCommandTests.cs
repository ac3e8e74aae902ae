using System.Text.Json;

namespace CnnArch.Tests.Cli;

public class MemoryCommandTests
{
    [Fact]
    public void Should_Write_The_Documented_Json_Keys()
    {
        var (code, output, _) = CliTests.Run("memory", "resnet18", "--batch", "32", "--optimizer", "adam", "--training", "--fits", "24GB", "--format", "json");

        code.Should().Be(0);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        root.GetProperty("inference").GetProperty("peakBytes").GetInt64().Should().BePositive();
        var training = root.GetProperty("training");
        training.GetProperty("savedActivationBytes").GetInt64().Should().BePositive();
        training.GetProperty("forwardBackwardPeakBytes").GetInt64().Should().BeGreaterThanOrEqualTo(training.GetProperty("savedActivationBytes").GetInt64());
        training.GetProperty("optimizerStateBytes").GetInt64().Should().Be(2 * root.GetProperty("parameterBytes").GetInt64());
        training.GetProperty("peakBytes").GetInt64().Should().Be(
            root.GetProperty("parameterBytes").GetInt64() + root.GetProperty("bufferBytes").GetInt64() + root.GetProperty("inputBytes").GetInt64()
            + training.GetProperty("optimizerStateBytes").GetInt64() + training.GetProperty("forwardBackwardPeakBytes").GetInt64());
        root.GetProperty("fits").GetProperty("largestBatch").GetInt32().Should().BePositive();
    }

    [Fact]
    public void Should_Print_The_Training_Breakdown_And_The_Largest_Batch()
    {
        var (code, output, _) = CliTests.Run("memory", "vgg16", "--batch", "32", "--training", "--fits", "24GB");

        code.Should().Be(0);
        output.Should().Contain("training: activations saved for backward").And.Contain("Largest batch that fits in 24GB for training:");
    }

    [Theory]
    [InlineData("--fits", "lots", "'lots' is not a memory size")]
    [InlineData("--optimizer", "rmsprop", "'rmsprop'")]
    [InlineData("--weights-dtype", "fp64", "'fp64'")]
    public void Should_Reject_Bad_Values_With_Exit_2(string option, string value, string message)
    {
        var (code, _, error) = CliTests.Run("memory", "resnet18", option, value);

        code.Should().Be(2);
        error.Should().StartWith("error: ").And.Contain(message);
    }

    [Fact]
    public void Should_Ignore_A_Kind_By_Name_In_Analyze()
    {
        var (code, output, _) = CliTests.Run("analyze", "resnet18", "--convention", "full", "--ignore", "batchnorm2d", "--format", "json");

        code.Should().Be(0);
        using var doc = JsonDocument.Parse(output);
        doc.RootElement.GetProperty("ignored").EnumerateArray().Select(e => e.GetString()).Should().Equal("BatchNorm2d");
        doc.RootElement.GetProperty("layers").EnumerateArray().Where(l => l.GetProperty("kind").GetString() == "BatchNorm2d")
            .Should().OnlyContain(l => l.GetProperty("flops").GetInt64() == 0);
    }

    [Fact]
    public void Should_Reject_An_Unknown_Kind_To_Ignore()
    {
        var (code, _, error) = CliTests.Run("analyze", "resnet18", "--ignore", "Batchnorm");

        code.Should().Be(2);
        error.Should().Contain("No layer kind named 'Batchnorm'");
    }
}

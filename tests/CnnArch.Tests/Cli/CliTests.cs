using System.Text.Json;
using CnnArch.Cli;

namespace CnnArch.Tests.Cli;

public class CliTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr, isTerminal: false);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public class Analyze
    {
        [Fact]
        public void Should_Print_The_Lecture_Table_With_Its_Convention()
        {
            var (code, output, error) = Run("analyze", "alexnet", "--input", "3x227x227");

            code.Should().Be(0);
            error.Should().BeEmpty();
            output.Should().Contain("features.0").And.Contain("64x56x56").And.Contain("784 KB").And.Contain("23,296").And.Contain("72.9 M");
            output.Should().Contain("Params 61,100,840");
            output.Should().Contain("Convention lecture: MACs: one multiply-add = 1");
            output.Should().NotContain("\u001b[", "redirected output has no colour codes");
        }

        [Fact]
        public void Should_Write_The_Stable_Json_Keys()
        {
            var (code, output, _) = Run("analyze", "alexnet", "--input", "3x227x227", "--format", "json");

            code.Should().Be(0);
            using var doc = JsonDocument.Parse(output);
            var root = doc.RootElement;
            root.GetProperty("model").GetString().Should().Be("alexnet");
            root.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(3, 227, 227);
            root.GetProperty("batch").GetInt32().Should().Be(1);
            root.GetProperty("dtype").GetString().Should().Be("fp32");
            root.GetProperty("convention").GetString().Should().Be("lecture");
            var conv1 = root.GetProperty("layers")[0];
            conv1.GetProperty("path").GetString().Should().Be("features.0");
            conv1.GetProperty("kind").GetString().Should().Be("Conv2d");
            conv1.GetProperty("output").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(64, 56, 56);
            conv1.GetProperty("params").GetInt64().Should().Be(23296);
            conv1.GetProperty("macs").GetInt64().Should().Be(72855552);
            conv1.GetProperty("flops").GetInt64().Should().Be(145711104);
            conv1.GetProperty("activationBytes").GetInt64().Should().Be(802816);
            conv1.GetProperty("memoryKB").GetDouble().Should().Be(784.0);
            var totals = root.GetProperty("totals");
            totals.GetProperty("params").GetInt64().Should().Be(61100840);
            totals.GetProperty("buffers").GetInt64().Should().Be(0);
            totals.GetProperty("macs").GetInt64().Should().Be(root.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("macs").GetInt64()));
            totals.GetProperty("flops").GetInt64().Should().Be(2 * totals.GetProperty("macs").GetInt64());
            totals.GetProperty("activationBytes").GetInt64().Should().Be(root.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("activationBytes").GetInt64()));
            totals.GetProperty("memoryKB").GetDouble().Should().Be(totals.GetProperty("activationBytes").GetInt64() / 1024.0);
        }

        [Fact]
        public void Should_Apply_Batch_Dtype_And_Convention()
        {
            var (code, output, _) = Run("analyze", "alexnet", "--batch", "4", "--dtype", "fp16", "--convention", "torchvision", "--format", "json");

            code.Should().Be(0);
            using var doc = JsonDocument.Parse(output);
            doc.RootElement.GetProperty("totals").GetProperty("macs").GetInt64().Should().Be(4 * 714188480L);
            doc.RootElement.GetProperty("layers")[0].GetProperty("activationBytes").GetInt64().Should().Be(4L * 64 * 55 * 55 * 2);
        }
    }

    public class Errors
    {
        [Theory]
        [InlineData(new[] { "analyze", "resnet5" }, "No preset named 'resnet5'. Did you mean resnet50?")]
        [InlineData(new[] { "analyze", "alexnet", "--bogus" }, "'--bogus'")]
        [InlineData(new[] { "analyze", "alexnet", "--dtype", "fp64" }, "'fp64'")]
        [InlineData(new[] { "analyze", "alexnet", "--input", "3x0x2" }, "'3x0x2' is not a shape")]
        [InlineData(new[] { "analyze", "alexnet", "--input", "3x4x8x8x8" }, "--input takes channels and 1 to 3 spatial axes")]
        [InlineData(new[] { "analyze", "alexnet", "--batch", "0" }, "--batch takes a whole number from 1 to 2,147,483,647, got '0'")]
        [InlineData(new[] { "analyze", "alexnet", "--batch", "many" }, "many")]
        [InlineData(new[] { "analyze", "alexnet", "--set", "width" }, "--set takes name=value")]
        [InlineData(new[] { "analyze", "alexnet", "--set", "width=2" }, "has no parameter 'width'")]
        [InlineData(new[] { "analyze" }, "Required argument missing")]
        [InlineData(new[] { "analyze", "mobilenet_v1", "--set", "width=1e308" }, "Preset 'mobilenet_v1' parameter 'width' takes a number from 0.01 to 16, got '1e308'.")]
        [InlineData(new[] { "analyze", "regnet_x_400mf", "--set", "depth=1000000" }, "Preset 'regnet_x_400mf' parameter 'depth' takes a whole number from 1 to 1,000, got '1000000'.")]
        [InlineData(new[] { "analyze", "efficientnet_b0", "--set", "depth=1e9" }, "Preset 'efficientnet_b0' parameter 'depth' takes a number from 0.01 to 16, got '1e9'.")]
        [InlineData(new[] { "analyze", "/" }, "'/' is a folder")]
        [InlineData(new[] { "memory", "resnet18", "--batch", "0" }, "--batch takes a whole number from 1 to 2,147,483,647, got '0'")]
        [InlineData(new[] { "analyze", "resnet18", "--depth", "0" }, "--depth takes a whole number from 1 to 2,147,483,647, got '0'")]
        [InlineData(new[] { "frobnicate" }, "frobnicate")]
        [InlineData(new[] { "design", "scale", "efficientnet_b0", "--mode", "depth", "--budget", "macs=900T" }, "'efficientnet_b0' does not reach macs 9E+14 for any depth up to 16, the largest it takes.")]
        [InlineData(new[] { "design", "solve", "resnet50", "--vary", "resolution", "--target", "8GB", "--pick", "largest" }, "--pick takes nearest, within, at-least; got 'largest'.")]
        [InlineData(new[] { "analyze", "resnet18", "--format", "xml" }, "--format takes table, json, csv, markdown, html; got 'xml'.")]
        [InlineData(new[] { "analyze", "resnet18", "--dataset", "0x7fffffff" }, "--dataset takes a whole number from 1 to 9,223,372,036,854,775,807, got '0x7fffffff'.")]
        [InlineData(new[] { "analyse", "alexnet" }, "Unrecognized command or argument 'analyse'. Did you mean 'analyze'? (see 'cnnarch --help')")]
        [InlineData(new[] { "analyze", "alexnet", "--tre" }, "Did you mean '--tree'? (see 'cnnarch analyze --help')")]
        [InlineData(new[] { "design", "solve", "resnet50", "--target", "8GB" }, "Option '--vary' is required. (see 'cnnarch design solve --help')")]
        [InlineData(new[] { "analyze", "alexnet", "--output", "." }, "--output '.' is a folder; give a file to write.")]
        public void Should_Exit_2_With_One_Line_For_Usage_Errors(string[] args, string expected)
        {
            var (code, output, error) = Run(args);

            code.Should().Be(ExitCodes.UsageOrInput);
            output.Should().BeEmpty();
            error.TrimEnd().Should().StartWith("error: ").And.Contain(expected);
            error.TrimEnd().Split('\n').Should().ContainSingle("an error is one line");
        }

        [Fact]
        public void Should_Exit_1_For_An_Invalid_Network()
        {
            var (code, _, error) = Run("analyze", "alexnet", "--input", "3x10x10");

            code.Should().Be(ExitCodes.InvalidNetwork);
            error.Should().StartWith("error: invalid network: Layer 'features.2'");
            error.TrimEnd().Split('\n').Should().ContainSingle();
        }

        [Theory]
        [InlineData("alexnet", "224", "Layer 'features.0': Conv2d needs a C x H x W input, got 224.")]
        [InlineData("r3d_18", "3x112x112", "Layer 'stem.0': Conv3d needs a C x D x H x W input, got 3x112x112.")]
        [InlineData("m5", "1x32x32", "Layer 'conv1': Conv1d needs a C x L input, got 1x32x32.")]
        public void Should_Exit_1_Naming_The_Form_When_The_Input_Has_Another_Rank_Than_The_Network(string model, string input, string expected)
        {
            var (code, _, error) = Run("analyze", model, "--input", input);

            code.Should().Be(ExitCodes.InvalidNetwork);
            error.Should().Contain(expected);
            error.TrimEnd().Split('\n').Should().ContainSingle();
        }

        [Fact]
        public void Should_Exit_1_When_A_Batch_Overflows_The_Counts()
        {
            var (code, _, error) = Run("analyze", "alexnet", "--batch", "2000000000", "--input", "3x4000x4000");

            code.Should().Be(ExitCodes.InvalidNetwork);
            error.Should().Contain("overflows");
        }
    }

    public class Help
    {
        [Theory]
        [InlineData("analyze")]
        [InlineData("memory")]
        [InlineData("compare")]
        [InlineData("sweep")]
        [InlineData("plot")]
        [InlineData("export")]
        [InlineData("list")]
        public void Should_Show_An_Example_In_Every_Command_Help(string command)
        {
            var (code, output, _) = Run(command, "--help");

            code.Should().Be(0);
            output.Should().Contain("Example: cnnarch " + command);
        }

        [Fact]
        public void Should_List_Every_Preset()
        {
            var (code, output, _) = Run("list");

            code.Should().Be(0);
            foreach (var preset in Catalog.All)
            {
                output.Should().Contain(preset.Name);
            }
        }
    }
}

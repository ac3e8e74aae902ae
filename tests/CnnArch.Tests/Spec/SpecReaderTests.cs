using CnnArch.Spec;

namespace CnnArch.Tests.Spec;

public class SpecReaderTests
{
    private const string TinyResNet = """
        {
          "cnnarch": 1,
          "name": "tiny_resnet",
          "input": [3, 32, 32],
          "layers": [
            { "type": "Conv2d", "name": "conv1", "outChannels": 16, "kernel": 3, "padding": 1, "hasBias": false },
            { "type": "BatchNorm2d", "name": "bn1" },
            { "type": "ReLU", "name": "relu", "inplace": true },
            { "type": "Residual", "name": "block",
              "body": [
                { "type": "Conv2d", "name": "conv1", "outChannels": 32, "kernel": 3, "stride": 2, "padding": 1, "hasBias": false },
                { "type": "BatchNorm2d", "name": "bn1" },
                { "type": "ReLU", "name": "relu" },
                { "type": "Conv2d", "name": "conv2", "outChannels": 32, "kernel": 3, "padding": 1, "hasBias": false },
                { "type": "BatchNorm2d", "name": "bn2" }
              ],
              "shortcut": [
                { "type": "Conv2d", "outChannels": 32, "kernel": 1, "stride": 2, "hasBias": false },
                { "type": "BatchNorm2d" }
              ],
              "after": [ { "type": "ReLU", "name": "relu" } ] },
            { "type": "Inception", "name": "mix", "branches": [
                { "name": "a", "layers": [ { "type": "Conv2d", "outChannels": 8, "kernel": 1 } ] },
                { "name": "b", "layers": [ { "type": "MaxPool2d", "kernel": 3, "stride": 1, "padding": 1 } ] } ] },
            { "type": "AdaptiveAvgPool2d", "name": "pool", "outputSize": 1 },
            { "type": "Flatten", "name": "flatten", "functional": true },
            { "type": "Linear", "name": "fc", "outFeatures": 10 }
          ]
        }
        """;

    [Fact]
    public void Should_Read_A_Hand_Written_Network_With_Blocks_And_Branches()
    {
        var report = Analyzer.Analyze(SpecReader.Parse(TinyResNet));

        report.Model.Should().Be("tiny_resnet");
        report.Layers.Select(l => l.Path).Should().Contain(["block.conv1", "block.downsample.0", "block.add", "mix.a.0", "mix.cat", "fc"]);
        report.Layers.Single(l => l.Path == "mix.cat").Output.ToString().Should().Be("40x16x16");
        report.Layers.Single(l => l.Path == "flatten").IsModule.Should().BeFalse();
        report.Output.Dims.Should().Equal([10]);
        report.Totals.Parameters.Should().Be((16 * 27) + 32 + (32 * 16 * 9) + 64 + (32 * 32 * 9) + 64 + (32 * 16) + 64 + ((8 * 32) + 8) + ((40 * 10) + 10));
    }

    [Theory]
    [InlineData(false, new[] { "block.conv1", "block.downsample.0", "block.add" })]
    [InlineData(true, new[] { "block.downsample.0", "block.conv1", "block.add" })]
    public void A_Residual_Runs_Its_Shortcut_First_Only_When_The_Spec_Says_So(bool shortcutFirst, string[] order)
    {
        var text = TinyResNet.Replace("\"name\": \"block\",", $"\"name\": \"block\", \"shortcutFirst\": {(shortcutFirst ? "true" : "false")},", StringComparison.Ordinal);

        var paths = SpecReader.Parse(text).Nodes.Select(n => n.Path).Where(order.Contains).ToList();

        paths.Should().Equal(order);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void A_File_Reads_As_Its_Text_With_Or_Without_A_Byte_Order_Mark_And_With_Invalid_Utf8_Replaced(bool bom, bool invalid)
    {
        // The file is parsed as bytes; a bad byte sequence reads as U+FFFD, as the file's text would.
        var text = TinyResNet.Replace("tiny_resnet", "tiny_resnet_X", StringComparison.Ordinal);
        var body = System.Text.Encoding.UTF8.GetBytes(text);
        if (invalid)
        {
            body[Array.IndexOf(body, (byte)'X')] = 0xFF;
        }

        var path = Path.Combine(Path.GetTempPath(), $"cnnarch-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllBytes(path, [.. bom ? System.Text.Encoding.UTF8.Preamble.ToArray() : [], .. body]);
            var network = SpecReader.Load(path);

            network.Name.Should().Be(invalid ? "tiny_resnet_\uFFFD" : "tiny_resnet_X");
            Analyzer.Analyze(network).Totals.Should().Be(Analyzer.Analyze(SpecReader.Parse(TinyResNet)).Totals);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private const string TwoPaths = """
        { "name": "two_paths", "input": [3, 8, 8], "layers": [
          { "type": "Conv2d", "name": "a", "id": "a", "outChannels": 4, "kernel": 1 },
          { "type": "Conv2d", "name": "b", "id": "b", "inputs": ["input"], "outChannels": 4, "kernel": 1 },
          { "type": "Add", "name": "sum", "inputs": ["a", "B"], "functional": true } ] }
        """;

    [Fact]
    public void Should_Wire_A_Graph_By_Ids()
    {
        var report = Analyzer.Analyze(SpecReader.Parse(TwoPaths.Replace("\"B\"", "\"b\"", StringComparison.Ordinal)));

        report.Layers.Select(l => l.Path).Should().Equal("a", "b", "sum");
        report.Layers[1].Inputs.Should().Equal(TensorShape.Chw(3, 8, 8));
        report.Layers[2].Output.Should().Be(TensorShape.Chw(4, 8, 8));
    }

    [Fact]
    public void Should_Name_An_Unknown_Id_And_List_The_Known_Ones()
    {
        var act = () => SpecReader.Parse(TwoPaths);

        act.Should().Throw<SpecException>().Which.Message.Should().Be("$.layers[2].inputs[1] (line 4): no earlier item has the id 'B'; known: input, a, b.");
    }

    [Theory]
    [InlineData("""{ "type": "Conv2d", "outChannels": 8, "kernel": 0 }""", "$.layers[0].kernel (line 2)", "Kernel must be positive")]
    [InlineData("""{ "type": "Conv2d", "outChanels": 8 }""", "$.layers[0].outChanels (line 2)", "unknown setting 'outChanels' of Conv2d; did you mean 'outChannels'?")]
    [InlineData("""{ "type": "Conv2d", "kernel": 3 }""", "$.layers[0] (line 2)", "missing required properties including: 'outChannels'")]
    [InlineData("""{ "type": "Convolution" }""", "$.layers[0].type (line 2)", "no layer type 'Convolution'. Known: ")]
    [InlineData("""{ "outChannels": 8 }""", "$.layers[0] (line 2)", "every item is an object with a 'type'")]
    [InlineData("""{ "type": "MaxPool2d", "kernel": [2, 2, 2] }""", "$.layers[0].kernel (line 2)", "Kernel 2x2x2 has 3 values where a 2-D layer needs 1 or 2.")]
    public void Should_Name_The_Json_Path_And_Line_Of_A_Bad_Value(string item, string where, string what)
    {
        var spec = "{ \"name\": \"bad\", \"input\": [3, 8, 8], \"layers\": [\n" + item + "\n] }";

        var act = () => SpecReader.Parse(spec);

        act.Should().Throw<SpecException>().Which.Message.Should().StartWith(where).And.Contain(what);
    }

    [Theory]
    [InlineData("{ \"layers\": [ { \"type\": ", "not valid JSON")]
    [InlineData("[1, 2]", "a spec is a JSON object")]
    [InlineData("{ \"name\": \"x\", \"layers\": [] }", "non-empty 'layers'")]
    [InlineData("{ \"name\": \"x\", \"input\": [3, 0, 8], \"layers\": [ { \"type\": \"ReLU\" } ] }", "$.input (line 1)")]
    [InlineData("{ \"name\": \"x\", \"lyers\": [] }", "non-empty 'layers'")]
    [InlineData("{ \"cnnarch\": 2, \"layers\": [ { \"type\": \"ReLU\" } ] }", "CnnArch reads version 1")]
    public void Should_Reject_Malformed_Specs(string spec, string what)
    {
        var act = () => SpecReader.Parse(spec);

        act.Should().Throw<SpecException>().Which.Message.Should().Contain(what);
    }
}

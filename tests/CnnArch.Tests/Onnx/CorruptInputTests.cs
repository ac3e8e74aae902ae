using CnnArch.Onnx;

namespace CnnArch.Tests.Onnx;

/// <summary>Bad files get one clear error, never a hang, a crash or a huge allocation.</summary>
public class CorruptInputTests
{
    private static OnnxFormatException Rejects(byte[] bytes)
    {
        var act = () => OnnxImporter.Load(new MemoryStream(bytes), "bad");
        return act.Should().Throw<OnnxFormatException>().Which;
    }

    private static OnnxFormatException Rejects(TestGraph g) => Rejects(g.Bytes());

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.5)]
    [InlineData(0.99)]
    public void A_Truncated_File(double kept)
    {
        var whole = File.ReadAllBytes(ExportedModelTests.Fixture("resnet18.onnx"));
        var bytes = whole[..(int)(whole.Length * kept)];

        Rejects(bytes).Message.Should().Match("*not a valid ONNX file*").And.NotContain("\n");
    }

    [Fact]
    public void Random_Bytes_And_An_Empty_File()
    {
        var random = new Random(1234);
        for (var i = 0; i < 50; i++)
        {
            var bytes = new byte[random.Next(1, 4000)];
            random.NextBytes(bytes);
            Rejects(bytes);
        }

        Rejects([]).Message.Should().Contain("holds no graph");
    }

    [Fact]
    public void A_Graph_With_A_Cycle()
    {
        var g = new TestGraph([1, 3, 4, 4]).Node("Add", ["x", "b"], ["a"], "first").Node("Relu", ["a"], ["b"], "second").Output("b");

        Rejects(g).Message.Should().Contain("cycle").And.Contain("'first'");
    }

    [Fact]
    public void A_Node_Reading_A_Value_Nothing_Provides()
    {
        var g = new TestGraph([1, 3, 4, 4]).Node("Relu", ["ghost"], ["y"], "lost").Output("y");

        Rejects(g).Message.Should().Be("Node 'lost' (Relu) reads 'ghost', which no node, input or initializer provides.");
    }

    [Theory]
    [InlineData(-5L, "-5")]
    [InlineData(1L << 40, "1099511627776")]
    public void A_Negative_Or_Absurd_Dimension(long dim, string shown)
    {
        var g = new TestGraph([1, 3, 4, 4]).Weight("w", 8, 3, dim, 3).Node("Conv", ["x", "w"], ["y"]).Output("y");

        Rejects(g).Message.Should().Be($"Initializer 'w' has a dimension of {shown}, which no tensor can have.");
    }

    [Fact]
    public void An_Absurd_Input_Dimension()
    {
        var g = new TestGraph([1, 3, 1L << 40, 4]).Node("Relu", ["x"], ["y"]).Output("y");

        Rejects(g).Message.Should().Contain("give the input size");
    }

    [Fact]
    public void Huge_Constants_Are_Not_Materialised()
    {
        // ConstantOfShape of 2^30 elements and Range of 2^40: kept as dims only, so nothing is allocated;
        // a Reshape that needs such values fails with a message.
        var g = new TestGraph([1, 3, 4, 4]).Ints("big", 1L << 30).Ints("s", 0).Ints("l", 1L << 40).Ints("d", 1)
            .Node("ConstantOfShape", ["big"], ["c"]).Node("Range", ["s", "l", "d"], ["r"])
            .Node("Reshape", ["x", "r"], ["y"], "view").Output("y");

        Rejects(g).Message.Should().Contain("Node 'view' needs the values of a constant");
    }

    [Fact]
    public void A_Layer_That_Does_Not_Fit_Its_Input_Names_The_Node()
    {
        var g = new TestGraph([1, 3, 4, 4]).Weight("w", 8, 5, 3, 3).Node("Conv", ["x", "w"], ["y"], "/conv/Conv").Output("y");

        // An invalid network, as a preset or spec at that input would be (exit 1), not a corrupt file.
        var error = g.Invoking(x => x.Import()).Should().Throw<InvalidNetworkException>().Which;

        error.Path.Should().Be("conv");
        error.Message.Should().Be("Layer 'conv': Conv2d expects 5 input channels, got 3. (ONNX node '/conv/Conv', Conv)");
    }

    [Fact]
    public void Symbolic_Input_Sizes_Need_The_Input_Given()
    {
        var g = new TestGraph([-1, 3, -1, -1]).Weight("w", 8, 3, 3, 3).Node("Conv", ["x", "w"], ["y"]).Output("y");

        Rejects(g).Message.Should().Be("Input 'x' has dimensions [?,3,?,?]: give the input size (C x H x W) to import it.");
        g.Import(new OnnxImportOptions { Input = TensorShape.Chw(3, 32, 32) }).Network.DefaultInput.Should().Be(TensorShape.Chw(3, 32, 32));
    }

    [Fact]
    public void External_Data_Locations_Are_Never_Opened()
    {
        // Every weight of TestGraph points its external data at a path outside the model's folder.
        var g = new TestGraph([1, 3, 8, 8]).Weight("w", 8, 3, 3, 3).Node("Conv", ["x", "w"], ["y"]).Output("y");

        g.Analyze().Totals.Parameters.Should().Be(8 * 3 * 9);
    }
}

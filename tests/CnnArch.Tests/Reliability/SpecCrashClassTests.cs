using CnnArch.Spec;

namespace CnnArch.Tests.Reliability;

/// <summary>Malformed spec documents end in a SpecException naming the JSON path and line, and nothing else.</summary>
public class SpecCrashClassTests
{
    private static SpecException Rejects(string json)
    {
        var act = () => SpecReader.Parse(json);
        var error = act.Should().Throw<SpecException>().Which;
        error.Message.Should().NotContain("\n");
        return error;
    }

    private const string Relu = """{ "type": "ReLU", "name": "relu" }""";

    private static string Spec(string layers, string extra = "") => $$"""{ "name": "net", "input": [3, 8, 8]{{extra}}, "layers": [ {{layers}} ] }""";

    [Fact]
    public void A_Key_Given_Twice() =>
        Rejects("""{ "name": "a", "name": "b", "layers": [ { "type": "ReLU" } ] }""").Message.Should().Contain("not valid JSON").And.Contain("name");

    [Fact]
    public void A_Key_Given_Twice_Inside_A_Layer() =>
        Rejects(Spec("""{ "type": "Conv2d", "outChannels": 4, "outChannels": 8 }""")).Line.Should().Be(1);

    [Theory]
    [InlineData("1.5")]
    [InlineData("1e40")]
    [InlineData("\"1\"")]
    public void A_Version_That_Is_Not_1(string version) =>
        Rejects(Spec(Relu, $", \"cnnarch\": {version}")).JsonPath.Should().Be("$.cnnarch");

    [Theory]
    [InlineData("""{ "type": "ReLU", "name": "" }""", "$.layers[0].name")]
    [InlineData("""{ "type": "ReLU", "name": "  " }""", "$.layers[0].name")]
    [InlineData("""{ "type": "Block", "kind": "", "layers": [ { "type": "ReLU" } ] }""", "$.layers[0].kind")]
    [InlineData("""{ "type": "ReLU", "path": "" }""", "$.layers[0].path")]
    [InlineData("""{ "type": "Residual", "joinName": "", "body": [ { "type": "ReLU" } ] }""", "$.layers[0].joinName")]
    [InlineData("""{ "type": "Sequential", "layers": [ { "type": "ReLU", "name": "" } ] }""", "$.layers[0].layers[0].name")]
    public void An_Empty_Name_Or_Kind(string item, string path) => Rejects(Spec(item)).JsonPath.Should().Be(path);

    [Fact]
    public void An_Empty_Network_Name() => Rejects("""{ "name": "", "layers": [ { "type": "ReLU" } ] }""").JsonPath.Should().Be("$.name");

    [Theory]
    [InlineData("3")]
    [InlineData("\"Conv2d\"")]
    [InlineData("null")]
    [InlineData("[ { \"type\": \"ReLU\" } ]")]
    public void An_Item_That_Is_Not_An_Object(string item) =>
        Rejects(Spec($"{Relu}, {item}")).JsonPath.Should().Be("$.layers[1]");

    [Fact]
    public void A_Branch_That_Is_Not_An_Object() =>
        Rejects(Spec("""{ "type": "Inception", "branches": [ 3 ] }""")).JsonPath.Should().StartWith("$.layers[0]");

    [Theory]
    [InlineData("""{ "type": "Conv2d", /* out */ "outChannels": 8 }""")]
    [InlineData("{ \"type\": \"Conv2d\", \"outChannels\": 8, // the width\n }")]
    [InlineData("""{ "type": "Conv2d", "outChannels": 8, "kernel": [3, 3,], }""")]
    public void Comments_And_Trailing_Commas_Inside_A_Layer_Are_Read(string item) =>
        Analyzer.Analyze(SpecReader.Parse(Spec(item))).Output.Should().Be(TensorShape.Chw(8, 6, 6));

    [Fact]
    public void A_Document_Nested_Deeper_Than_The_Limit()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 5000)) + string.Concat(Enumerable.Repeat("]", 5000));

        Rejects(Spec(Relu, $", \"description\": {deep}")).Problem.Should().Contain("depth");
    }

    [Fact]
    public void A_Bad_Value_Under_A_Key_Of_Brackets_Is_Reported_Without_Walking_Every_Character()
    {
        // The line of an error is found by walking up the JSON path; a key of 2 million '[' once made that
        // walk quadratic (minutes). It is bounded now.
        var key = new string('[', 2_000_000);
        var json = Spec($$"""{ "type": "Conv2d", "outChannels": 8, "{{key}}": 1 }""");

        SpecException? error = null;
        Action act = () => error = Rejects(json);

        act.ExecutionTime().Should().BeLessThan(TimeSpan.FromSeconds(30), "a linear walk takes milliseconds; the quadratic one took minutes");
        error!.Message.Length.Should().BeLessThan(600, "the message cuts the 2-million-character path short");
    }

    public class Round_Trip
    {
        [Fact]
        public void A_Network_Whose_Output_Is_Not_Its_Last_Node_Reads_Back_With_The_Same_Output()
        {
            var b = new NetworkBuilder("side");
            var conv = b.Add("conv", new Conv2d { OutChannels = 4, Padding = 1 }, b.Input);
            var output = b.Add("relu", new ReLU(), conv);
            b.Add("side", new Conv2d { OutChannels = 2, Kernel = 1 }, conv);
            var network = b.Build(output, TensorShape.Chw(3, 8, 8));

            var back = SpecReader.Parse(SpecWriter.Write(network));

            back.Output.Should().Be(network.Output);
            Analyzer.Analyze(back).Output.Should().Be(TensorShape.Chw(4, 8, 8));
        }

        [Fact]
        public void A_Node_Path_With_An_Empty_Segment_Reads_Back()
        {
            var b = new NetworkBuilder("odd");
            var x = b.AddScope("blk", "Block", b.Input, t => b.Add("blk.", new ReLU(), t));
            x = b.Add("a..b", new Conv2d { OutChannels = 2 }, x);
            var network = b.Build(x, TensorShape.Chw(3, 8, 8));

            var back = SpecReader.Parse(SpecWriter.Write(network));

            back.Nodes.Select(n => n.Path).Should().Equal("blk.", "a..b");
        }

        [Fact]
        public void Paths_Nested_Deeper_Than_Json_Allows_Export_And_Read_Back()
        {
            var b = new NetworkBuilder("deep");
            var path = string.Join('.', Enumerable.Range(0, 300).Select(i => $"m{i}"));
            Tensor Nest(int level, Tensor t) => level == 300
                ? b.Add(path + ".relu", new ReLU(), t)
                : b.AddScope(string.Join('.', Enumerable.Range(0, level + 1).Select(i => $"m{i}")), "Block", t, x => Nest(level + 1, x));
            var network = b.Build(Nest(0, b.Input), TensorShape.Chw(3, 8, 8));

            var back = SpecReader.Parse(SpecWriter.Write(network));

            back.Nodes.Select(n => n.Path).Should().Equal(network.Nodes.Select(n => n.Path));
            // Blocks deeper than JSON allows are written flat, so the report is the same but for its scopes.
            Reporting.JsonReport.Write(Analyzer.Analyze(back) with { Scopes = [] }).Should().Be(Reporting.JsonReport.Write(Analyzer.Analyze(network) with { Scopes = [] }));
        }
    }
}


namespace CnnArch.Tests.Design;

/// <summary>A design space file is checked field by field before anything is sampled: one error naming the field and its range.</summary>
public class SpaceValidationTests
{
    private static string Space(string parameter) =>
        "{ \"name\": \"s\", \"description\": \"d\", \"family\": \"regnet\", \"parameters\": { " +
        "\"depth\": {\"min\": 12, \"max\": 28, \"integer\": true}, \"w0\": {\"min\": 8, \"max\": 96, \"step\": 8}, " +
        "\"wa\": {\"min\": 8, \"max\": 64, \"decimals\": 2}, \"wm\": {\"min\": 1.5, \"max\": 3, \"decimals\": 2}, " + parameter + " } }";

    [Theory]
    [InlineData("\"group_width\": {\"min\": 8, \"max\": 64, \"step\": 1e-12}", "Design space parameters.group_width.step must be 0 (none) or positive, with at most 2,147,483,646 steps from min to max, got 1E-12.")]
    [InlineData("\"group_width\": {\"min\": 8, \"max\": 64, \"decimals\": 20}", "Design space parameters.group_width.decimals must be a whole number from 0 to 15, or -1 for none, got 20.")]
    [InlineData("\"group_width\": {\"min\": 8, \"max\": 1e300}", "Design space parameters.group_width.max must be a number from -2,147,483,647 to 2,147,483,647, got 1e300.")]
    [InlineData("\"group_width\": {\"min\": 8, \"max\": \"64\"}", "Design space parameters.group_width.max must be a number from -2,147,483,647 to 2,147,483,647, got \"64\".")]
    [InlineData("\"group_width\": {\"choices\": []}", "Design space parameters.group_width.choices must be a list of 1 to 10,000 numbers.")]
    [InlineData("\"group_width\": {\"min\": 8, \"max\": 64, \"integer\": 1}", "Design space parameters.group_width.integer must be true or false, got 1.")]
    public void A_Field_Out_Of_Its_Range_Is_Named(string parameter, string message)
    {
        var act = () => DesignSpace.Parse(Space(parameter));

        act.Should().Throw<FormatException>().WithMessage(message);
    }

    [Fact]
    public void An_Integer_Range_To_The_Largest_Int_Samples_Without_Overflow()
    {
        var space = DesignSpace.Parse(Space("\"group_width\": {\"min\": 1, \"max\": 2147483647, \"integer\": true}"));

        var value = space.Parameters.Single(p => p.Name == "group_width").Sample(new Random(1));

        value.Should().BeInRange(1, int.MaxValue);
    }

    [Fact]
    public void A_Depth_Outside_The_Rule_Is_Rejected_When_The_Space_Is_Read()
    {
        // A negative depth once overflowed the stack; a depth of 10^6 ran for minutes. The family checks its ranges first.
        var act = () => DesignSpace.Parse(Space("\"group_width\": {\"min\": 8, \"max\": 16, \"step\": 8}").Replace("\"min\": 12, \"max\": 28", "\"min\": -1000000, \"max\": -1", StringComparison.Ordinal));

        act.Should().Throw<FormatException>().WithMessage("Design space '*': parameter 'depth' must lie within 1 to 1000 (RegNet's depth, as the presets take it), got -1e+06 to -1.");
    }

    [Theory]
    [InlineData("\"min\": 1, \"max\": 4", "\"min\": 0, \"max\": 9999")]
    [InlineData("\"min\": 1, \"max\": 4", "\"min\": 1, \"max\": 2147483647")]
    public void Blocks_Per_Stage_Beyond_32_Are_Rejected_Before_Any_Network_Is_Built(string from, string to)
    {
        using var stream = typeof(DesignSpace).Assembly.GetManifestResourceStream("CnnArch.Studies.Spaces.mobilenet.json")!;
        var json = new StreamReader(stream).ReadToEnd();
        var first = json.IndexOf(from, StringComparison.Ordinal);

        var act = () => DesignSpace.Parse(json[..first] + to + json[(first + from.Length)..]);

        act.Should().Throw<FormatException>().WithMessage("Design space 'mobilenet': parameter 'stage1.repeats' must lie within 1 to 32 (blocks per stage)*");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{ \"name\": ")]
    public void Malformed_Json_Names_The_Line_In_The_Users_Terms(string json)
    {
        var act = () => DesignSpace.Parse(json);

        act.Should().Throw<FormatException>().Which.Message.Should().StartWith("Not a design space: the JSON is malformed").And.NotContain("isFinalBlock").And.NotContain("BytePosition");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(SearchOptions.MaxSamples + 1)]
    public void A_Search_Draws_At_Most_100000_Candidates(int samples)
    {
        var act = () => new SearchOptions { Samples = samples };

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("A search draws 1 to 100,000 candidates*");
    }
}

/// <summary>A budget question answers with a value that fits; which side answers is a stated choice.</summary>
public class SolutionPickTests
{
    [Fact]
    public void A_Target_Is_A_Budget_The_Answer_Fits_It()
    {
        // The largest resolution whose training memory at batch 32 is within 8 GB: 384 (7.8 GB), not 385 (8.14 GB, 1.018x).
        var study = EqualCostStudy.Run("resnet50", "resolution", DesignCost.Parse("train-memory@32"), target: 8L << 30);

        var answer = study.Solutions.Single().Chosen;
        study.Pick.Should().Be(SolutionPick.Within);
        answer.Value.Should().Be(384);
        answer.Cost.Should().BeLessThanOrEqualTo(8L << 30);
        study.Solutions.Single().Nearest.Value.Should().Be(385, "the nearest cost is over the budget");
    }

    [Fact]
    public void A_Reference_Is_Matched_As_Nearly_As_Possible_Unless_Asked_Otherwise()
    {
        var nearest = EqualCostStudy.Run("resnext50_32x4d", "width_per_group", new DesignCost(CostKind.Macs), reference: "resnet50");
        var atLeast = EqualCostStudy.Run("resnext50_32x4d", "width_per_group", new DesignCost(CostKind.Macs), reference: "resnet50", pick: SolutionPick.AtLeast);

        nearest.Pick.Should().Be(SolutionPick.Nearest);
        nearest.Solutions[0].Chosen.Should().Be(nearest.Solutions[0].Nearest);
        atLeast.Solutions[0].Chosen.Cost.Should().BeGreaterThanOrEqualTo((long)atLeast.Target);
        atLeast.Solutions[0].Neighbours.Where(n => n.Cost >= atLeast.Target).Should().OnlyContain(n => n.Value >= atLeast.Solutions[0].Chosen.Value);
    }
}

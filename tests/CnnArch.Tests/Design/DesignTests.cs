using System.Text.Json;
using CnnArch.Tests.Cli;

namespace CnnArch.Tests.Design;

/// <summary>design solve, block and scale: the lecture's numbers from exact counts.</summary>
public class DesignTests
{
    [Theory]
    [InlineData(2, 40)]
    [InlineData(4, 24)]
    [InlineData(8, 14)]
    [InlineData(32, 4)]
    public void Should_Solve_The_Lectures_ResNeXt_Width_For_A_Block_At_Equal_Macs(int groups, int width)
    {
        var cost = new DesignCost(CostKind.Macs) { Scope = "layer1.1" };
        var target = EqualCostSolver.CostOf("resnet50", cost);

        var solution = EqualCostSolver.Solve("resnext50_32x4d", "width_per_group", target, cost, new Dictionary<string, string> { ["groups"] = groups.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        solution.Nearest.Value.Should().Be(width);
        solution.Continuous.Should().BeApproximately(DesignRules.ResNeXtWidth(64, groups), 0.003, "the block is (8Cc + 9c^2)G HW against 17C^2 HW, interpolated linearly between integers c");
        solution.Nearest.Ratio.Should().BeApproximately(1.0, 0.03);
        solution.IsInteger.Should().BeTrue();
    }

    [Fact]
    public void Should_Print_The_Lectures_ResNeXt_Table_From_The_Cli()
    {
        var (code, output, error) = CliTests.Run("design", "solve", "resnext50_32x4d", "--vary", "width_per_group", "--each", "groups=2,4,8,32",
            "--match", "resnet50", "--on", "macs", "--within", "layer1.1", "--format", "csv");

        code.Should().Be(0, error);
        var nearest = output.Split('\n').Where(l => l.EndsWith(",true", StringComparison.Ordinal)).Select(l => l.Split(',')).ToList();
        nearest.Select(r => r[0]).Should().Equal("2", "4", "8", "32");
        nearest.Select(r => r[2]).Should().Equal("40", "24", "14", "4");
    }

    [Fact]
    public void Should_Solve_Whole_Networks_Where_The_Stem_And_Head_Shift_The_Root()
    {
        var (code, output, _) = CliTests.Run("design", "solve", "resnext50_32x4d", "--vary", "width_per_group", "--each", "groups=2,4,8,32", "--match", "resnet50", "--format", "json");

        code.Should().Be(0);
        using var doc = JsonDocument.Parse(output);
        var solutions = doc.RootElement.GetProperty("solutions").EnumerateArray().ToList();
        doc.RootElement.GetProperty("target").GetDouble().Should().Be(4_089_184_256);
        solutions.Select(s => s.GetProperty("nearest").GetDouble()).Should().Equal(40, 24, 13, 4);
        solutions[2].GetProperty("continuous").GetDouble().Should().BeInRange(13.3, 13.6, "13.44: the whole network's fixed parts pull G=8 below the block's 13.70");
    }

    [Fact]
    public void Should_Bracket_A_Real_Parameter_With_Neighbours_Either_Side_Of_The_Target()
    {
        var target = EqualCostSolver.CostOf("mobilenet_v3_large", new DesignCost(CostKind.Macs));

        var solution = EqualCostSolver.Solve("mobilenet_v2", "width", target, new DesignCost(CostKind.Macs));

        solution.IsInteger.Should().BeFalse();
        solution.Neighbours.Should().HaveCount(2);
        solution.Neighbours[0].Cost.Should().BeLessThanOrEqualTo(target);
        solution.Neighbours[1].Cost.Should().BeGreaterThanOrEqualTo(target);
        solution.Neighbours.Select(n => n.Value).Should().Equal(0.79, 0.8);
    }

    [Fact]
    public void Should_Solve_For_Resolution_Against_A_Training_Memory_Target()
    {
        var cost = DesignCost.Parse("train-memory@32");
        var solution = EqualCostSolver.Solve("resnet50", "resolution", cost.ParseAmount("8GB"), cost);

        solution.Neighbours.Select(n => n.Value).Should().Equal(384, 385);
        solution.Neighbours[0].Cost.Should().BeLessThan(8L << 30);
        solution.Neighbours[1].Cost.Should().BeGreaterThan(8L << 30);
    }

    [Fact]
    public void Should_Refuse_An_Unknown_Parameter_Naming_The_Known_Ones()
    {
        var (code, _, error) = CliTests.Run("design", "solve", "resnet50", "--vary", "depth", "--target", "2G");

        code.Should().Be(2);
        error.Should().StartWith("error: Preset 'resnet50' has no numeric parameter 'depth'; known: se_reduction, groups, width_per_group, resolution.");
    }

    [Theory]
    [InlineData("conv5x5", "25C^2HW", "25C^2")]
    [InlineData("two3x3", "18C^2HW", "18C^2")]
    [InlineData("basic", "18C^2HW", "4C + 18C^2")]
    [InlineData("bottleneck", "17C^2HW", "12C + 17C^2")]
    [InlineData("depthwise_separable", "(9C + C^2)HW", "9C + C^2")]
    [InlineData("inverted_residual", "(54C + 12C^2)HW", "80C + 12C^2")]
    public void Should_Derive_The_Lectures_Block_Polynomials_From_Exact_Counts(string block, string macs, string parameters)
    {
        var definition = BlockCosts.Get(block);

        var fitMacs = BlockCosts.Fit(definition, new DesignCost(CostKind.Macs));
        var fitParams = BlockCosts.Fit(definition, new DesignCost(CostKind.Params));

        fitMacs.ToString().Should().Be(macs);
        fitParams.ToString().Should().Be(parameters);
        fitMacs.IsExact.Should().BeTrue();
        fitParams.IsExact.Should().BeTrue();
    }

    [Fact]
    public void Should_Give_The_Bottleneck_Coefficient_17_And_Nothing_Else()
    {
        var fit = BlockCosts.Fit(BlockCosts.Get("bottleneck"), new DesignCost(CostKind.Macs));

        fit.Coefficient(2, 1).Should().Be(17);
        fit.Terms.Should().ContainSingle();
        fit.Evaluate(64, 56 * 56).Should().Be(17.0 * 64 * 64 * 56 * 56);
    }

    [Fact]
    public void Should_Print_Every_Block_From_The_Cli()
    {
        var (code, output, _) = CliTests.Run("design", "block", "--format", "csv");

        code.Should().Be(0);
        output.Should().Contain("conv5x5,25C^2HW,25C^2,4CHW,true").And.Contain("depthwise_separable,(9C + C^2)HW,9C + C^2,8CHW,true");
    }

    [Fact]
    public void Should_Scale_B0_Compoundly_To_The_Largest_Network_Within_2G_Macs()
    {
        var scaled = Scaling.Scale("efficientnet_b0", Budget.Parse("macs=2G"), ScaleMode.Compound);

        scaled.Cost.Should().Be(1_959_335_048);
        scaled.Phi.Should().Be(2.224);
        scaled.Input.Should().Be(TensorShape.Chw(3, 306, 306));
        var bigger = Scaling.Compound("efficientnet_b0", 2.3, new CompoundCoefficients());
        bigger.Cost.Should().BeGreaterThan(2_000_000_000);
    }

    [Theory]
    [InlineData("width", 2.34, 1_987_477_968L)]
    [InlineData("resolution", 506, 1_998_959_728L)]
    public void Should_Scale_One_Dimension_Alone_Within_The_Budget(string mode, double value, long macs)
    {
        var scaled = Scaling.Scale("efficientnet_b0", Budget.Parse("macs<=2G"), Enum.Parse<ScaleMode>(mode, ignoreCase: true));

        scaled.Phi.Should().Be(value);
        scaled.Cost.Should().Be(macs);
    }

    [Fact]
    public void Should_Land_Compound_Scaling_Near_B1_To_B7_But_Not_On_Them()
    {
        var k = new CompoundCoefficients();
        for (var phi = 1; phi <= 7; phi++)
        {
            var rule = Scaling.Compound("efficientnet_b0", phi, k);
            var published = EfficientNets.Variants[phi];
            var width = double.Parse(rule.Settings["width"], System.Globalization.CultureInfo.InvariantCulture);

            (width / published.Width).Should().BeInRange(0.97, 1.11, $"B{phi}'s width");
            ((double)rule.Input.Resolution / published.Resolution).Should().BeInRange(0.98, 1.14, $"B{phi}'s resolution (B3: the rule's 341 against 300)");
        }

        Scaling.Compound("efficientnet_b0", 1, k).Settings["depth"].Should().Be("1.2", "the rule gives 1.2 where B1 uses 1.1");
    }

    [Fact]
    public void Should_Print_The_Scaled_Report_From_The_Cli()
    {
        var (code, output, error) = CliTests.Run("design", "scale", "efficientnet_b0", "--budget", "macs=2G");

        code.Should().Be(0, error);
        output.Should().StartWith("efficientnet_b0 scaled by compound: phi = 2.224").And.Contain("(1,959,335,048)").And.Contain("MACs 1,959,335,048");
    }

    [Theory]
    [InlineData("macs<=400M", CostKind.Macs, 400e6)]
    [InlineData("params<=5M", CostKind.Params, 5e6)]
    [InlineData("train-memory<=24GB@64", CostKind.TrainMemory, 24.0 * 1024 * 1024 * 1024)]
    [InlineData("macs=2G", CostKind.Macs, 2e9)]
    public void Should_Parse_Budgets(string text, CostKind kind, double limit)
    {
        var budget = Budget.Parse(text);

        budget.Cost.Kind.Should().Be(kind);
        budget.Limit.Should().Be(limit);
    }

    [Fact]
    public void Should_Read_The_Batch_Of_A_Training_Budget()
    {
        Budget.Parse("train-memory<=24GB@64").Cost.Batch.Should().Be(64);
        var act = () => Budget.Parse("flops<=1G");
        act.Should().Throw<FormatException>().WithMessage("Unknown cost 'flops'*");
    }
}

namespace CnnArch.Tests.Presets;

/// <summary>MnasNet, EfficientNet and RegNet against torchvision's weights metadata (Reference/published.md).</summary>
public class NasPresetTests
{
    private static AnalysisReport Report(string preset, params (string, string)[] set) =>
        Analyzer.Analyze(Catalog.Create(preset, set.ToDictionary(s => s.Item1, s => s.Item2)), new AnalysisOptions { Convention = Conventions.TorchVision });

    public static TheoryData<string, int, long, double> PublishedRows()
    {
        var data = new TheoryData<string, int, long, double>();
        foreach (var row in ReferenceData.PublishedTable("torchvision NAS-era"))
        {
            data.Add(row[0], (int)ReferenceData.Number(row[1]), (long)ReferenceData.Number(row[2]), ReferenceData.Number(row[3]));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PublishedRows))]
    public void Should_Equal_Torchvision_Params_Exactly_And_GMacs_At_Its_Crop_To_Three_Decimals(string preset, int crop, long parameters, double gmacs)
    {
        var report = Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = Conventions.TorchVision, Input = TensorShape.Chw(3, crop, crop) });

        report.Totals.Parameters.Should().Be(parameters);
        Math.Round(report.Totals.Macs / 1e9, 3).Should().Be(gmacs);
    }

    [Fact]
    public void Should_Cover_Every_MnasNet_EfficientNet_And_RegNet_Preset_With_A_Published_Row()
    {
        var covered = PublishedRows().Select(r => (string)r[0]).ToHashSet();
        var presets = Catalog.All.Where(p => p.Family is "MnasNet" or "EfficientNet" or "RegNetX" or "RegNetY").Select(p => p.Name).ToList();

        presets.Should().HaveCount(27);
        covered.Should().BeEquivalentTo(presets);
    }

    [Theory]
    [InlineData("efficientnet_b0", 5_288_548L, 385_814_752L)]
    [InlineData("mnasnet1_0", 4_383_312L, 314_415_872L)]
    [InlineData("regnet_y_400mf", 4_344_144L, 401_842_848L)]
    public void Should_Give_The_Exact_Totals_At_224(string preset, long parameters, long macs)
    {
        var totals = Report(preset).Totals;

        totals.Parameters.Should().Be(parameters);
        totals.Macs.Should().Be(macs);
    }

    [Fact]
    public void Should_Carry_The_Published_Top1_Of_The_V1_Weights()
    {
        var rows = PublishedRows().Where(r => (string)r[0] != "regnet_y_128gf");
        foreach (var row in ReferenceData.PublishedTable("torchvision NAS-era").Where(r => r[4] != "-"))
        {
            Catalog.All.Single(p => p.Name == row[0]).Top1.Should().Be(ReferenceData.Number(row[4]), row[0]);
        }

        rows.Should().HaveCount(26);
        Catalog.All.Single(p => p.Name == "regnet_y_128gf").Top1.Should().BeNull("torchvision has no IMAGENET1K_V1 weights for it");
    }

    [Fact]
    public void Should_Name_EfficientNet_Layers_As_Torchvision_With_Squeeze_Widths_Of_A_Quarter_Of_The_Block_Input()
    {
        var layers = Report("efficientnet_b0").Layers.ToDictionary(l => l.Path);

        layers["features.0.0"].Output.Should().Be(TensorShape.Chw(32, 112, 112));
        layers["features.1.0.block.0.0"].Kind.Should().Be("Conv2d", "B0's first block has expansion 1: no expand conv");
        layers["features.1.0.block.1.fc1"].Output.Channels.Should().Be(8, "32 input channels // 4");
        layers["features.2.0.block.2.fc1"].Output.Channels.Should().Be(4, "16 input channels // 4, not a quarter of the 96 expanded");
        layers["features.1.0.block.1.activation"].Kind.Should().Be("SiLU");
        layers["features.2.1.stochastic_depth"].Kind.Should().Be("StochasticDepth");
        layers["features.2.1.stochastic_depth"].Macs.Should().Be(0, "stochastic depth is the identity at inference");
        var drop = (StochasticDepth)Catalog.Create("efficientnet_b0").Nodes.Single(n => n.Path == "features.2.1.stochastic_depth").Layer;
        drop.P.Should().Be(0.2 * 2 / 16, "torchvision's 0.2 x block index / 16 blocks");
        layers.Should().NotContainKey("features.2.0.stochastic_depth", "no residual when the stride is 2");
        layers["features.8.0"].Output.Should().Be(TensorShape.Chw(1280, 7, 7));
        layers["classifier.1"].Parameters.Should().Be(1_281_000);
    }

    [Fact]
    public void Should_Scale_B0_To_B7_By_Torchvision_Width_And_Depth_Multipliers()
    {
        var b7 = Report("efficientnet_b7").Layers.ToDictionary(l => l.Path);

        b7["features.0.0"].Output.Should().Be(TensorShape.Chw(64, 300, 300), "32 x 2.0 at 600x600");
        b7.Keys.Where(k => k.StartsWith("features.6.", StringComparison.Ordinal) && k.EndsWith(".block.0.0", StringComparison.Ordinal))
            .Should().HaveCount(13, "ceil(4 x 3.1) blocks in stage 6");
        b7["features.8.0"].Output.Channels.Should().Be(2560, "4 x make_divisible(320 x 2.0)");
    }

    [Fact]
    public void Should_Name_MnasNet_Layers_As_Torchvision_With_A_Scaled_Stem()
    {
        var layers = Report("mnasnet0_5").Layers.ToDictionary(l => l.Path);

        layers["layers.0"].Output.Channels.Should().Be(16, "version 2 scales the stem: 32 x 0.5");
        layers["layers.8.0.layers.0"].Output.Channels.Should().Be(24, "make_divisible(16 x 0.5) = 8, times expansion 3");
        layers["layers.8.1.add"].Kind.Should().Be("Add");
        layers["layers.14"].Output.Channels.Should().Be(1280);
        layers["classifier.1"].Parameters.Should().Be(1_281_000);
    }

    [Theory]
    [InlineData("regnet_x_400mf", new[] { 32, 64, 160, 400 }, new[] { 1, 2, 7, 12 })]
    [InlineData("regnet_y_400mf", new[] { 48, 104, 208, 440 }, new[] { 1, 3, 6, 6 })]
    [InlineData("regnet_y_8gf", new[] { 224, 448, 896, 2016 }, new[] { 2, 4, 10, 1 })]
    public void Should_Generate_The_Stage_Widths_And_Depths_From_The_Quantized_Linear_Rule(string preset, int[] widths, int[] depths)
    {
        var stages = RegNets.Table.Single(t => t.Name == preset).Parameters.Stages();

        stages.Select(s => s.Width).Should().Equal(widths);
        stages.Select(s => s.Blocks).Should().Equal(depths);
    }

    [Fact]
    public void Should_Name_RegNet_Layers_As_Torchvision_With_Se_Squeezing_A_Quarter_Of_The_Block_Input()
    {
        var layers = Report("regnet_y_400mf").Layers.ToDictionary(l => l.Path);

        layers["stem.0"].Output.Should().Be(TensorShape.Chw(32, 112, 112));
        layers["trunk_output.block1.block1-0.proj.0"].Output.Should().Be(TensorShape.Chw(48, 56, 56));
        layers["trunk_output.block1.block1-0.f.se.fc1"].Output.Channels.Should().Be(8, "round(0.25 x 32), the block's input width");
        layers["trunk_output.block2.block2-1.f.se.fc1"].Output.Channels.Should().Be(26, "round(0.25 x 104)");
        layers["trunk_output.block4.block4-5.activation"].Kind.Should().Be("ReLU");
        layers["fc"].Parameters.Should().Be(441_000);
    }

    [Fact]
    public void Should_Run_Each_Stage_Opening_Projection_Before_The_Block_Body_As_Torchvision()
    {
        // ResBottleneckBlock.forward: x = self.proj(x) + self.f(x); the projection's nodes come first.
        var paths = Catalog.Create("regnet_y_400mf").Nodes.Select(n => n.Path).ToList();

        for (var stage = 1; stage <= 4; stage++)
        {
            var block = $"trunk_output.block{stage}.block{stage}-0";
            var projection = paths.IndexOf($"{block}.proj.0");
            var body = paths.IndexOf($"{block}.f.a.0");
            projection.Should().BeGreaterThanOrEqualTo(0, block);
            body.Should().Be(projection + 2, $"{block}: proj.0 and proj.1 (its BN) run, then f.a.0");
            paths.IndexOf($"{block}.add").Should().BeGreaterThan(body);
        }
    }

    [Fact]
    public void Should_Rebuild_A_RegNet_From_Changed_Rule_Parameters()
    {
        var deeper = Report("regnet_x_400mf", ("depth", "30")).Totals;
        var plain = Report("regnet_x_400mf").Totals;

        deeper.Macs.Should().BeGreaterThan(plain.Macs);
        var act = () => Catalog.Create("regnet_x_400mf", new Dictionary<string, string> { ["w0"] = "20" });
        act.Should().Throw<ArgumentException>().WithMessage("*w0 a positive multiple of 8*");
    }
}

namespace CnnArch.Tests.Presets;

/// <summary>The paper variants and torchvision's table reproduce published figures to the precision they were published at.</summary>
public class PublishedFiguresTests
{
    private static Totals Totals(string preset, TensorShape? input = null, params (string, string)[] set) =>
        Analyzer.Analyze(Catalog.Create(preset, set.ToDictionary(s => s.Item1, s => s.Item2)),
            new AnalysisOptions { Convention = Conventions.TorchVision, Input = input }).Totals;

    public static TheoryData<string, long, double> TorchVisionTable()
    {
        // published.md: "| vgg11 / vgg11_bn | 132,863,336 / 132,868,840 | 7.609 | ..." (GMACs at 224).
        var data = new TheoryData<string, long, double>();
        foreach (var row in ReferenceData.PublishedTable("torchvision"))
        {
            var names = row[0].Split('/', StringSplitOptions.TrimEntries);
            var parameters = row[1].Split('/', StringSplitOptions.TrimEntries);
            var gmacs = row[2].Split('/', StringSplitOptions.TrimEntries);
            for (var i = 0; i < names.Length; i++)
            {
                // "resnet18 / 34", "resnext101_32x8d / 64x4d": a later name completes a prefix of the first.
                var candidates = Enumerable.Range(0, names[0].Length).Select(k => names[0][..k] + names[i]);
                if (candidates.FirstOrDefault(Catalog.Contains) is { } name)
                {
                    data.Add(name, (long)ReferenceData.Number(parameters[i]), ReferenceData.Number(gmacs[Math.Min(i, gmacs.Length - 1)]));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TorchVisionTable))]
    public void Should_Equal_Torchvision_Params_Exactly_And_GMacs_To_Three_Decimals(string preset, long parameters, double gmacs)
    {
        var totals = Totals(preset);

        totals.Parameters.Should().Be(parameters);
        Math.Round(totals.Macs / 1e9, 3).Should().Be(gmacs);
    }

    [Fact]
    public void Should_Cover_The_Torchvision_Table_Rows_That_Have_A_Preset()
    {
        TorchVisionTable().Select(r => (string)r[0]).Should().Contain(
            ["vgg13_bn", "vgg19_bn", "resnet101", "resnet152", "wide_resnet101_2", "mobilenet_v3_small", "resnext101_64x4d"]);
    }

    [Theory]
    [InlineData("resnet18", 1.8)]
    [InlineData("resnet34", 3.6)]
    [InlineData("resnet50_v1", 3.8)]
    [InlineData("resnet101_v1", 7.6)]
    [InlineData("resnet152_v1", 11.3)]
    public void Should_Reproduce_The_ResNet_Paper_Table_1_At_Its_Precision(string preset, double published)
    {
        // The paper prints one decimal, rounding some values (ResNet-101 v1: 7.57 G printed 7.6) and
        // truncating others (ResNet-34: 3.66 G printed 3.6): within one unit of the printed digit.
        var gmacs = Totals(preset).Macs / 1e9;

        gmacs.Should().BeApproximately(published, 0.0999);
    }

    [Fact]
    public void Should_Give_The_SENet_Papers_ResNet50_V1_And_Raise_It_To_4_09_With_The_Stride_On_The_3x3()
    {
        Math.Round(Totals("resnet50_v1").Macs / 1e9, 2).Should().Be(3.86);
        Math.Round(Totals("resnet50").Macs / 1e9, 2).Should().Be(4.09);
        Totals("resnet50_v1").Parameters.Should().Be(Totals("resnet50").Parameters, "v1 and v1.5 differ only in where the stride sits");
    }

    [Fact]
    public void Should_Add_About_2_5M_Params_And_Almost_No_Macs_With_SE()
    {
        var plain = Totals("resnet50");
        var se = Totals("se_resnet50");

        Math.Round((se.Parameters - plain.Parameters) / 1e6, 1).Should().Be(2.5);
        ((double)se.Parameters / plain.Parameters).Should().BeApproximately(1.10, 0.005);
        ((double)se.Macs / plain.Macs).Should().BeLessThan(1.0026, "the SENet paper: 0.26% more FLOPs");
    }

    [Fact]
    public void Should_Give_The_ResNeXt_Papers_Figures()
    {
        var totals = Totals("resnext50_32x4d");

        Math.Round(totals.Parameters / 1e6, 1).Should().Be(25.0);
        Math.Round(totals.Macs / 1e9, 1).Should().Be(4.2);
    }

    [Theory]
    [InlineData("vgg_a", 133)]
    [InlineData("vgg_a_lrn", 133)]
    [InlineData("vgg_b", 133)]
    [InlineData("vgg_c", 134)]
    [InlineData("vgg_d", 138)]
    [InlineData("vgg_e", 144)]
    public void Should_Reproduce_The_VGG_Papers_Parameter_Counts_In_Millions(string preset, int millions) =>
        Math.Round(Totals(preset).Parameters / 1e6).Should().Be(millions);

    [Fact]
    public void Should_Give_GoogLeNet_About_1_5_G_And_1_58_G_With_True_5x5_Convs()
    {
        Math.Round(Totals("googlenet").Macs / 1e9, 1).Should().Be(1.5);
        Math.Round(Totals("googlenet_paper").Macs / 1e9, 2).Should().Be(1.58);
    }

    [Fact]
    public void Should_Give_The_2012_AlexNet_About_60_Million_Params_At_227()
    {
        var totals = Totals("alexnet_original", TensorShape.Chw(3, 227, 227));

        Math.Round(totals.Parameters / 1e6).Should().Be(61);
        totals.Parameters.Should().BeInRange(60_000_000, 62_000_000);
    }

    [Theory]
    [InlineData("1.0", 224, 569, 4.2)]
    [InlineData("0.75", 224, 325, 2.6)]
    [InlineData("0.5", 224, 149, 1.3)]
    [InlineData("0.25", 224, 41, 0.5)]
    [InlineData("1.0", 192, 418, 4.2)]
    [InlineData("1.0", 160, 290, 4.2)]
    [InlineData("1.0", 128, 186, 4.2)]
    public void Should_Reproduce_MobileNet_V1_Tables_6_And_7(string width, int resolution, int millionMacs, double millionParams)
    {
        // The paper prints whole millions, truncated (160: 290.7 M printed 290).
        var totals = Totals("mobilenet_v1", TensorShape.Chw(3, resolution, resolution), ("width", width));

        (totals.Macs / 1e6).Should().BeInRange(millionMacs - 0.5, millionMacs + 1);
        Math.Round(totals.Parameters / 1e6, 1).Should().Be(millionParams);
    }

    [Fact]
    public void Should_Give_MobileNetV2_300_M_Macs_And_3_5_M_Params()
    {
        var totals = Totals("mobilenet_v2");

        Math.Round(totals.Macs / 1e6).Should().Be(301);
        Math.Round(totals.Parameters / 1e6, 1).Should().Be(3.5);
    }

    [Fact]
    public void Should_Round_MobileNetV2_Channels_To_Multiples_Of_8_Under_A_Width_Multiplier()
    {
        var report = Analyzer.Analyze(Catalog.Create("mobilenet_v2", new Dictionary<string, string> { ["width"] = "0.35" }));

        report.Layers.Where(l => l.Kind == "Conv2d").Should().OnlyContain(l => l.Output.Channels % 8 == 0);
        report.Layers.First().Output.Channels.Should().Be(16, "32 x 0.35 = 11.2 rounds to 16, the nearest multiple of 8 not below 90%");
        report.Layers.Last(l => l.Kind == "Conv2d").Output.Channels.Should().Be(1280, "the last conv keeps 1280 below width 1");
    }

    [Fact]
    public void Should_Count_Two_3x3_Convs_As_18_C2_Weights_Against_25_C2_For_One_5x5()
    {
        const int c = 64;
        var two3x3 = Network.Create("vgg_style", new Sequential(new Conv2d { OutChannels = c, Padding = 1, HasBias = false }, new Conv2d { OutChannels = c, Padding = 1, HasBias = false }), TensorShape.Chw(c, 28, 28));
        var one5x5 = Network.Create("5x5", new Sequential(new Conv2d { OutChannels = c, Kernel = 5, Padding = 2, HasBias = false }), TensorShape.Chw(c, 28, 28));

        Analyzer.Analyze(two3x3).Totals.Parameters.Should().Be(18 * c * c);
        Analyzer.Analyze(one5x5).Totals.Parameters.Should().Be(25 * c * c);
        Analyzer.Analyze(two3x3).Layers[^1].Output.Should().Be(Analyzer.Analyze(one5x5).Layers[^1].Output);
    }
}

public class DesignRuleTests
{
    [Theory]
    [InlineData(2, 40)]
    [InlineData(4, 24)]
    [InlineData(8, 14)]
    [InlineData(32, 4)]
    public void ResNeXt_Widths_At_Equal_Cost_Match_The_Lecture(int groups, int width)
    {
        var c = DesignRules.ResNeXtWidth(64, groups);

        Math.Round(c).Should().Be(width);
        ((9 * groups * c * c) + (8 * groups * 64 * c)).Should().BeApproximately(17 * 64 * 64, 1e-6);
    }

    [Fact]
    public void A_ResNeXt_Block_Of_That_Width_Costs_What_A_Bottleneck_Costs()
    {
        // Built and analysed, not computed from the formula: 4C -> (G x c) -> 4C against 4C -> C -> C -> 4C at 56x56.
        static long Macs(int width, int groups) => Analyzer.Analyze(Network.Create("block", new Sequential(
                new Conv2d { OutChannels = width, Kernel = 1, HasBias = false },
                new Conv2d { OutChannels = width, Kernel = 3, Padding = 1, Groups = groups, HasBias = false },
                new Conv2d { OutChannels = 256, Kernel = 1, HasBias = false }), TensorShape.Chw(256, 56, 56)),
            new AnalysisOptions { Convention = Conventions.TorchVision }).Totals.Macs;

        var bottleneck = Macs(64, 1);
        var resnext = Macs(32 * 4, 32);

        bottleneck.Should().Be(17L * 56 * 56 * 64 * 64);
        ((double)resnext / bottleneck).Should().BeApproximately(1, 0.03);
    }
}

namespace CnnArch.Tests.Presets;

/// <summary>torchvision's Swin Transformers, measured with PyTorch's own modules (Reference/models, torchvision 0.14.1).</summary>
public class SwinPresetTests
{
    public static TheoryData<string> Swins() => ["swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b"];

    private static AnalysisReport Analyze(string preset, CostModel? convention = null) =>
        Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = convention ?? Conventions.TorchVision });

    [Theory]
    [MemberData(nameof(Swins))]
    public void Should_Equal_Every_Reference_Layer_Path_Kind_Shape_Params_And_Macs(string model) =>
        Analyze(model).ShouldMatchLayersAndMacs(ReferenceModel.Load(model));

    [Theory]
    [MemberData(nameof(Swins))]
    public void Should_Equal_The_Reference_Totals_In_The_Torchvision_And_FlopCounter_Conventions(string model)
    {
        var reference = ReferenceModel.Load(model);

        var report = Analyze(model);
        var flopCounter = Analyze(model, Conventions.FlopCounter);

        report.ShouldEqualReferenceTotals(reference, flopCounter);
        report.Output.Dims.Should().Equal([1000]);
    }

    [Fact]
    public void Should_Publish_Torchvisions_Top1_And_Giga_Macs()
    {
        // torchvision's model table: acc@1 and GFLOPS of the IMAGENET1K_V1 weights.
        var expected = new Dictionary<string, (double Top1, double GigaMacs)>
        {
            ["swin_t"] = (81.474, 4.49), ["swin_s"] = (83.196, 8.74), ["swin_b"] = (83.582, 15.43),
            ["swin_v2_t"] = (82.072, 5.94), ["swin_v2_s"] = (83.712, 11.55), ["swin_v2_b"] = (84.112, 20.32),
        };

        foreach (var (name, (top1, giga)) in expected)
        {
            var info = Catalog.Find(name);
            info.Family.Should().Be("Swin");
            info.Top1.Should().Be(top1);
            (Analyze(name).Totals.Macs / 1e9).Should().BeApproximately(giga, 0.006, name);
        }
    }

    [Fact]
    public void Should_Count_A_Windows_Attention_As_Its_Two_Products_Over_Every_Window_With_The_Bias_Table_As_Parameters()
    {
        // Stage 1 of swin_t: 64 windows of 7 x 7 = 49 tokens, 3 heads of 32: 2 x 64 x 3 x 49 x 49 x 32 multiply-adds.
        var report = Analyze("swin_t");
        var attention = report.Layers.Single(l => l.Path == "features.1.0.attn.attention");
        var table = report.Layers.Single(l => l.Path == "features.1.0.attn.relative_position_bias_table");
        var gather = report.Layers.Single(l => l.Path == "features.1.0.attn.relative_position_bias");

        attention.IsModule.Should().BeFalse();
        attention.Macs.Should().Be(2L * 64 * 3 * 49 * 49 * 32);
        attention.Output.ToString().Should().Be("1x64x3x49x32");
        table.Parameters.Should().Be(13 * 13 * 3);
        gather.Buffers.Should().Be(49 * 49);
        gather.Output.ToString().Should().Be("3x49x49");
        report.Layers.Where(l => l.Path.StartsWith("features.1.1.attn.", StringComparison.Ordinal)).Select(l => l.Path)
            .Should().Contain(["features.1.1.attn.roll", "features.1.1.attn.attn_mask", "features.1.1.attn.roll_1"]);
        report.Layers.Should().NotContain(l => l.Path == "features.7.1.attn.roll", "a 7 x 7 map in one 7 x 7 window is not shifted");
        Analyze("swin_v2_t").Layers.Single(l => l.Path == "features.1.0.attn.attention").Parameters.Should().Be(3, "V2's logit scale, one per head");
    }

    [Fact]
    public void A_Window_Attention_Sees_Its_Window_And_A_Shifted_Block_Grows_It()
    {
        // Patches of 4 pixels; a 7 x 7 window of them: 4 + 6 x 4 = 28 pixels; the shifted block's window: 28 + 24 = 52.
        var report = Analyze("swin_t");
        string Field(string path) => report.Layers.First(l => l.Path == path).ReceptiveField.ToCompactString();

        Field("features.0.2").Should().Be("4/4");
        Field("features.1.0.attn.attention").Should().Be("28/4");
        Field("features.1.0.add_1").Should().Be("28/4");
        Field("features.1.1.attn.attention").Should().Be("52/4");
    }
}

namespace CnnArch.Tests.Presets;

/// <summary>torchvision's convolution-attention hybrids, measured with PyTorch's own modules (Reference/models, torchvision 0.14.1).</summary>
public class HybridPresetTests
{
    public static TheoryData<string> HybridModels() => ["maxvit_t"];

    private static AnalysisReport Analyze(string preset, CostModel? convention = null) =>
        Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = convention ?? Conventions.TorchVision });

    [Theory]
    [MemberData(nameof(HybridModels))]
    public void Should_Equal_Every_Reference_Layer_Path_Kind_Shape_Params_And_Macs(string model) =>
        Analyze(model).ShouldMatchLayersAndMacs(ReferenceModel.Load(model));

    [Theory]
    [MemberData(nameof(HybridModels))]
    public void Should_Equal_The_Reference_Totals_In_The_Torchvision_And_FlopCounter_Conventions(string model)
    {
        var reference = ReferenceModel.Load(model);

        var report = Analyze(model);
        var flopCounter = Analyze(model, Conventions.FlopCounter);

        report.ShouldEqualReferenceTotals(reference, flopCounter);
        report.Output.Dims.Should().Equal([model.StartsWith("mvit", StringComparison.Ordinal) ? 400 : 1000]);
    }

    [Fact]
    public void MaxVit_Attention_Costs_What_The_Hooks_Miss_Its_Two_Einsums()
    {
        // The hooks see to_qkv and merge; torchvision's total adds both einsums of all 22 attentions:
        // G x H x 49 x 49 x 32 each, G windows x H heads x 32 = G x C (64 x 64, 16 x 128, 4 x 256, 1 x 512).
        var reference = ReferenceModel.Load("maxvit_t");
        var report = Analyze("maxvit_t");
        var functional = report.Layers.Where(l => !l.IsModule).Sum(l => l.Macs);

        functional.Should().Be(reference.Macs - reference.HookedMacs!.Value).And.Be(177_020_928);
        report.Layers.Single(l => l.Path == "blocks.0.layers.0.layers.window_attention.attn_layer.1.einsum").Macs.Should().Be(64L * 2 * 49 * 49 * 32);
    }

    [Fact]
    public void MaxVit_Counts_Each_Relative_Position_Table_Once_With_Its_Index_Buffer()
    {
        var bias = Analyze("maxvit_t").Layers.Single(l => l.Path == "blocks.3.layers.1.layers.grid_attention.attn_layer.1.relative_position_bias");

        bias.Kind.Should().Be("RelativePositionBias");
        bias.IsModule.Should().BeFalse();
        bias.Parameters.Should().Be(13 * 13 * 16);
        bias.Buffers.Should().Be(49 * 49);
        bias.Output.ToString().Should().Be("1x16x49x49");
    }

    [Fact]
    public void Should_Publish_Torchvisions_Top1_And_Giga_Macs()
    {
        var info = Catalog.Find("maxvit_t");

        info.Family.Should().Be("MaxViT");
        info.Top1.Should().Be(83.700);
        (Analyze("maxvit_t").Totals.Macs / 1e9).Should().BeApproximately(5.56, 0.005);
    }
}

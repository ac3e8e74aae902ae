using System.Text.RegularExpressions;

namespace CnnArch.Tests.Presets;

/// <summary>torchvision's Multiscale Vision Transformers, measured with PyTorch's own modules (Reference/models, torchvision 0.14.1).</summary>
public partial class MViTPresetTests
{
    public static TheoryData<string> Models() => ["mvit_v1_b", "mvit_v2_s"];

    private static AnalysisReport Analyze(string preset, CostModel? convention = null) =>
        Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = convention ?? Conventions.TorchVision });

    // The depthwise Conv3d of pool_q, pool_k and pool_v, which torchvision runs with the heads folded into the batch.
    [GeneratedRegex(@"\.attn\.pool_[qkv]\.pool$")]
    private static partial Regex PoolingConv();

    [Theory]
    [MemberData(nameof(Models))]
    public void Should_Equal_Every_Reference_Layer_Path_Kind_Shape_Params_And_Macs(string model) =>
        Analyze(model).ShouldMatchLayersAndMacs(ReferenceModel.Load(model), PoolingConv().IsMatch);

    [Theory]
    [MemberData(nameof(Models))]
    public void Should_Equal_The_Reference_Totals_In_The_Torchvision_And_FlopCounter_Conventions(string model)
    {
        var reference = ReferenceModel.Load(model);

        var report = Analyze(model);
        var flopCounter = Analyze(model, Conventions.FlopCounter);

        report.ShouldEqualReferenceTotals(reference, flopCounter);
        report.Output.Dims.Should().Equal([400]);
    }

    [Theory]
    [InlineData("mvit_v1_b", 14_429_852_352)]
    [InlineData("mvit_v2_s", 14_724_285_120)]
    public void The_Functional_Attention_Carries_What_The_Total_Has_Beyond_The_Hooked_Modules(string model, long hidden)
    {
        // The two attention products (and V2's relative-position products) are matmuls and einsums, not modules.
        var reference = ReferenceModel.Load(model);
        var report = Analyze(model);

        (reference.Macs - reference.HookedMacs).Should().Be(hidden);
        report.Layers.Where(l => !l.IsModule).Sum(l => l.Macs).Should().Be(hidden);
    }

    [Fact]
    public void A_Pooling_Conv_Shares_Its_Weights_Over_The_Heads_And_Counts_Every_Heads_Map()
    {
        // blocks.3 of mvit_v2_s: 4 heads of 96, 8 x 28 x 28 pooled at 1x2x2 to 8 x 14 x 14 by a depthwise 3x3x3 conv.
        var row = Analyze("mvit_v2_s").Layers.Single(l => l.Path == "blocks.3.attn.pool_k.pool");

        row.Kind.Should().Be("Conv3d");
        row.Output.ToString().Should().Be("4x96x8x14x14");
        row.Parameters.Should().Be(96 * 27);
        row.Macs.Should().Be(4L * 96 * 8 * 14 * 14 * 27);
    }

    [Fact]
    public void A_Stacked_Conv_Needs_A_Stack_And_A_Plain_One_Still_Rejects_One()
    {
        var stacked = new Conv3d { OutChannels = 8, Groups = 8, Kernel = 3, Padding = 1, Stacked = true };

        stacked.InferShape([TensorShape.Of(2, 8, 4, 6, 6)]).ToString().Should().Be("2x8x4x6x6");
        var unstacked = () => Analyzer.Analyze(Network.Create("n", new Sequential(stacked), TensorShape.Cdhw(8, 4, 6, 6)));
        unstacked.Should().Throw<InvalidNetworkException>().WithMessage("*a stacked Conv3d needs an S x C x D x H x W input, got 8x4x6x6.");
        var plain = () => Analyzer.Analyze(Network.Create("n", new Sequential(stacked with { Stacked = false }), TensorShape.Of(2, 8, 4, 6, 6)));
        plain.Should().Throw<InvalidNetworkException>().WithMessage("*Conv3d needs a C x D x H x W input, got 2x8x4x6x6.");
    }

    [Fact]
    public void V1_Learns_Absolute_Positions_And_V2_Relative_Ones_Inside_Its_Attention()
    {
        var v1 = Analyze("mvit_v1_b");
        var v2 = Analyze("mvit_v2_s");

        // Class token, spatial (56 x 56), temporal (8) and class positions of 96; V2 keeps the class token alone.
        v1.Layers.Single(l => l.Path == "pos_encoding").Parameters.Should().Be((1 + 3136 + 8 + 1) * 96).And.Be(302_016);
        v2.Layers.Single(l => l.Path == "pos_encoding").Parameters.Should().Be(96);
        v1.Layers.Should().NotContain(l => l.Kind == "DecomposedRelativePosition");

        // blocks.0: 8 x 56 x 56 queries, 8 x 7 x 7 keys, one head of 96: tables of 111, 111 and 15 offsets.
        var rel = v2.Layers.Single(l => l.Path == "blocks.0.attn.add_rel_pos");
        rel.Parameters.Should().Be((111 + 111 + 15) * 96);
        rel.Macs.Should().Be(8L * 56 * 56 * 96 * (7 + 7 + 8));
        rel.Output.ToString().Should().Be("1x25089x393");
        v2.Layers.Where(l => l.Kind == "DecomposedRelativePosition").Sum(l => l.Parameters).Should().Be(130_176);
    }

    [Fact]
    public void Should_Carry_No_ImageNet_Accuracy_As_The_Other_Video_Presets()
    {
        // torchvision's Kinetics-400 figures (mvit_v1_b 78.477 / 93.582, mvit_v2_s 80.757 / 94.665) are of another
        // dataset than the ImageNet top-1 the catalogue's charts compare; r3d_18 to s3d carry none either.
        foreach (var name in new[] { "mvit_v1_b", "mvit_v2_s", "r3d_18", "s3d" })
        {
            Catalog.Find(name).Top1.Should().BeNull(name);
            Catalog.Find(name).Top5.Should().BeNull(name);
        }

        Catalog.Find("mvit_v1_b").Family.Should().Be("MViT");
    }
}

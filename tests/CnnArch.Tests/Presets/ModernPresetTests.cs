namespace CnnArch.Tests.Presets;

/// <summary>Inception-v3, ConvNeXt and EfficientNetV2, measured with PyTorch's own modules (Reference/models, torchvision 0.14.1).</summary>
public class ModernPresetTests
{
    public static TheoryData<string> ModernModels() =>
    [
        "inception_v3", "convnext_tiny", "convnext_small", "convnext_base", "convnext_large",
        "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l",
    ];

    private static AnalysisReport Analyze(string preset, params (string Name, string Value)[] set) =>
        Analyzer.Analyze(Catalog.Create(preset, set.ToDictionary(s => s.Name, s => s.Value)), new AnalysisOptions { Convention = Conventions.TorchVision });

    [Theory]
    [MemberData(nameof(ModernModels))]
    public void Should_Equal_Every_Reference_Layer_Path_Kind_Shape_Params_And_Macs(string model) =>
        Analyze(model).ShouldMatchLayersAndMacs(ReferenceModel.Load(model));

    [Theory]
    [MemberData(nameof(ModernModels))]
    public void Should_Equal_The_Reference_Totals_And_Give_1000_ImageNet_Classes(string model)
    {
        var reference = ReferenceModel.Load(model);

        var report = Analyze(model);
        var flops = Analyzer.Analyze(Catalog.Create(model), new AnalysisOptions { Convention = Conventions.FlopCounter }).Totals.Flops;

        report.Input.Dims.Should().Equal(reference.Input);
        report.Totals.Parameters.Should().Be(reference.Params);
        report.Totals.Buffers.Should().Be(reference.Buffers);
        report.Totals.Macs.Should().Be(reference.Macs);
        flops.Should().Be(reference.FlopCounterModeFlops);
        report.Output.Dims.Should().Equal([1000]);
    }

    [Theory]
    [MemberData(nameof(ModernModels))]
    public void Should_Carry_The_Published_Top1_And_Take_Any_Number_Of_Classes(string model)
    {
        var report = Analyze(model, ("classes", "10"));

        Catalog.Find(model).Top1.Should().BeInRange(77, 86);
        report.Output.Dims.Should().Equal([10]);
    }

    [Fact]
    public void The_Family_Builders_Make_The_Catalogue_Presets_And_Name_Their_Sizes_When_Asked_For_Another()
    {
        Analyzer.Analyze(ConvNeXt.Create("convnext_base")).Totals.Should().Be(Analyzer.Analyze(Catalog.Create("convnext_base")).Totals);
        Analyzer.Analyze(EfficientNetV2.Create("efficientnet_v2_m", classes: 10)).Output.Dims.Should().Equal([10]);
        Analyzer.Analyze(InceptionV3.TorchVision()).Totals.Parameters.Should().Be(23_834_568);

        var convnext = () => ConvNeXt.Create("convnext_huge");
        var efficientnet = () => EfficientNetV2.Create("efficientnet_v2_xl");

        convnext.Should().Throw<ArgumentException>().WithMessage("ConvNeXt sizes are convnext_tiny, convnext_small, convnext_base, convnext_large; got 'convnext_huge'.*");
        efficientnet.Should().Throw<ArgumentException>().WithMessage("EfficientNetV2 sizes are efficientnet_v2_s, efficientnet_v2_m, efficientnet_v2_l; got 'efficientnet_v2_xl'.*");
    }

    [Fact]
    public void ConvNeXt_T_Layer_Scales_Add_One_Weight_Per_Channel_Of_Each_Of_Its_18_Blocks()
    {
        var report = Analyze("convnext_tiny");

        var scales = report.Layers.Where(l => l.Kind == "LayerScale").ToList();

        // Depths 3, 3, 9, 3 at widths 96, 192, 384, 768: 3 x 96 + 3 x 192 + 9 x 384 + 3 x 768.
        scales.Should().HaveCount(18).And.OnlyContain(l => !l.IsModule && l.Macs == 0 && l.Parameters == l.Output.Channels);
        scales.Sum(l => l.Parameters).Should().Be(6_624);
        scales[0].Path.Should().Be("features.1.0.layer_scale");
        report.Totals.Parameters.Should().Be(28_589_128, "torchvision counts the layer_scale parameters of every CNBlock");
        report.Layers.Where(l => l.IsModule).Sum(l => l.Parameters).Should().Be(28_589_128 - 6_624);
    }

    [Fact]
    public void Stochastic_Depth_Grows_To_The_Full_Probability_At_The_Last_ConvNeXt_Block_And_Costs_Nothing()
    {
        var network = Catalog.Create("convnext_small");

        var drops = network.Nodes.Select(n => n.Layer).OfType<StochasticDepth>().ToList();

        drops.Should().HaveCount(36);
        drops[0].P.Should().Be(0);
        drops[^1].P.Should().BeApproximately(0.4, 1e-12);
        drops.Should().OnlyContain(d => d.Mode == StochasticDepthMode.Row);
        var report = Analyzer.Analyze(network, new AnalysisOptions { Convention = Conventions.Full });
        report.Layers.Where(l => l.Kind == "StochasticDepth").Should().OnlyContain(l => l.Flops == 0 && l.Parameters == 0);
    }

    [Fact]
    public void Inception_V3_With_Its_Auxiliary_Head_Has_Torchvisions_Parameter_Count_And_The_Same_Inference_Totals()
    {
        var plain = Analyze("inception_v3");
        var aux = Analyze("inception_v3", ("aux", "true"));

        aux.Totals.Should().Be(plain.Totals, "the auxiliary head runs in training only");
        (aux.Totals.Parameters + aux.AuxiliaryTotals.Parameters).Should().Be(27_161_264, "torchvision's inception_v3 with aux_logits=True");
        aux.Layers.Single(l => l.Path == "AuxLogits.conv1.conv").Output.ToString().Should().Be("768x1x1");
        aux.Layers.Where(l => l.IsAuxiliary).Select(l => l.Path).Should().StartWith("AuxLogits.avg_pool2d").And.EndWith("AuxLogits.fc");
    }

    [Fact]
    public void EfficientNetV2_S_Fuses_Its_First_Three_Stages_And_Squeezes_The_Rest()
    {
        var report = Analyze("efficientnet_v2_s");

        // Fused-MBConv with expansion 1: one 3x3 conv to the output width; with 4: a 3x3 conv to 4x, then a 1x1 projection.
        report.Layers.Single(l => l.Path == "features.1.0.block.0.0").Output.ToString().Should().Be("24x192x192");
        report.Layers.Single(l => l.Path == "features.2.0.block.0.0").Output.ToString().Should().Be("96x96x96");
        report.Layers.Should().NotContain(l => l.Path.StartsWith("features.3.", StringComparison.Ordinal) && l.Path.Contains(".fc1", StringComparison.Ordinal));
        report.Layers.Single(l => l.Path == "features.4.0.block.2.fc1").Output.ToString().Should().Be("16x1x1", "SE squeezes to a quarter of the block's 64 input channels");
        report.Layers.Single(l => l.Path == "features.7.0").Output.ToString().Should().Be("1280x12x12");
    }
}

namespace CnnArch.Tests.Presets;

/// <summary>Every preset that mirrors a measured model equals it: totals, and every leaf layer in order.</summary>
public class ReferenceExactnessTests
{
    // Reference file -> preset, for presets that mirror the reference module by module.
    public static TheoryData<string, string> LayerExactModels() => new()
    {
        { "alexnet", "alexnet" }, { "vgg11", "vgg11" }, { "vgg13", "vgg13" }, { "vgg16", "vgg16" }, { "vgg19", "vgg19" },
        { "vgg11_bn", "vgg11_bn" }, { "vgg16_bn", "vgg16_bn" }, { "googlenet", "googlenet" },
        { "resnet18", "resnet18" }, { "resnet34", "resnet34" }, { "resnet50", "resnet50" }, { "resnet101", "resnet101" }, { "resnet152", "resnet152" },
        { "resnext50_32x4d", "resnext50_32x4d" }, { "resnext101_32x8d", "resnext101_32x8d" }, { "resnext101_64x4d", "resnext101_64x4d" },
        { "wide_resnet50_2", "wide_resnet50_2" }, { "mobilenet_v2", "mobilenet_v2" }, { "mobilenet_v3_large", "mobilenet_v3_large" },
        { "timm_seresnet50", "se_resnet50" },
    };

    // mobilenet_v1 follows the paper's layers, timm's paths only in part (timm's BatchNormAct2d holds the
    // activation as a child): matched on totals and on every conv and linear.
    public static TheoryData<string, string> ShapeExactModels() => new()
    {
        { "timm_mobilenetv1_100", "mobilenet_v1" },
    };

    private static AnalysisReport Analyze(string preset) =>
        Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = Conventions.TorchVision });

    [Theory]
    [MemberData(nameof(LayerExactModels))]
    [MemberData(nameof(ShapeExactModels))]
    public void Should_Equal_The_Reference_Params_Buffers_And_Macs(string reference, string preset)
    {
        var expected = ReferenceModel.Load(reference);

        var report = Analyze(preset);

        report.ShouldMatchTotals(expected);
        report.Totals.Flops.Should().Be(expected.FlopCounterModeFlops);
    }

    [Theory]
    [MemberData(nameof(LayerExactModels))]
    public void Should_Equal_Every_Reference_Layer_Path_Kind_Shape_And_Params(string reference, string preset) =>
        Analyze(preset).ShouldMatchLayers(ReferenceModel.Load(reference));

    [Theory]
    [MemberData(nameof(ShapeExactModels))]
    public void Should_Equal_The_Shapes_And_Params_Of_Every_Conv_And_Linear(string reference, string preset)
    {
        var expected = ReferenceModel.Load(reference).Layers
            .Where(l => l.Type is "Conv2d" or "Linear")
            .Select(l => (string.Join('x', l.Output), l.Params));

        var actual = Analyze(preset).Layers
            .Where(l => l.Kind is "Conv2d" or "Linear")
            .Select(l => (l.Output.ToString(), l.Parameters));

        actual.Should().Equal(expected);
    }
}

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

        report.Input.Dims.Should().Equal(reference.Input);
        report.Totals.Parameters.Should().Be(reference.Params);
        report.Totals.Buffers.Should().Be(reference.Buffers);
        report.Totals.Macs.Should().Be(reference.Macs);
        flopCounter.Totals.Flops.Should().Be(reference.FlopCounterModeFlops);
        report.Output.Dims.Should().Equal([1000]);
    }
}

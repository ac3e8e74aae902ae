namespace CnnArch.Tests.Presets;

/// <summary>torchvision's video classifiers, measured with PyTorch's own modules (Reference/models, torchvision 0.14.1).</summary>
public class VideoPresetTests
{
    public static TheoryData<string> VideoModels() => ["r3d_18", "mc3_18", "r2plus1d_18", "s3d"];

    private static AnalysisReport Analyze(string preset) =>
        Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = Conventions.TorchVision });

    [Theory]
    [MemberData(nameof(VideoModels))]
    public void Should_Equal_Every_Reference_Layer_Path_Kind_Shape_Params_And_Macs(string model) =>
        Analyze(model).ShouldMatchLayersAndMacs(ReferenceModel.Load(model));

    [Theory]
    [MemberData(nameof(VideoModels))]
    public void Should_Equal_The_Reference_Totals_And_Give_400_Kinetics_Classes(string model)
    {
        var reference = ReferenceModel.Load(model);

        var report = Analyze(model);

        report.ShouldEqualReferenceTotals(reference);
        report.Output.Dims.Should().Equal([400]);
    }

    [Theory]
    [InlineData(64, 64, 144)]
    [InlineData(64, 128, 230)]
    [InlineData(128, 256, 460)]
    [InlineData(256, 512, 921)]
    public void The_2Plus1D_Mid_Plane_Width_Keeps_The_Parameters_Of_The_3D_Conv(int inPlanes, int outPlanes, int expected)
    {
        // Tran et al. 2018, Eq. 1: M = floor(t d^2 N_in N_out / (d^2 N_in + t N_out)) with t = d = 3.
        VideoNets.MidPlanes(inPlanes, outPlanes).Should().Be(expected);
        var full = 27L * inPlanes * outPlanes;
        var factorised = (9L * inPlanes * expected) + (3L * expected * outPlanes);
        ((double)factorised / full).Should().BeInRange(0.99, 1.0);
    }

    [Fact]
    public void A_Video_Resnet_Halves_Time_Only_Where_Its_Convolutions_Are_Temporal()
    {
        // R3D strides time in layers 2-4 (16 -> 8 -> 4 -> 2 frames); MC3's later stages are 2-D in space and keep 16.
        var r3d = Analyze("r3d_18").Layers.Single(l => l.Path == "layer4.1.relu").Output;
        var mc3 = Analyze("mc3_18").Layers.Single(l => l.Path == "layer4.1.relu").Output;

        r3d.Should().Be(TensorShape.Cdhw(512, 2, 7, 7));
        mc3.Should().Be(TensorShape.Cdhw(512, 16, 7, 7));
    }
}

namespace CnnArch.Tests.Presets;

/// <summary>
/// The medical-volume and 1-D signal presets against PyTorch modules of the same architecture
/// (Reference/models, built by Reference/tools/paper_models.py) and against their papers' own figures.
/// </summary>
public class VolumeAndSignalPresetTests
{
    private static AnalysisReport Analyze(string preset) =>
        Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = Conventions.TorchVision });

    private static TensorShape Output(AnalysisReport report, string path) => report.Layers.Last(l => l.Path == path || l.Path.StartsWith(path + ".", StringComparison.Ordinal)).Output;

    public static TheoryData<string> LayerExact() => ["unet", "vnet", "m3", "m5", "m11", "m18", "m34_res", "ecg_resnet34"];

    [Theory]
    [MemberData(nameof(LayerExact))]
    public void Should_Equal_Every_Reference_Layer_Path_Kind_Shape_Params_And_Macs(string model)
    {
        var report = Analyze(model);
        var reference = ReferenceModel.Load(model);

        report.ShouldMatchLayersAndMacs(reference);
        report.Totals.Parameters.Should().Be(reference.Params);
        report.Totals.Buffers.Should().Be(reference.Buffers);
        report.Totals.Macs.Should().Be(reference.Macs);
    }

    [Fact]
    public void UNet_Turns_A_572_Tile_Into_388_With_The_Papers_Feature_Maps()
    {
        // Ronneberger et al. 2015, Fig. 1.
        var report = Analyze("unet");

        report.Output.Should().Be(TensorShape.Chw(2, 388, 388));
        Output(report, "encoder1").Should().Be(TensorShape.Chw(64, 568, 568));
        Output(report, "encoder2").Should().Be(TensorShape.Chw(128, 280, 280));
        Output(report, "encoder3").Should().Be(TensorShape.Chw(256, 136, 136));
        Output(report, "encoder4").Should().Be(TensorShape.Chw(512, 64, 64));
        Output(report, "bottleneck").Should().Be(TensorShape.Chw(1024, 28, 28));
        Output(report, "decoder4").Should().Be(TensorShape.Chw(512, 52, 52));
        Output(report, "decoder3").Should().Be(TensorShape.Chw(256, 100, 100));
        Output(report, "decoder2").Should().Be(TensorShape.Chw(128, 196, 196));
        Output(report, "decoder1").Should().Be(TensorShape.Chw(64, 388, 388));
        report.Layers.Single(l => l.Path == "crop4").Output.Should().Be(TensorShape.Chw(512, 56, 56), "64x64 cropped to the up-convolution's 56x56");
    }

    [Fact]
    public void UNet_Crops_By_The_Same_Margins_At_Any_Valid_Tile()
    {
        // Valid tiles are 16n + 124; the margins (88, 40, 16, 4) do not depend on n.
        var report = Analyzer.Analyze(Catalog.Create("unet"), new AnalysisOptions { Input = TensorShape.Chw(1, 188, 188) });

        report.Output.Should().Be(TensorShape.Chw(2, 4, 4));
    }

    [Fact]
    public void UNet3D_Has_The_Papers_19069955_Parameters_And_Its_44x44x28_Output()
    {
        // Cicek et al. 2016, Sec. 2 and Fig. 1 (D x H x W = 28 x 44 x 44).
        var report = Analyze("unet3d");

        report.Totals.Parameters.Should().Be(19_069_955);
        report.Output.Should().Be(TensorShape.Cdhw(3, 28, 44, 44));
        Output(report, "encoder1").Should().Be(TensorShape.Cdhw(64, 112, 128, 128));
        Output(report, "encoder2").Should().Be(TensorShape.Cdhw(128, 52, 60, 60));
        Output(report, "encoder3").Should().Be(TensorShape.Cdhw(256, 22, 26, 26));
        Output(report, "bottleneck").Should().Be(TensorShape.Cdhw(512, 7, 9, 9));
    }

    [Fact]
    public void UNet3D_Differs_From_A_PyTorch_Build_Only_By_The_Affine_BatchNorm_And_Up_Convolution_Biases()
    {
        // PyTorch's BatchNorm3d is affine and its ConvTranspose3d has a bias by default; the paper counts neither.
        var report = Analyze("unet3d");
        var reference = ReferenceModel.Load("unet3d");

        var actual = ReferenceComparison.ModuleRows(report).Select(l => (l.Path, l.Output.ToString(), l.Macs)).ToList();
        actual.Should().Equal(reference.Layers.Select(l => (l.Name, string.Join('x', l.Output), l.Macs!.Value)));
        var affine = reference.Layers.Where(l => l.Type == "BatchNorm3d").Sum(l => l.Params);
        var upBiases = reference.Layers.Where(l => l.Type == "ConvTranspose3d").Sum(l => l.Output[0]);
        (reference.Params - report.Totals.Parameters).Should().Be(affine + upBiases).And.Be(5_568);
    }

    [Fact]
    public void VNet_Keeps_The_Volume_And_Has_The_Papers_Widths_And_Left_Receptive_Fields()
    {
        // Milletari et al. 2016, Fig. 2 and its receptive fields of the left stages: 5, 22, 72, 172, 372.
        var report = Analyze("vnet");

        report.Output.Should().Be(TensorShape.Cdhw(2, 64, 128, 128));
        int[] widths = [16, 32, 64, 128, 256];
        long[] fields = [5, 22, 72, 172, 372];
        for (var i = 0; i < 5; i++)
        {
            var stage = report.Layers.Last(l => l.Path.StartsWith($"encoder{i + 1}.", StringComparison.Ordinal));
            stage.Output.Channels.Should().Be(widths[i]);
            stage.Output.Spatial(0).Should().Be(64 >> i);
            stage.ReceptiveField.Size.Should().Be(fields[i], $"left stage {i + 1}");
        }

        // The paper's right stages count a 2x2x2 stride-2 transposed conv as a 2-tap window (476, 528,
        // 546, 551); each of its outputs reads one input, so CnnArch's fields grow by the convs only.
        long[] right = [468, 516, 532, 536];
        for (var i = 4; i >= 1; i--)
        {
            report.Layers.Last(l => l.Path.StartsWith($"decoder{i}.", StringComparison.Ordinal)).ReceptiveField.Size.Should().Be(right[4 - i], $"right stage {i}");
        }
    }

    [Theory]
    [InlineData("m3", 0.2)]
    [InlineData("m5", 0.5)]
    [InlineData("m11", 1.8)]
    [InlineData("m18", 3.7)]
    [InlineData("m34_res", 4.0)]
    public void Dai_Networks_Have_The_Parameters_Of_Table_1_To_Its_Precision(string model, double millions)
    {
        var report = Analyze(model);

        Math.Abs((report.Totals.Parameters / 1e6) - millions).Should().BeLessThan(0.1, "Table 1 states one decimal");
        report.Output.Should().Be(TensorShape.Vector(10));
        report.Input.Should().Be(TensorShape.Cl(1, 32000));
    }

    [Fact]
    public void The_Ecg_Network_Predicts_12_Classes_For_Each_Of_23_Windows_With_34_Weight_Layers()
    {
        var report = Analyze("ecg_resnet34");

        report.Output.Should().Be(TensorShape.Of(12, 23));
        report.Layers.Count(l => l.Kind is "Conv1d" or "Linear").Should().Be(34);
        report.Layers.Single(l => l.Path == "relu_final").Output.Should().Be(TensorShape.Cl(256, 23));
    }
}

namespace CnnArch.Tests.Analysis;

public class FullConventionTests
{
    private static LayerReport Row(Module module, TensorShape input, CostModel? convention = null) =>
        Analyzer.Analyze(Network.Create("n", Sequential.Of(("x", module)), input), new AnalysisOptions { Convention = convention ?? Conventions.Full }).Layers[0];

    [Fact]
    public void Should_Equal_PyTorch_FlopCounterMode_For_Every_Reference_Model()
    {
        foreach (var (reference, preset) in ReferenceExactnessTestsData.All)
        {
            var report = Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = Conventions.FlopCounter });

            report.Totals.Flops.Should().Be(ReferenceModel.Load(reference).FlopCounterModeFlops, reference);
        }
    }

    [Fact]
    public void Should_Add_One_Flop_Per_Output_For_The_Bias_Of_Conv_And_Linear()
    {
        var conv = Row(new Conv2d { OutChannels = 4, Kernel = 3 }, TensorShape.Chw(2, 5, 5));

        conv.Macs.Should().Be(4 * 3 * 3 * 2 * 9);
        conv.Flops.Should().Be((2 * conv.Macs) + (4 * 3 * 3));
    }

    [Theory]
    [InlineData(typeof(ReLU), 1)]
    [InlineData(typeof(ReLU6), 2)]
    [InlineData(typeof(Sigmoid), 3)]
    [InlineData(typeof(HardSigmoid), 4)]
    [InlineData(typeof(HardSwish), 5)]
    [InlineData(typeof(SiLU), 4)]
    public void Should_Count_Each_Activation_By_Its_Documented_Operations(Type kind, int perElement)
    {
        var row = Row((Layer)Activator.CreateInstance(kind)!, TensorShape.Chw(2, 3, 3));

        row.Flops.Should().Be(perElement * 18);
        row.Macs.Should().Be(0);
    }

    [Fact]
    public void Should_Count_Pooling_Comparisons_And_Sums()
    {
        Row(new MaxPool2d { Kernel = 3, Stride = 2 }, TensorShape.Chw(1, 7, 7)).Flops.Should().Be(9 * 8);
        Row(new AvgPool2d { Kernel = 2 }, TensorShape.Chw(1, 4, 4)).Flops.Should().Be(4 * 4);
        Row(AdaptiveAvgPool2d.Global, TensorShape.Chw(3, 7, 7)).Flops.Should().Be(3 * 49);
    }

    [Fact]
    public void Should_Count_BatchNorm_As_An_Affine_Unless_Folded()
    {
        Row(new BatchNorm2d(), TensorShape.Chw(4, 2, 2)).Should().Match<LayerReport>(r => r.Macs == 16 && r.Flops == 32);
        Row(new BatchNorm2d(), TensorShape.Chw(4, 2, 2), Conventions.Full.Ignoring<BatchNorm2d>()).Flops.Should().Be(0);
    }

    [Fact]
    public void Should_Count_Residual_Additions_And_SE_Scaling()
    {
        var report = Analyzer.Analyze(Catalog.Create("se_resnet50"), new AnalysisOptions { Convention = Conventions.Full });

        report.Layers.Single(l => l.Path == "layer1.0.add").Flops.Should().Be(256 * 56 * 56);
        report.Layers.Single(l => l.Path == "layer1.0.se.scale").Flops.Should().Be(256 * 56 * 56);
        report.Layers.Should().OnlyContain(l => l.IsCounted);
    }

    [Fact]
    public void Should_Count_Softmax_As_Exponentials_Sums_And_Divisions()
    {
        Row(new Softmax(), TensorShape.Vector(1000)).Flops.Should().Be((3 * 1000) - 1);
    }

    [Fact]
    public void Should_Find_Layer_Kinds_By_Report_Name_And_List_Them_Otherwise()
    {
        Conventions.LayerType("hardswish").Should().Be(typeof(HardSwish));
        var act = () => Conventions.LayerType("BatchNorm");

        act.Should().Throw<ArgumentException>().WithMessage("No layer kind named 'BatchNorm'. Known: Conv1d, Conv2d, *BatchNorm2d*");
    }

    [Fact]
    public void Should_Name_Ignored_Kinds_In_The_Convention_Line()
    {
        Conventions.TorchVision.Ignoring<Linear>().Describe().Should().EndWith("Ignored: Linear.");
    }
}

internal static class ReferenceExactnessTestsData
{
    public static IEnumerable<(string Reference, string Preset)> All =>
        CnnArch.Tests.Presets.ReferenceExactnessTests.LayerExactModels()
            .Concat(CnnArch.Tests.Presets.ReferenceExactnessTests.ShapeExactModels())
            .Select(row => ((string)row[0], (string)row[1]));
}

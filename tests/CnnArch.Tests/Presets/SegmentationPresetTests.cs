namespace CnnArch.Tests.Presets;

/// <summary>torchvision's segmentation models, measured with PyTorch's own modules (Reference/models, torchvision 0.14.1, no auxiliary head).</summary>
public class SegmentationPresetTests
{
    public static TheoryData<string> SegmentationModels() =>
        ["fcn_resnet50", "fcn_resnet101", "deeplabv3_resnet50", "deeplabv3_resnet101", "deeplabv3_mobilenet_v3_large", "lraspp_mobilenet_v3_large"];

    private static AnalysisReport Analyze(string preset, params (string Name, string Value)[] set) =>
        Analyzer.Analyze(Catalog.Create(preset, set.ToDictionary(s => s.Name, s => s.Value)), new AnalysisOptions { Convention = Conventions.TorchVision });

    [Theory]
    [MemberData(nameof(SegmentationModels))]
    public void Should_Equal_Every_Reference_Layer_Path_Kind_Shape_Params_And_Macs(string model) =>
        Analyze(model).ShouldMatchLayersAndMacs(ReferenceModel.Load(model));

    [Theory]
    [MemberData(nameof(SegmentationModels))]
    public void Should_Equal_The_Reference_Totals_And_Score_21_Classes_At_Every_Input_Pixel(string model)
    {
        var reference = ReferenceModel.Load(model);

        var report = Analyze(model);

        report.ShouldEqualReferenceTotals(reference);
        report.Output.Dims.Should().Equal([21, 520, 520]);
        report.Layers.Should().OnlyContain(l => !l.IsAuxiliary, "aux_loss is off by default, as torchvision");
    }

    [Theory]
    [InlineData("fcn_resnet50", 35_322_218L)]
    [InlineData("fcn_resnet101", 54_314_346L)]
    [InlineData("deeplabv3_resnet50", 42_004_074L)]
    [InlineData("deeplabv3_resnet101", 60_996_202L)]
    [InlineData("deeplabv3_mobilenet_v3_large", 11_029_328L)]
    public void The_Auxiliary_Head_Counts_Apart_And_Brings_The_Total_To_Torchvisions_Documented_Params(string model, long withAux)
    {
        // As googlenet's aux heads: the FCN head on the stride-8 features feeds no output, so it is training only.
        var plain = Analyze(model);

        var aux = Analyze(model, ("aux", "true"));

        aux.Totals.Should().Be(plain.Totals, "the auxiliary head exists only in training");
        (aux.Totals.Parameters + aux.AuxiliaryTotals.Parameters).Should().Be(withAux, "torchvision's num_params with aux_loss=True");
        aux.Output.Should().Be(plain.Output);
        var auxRows = aux.Layers.Where(l => l.IsAuxiliary).ToList();
        auxRows.Select(l => l.Path).Should().Equal("aux_classifier.0", "aux_classifier.1", "aux_classifier.2", "aux_classifier.3", "aux_classifier.4", "aux_interpolate");
        auxRows[^1].Output.Should().Be(TensorShape.Chw(21, 520, 520));
        aux.Layers.TakeLast(auxRows.Count).Should().Equal(auxRows, "torchvision runs the auxiliary head after the main head's upsampling");
    }

    [Fact]
    public void The_Dilated_Resnet_Keeps_Layer4_At_Stride_8_Where_The_Classifier_Resnet_Halves_Twice_More()
    {
        // A block's "relu" runs three times; the last is the block's output.
        static Dictionary<string, TensorShape> Outputs(AnalysisReport r) => r.Layers.GroupBy(l => l.Path).ToDictionary(g => g.Key, g => g.Last().Output);
        var dilated = Outputs(Analyze("deeplabv3_resnet50"));
        var plain = Outputs(Analyzer.Analyze(Catalog.Create("resnet50").WithDefaultInput(TensorShape.Chw(3, 520, 520))));

        dilated["backbone.layer2.3.relu"].Should().Be(TensorShape.Chw(512, 65, 65));
        dilated["backbone.layer3.5.relu"].Should().Be(TensorShape.Chw(1024, 65, 65));
        dilated["backbone.layer4.2.relu"].Should().Be(TensorShape.Chw(2048, 65, 65), "520 / 8, rounded up");
        plain["layer4.2.relu"].Should().Be(TensorShape.Chw(2048, 17, 17), "520 / 32, rounded up");
        dilated["backbone.layer4.0.downsample.0"].Should().Be(TensorShape.Chw(2048, 65, 65), "the projection's stride is 1 too");
    }

    [Fact]
    public void Torchvision_Replaces_The_Stride_With_The_Dilation_So_Far_In_A_Stages_First_Block_And_Doubles_It_After()
    {
        var options = new ResNetOptions { Name = "dilated", Block = ResidualBlockKind.Bottleneck, Depths = [3, 4, 6, 3], ReplaceStrideWithDilation = [false, true, true] };
        var convs = ResNets.Build(options).Nodes.Where(n => n.Path.EndsWith(".conv2", StringComparison.Ordinal)).ToDictionary(n => n.Path, n => (Conv2d)n.Layer);

        (int Stride, int Dilation, int Padding) Of(string path) => (convs[path].Stride[0], convs[path].Dilation[0], convs[path].Padding.Before(0));

        Of("layer2.0.conv2").Should().Be((2, 1, 1));
        Of("layer3.0.conv2").Should().Be((1, 1, 1), "layer3's first block keeps the dilation so far, 1, and loses the stride");
        Of("layer3.1.conv2").Should().Be((1, 2, 2));
        Of("layer4.0.conv2").Should().Be((1, 2, 2));
        Of("layer4.2.conv2").Should().Be((1, 4, 4));
        var basic = () => ResNets.Build(options with { Block = ResidualBlockKind.Basic });
        basic.Should().Throw<ArgumentException>().WithMessage("*BasicBlock supports dilation 1 only*");
    }

    [Theory]
    [MemberData(nameof(SegmentationModels))]
    public void Any_Resolution_Upsamples_Back_To_The_Input_And_Keeps_The_Parameters(string model)
    {
        // 500 and 333 are no multiples of 8 or 16: every resize follows the rounded-up feature sizes.
        foreach (var size in new[] { 500, 333 })
        {
            var report = Analyze(model, ("resolution", size.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("classes", "5"));

            report.Input.Should().Be(TensorShape.Chw(3, size, size));
            report.Output.Should().Be(TensorShape.Chw(5, size, size));
        }
    }

    [Fact]
    public void Lr_Aspp_Gates_The_High_Resolution_Branch_And_Adds_The_Low_Resolution_Classifier()
    {
        var layers = Analyze("lraspp_mobilenet_v3_large").Layers.ToDictionary(l => l.Path);

        layers["classifier.mul"].Output.Should().Be(TensorShape.Chw(128, 33, 33));
        layers["classifier.interpolate"].Output.Should().Be(TensorShape.Chw(128, 65, 65));
        layers["classifier.add"].Output.Should().Be(TensorShape.Chw(21, 65, 65));
        layers["backbone.13.block.1.0"].Output.Should().Be(TensorShape.Chw(672, 33, 33), "the dilated backbone's C4 block keeps stride 16");
        new[] { "classifier.mul", "classifier.interpolate", "classifier.add", "interpolate" }.Should().OnlyContain(p => !layers[p].IsModule);
    }

    [Fact]
    public void Every_Segmentation_Preset_Names_Its_Published_Mean_Iou_And_Has_No_Top1()
    {
        var presets = Catalog.All.Where(p => p.Family == "Segmentation").ToList();

        presets.Select(p => p.Name).Should().BeEquivalentTo(["fcn_resnet50", "fcn_resnet101", "deeplabv3_resnet50", "deeplabv3_resnet101", "deeplabv3_mobilenet_v3_large", "lraspp_mobilenet_v3_large"]);
        presets.Should().OnlyContain(p => p.Top1 == null);
        Catalog.Find("deeplabv3_resnet101").Description.Should().Contain("67.4 mIoU, 92.4% pixel accuracy");
        Catalog.Find("lraspp_mobilenet_v3_large").Parameters.Select(p => p.Name).Should().Equal("classes", "resolution");
    }
}

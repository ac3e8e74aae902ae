namespace CnnArch.Tests.Presets;

/// <summary>
/// The networks of the lecture's charts that torchvision does not build: the lecture's VGG-16 table
/// against the slide's figures; the others against PyTorch models of them (Reference/tools/paper_models.py),
/// checked there against Cadene's and davidtvs's own files.
/// </summary>
public class PaperPresetTests
{
    public static TheoryData<string> ReferencedModels() => ["bn_alexnet", "nin", "bn_nin", "inception_v4", "inception_resnet_v2", "senet154"];

    private static AnalysisReport TorchVision(string preset, params (string Name, string Value)[] set) =>
        Analyzer.Analyze(Catalog.Create(preset, set.ToDictionary(s => s.Name, s => s.Value)), new AnalysisOptions { Convention = Conventions.TorchVision });

    [Theory]
    [MemberData(nameof(ReferencedModels))]
    public void Should_Equal_Every_Reference_Layer_Path_Kind_Shape_Params_And_Macs(string model) =>
        TorchVision(model).ShouldMatchLayersAndMacs(ReferenceModel.Load(model));

    [Theory]
    [MemberData(nameof(ReferencedModels))]
    public void Should_Equal_The_Reference_Totals_And_Take_Any_Number_Of_Classes(string model)
    {
        var reference = ReferenceModel.Load(model);

        var report = TorchVision(model);
        var flops = Analyzer.Analyze(Catalog.Create(model), new AnalysisOptions { Convention = Conventions.FlopCounter }).Totals.Flops;

        report.Input.Dims.Should().Equal(reference.Input);
        report.Totals.Parameters.Should().Be(reference.Params);
        report.Totals.Buffers.Should().Be(reference.Buffers);
        report.Totals.Macs.Should().Be(reference.Macs);
        flops.Should().Be(reference.FlopCounterModeFlops);
        report.Output.Dims.Should().Equal([1000]);
        TorchVision(model, ("classes", "10")).Output.Dims.Should().Equal([10]);
    }

    [Theory]
    [InlineData("bn_alexnet", 61_119_528, 714_188_480)]
    [InlineData("nin", 7_595_176, 1_100_188_800)]
    [InlineData("bn_nin", 7_605_688, 1_100_188_800)]
    public void The_Small_Networks_Of_Canzianis_Chart_Have_Their_Params_And_Macs(string model, long parameters, long macs)
    {
        var report = TorchVision(model);

        report.Totals.Parameters.Should().Be(parameters);
        report.Totals.Macs.Should().Be(macs);
    }

    [Theory]
    [InlineData("inception_v4", 42_679_816, 12_253_974_624, 80.062)]
    [InlineData("inception_resnet_v2", 55_843_464, 13_155_794_016, 80.170)]
    [InlineData("senet154", 115_088_984, 20_688_363_520, 81.304)]
    public void Cadenes_Networks_Have_Its_Parameters_To_The_Unit_And_Its_Published_Top1(string model, long parameters, long macs, double top1)
    {
        // Parameters as Cadene's pretrained-models.pytorch and timm; top-1 from Cadene's README (its ports of the weights).
        var report = TorchVision(model);

        report.Totals.Parameters.Should().Be(parameters);
        report.Totals.Macs.Should().Be(macs);
        Catalog.Find(model).Top1.Should().Be(top1);
    }

    [Fact]
    public void Inception_ResNet_V2s_Fixed_8x8_Pool_Needs_An_8x8_Map_As_In_PyTorch()
    {
        var at256 = () => Analyzer.Analyze(Catalog.Create("inception_resnet_v2"), new AnalysisOptions { Input = TensorShape.Chw(3, 256, 256) });
        var at320 = Analyzer.Analyze(Catalog.Create("inception_resnet_v2"), new AnalysisOptions { Input = TensorShape.Chw(3, 320, 320) });

        at256.Should().Throw<InvalidNetworkException>().Which.Path.Should().Be("avgpool_1a");
        at320.Output.Dims.Should().Equal([1000]);
        Analyzer.Analyze(Catalog.Create("inception_v4"), new AnalysisOptions { Input = TensorShape.Chw(3, 256, 256) }).Output.Dims.Should().Equal([1000]);
    }

    [Fact]
    public void Senet154_Projects_With_3x3_Convs_And_Runs_The_Shortcut_Before_The_Se_Module()
    {
        var rows = TorchVision("senet154").Layers.Select(l => l.Path).ToList();

        rows.IndexOf("layer2.0.downsample.0").Should().BeGreaterThan(rows.IndexOf("layer2.0.bn3")).And.BeLessThan(rows.IndexOf("layer2.0.se_module.avg_pool"));
        TorchVision("senet154").Layers.Single(l => l.Path == "layer2.0.downsample.0").Window!.Kernel.Should().Be(new SpatialSize(3, 3));
        TorchVision("senet154").Layers.Single(l => l.Path == "layer1.0.downsample.0").Window!.Kernel.Should().Be(new SpatialSize(1, 1));
    }

    [Theory]
    [InlineData("enet", 512, 512)]
    [InlineData("enet_500x375", 500, 375)]
    public void ENet_Equals_davidtvs_Layer_By_Layer_And_In_Total_At_Even_And_Odd_Sizes(string reference, int height, int width)
    {
        // At 500x375 the pools floor (250x188 -> 125x94 -> 62x47), so the unpooling and the transposed
        // convs must restore 125x94 and 250x188 and the last one 500x375, as davidtvs's output_size does.
        var model = ReferenceModel.Load(reference);
        var set = new Dictionary<string, string> { ["input_height"] = $"{height}", ["input_width"] = $"{width}" };

        var report = Analyzer.Analyze(Catalog.Create("enet", set), new AnalysisOptions { Convention = Conventions.TorchVision });
        var flops = Analyzer.Analyze(Catalog.Create("enet", set), new AnalysisOptions { Convention = Conventions.FlopCounter }).Totals.Flops;

        report.ShouldMatchLayersAndMacs(model);
        report.Input.Dims.Should().Equal(model.Input);
        report.Totals.Parameters.Should().Be(model.Params);
        report.Totals.Buffers.Should().Be(model.Buffers);
        report.Totals.Macs.Should().Be(model.Macs);
        flops.Should().Be(model.FlopCounterModeFlops);
        report.Output.Should().Be(TensorShape.Chw(19, height, width));
    }

    [Fact]
    public void ENet_Has_Its_351_660_Parameters_And_2_G_Macs_At_512()
    {
        var report = TorchVision("enet");

        report.Totals.Parameters.Should().Be(351_660, "the paper's 0.37 M");
        report.Totals.Macs.Should().Be(2_018_705_408);
        report.Layers.Where(l => l.Kind == "MaxUnpool2d").Select(l => l.Output).Should().Equal(TensorShape.Chw(64, 128, 128), TensorShape.Chw(16, 256, 256));
        TorchVision("enet", ("classes", "12")).Output.Should().Be(TensorShape.Chw(12, 512, 512));
    }

    [Fact]
    public void MaxUnpool2d_Restores_The_Pooled_Size_Or_The_One_It_Is_Given_Within_The_Stride()
    {
        MaxUnpool2d Unpool(int? size = null) => new() { Kernel = 2, OutputSize = size is { } s ? new SpatialSize(s, s) : null };

        Unpool().InferShape([TensorShape.Chw(8, 62, 62)]).Should().Be(TensorShape.Chw(8, 124, 124));
        Unpool(125).InferShape([TensorShape.Chw(8, 62, 62)]).Should().Be(TensorShape.Chw(8, 125, 125));
        new MaxUnpool2d { Kernel = 3, Stride = 2, Padding = 1 }.InferShape([TensorShape.Chw(8, 4, 4)]).Should().Be(TensorShape.Chw(8, 7, 7));
        var tooFar = () => Unpool(126).InferShape([TensorShape.Chw(8, 62, 62)]);
        tooFar.Should().Throw<InvalidNetworkException>().WithMessage("*gives 124 along axis 0; an output size of 126 is not within 1 of it*");
    }

    [Fact]
    public void NiN_Pools_As_Caffe_Rounding_Up_And_Ends_In_One_Map_Per_Class()
    {
        var report = TorchVision("nin");
        var pools = report.Layers.Where(l => l.Kind == "MaxPool2d").Select(l => l.Output.Spatial(0));

        report.Layers.First(l => l.Kind == "Conv2d").Output.Should().Be(TensorShape.Chw(96, 54, 54));
        pools.Should().Equal(27, 13, 6);
        report.Layers.Last(l => l.Kind == "Conv2d").Output.Should().Be(TensorShape.Chw(1000, 6, 6));
        report.Layers.Should().NotContain(l => l.Kind == "Linear");
        TorchVision("bn_nin").Layers.Count(l => l.Kind == "BatchNorm2d").Should().Be(12);
    }
    private static AnalysisReport Lecture(string preset) => Analyzer.Analyze(Catalog.Create(preset));

    [Fact]
    public void The_Lecture_Vgg16_Has_The_Slides_15_Weight_Layers_With_Two_Convs_In_Stage_3()
    {
        var report = Lecture("vgg16_lecture");
        var convs = report.Layers.Where(l => l.Kind == "Conv2d").ToList();

        convs.Select(l => l.Output.Channels).Should().Equal(64, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512);
        report.Layers.Where(l => l.Kind == "Linear").Select(l => l.Output.Dims[0]).Should().Equal(4096, 4096, 1000);
        report.Layers.Single(l => l.Kind == "Flatten").Output.Should().Be(TensorShape.Vector(25_088));
        report.Totals.Parameters.Should().Be(137_767_464, "the slide's 138M; VGG-16 with its third conv-256 has 138,357,544");
    }

    [Fact]
    public void The_Lecture_Vgg16_Gives_The_Slides_13_6_GFLOP_As_Multiply_Adds_Of_Conv_And_FC()
    {
        // The lecture's "FLOPs" are multiply-adds; its 13.6 GFLOP is conv + FC multiply-adds (bias not
        // counted). The library's lecture convention also counts each pool's K x K per output (6.1 M
        // more), which rounds to the same 13.6 G; its Flops are 2 x MACs.
        var report = Lecture("vgg16_lecture");
        var convAndFc = report.Layers.Where(l => l.Kind is "Conv2d" or "Linear").Sum(l => l.Macs);

        convAndFc.Should().Be(13_620_576_256);
        report.Totals.Macs.Should().Be(13_626_697_728);
        Math.Round(convAndFc / 1e9, 1).Should().Be(13.6);
        Math.Round(report.Totals.Macs / 1e9, 1).Should().Be(13.6);
        report.Totals.Flops.Should().Be(2 * report.Totals.Macs);
        Lecture("vgg16").Totals.Macs.Should().BeGreaterThan(15_400_000_000, "the full VGG-16's 15.47 G is what the third conv-256 adds");
    }

    [Fact]
    public void The_Lecture_Vgg16_Gives_The_Slides_48_6_MB_As_The_Sum_Of_Its_Conv_Outputs()
    {
        // 4 bytes per value, KB = bytes / 1024, MB = KB / 1024. The conv outputs alone give 48.62 MB: the
        // slide's 48.6 (and AlexNet's 1.9 MB: 1,922.25 KB of conv outputs). Adding the three FC outputs
        // (35.9 KB) gives 48.65 MB, which is 48.6 only when truncated; adding the pools gives 54.5 MB.
        var report = Lecture("vgg16_lecture");
        double Megabytes(params string[] kinds) => report.Layers.Where(l => kinds.Contains(l.Kind)).Sum(l => l.MemoryKB) / 1024;

        report.Layers.Where(l => l.Kind == "Conv2d").Sum(l => l.ActivationBytes).Should().Be(50_978_816);
        report.Layers.Where(l => l.Kind == "Conv2d").Sum(l => l.MemoryKB).Should().Be(49_784);
        Math.Round(Megabytes("Conv2d"), 1).Should().Be(48.6);
        Megabytes("Conv2d", "Linear").Should().BeApproximately(48.652, 0.001);
        Math.Truncate(Megabytes("Conv2d", "Linear") * 10).Should().Be(486);
        Math.Round(Megabytes("Conv2d", "Linear", "MaxPool2d"), 1).Should().Be(54.5);
    }

    [Fact]
    public void The_Lecture_Vgg16_Takes_Any_Number_Of_Classes()
    {
        var report = Analyzer.Analyze(Catalog.Create("vgg16_lecture", new Dictionary<string, string> { ["classes"] = "10" }));

        report.Output.Dims.Should().Equal([10]);
        Catalog.Find("vgg16_lecture").Family.Should().Be("VGG");
    }
}

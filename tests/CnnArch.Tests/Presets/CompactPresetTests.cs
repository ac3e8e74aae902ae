namespace CnnArch.Tests.Presets;

/// <summary>torchvision's DenseNets, SqueezeNets and ShuffleNet V2s, measured with PyTorch's own modules (Reference/models, torchvision 0.14.1).</summary>
public class CompactPresetTests
{
    public static TheoryData<string> CompactModels() =>
    [
        "densenet121", "densenet161", "densenet169", "densenet201",
        "squeezenet1_0", "squeezenet1_1",
        "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0",
    ];

    private static AnalysisReport Analyze(string preset, TensorShape? input = null) =>
        Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = Conventions.TorchVision, Input = input });

    [Theory]
    [MemberData(nameof(CompactModels))]
    public void Should_Equal_Every_Reference_Layer_Path_Kind_Shape_Params_And_Macs(string model) =>
        Analyze(model).ShouldMatchLayersAndMacs(ReferenceModel.Load(model));

    [Theory]
    [MemberData(nameof(CompactModels))]
    public void Should_Equal_The_Reference_Totals_And_Give_1000_ImageNet_Classes(string model)
    {
        var reference = ReferenceModel.Load(model);

        var report = Analyze(model);

        report.ShouldEqualReferenceTotals(reference);
        report.Output.Dims.Should().Equal([1000]);
    }

    [Theory]
    [MemberData(nameof(CompactModels))]
    public void Should_Carry_The_Published_Top1_And_Its_Family(string model)
    {
        var info = Catalog.Find(model);

        info.Top1.Should().BeInRange(58, 78);
        info.Family.Should().BeOneOf("DenseNet", "SqueezeNet", "ShuffleNetV2");
    }

    [Fact]
    public void DenseNet121_Block4_Concatenates_512_Input_Channels_And_16_Layers_Of_32()
    {
        var report = Analyze("densenet121");

        var block4 = report.Layers.Single(l => l.Path == "features.denseblock4.cat");
        block4.Output.Should().Be(TensorShape.Chw(512 + (16 * 32), 7, 7));
        block4.IsModule.Should().BeFalse("torch.cat is a function call");
        // The last layer of the block reads everything before it: 512 + 15 x 32 = 992 channels.
        report.Layers.Single(l => l.Path == "features.denseblock4.denselayer16.norm1").Parameters.Should().Be(2 * 992);
    }

    [Fact]
    public void DenseNet_Growth_Rate_Sets_The_Channels_Each_Layer_Adds()
    {
        var report = Analyzer.Analyze(Catalog.Create("densenet121", new Dictionary<string, string> { ["growth_rate"] = "12" }));

        report.Layers.Single(l => l.Path == "features.denseblock1.cat").Output.Channels.Should().Be(64 + (6 * 12));
        report.Layers.Single(l => l.Path == "features.denseblock1.denselayer1.conv1").Output.Channels.Should().Be(4 * 12);
    }

    [Fact]
    public void A_ShuffleNet_Split_And_Shuffle_Cost_Nothing_And_Keep_The_Map()
    {
        foreach (var convention in Conventions.All)
        {
            var report = Analyzer.Analyze(Catalog.Create("shufflenet_v2_x1_0"), new AnalysisOptions { Convention = convention });
            var moves = report.Layers.Where(l => l.Path.StartsWith("stage3.1.", StringComparison.Ordinal) && (l.Path.Contains("chunk", StringComparison.Ordinal) || l.Path.Contains("shuffle", StringComparison.Ordinal))).ToList();

            moves.Select(l => l.Path.Split('.')[^1]).Should().Equal("chunk0", "chunk1", "shuffle_view", "shuffle_transpose", "shuffle_flatten");
            moves.Should().OnlyContain(l => l.Macs == 0 && l.Flops == 0 && l.Parameters == 0 && !l.IsModule, convention.Name);
            moves[0].Output.Should().Be(TensorShape.Chw(116, 14, 14));
            moves[2].Output.Should().Be(TensorShape.Of([2, 116, 14, 14]));
            moves[^1].Output.Should().Be(TensorShape.Chw(232, 14, 14));
        }
    }

    [Fact]
    public void The_Channel_Shuffle_Fits_Any_Resolution()
    {
        var report = Analyze("shufflenet_v2_x0_5", TensorShape.Chw(3, 320, 320));

        report.Layers.Single(l => l.Path == "stage4.3.shuffle_flatten").Output.Should().Be(TensorShape.Chw(192, 10, 10));
        report.Output.Dims.Should().Equal([1000]);
    }

    [Fact]
    public void A_Reshape_Keeping_Trailing_Dimensions_Reshapes_Only_The_Leading_Ones()
    {
        new Reshape { Dims = [2, -1], KeepTrailing = 2 }.InferShape([TensorShape.Chw(6, 5, 7)]).Should().Be(TensorShape.Of([2, 3, 5, 7]));
        new Reshape { Dims = [-1], KeepTrailing = 2 }.InferShape([TensorShape.Of([2, 3, 5, 7])]).Should().Be(TensorShape.Chw(6, 5, 7));

        var act = () => new Reshape { Dims = [4, -1], KeepTrailing = 2 }.InferShape([TensorShape.Chw(6, 5, 7)]);
        act.Should().Throw<InvalidNetworkException>().WithMessage("*keeping the last 2*");
    }
}

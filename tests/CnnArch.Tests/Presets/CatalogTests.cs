namespace CnnArch.Tests.Presets;

public class CatalogTests
{
    public static TheoryData<string> PresetNames() => [.. Catalog.All.Select(p => p.Name)];

    // nasnet_a_large pools a fixed 11x11 window and inception_resnet_v2 a fixed 8x8 one, as Cadene's code: they
    // need at least 321x321 and fail at 256 (NasNetPresetTests and PaperPresetTests check both). maxvit_t partitions
    // every block's map into 7x7 windows and a 7x7 grid: at 256 or 320 its first block's map (64 or 80) is no
    // multiple of 7, which torchvision rejects too (it needs multiples of 224).
    // Swin is built for its default input: its window partitions are reshapes of that input's maps (torchvision
    // pads maps that are no multiple of the window, and the presets leave out what their inputs never need).
    public static TheoryData<string> ImageClassifiers() =>
        [.. Catalog.All.Select(p => p.Name).Where(n => n is not ("nasnet_a_large" or "inception_resnet_v2" or "maxvit_t") && Catalog.Find(n).Family != "Swin" && Catalog.Create(n).DefaultInput is { Rank: 3 } && Analyzer.Analyze(Catalog.Create(n)).Output == TensorShape.Vector(1000))];

    [Fact]
    public void Should_Offer_Every_Preset_The_Issue_Names()
    {
        Catalog.All.Select(p => p.Name).Should().BeEquivalentTo(
        [
            "alexnet", "alexnet_original", "zfnet", "zfnet_large",
            "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn",
            "vgg_a", "vgg_a_lrn", "vgg_b", "vgg_c", "vgg_d", "vgg_e",
            "googlenet", "googlenet_paper",
            "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnet50_v1", "resnet101_v1", "resnet152_v1",
            "wide_resnet50_2", "wide_resnet101_2",
            "resnext50_32x4d", "resnext101_32x4d", "resnext101_32x8d", "resnext101_64x4d", "resnext50_32x4d_v1",
            "se_resnet50", "mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small",
            "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3",
            "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
            "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7",
            "regnet_x_400mf", "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf", "regnet_x_8gf", "regnet_x_16gf", "regnet_x_32gf",
            "regnet_y_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf", "regnet_y_8gf", "regnet_y_16gf", "regnet_y_32gf", "regnet_y_128gf",
            "r3d_18", "mc3_18", "r2plus1d_18", "s3d", "mvit_v1_b", "mvit_v2_s", "unet", "unet3d", "vnet", "m3", "m5", "m11", "m18", "m34_res", "ecg_resnet34",
            "densenet121", "densenet161", "densenet169", "densenet201", "squeezenet1_0", "squeezenet1_1",
            "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0",
            "fcn_resnet50", "fcn_resnet101", "deeplabv3_resnet50", "deeplabv3_resnet101", "deeplabv3_mobilenet_v3_large", "lraspp_mobilenet_v3_large",
            "inception_v3", "convnext_tiny", "convnext_small", "convnext_base", "convnext_large",
            "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l",
            "nasnet_a_large", "nasnet_a_mobile",
            "vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14",
            "vgg16_lecture", "bn_alexnet", "nin", "bn_nin", "inception_v4", "inception_resnet_v2", "senet154", "enet",
            "maxvit_t",
            "swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b",
        ]);
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Should_Describe_Every_Preset_With_Its_Paper(string name)
    {
        var info = Catalog.All.Single(p => p.Name == name);

        info.Description.Should().NotBeNullOrWhiteSpace();
        info.Paper.Should().MatchRegex(@"(19|20)\d\d", "the paper is cited with its year");
    }

    [Theory]
    [MemberData(nameof(ImageClassifiers))]
    public void Should_Work_At_Other_Resolutions_With_1000_Outputs(string name)
    {
        foreach (var side in new[] { 256, 320 })
        {
            var report = Analyzer.Analyze(Catalog.Create(name), new AnalysisOptions { Input = TensorShape.Chw(3, side, side) });

            report.Output.Dims.Should().Equal([1000]);
            report.Layers.Should().OnlyContain(l => l.Output.Elements > 0);
        }
    }

    [Theory]
    [InlineData("r3d_18", "3x16x128x128", "400")]
    [InlineData("r2plus1d_18", "3x8x160x160", "400")]
    [InlineData("s3d", "3x16x256x256", "400")]
    [InlineData("m5", "1x16000", "10")]
    [InlineData("m34_res", "1x48000", "10")]
    [InlineData("ecg_resnet34", "1x2560", "12x10")]
    [InlineData("unet", "1x668x668", "2x484x484")]
    [InlineData("unet3d", "3x124x140x140", "3x36x52x52")]
    [InlineData("vnet", "1x32x64x64", "2x32x64x64")]
    public void Should_Take_Other_Clip_Lengths_Tiles_And_Signal_Lengths(string name, string input, string output)
    {
        var report = Analyzer.Analyze(Catalog.Create(name), new AnalysisOptions { Input = TensorShape.Parse(input) });

        report.Output.ToString().Should().Be(output);
    }

    [Fact]
    public void Should_Fail_Clearly_When_The_Input_Is_Too_Small_For_The_Network()
    {
        var act = () => Analyzer.Analyze(Catalog.Create("vgg16"), new AnalysisOptions { Input = TensorShape.Chw(3, 16, 16) });

        act.Should().Throw<InvalidNetworkException>().Which.Path.Should().StartWith("features.");
    }

    [Fact]
    public void Should_List_Known_Presets_When_The_Name_Is_Unknown()
    {
        var act = () => Catalog.Create("resnet5");

        act.Should().Throw<ArgumentException>().WithMessage("No preset named 'resnet5'. Did you mean resnet50? Close: resnet50, resnet152, resnet18 *");
    }

    [Fact]
    public void Should_List_Known_Parameters_When_A_Parameter_Is_Unknown()
    {
        var act = () => Catalog.Create("mobilenet_v1", new Dictionary<string, string> { ["alpha"] = "0.5" });

        act.Should().Throw<ArgumentException>().WithMessage("Preset 'mobilenet_v1' has no parameter 'alpha'; known: width.");
    }

    [Theory]
    [InlineData("width", "-1")]
    [InlineData("width", "wide")]
    [InlineData("width", "1e308")]
    [InlineData("width", "NaN")]
    public void Should_Reject_Bad_Parameter_Values_Naming_The_Range(string parameter, string value)
    {
        var act = () => Catalog.Create("mobilenet_v2", new Dictionary<string, string> { [parameter] = value });

        act.Should().Throw<ArgumentException>().WithMessage($"Preset 'mobilenet_v2' parameter '{parameter}' takes a number from 0.01 to 16, got '{value}'.");
    }

    public static TheoryData<string, string> EveryParameter()
    {
        var data = new TheoryData<string, string>();
        foreach (var (preset, parameter) in Catalog.All.SelectMany(p => p.Parameters.Select(q => (p.Name, q.Name))))
        {
            data.Add(preset, parameter);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryParameter))]
    public void Every_Parameter_Builds_At_Its_Default_And_Rejects_The_Values_Outside_Its_Range(string preset, string name)
    {
        var parameter = Catalog.All.Single(p => p.Name == preset).Parameters.Single(p => p.Name == name);
        Network Create(string value) => Catalog.Create(preset, new Dictionary<string, string> { [name] = value });

        Create(parameter.Default).Name.Should().Be(preset);
        parameter.Range.Should().NotBeNullOrEmpty();
        string[] outside = parameter.Kind == ParameterKind.Boolean
            ? ["yes", "1", ""]
            : ["NaN", "1e400", "-1e400", "abc", "", (parameter.Minimum - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), (parameter.Maximum + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)];
        foreach (var value in outside)
        {
            var act = () => Create(value);
            act.Should().Throw<ArgumentException>().WithMessage($"Preset '{preset}' parameter '{name}' takes {parameter.Range}, got '{value}'.");
        }

        if (parameter.Kind == ParameterKind.Integer)
        {
            var fraction = () => Create((parameter.Minimum + 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture));
            fraction.Should().Throw<ArgumentException>().WithMessage("*takes a whole number*");
        }
    }

    [Fact]
    public void Should_Add_SE_Or_Pre_Activation_To_Any_ResNet()
    {
        var se = Analyzer.Analyze(Catalog.Create("resnext50_32x4d", new Dictionary<string, string> { ["se"] = "true" }));
        var preact = Analyzer.Analyze(Catalog.Create("resnet18", new Dictionary<string, string> { ["preact"] = "true" }));

        se.Layers.Count(l => l.Kind == "Scale").Should().Be(16);
        se.Layers.Single(l => l.Path == "layer1.0.se.fc1").Output.ToString().Should().Be("16x1x1");
        preact.Layers.Select(l => l.Path).Should().ContainInOrder("layer1.0.bn1", "layer1.0.relu", "layer1.0.conv1");
        preact.Layers.Should().Contain(l => l.Path == "post_bn");
    }

    [Fact]
    public void Should_Build_Any_Depth_Table_With_The_Family_Builder()
    {
        var net = ResNets.Build(new ResNetOptions { Name = "resnet26", Block = ResidualBlockKind.Bottleneck, Depths = [2, 2, 2, 2], Groups = 8, WidthPerGroup = 8 });

        var report = Analyzer.Analyze(net);

        report.Layers.Count(l => l.Kind == "Add").Should().Be(8);
        report.Layers.Single(l => l.Path == "layer1.0.conv2").Output.Channels.Should().Be(64, "width = 64 x (8 / 64) x 8 groups");
    }
}

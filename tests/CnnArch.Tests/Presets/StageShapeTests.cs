namespace CnnArch.Tests.Presets;

/// <summary>torchvision's shape comments (and the papers' size tables), made assertions.</summary>
public class StageShapeTests
{
    private static Dictionary<string, string> Shapes(string preset, TensorShape? input = null) =>
        Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Input = input }).Layers
            .GroupBy(l => l.Path)
            .ToDictionary(g => g.Key, g => g.Last().Output.ToString());

    [Fact]
    public void AlexNet_Features_End_At_256x6x6()
    {
        var s = Shapes("alexnet");

        s["features.0"].Should().Be("64x55x55");
        s["features.12"].Should().Be("256x6x6");
        s["avgpool"].Should().Be("256x6x6");
        s["flatten"].Should().Be("9216");
    }

    [Fact]
    public void AlexNet_Original_Runs_55_27_13_6_At_227()
    {
        var s = Shapes("alexnet_original", TensorShape.Chw(3, 227, 227));

        s["features.0"].Should().Be("96x55x55");
        s["features.3"].Should().Be("96x27x27");
        s["features.4"].Should().Be("256x27x27");
        s["features.7"].Should().Be("256x13x13");
        s["features.14"].Should().Be("256x6x6");
    }

    [Fact]
    public void ZfNet_Runs_110_55_26_13_6()
    {
        var s = Shapes("zfnet");

        s["features.0"].Should().Be("96x110x110");
        s["features.2"].Should().Be("96x55x55");
        s["features.4"].Should().Be("256x26x26");
        s["features.6"].Should().Be("256x13x13");
        s["features.14"].Should().Be("256x6x6");
        Shapes("zfnet_large")["features.8"].Should().Be("512x13x13");
    }

    [Theory]
    [InlineData("vgg16", new[] { "features.4", "features.9", "features.16", "features.23", "features.30" })]
    [InlineData("vgg16_bn", new[] { "features.6", "features.13", "features.23", "features.33", "features.43" })]
    public void Vgg_Stages_Halve_The_Size_And_Double_The_Channels(string preset, string[] pools)
    {
        var s = Shapes(preset);

        pools.Select(p => s[p]).Should().Equal("64x112x112", "128x56x56", "256x28x28", "512x14x14", "512x7x7");
    }

    [Fact]
    public void GoogLeNet_Follows_Torchvisions_Shape_Comments()
    {
        var s = Shapes("googlenet");

        s["conv1.conv"].Should().Be("64x112x112");
        s["maxpool1"].Should().Be("64x56x56");
        s["conv3.conv"].Should().Be("192x56x56");
        s["maxpool2"].Should().Be("192x28x28");
        s["inception3a.cat"].Should().Be("256x28x28");
        s["inception3b.cat"].Should().Be("480x28x28");
        s["maxpool3"].Should().Be("480x14x14");
        s["inception4a.cat"].Should().Be("512x14x14");
        s["inception4d.cat"].Should().Be("528x14x14");
        s["inception4e.cat"].Should().Be("832x14x14");
        s["maxpool4"].Should().Be("832x7x7");
        s["inception5b.cat"].Should().Be("1024x7x7");
        s["avgpool"].Should().Be("1024x1x1");
    }

    [Fact]
    public void GoogLeNet_Aux_Heads_Branch_Off_4a_And_4d_And_Count_Apart()
    {
        var plain = Analyzer.Analyze(Catalog.Create("googlenet"));
        var aux = Analyzer.Analyze(Catalog.Create("googlenet", new Dictionary<string, string> { ["aux"] = "true" }));

        aux.Totals.Should().Be(plain.Totals, "auxiliary heads exist only in training");
        aux.Layers.Where(l => l.IsAuxiliary).Select(l => l.Path).Should().Contain(["aux1.conv.conv", "aux1.fc2", "aux2.fc2"]);
        aux.Layers.Single(l => l.Path == "aux1.avgpool").Output.ToString().Should().Be("512x4x4");
        aux.Layers.Single(l => l.Path == "aux2.flatten").Output.ToString().Should().Be("2048");
        (aux.Totals.Parameters + aux.AuxiliaryTotals.Parameters).Should().Be(13_004_888, "torchvision's GoogLeNet with aux_logits=True");
    }

    [Theory]
    [InlineData("resnet18", "64x56x56", "128x28x28", "256x14x14", "512x7x7")]
    [InlineData("resnet50", "256x56x56", "512x28x28", "1024x14x14", "2048x7x7")]
    [InlineData("resnext50_32x4d", "256x56x56", "512x28x28", "1024x14x14", "2048x7x7")]
    [InlineData("wide_resnet50_2", "256x56x56", "512x28x28", "1024x14x14", "2048x7x7")]
    public void ResNet_Stages_Halve_The_Resolution_And_Double_The_Channels(string preset, params string[] stages)
    {
        var s = Shapes(preset);

        s["maxpool"].Should().Be("64x56x56");
        Enumerable.Range(1, 4).Select(i => s[$"layer{i}.0.add"]).Should().Equal(stages);
    }

    [Fact]
    public void ResNet_V1_Strides_On_The_First_1x1_And_V1_5_On_The_3x3()
    {
        var v1 = Shapes("resnet50_v1");
        var v15 = Shapes("resnet50");

        v1["layer2.0.conv1"].Should().Be("128x28x28");
        v15["layer2.0.conv1"].Should().Be("128x56x56");
        v15["layer2.0.conv2"].Should().Be("128x28x28");
    }

    [Fact]
    public void MobileNets_End_In_The_Documented_Feature_Maps()
    {
        Shapes("mobilenet_v1")["blocks.4.1.conv_pw"].Should().Be("1024x7x7");
        Shapes("mobilenet_v2")["features.18.0"].Should().Be("1280x7x7");
        Shapes("mobilenet_v3_large")["features.16.0"].Should().Be("960x7x7");
        Shapes("mobilenet_v3_small")["features.12.0"].Should().Be("576x7x7");
    }

    [Fact]
    public void MobileNetV2_Adds_A_Residual_Only_Where_Shape_Allows()
    {
        var adds = Analyzer.Analyze(Catalog.Create("mobilenet_v2")).Layers.Where(l => l.Kind == "Add").Select(l => l.Path);

        // Table 2: a block has a residual when its stride is 1 and its input and output widths agree.
        adds.Should().Equal("features.3.add", "features.5.add", "features.6.add", "features.8.add", "features.9.add", "features.10.add",
            "features.12.add", "features.13.add", "features.15.add", "features.16.add");
    }
}

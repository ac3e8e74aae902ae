namespace CnnArch.Tests.Analysis;

public class ReceptiveFieldTests
{
    private static ReceptiveField At(string preset, string path) =>
        Analyzer.Analyze(Catalog.Create(preset)).Layers.Last(l => l.Path == path).ReceptiveField;

    [Fact]
    public void Vgg16_Conv5_3_Sees_196_Pixels_At_Stride_16_And_Pool5_212_At_32()
    {
        At("vgg16", "features.28").Should().Be(new ReceptiveField(new(196, 16, 90), new(196, 16, 90)));
        At("vgg16", "features.30").Size.Should().Be(212);
        At("vgg16", "features.30").Stride.Should().Be(32);
    }

    [Fact]
    public void AlexNet_Pool5_Sees_195_Pixels_At_Stride_32()
    {
        var pool5 = At("alexnet", "features.12");

        pool5.Size.Should().Be(195);
        pool5.Stride.Should().Be(32);
    }

    [Fact]
    public void Two_3x3_Convs_See_What_One_5x5_Sees()
    {
        var two = Network.Create("two", new Sequential(new Conv2d { OutChannels = 8, Padding = 1 }, new Conv2d { OutChannels = 8, Padding = 1 }), TensorShape.Chw(3, 32, 32));
        var one = Network.Create("one", new Sequential(new Conv2d { OutChannels = 8, Kernel = 5, Padding = 2 }), TensorShape.Chw(3, 32, 32));

        Analyzer.Analyze(two).Layers[^1].ReceptiveField.Should().Be(Analyzer.Analyze(one).Layers[^1].ReceptiveField);
        Analyzer.Analyze(two).Layers[^1].ReceptiveField.Size.Should().Be(5);
    }

    [Fact]
    public void A_Residual_Block_Sees_What_Its_Deepest_Path_Sees()
    {
        var report = Analyzer.Analyze(Catalog.Create("resnet18"));
        var body = report.Layers.Single(l => l.Path == "layer1.0.bn2").ReceptiveField;
        var input = report.Layers.Single(l => l.Path == "maxpool").ReceptiveField;

        report.Layers.Single(l => l.Path == "layer1.0.add").ReceptiveField.Should().Be(body);
        body.Size.Should().Be(input.Size + (2 * 2 * input.Stride), "two 3x3 convs at stride 4 add 16 pixels");
    }

    [Fact]
    public void Dilation_Widens_The_Field_Without_Parameters()
    {
        var dilated = Network.Create("d", new Sequential(new Conv2d { OutChannels = 8, Dilation = 2, Padding = 2 }), TensorShape.Chw(3, 32, 32));

        Analyzer.Analyze(dilated).Layers[0].ReceptiveField.Size.Should().Be(5);
    }

    [Fact]
    public void Global_Pooling_Sees_The_Whole_Map()
    {
        var report = Analyzer.Analyze(Catalog.Create("resnet18"));
        var layer4 = report.Layers.Last(l => l.Path == "layer4.1.relu").ReceptiveField;

        report.Layers.Single(l => l.Path == "avgpool").ReceptiveField.Size.Should().Be(layer4.Size + (6 * layer4.Stride));
    }
}

using CnnArch.Onnx;
using CnnArch.Tests.Onnx;

namespace CnnArch.Tests.Reliability;

/// <summary>
/// An imported model and the preset of the same architecture report the same receptive fields, layer
/// by layer, SE blocks included (the gate adds global context, not a wider window).
/// </summary>
public class ReceptiveFieldAgreementTests
{
    public static TheoryData<string, string> Pairs() => new()
    {
        { "alexnet.onnx", "alexnet" }, { "googlenet.onnx", "googlenet" }, { "mobilenet_v2.onnx", "mobilenet_v2" },
        { "mobilenet_v3_large.onnx", "mobilenet_v3_large" }, { "resnet18.onnx", "resnet18" }, { "resnet34.onnx", "resnet34" },
        { "resnet50.onnx", "resnet50" }, { "resnet101.onnx", "resnet101" }, { "resnet152.onnx", "resnet152" },
        { "resnext50_32x4d.onnx", "resnext50_32x4d" }, { "resnext101_32x8d.onnx", "resnext101_32x8d" }, { "resnext101_64x4d.onnx", "resnext101_64x4d" },
        { "timm_mobilenetv1_100.onnx", "mobilenet_v1" }, { "timm_seresnet50.onnx", "se_resnet50" }, { "vgg11.onnx", "vgg11" },
        { "vgg11_bn.onnx", "vgg11_bn" }, { "vgg13.onnx", "vgg13" }, { "vgg16.onnx", "vgg16" }, { "vgg16_bn.onnx", "vgg16_bn" },
        { "vgg19.onnx", "vgg19" }, { "wide_resnet50_2.onnx", "wide_resnet50_2" }, { "resnet18_dynamo.onnx", "resnet18" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_Conv_Pool_And_Linear_Of_An_Import_Sees_What_The_Presets_Does(string file, string preset)
    {
        var imported = Analyzer.Analyze(OnnxImporter.Load(ExportedModelTests.Fixture(file)).Network);
        var reference = Analyzer.Analyze(Catalog.Create(preset));
        static IEnumerable<string> Fields(AnalysisReport r) =>
            r.Layers.Where(l => l.Kind is "Conv2d" or "MaxPool2d" or "Linear" && !l.IsAuxiliary).Select(l => $"{l.Kind} {l.ReceptiveField}");

        Fields(imported).Should().Equal(Fields(reference));
        imported.Layers[^1].ReceptiveField.Should().Be(reference.Layers[^1].ReceptiveField);
    }

    [Theory]
    [InlineData("se_resnet50")]
    [InlineData("mobilenet_v3_large")]
    [InlineData("mobilenet_v3_small")]
    public void An_Se_Block_Output_Sees_What_Its_Input_Sees(string preset)
    {
        var report = Analyzer.Analyze(Catalog.Create(preset));
        var network = Catalog.Create(preset);

        var scales = network.Nodes.Where(n => n.Layer is Scale).ToList();

        scales.Should().NotBeEmpty();
        foreach (var scale in scales)
        {
            report.Layers[scale.Index].ReceptiveField.Should().Be(report.Layers[scale.Inputs[0].Id].ReceptiveField, scale.Path);
        }
    }
}

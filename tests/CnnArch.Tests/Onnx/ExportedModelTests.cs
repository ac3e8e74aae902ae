using CnnArch.Onnx;

namespace CnnArch.Tests.Onnx;

/// <summary>The models PyTorch exported (Fixtures/onnx, weights left out, dims kept) against the same models read from PyTorch.</summary>
public class ExportedModelTests
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx", name);

    private static string[] FileNames() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx"), "*.onnx").Select(f => Path.GetFileName(f)!).Order()];

    public static TheoryData<string> Files() => [.. FileNames()];

    // The fixtures measured from PyTorch (Reference/models): all but the DeiT written for the tests (deit_tiny.py).
    public static TheoryData<string> ReferencedFiles() =>
        [.. FileNames().Where(f => File.Exists(ReferenceData.PathOf("models", ReferenceName(f) + ".json")))];

    // resnet18_dynamo and vit_b_16_opset13 are other exports of resnet18 and vit_b_16.
    private static string ReferenceName(string file) =>
        Path.GetFileNameWithoutExtension(file).Replace("_dynamo", "", StringComparison.Ordinal).Replace("_opset13", "", StringComparison.Ordinal);

    private static AnalysisReport Analyze(string file) =>
        Analyzer.Analyze(OnnxImporter.Load(Fixture(file)).Network, new AnalysisOptions { Convention = Conventions.TorchVision });

    [Fact]
    public void Should_Have_Every_Shared_Export_As_A_Fixture() => Files().Should().HaveCount(35);

    [Theory]
    [MemberData(nameof(ReferencedFiles))]
    public void Should_Give_The_Reference_Output_Shape_And_Macs_Exactly(string file)
    {
        var reference = ReferenceModel.Load(ReferenceName(file));

        var report = Analyze(file);

        // 1000 classes, or 21 classes per pixel at 520x520 for the segmentation models.
        report.Output.Dims.Should().Equal(reference.Output ?? [1000]);
        report.Totals.Macs.Should().Be(reference.Macs);
        report.Diagnostics.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(ReferencedFiles))]
    public void Should_Give_Every_Conv_And_Linear_The_Reference_Output_Shape_In_Order(string file)
    {
        var expected = ReferenceModel.Load(ReferenceName(file)).Layers.Where(l => l.Type is "Conv2d" or "Linear").Select(l => string.Join('x', l.Output));

        // Attention's projections (ViT's nn.MultiheadAttention, Swin's shifted_window_attention) are functional
        // calls on the modules' weights: PyTorch's hooks see no Linear module there, the export has its MatMuls.
        var actual = Analyze(file).Layers
            .Where(l => l.Kind is "Conv2d" or "Linear" && !l.Path.Split('.').Any(s => s is "self_attention" or "attn"))
            .Select(l => l.Output.ToString());

        actual.Should().Equal(expected);
    }

    [Theory]
    [InlineData("alexnet.onnx", "alexnet")]
    [InlineData("resnet18.onnx", "resnet18")]
    [InlineData("resnet18_dynamo.onnx", "resnet18")]
    [InlineData("googlenet.onnx", "googlenet")]
    [InlineData("mobilenet_v3_large.onnx", "mobilenet_v3_large")]
    [InlineData("timm_seresnet50.onnx", "se_resnet50")]
    [InlineData("densenet121.onnx", "densenet121")]
    [InlineData("squeezenet1_0.onnx", "squeezenet1_0")]
    [InlineData("shufflenet_v2_x1_0.onnx", "shufflenet_v2_x1_0")]
    [InlineData("inception_v3.onnx", "inception_v3")]
    [InlineData("convnext_tiny.onnx", "convnext_tiny")]
    [InlineData("efficientnet_v2_s.onnx", "efficientnet_v2_s")]
    [InlineData("fcn_resnet50.onnx", "fcn_resnet50")]
    [InlineData("deeplabv3_mobilenet_v3_large.onnx", "deeplabv3_mobilenet_v3_large")]
    [InlineData("lraspp_mobilenet_v3_large.onnx", "lraspp_mobilenet_v3_large")]
    [InlineData("vit_b_16.onnx", "vit_b_16")]
    [InlineData("vit_b_16_opset13.onnx", "vit_b_16")]
    [InlineData("swin_t.onnx", "swin_t")]
    public void Should_Give_The_Same_Macs_As_The_Preset_In_Every_Convention(string file, string preset)
    {
        var network = OnnxImporter.Load(Fixture(file)).Network;
        foreach (var convention in new[] { Conventions.TorchVision, Conventions.FlopCounter })
        {
            var options = new AnalysisOptions { Convention = convention };
            Analyzer.Analyze(network, options).Totals.Macs.Should().Be(Analyzer.Analyze(Catalog.Create(preset), options).Totals.Macs, convention.Name);
        }
    }

    [Theory]
    [InlineData("alexnet.onnx", "alexnet")]
    [InlineData("resnet18.onnx", "resnet18")]
    [InlineData("googlenet.onnx", "googlenet")]
    [InlineData("mobilenet_v3_large.onnx", "mobilenet_v3_large")]
    [InlineData("densenet121.onnx", "densenet121")]
    [InlineData("squeezenet1_0.onnx", "squeezenet1_0")]
    [InlineData("shufflenet_v2_x1_0.onnx", "shufflenet_v2_x1_0")]
    [InlineData("inception_v3.onnx", "inception_v3")]
    [InlineData("convnext_tiny.onnx", "convnext_tiny")]
    [InlineData("efficientnet_v2_s.onnx", "efficientnet_v2_s")]
    [InlineData("fcn_resnet50.onnx", "fcn_resnet50")]
    [InlineData("deeplabv3_mobilenet_v3_large.onnx", "deeplabv3_mobilenet_v3_large")]
    [InlineData("lraspp_mobilenet_v3_large.onnx", "lraspp_mobilenet_v3_large")]
    public void Should_Give_The_Presets_Parameters_Less_One_Per_Channel_Of_Every_Folded_BatchNorm(string file, string preset)
    {
        var onnx = Analyze(file);
        var expected = Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = Conventions.TorchVision });

        // A BatchNorm after a bias-free conv folds into it: its 2C affine parameters become the conv's C biases.
        // One before a conv (DenseNet's pre-activation) cannot fold and stays a BatchNorm row with its 2C.
        var folded = BatchNormChannels(expected) - BatchNormChannels(onnx);
        onnx.Totals.Parameters.Should().Be(expected.Totals.Parameters - folded);
        onnx.Output.Dims.Should().Equal(expected.Output.Dims);
    }

    private static long BatchNormChannels(AnalysisReport report) =>
        report.Layers.Where(l => l.Kind.StartsWith("BatchNorm", StringComparison.Ordinal)).Sum(l => l.Parameters / 2);

    [Fact]
    public void Should_Name_Layers_By_Module_Path_As_The_Preset_Does()
    {
        var onnx = Analyze("resnet18.onnx").Layers.Where(l => l.Kind is "Conv2d" or "Linear" or "MaxPool2d").Select(l => l.Path);
        var preset = Analyzer.Analyze(Catalog.Create("resnet18")).Layers.Where(l => l.Kind is "Conv2d" or "Linear" or "MaxPool2d").Select(l => l.Path);

        // BatchNorm is folded into the convs; downsample.0 is the conv of the projection, as in PyTorch.
        onnx.Should().Equal(preset);
    }

    [Fact]
    public void Should_Count_Shared_Initializers_Once_In_The_Unique_Total()
    {
        var import = OnnxImporter.Load(Fixture("resnet18.onnx"));
        var report = Analyzer.Analyze(import.Network);

        // Eval export folds BN into the convs (a bias each); identical bias tensors are stored once and shared through Identity.
        import.UniqueParameterElements.Should().BeLessThan(report.Totals.Parameters);
        report.Totals.Parameters.Should().Be(11_689_512 - 9_600 + 4_800, "BN's 9,600 affine parameters become 4,800 conv biases");
    }
}

public class ExportedModelScopeTests
{
    [Fact]
    public void Should_Rebuild_The_Module_Blocks_From_Node_Names()
    {
        var report = Analyzer.Analyze(CnnArch.Onnx.OnnxImporter.Load(ExportedModelTests.Fixture("resnet50.onnx")).Network);

        var top = report.Collapsed(1);

        top.Select(r => r.Path).Should().Equal("conv1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "flatten", "fc");
        Totals.Of(top).Should().Be(report.Totals);
        report.Collapsed(2).Select(r => r.Path).Should().Contain(["layer1.0", "layer1.1", "layer4.2"]);
        report.Scopes.Should().Contain(s => s.Path == "layer1.0.downsample" && s.Depth == 3);
    }

    [Fact]
    public void Should_Give_The_Same_Inference_Peak_As_The_Preset_Where_BatchNorm_Does_Not_Matter()
    {
        // VGG-16 has no BatchNorm to fold: the export's tensors are the preset's, and so is the memory.
        var onnx = CnnArch.Memory.MemoryAnalyzer.Analyze(CnnArch.Onnx.OnnxImporter.Load(ExportedModelTests.Fixture("vgg16.onnx")).Network, new() { Batch = 32 });
        var preset = CnnArch.Memory.MemoryAnalyzer.Analyze(Catalog.Create("vgg16"), new() { Batch = 32 });

        onnx.Inference.PeakBytes.Should().Be(preset.Inference.PeakBytes);
    }
}

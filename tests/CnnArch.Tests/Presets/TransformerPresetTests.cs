namespace CnnArch.Tests.Presets;

/// <summary>torchvision's Vision Transformers, measured with PyTorch's own modules (Reference/models, torchvision 0.14.1).</summary>
public class TransformerPresetTests
{
    public static TheoryData<string> VisionTransformers() => ["vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14"];

    private static AnalysisReport Analyze(string preset, CostModel? convention = null, Dictionary<string, string>? arguments = null) =>
        Analyzer.Analyze(Catalog.Create(preset, arguments), new AnalysisOptions { Convention = convention ?? Conventions.TorchVision });

    [Theory]
    [MemberData(nameof(VisionTransformers))]
    public void Should_Equal_Every_Reference_Layer_Path_Kind_Shape_Params_And_Macs(string model) =>
        Analyze(model).ShouldMatchLayersAndMacsSeeingInsideAttention(ReferenceModel.Load(model));

    [Theory]
    [MemberData(nameof(VisionTransformers))]
    public void Should_Equal_The_Reference_Totals_In_The_Torchvision_And_FlopCounter_Conventions(string model)
    {
        var reference = ReferenceModel.Load(model);

        var report = Analyze(model);
        var flopCounter = Analyze(model, Conventions.FlopCounter);

        report.ShouldEqualReferenceTotals(reference, flopCounter);
        report.Output.Dims.Should().Equal([1000]);
    }

    [Fact]
    public void Should_Count_Attention_As_Its_Four_Projections_And_Two_Products()
    {
        // N = 197 tokens, D = 768, 12 heads of 64: 4 N D^2 for q, k, v and out, 2 N^2 D for Q K^T and weights x V.
        var row = Analyze("vit_b_16").Layers.Single(l => l.Path == "encoder.layers.encoder_layer_0.self_attention");

        row.Kind.Should().Be("MultiheadAttention");
        row.Parameters.Should().Be(2_362_368);
        row.Macs.Should().Be((4L * 197 * 768 * 768) + (2L * 197 * 197 * 768)).And.Be(524_391_936);
        row.Output.ToString().Should().Be("197x768");
    }

    [Fact]
    public void Should_Publish_Torchvisions_Top1_And_Giga_Macs()
    {
        // torchvision's model table: acc@1 and GFLOPS of the IMAGENET1K_V1 weights (vit_h_14: SWAG_LINEAR at 224,
        // 167.295 G, which the table prints as 167.29).
        var expected = new Dictionary<string, (double Top1, double GigaMacs)>
        {
            ["vit_b_16"] = (81.072, 17.56), ["vit_b_32"] = (75.912, 4.41), ["vit_l_16"] = (79.662, 61.55),
            ["vit_l_32"] = (76.972, 15.38), ["vit_h_14"] = (85.708, 167.29),
        };

        foreach (var (name, (top1, giga)) in expected)
        {
            var info = Catalog.Find(name);
            info.Family.Should().Be("ViT");
            info.Top1.Should().Be(top1);
            (Analyze(name).Totals.Macs / 1e9).Should().BeApproximately(giga, 0.006, name);
        }
    }

    [Theory]
    [InlineData("vit_b_16", 384, 86_859_496)]
    [InlineData("vit_l_16", 512, 305_174_504)]
    [InlineData("vit_h_14", 518, 633_470_440)]
    public void Should_Build_The_Positional_Embedding_Of_Another_Image_Size_As_Torchvision(string model, int imageSize, long parameters)
    {
        // torchvision's num_params of the SWAG end-to-end weights, built with that image_size.
        var report = Analyze(model, arguments: new() { ["image_size"] = imageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var tokens = ((imageSize / (model == "vit_h_14" ? 14 : 16)) * (imageSize / (model == "vit_h_14" ? 14 : 16))) + 1;

        report.Input.Should().Be(TensorShape.Chw(3, imageSize, imageSize));
        report.Totals.Parameters.Should().Be(parameters);
        report.Layers.Single(l => l.Path == "encoder.pos_embedding").Output.Dims[0].Should().Be(tokens);
    }

    [Fact]
    public void Should_Reject_An_Image_Size_That_Is_No_Multiple_Of_The_Patch()
    {
        var act = () => Catalog.Create("vit_b_32", new Dictionary<string, string> { ["image_size"] = "240" });

        act.Should().Throw<ArgumentException>().WithMessage("vit_b_32 needs an image size that is a multiple of its 32-pixel patches, got 240.*");
    }

    [Fact]
    public void Should_Run_In_Torchvisions_Order_With_The_Tokens_Functional()
    {
        var report = Analyze("vit_b_16");

        report.Layers.Take(8).Select(l => (l.Path, l.Kind, l.IsModule, Output: l.Output.ToString())).Should().Equal(
            ("conv_proj", "Conv2d", true, "768x14x14"),
            ("reshape", "Reshape", false, "768x196"),
            ("permute", "Transpose", false, "196x768"),
            ("class_token", "ClassToken", false, "197x768"),
            ("encoder.pos_embedding", "PositionalEmbedding", false, "197x768"),
            ("encoder.dropout", "Dropout", true, "197x768"),
            ("encoder.layers.encoder_layer_0.ln_1", "LayerNorm", true, "197x768"),
            ("encoder.layers.encoder_layer_0.self_attention", "MultiheadAttention", true, "197x768"));
        report.Layers.Single(l => l.Path == "class_token").Parameters.Should().Be(768);
        report.Layers.Single(l => l.Path == "encoder.pos_embedding").Parameters.Should().Be(197 * 768);
        report.Layers.TakeLast(4).Select(l => (l.Path, l.Output.ToString())).Should().Equal(
            ("encoder.ln", "197x768"), ("select", "1x768"), ("squeeze", "768"), ("heads.head", "1000"));
    }

    [Fact]
    public void Every_Token_After_The_First_Attention_Sees_The_Whole_Image()
    {
        var report = Analyze("vit_b_16");
        var at384 = Analyze("vit_b_16", arguments: new() { ["image_size"] = "384" });

        report.Layers.Single(l => l.Path == "conv_proj").ReceptiveField.ToCompactString().Should().Be("16/16");
        report.Layers.Single(l => l.Path == "encoder.layers.encoder_layer_0.ln_1").ReceptiveField.ToCompactString().Should().Be("16/16");
        report.Layers.Single(l => l.Path == "encoder.layers.encoder_layer_0.self_attention").ReceptiveField.ToCompactString().Should().Be("224/16");
        report.Layers.Single(l => l.Path == "heads.head").ReceptiveField.ToCompactString().Should().Be("224/16");
        at384.Layers.Single(l => l.Path == "encoder.layers.encoder_layer_11.add_1").ReceptiveField.ToCompactString().Should().Be("384/16");
    }
}

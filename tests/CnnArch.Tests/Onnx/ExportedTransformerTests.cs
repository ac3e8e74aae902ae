using CnnArch.Onnx;

namespace CnnArch.Tests.Onnx;

/// <summary>
/// Vision transformers exported by PyTorch (Fixtures/onnx: vit_b_16 at opsets 17 and 13, swin_t, and a DeiT
/// with a distillation token written for the tests, Reference/tools/deit_tiny.py), against the presets or
/// the same network built in code. The ViTs were exported with gradients enabled (export_onnx.py --grad), so
/// nn.MultiheadAttention is written as ONNX operators rather than its fused fast path.
/// </summary>
public class ExportedTransformerTests
{
    private static readonly CostModel[] Conventions2 = [Conventions.TorchVision, Conventions.FlopCounter];

    private static Network Import(string file) => OnnxImporter.Load(ExportedModelTests.Fixture(file)).Network;

    private static AnalysisReport Analyze(Network network, CostModel convention) =>
        Analyzer.Analyze(network, new AnalysisOptions { Convention = convention });

    [Theory]
    [InlineData("vit_b_16.onnx")]
    [InlineData("vit_b_16_opset13.onnx")]
    public void Should_Import_Vit_B_16_With_The_Presets_Output_Macs_And_Parameters_In_Every_Convention(string file)
    {
        var network = Import(file);

        foreach (var convention in Conventions2)
        {
            var onnx = Analyze(network, convention);
            var preset = Analyze(Catalog.Create("vit_b_16"), convention);
            onnx.Totals.Macs.Should().Be(preset.Totals.Macs, convention.Name).And.Be(17_563_828_224);
            onnx.Totals.Parameters.Should().Be(preset.Totals.Parameters).And.Be(86_567_656);
            onnx.Output.Dims.Should().Equal(preset.Output.Dims);
            onnx.Diagnostics.Should().BeEmpty();
        }
    }

    [Fact]
    public void Should_Import_The_Class_Token_And_The_Positional_Embedding_As_The_Presets_Kinds()
    {
        var rows = Analyze(Import("vit_b_16.onnx"), Conventions.TorchVision).Layers;

        // Expand(class_token, Where(Equal(...))) folds to the token itself; its Concat with the patches is the token.
        rows.Should().ContainSingle(r => r.Kind == "ClassToken").Which.Parameters.Should().Be(768);
        rows.Should().ContainSingle(r => r.Kind == "PositionalEmbedding").Which.Parameters.Should().Be(197 * 768);
    }

    [Fact]
    public void Should_Import_Swin_T_With_The_Presets_Output_And_Macs_In_Every_Convention()
    {
        var network = Import("swin_t.onnx");

        foreach (var convention in Conventions2)
        {
            var onnx = Analyze(network, convention);
            var preset = Analyze(Catalog.Create("swin_t"), convention);
            onnx.Totals.Macs.Should().Be(preset.Totals.Macs, convention.Name).And.Be(4_490_566_656);
            onnx.Output.Dims.Should().Equal(preset.Output.Dims);
            onnx.Diagnostics.Should().BeEmpty();
        }
    }

    [Fact]
    public void Should_Import_Swin_T_With_The_Presets_Parameters_But_Each_Gathered_Position_Bias_In_Place_Of_Its_Table()
    {
        var onnx = Analyze(Import("swin_t.onnx"), Conventions.TorchVision);
        var preset = Analyze(Catalog.Create("swin_t"), Conventions.TorchVision);

        // A genuine difference of the export, not of the import: torch.onnx's constant folding (eval mode,
        // do_constant_folding) computes relative_position_bias_table[relative_position_index] at export and
        // stores the gathered 1 x heads x 49 x 49 bias instead of the 169 x heads table. The file holds 49^2 - 169
        // = 2,232 more values per head, over the 2x3 + 2x6 + 6x12 + 2x24 = 138 heads of the 12 blocks.
        const long heads = (2 * 3) + (2 * 6) + (6 * 12) + (2 * 24);
        onnx.Totals.Parameters.Should().Be(preset.Totals.Parameters + (heads * ((49 * 49) - 169))).And.Be(28_288_354 + 308_016);
    }

    [Fact]
    public void Should_Import_A_DeiT_With_Class_And_Distillation_Tokens_As_The_Same_Network_Built_In_Code()
    {
        var network = Import("deit_tiny.onnx");

        foreach (var convention in Conventions2)
        {
            var onnx = Analyze(network, convention);
            var code = Analyze(DeiTTiny(), convention);
            onnx.Totals.Macs.Should().Be(code.Totals.Macs, convention.Name).And.Be(234_571_776);
            onnx.Totals.Parameters.Should().Be(code.Totals.Parameters).And.Be(1_462_160);
            onnx.Output.Dims.Should().Equal(code.Output.Dims).And.Equal(1000);
            onnx.Diagnostics.Should().BeEmpty();
            onnx.Layers.Should().ContainSingle(r => r.Kind == "ClassToken").Which.Parameters.Should().Be(2 * 192, "the class and the distillation token");
        }
    }

    // deit_tiny.py's model: a ViT of width 192, 3 heads, MLP 768, 2 blocks, the class and distillation tokens
    // in front, a head on each and their outputs averaged.
    private static Network DeiTTiny()
    {
        var b = new NetworkBuilder("deit_tiny");
        var x = b.Add("conv_proj", new Conv2d { OutChannels = 192, Kernel = 16, Stride = 16 }, b.Input);
        x = b.AddFunctional("reshape", new Reshape { Dims = [192, -1] }, x);
        x = b.AddFunctional("permute", new Transpose { Perm = [1, 0] }, x);
        x = b.AddFunctional("cat", new ClassToken { Count = 2 }, x);
        x = b.AddFunctional("pos_embedding", new PositionalEmbedding(), x);
        for (var i = 0; i < 2; i++)
        {
            var p = $"layers.{i}";
            var y = b.Add($"{p}.ln_1", new LayerNorm(), x);
            y = b.Add($"{p}.self_attention", new MultiheadAttention { Heads = 3 }, y);
            x = b.AddFunctional($"{p}.add", Add.Instance, x, y);
            y = b.Add($"{p}.ln_2", new LayerNorm(), x);
            y = b.Add($"{p}.mlp", new Sequential(new Linear { OutFeatures = 768 }, new GELU(), new Linear { OutFeatures = 192 }), y);
            x = b.AddFunctional($"{p}.add_1", Add.Instance, x, y);
        }

        x = b.Add("ln", new LayerNorm(), x);
        var heads = new Tensor[2];
        string[] names = ["head", "head_dist"];
        for (var t = 0; t < 2; t++)
        {
            var token = b.AddFunctional($"select_{t}", new Slice { Ranges = [(0, t, t + 1, 1)] }, x);
            token = b.AddFunctional($"squeeze_{t}", new Reshape { Dims = [-1] }, token);
            heads[t] = b.Add(names[t], new Linear { OutFeatures = 1000 }, token);
        }

        var sum = b.AddFunctional("add", Add.Instance, heads[0], heads[1]);
        var mean = b.AddFunctional("div", new Elementwise { Op = ElementwiseOp.Div, Constant = TensorShape.Vector(1) }, sum);
        return b.Build(mean, TensorShape.Chw(3, 224, 224));
    }
}

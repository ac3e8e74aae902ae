using CnnArch.Memory;

namespace CnnArch.Tests.Layers;

/// <summary>Attention as costed kinds: scaled dot-product attention, multi-head attention, and the class token and positional embedding.</summary>
public class AttentionTests
{
    private static CostContext Shapes(Layer layer, params TensorShape[] inputs) => new(inputs, layer.InferShape(inputs));

    [Fact]
    public void Scaled_Dot_Product_Attention_Costs_Two_Products_Of_H_N_M_d()
    {
        var attention = new ScaledDotProductAttention();
        var self = Shapes(attention, TensorShape.Of(12, 197, 64), TensorShape.Of(12, 197, 64), TensorShape.Of(12, 197, 64));
        var cross = Shapes(attention, TensorShape.Of(8, 10, 32), TensorShape.Of(8, 50, 32), TensorShape.Of(8, 50, 16));

        self.Output.Should().Be(TensorShape.Of(12, 197, 64));
        Conventions.TorchVision.Count(attention, self)!.Value.Macs.Should().Be(2L * 12 * 197 * 197 * 64).And.Be(59_610_624);
        cross.Output.Should().Be(TensorShape.Of(8, 10, 16));
        Conventions.TorchVision.Count(attention, cross)!.Value.Should().Be(OpCount.FromMacs((8L * 10 * 50 * 32) + (8L * 10 * 50 * 16)));
        Conventions.Lecture.Count(attention, cross)!.Value.Macs.Should().Be((8L * 10 * 50 * 32) + (8L * 10 * 50 * 16));
        // full: the products, the query's scaling (one per query element) and the softmax (3M - 1 per row).
        Conventions.Full.Count(attention, cross)!.Value.Should().Be(new OpCount(
            (8L * 10 * 50 * 32) + (8L * 10 * 50 * 16),
            (2 * ((8L * 10 * 50 * 32) + (8L * 10 * 50 * 16))) + (8L * 10 * 32) + (8L * 10 * ((3 * 50) - 1))));
        attention.Parameters(self.Inputs).Should().Be(0);
    }

    [Fact]
    public void Scaled_Dot_Product_Attention_Names_Shapes_That_Do_Not_Fit()
    {
        var act = () => new ScaledDotProductAttention().InferShape([TensorShape.Of(12, 197, 64), TensorShape.Of(12, 197, 32), TensorShape.Of(12, 197, 64)]);

        act.Should().Throw<InvalidNetworkException>().WithMessage("*query 12x197x64, key 12x197x32 and value 12x197x64*");
    }

    [Theory]
    [InlineData(768, 12, true, 2_362_368)]
    [InlineData(768, 12, false, 2_359_296)]
    [InlineData(1024, 16, true, 4_198_400)]
    public void Multihead_Attention_Learns_4D_Squared_Weights_And_4D_Biases(int embed, int heads, bool bias, long parameters)
    {
        var layer = new MultiheadAttention { Heads = heads, HasBias = bias };

        layer.Parameters([TensorShape.Of(197, embed)]).Should().Be(parameters);
    }

    [Fact]
    public void Multihead_Attention_Counts_Its_Projections_And_Its_Core()
    {
        var layer = new MultiheadAttention { Heads = 4 };
        var self = Shapes(layer, TensorShape.Of(10, 32));
        var cross = Shapes(layer, TensorShape.Of(10, 32), TensorShape.Of(50, 32));

        Conventions.TorchVision.Count(layer, self)!.Value.Macs.Should().Be((4L * 10 * 32 * 32) + (2L * 10 * 10 * 32));
        Conventions.FlopCounter.Count(layer, self)!.Value.Flops.Should().Be(2 * ((4L * 10 * 32 * 32) + (2L * 10 * 10 * 32)));
        layer.CoreInputs(cross.Inputs).Should().Equal(TensorShape.Of(4, 10, 8), TensorShape.Of(4, 50, 8), TensorShape.Of(4, 50, 8));
        cross.Output.Should().Be(TensorShape.Of(10, 32));
        // q and out project 10 tokens, k and v 50; the core is 10 x 50 scores over 32 dimensions, twice.
        var macs = ((10L + 50 + 50 + 10) * 32 * 32) + (2L * 10 * 50 * 32);
        Conventions.TorchVision.Count(layer, cross)!.Value.Macs.Should().Be(macs);
        var flops = (2 * macs) + ((10L + 50 + 50 + 10) * 32) + (10L * 32) + (4L * 10 * ((3 * 50) - 1));
        Conventions.Full.Count(layer, cross)!.Value.Should().Be(new OpCount(macs, flops));
    }

    [Fact]
    public void Multihead_Attention_Costs_What_Its_Parts_Cost_Written_Out_In_Every_Convention()
    {
        // 10 tokens of 32, 4 heads of 8: in-projection, q/k/v slices, heads split, the core, heads merged, out-projection.
        var fused = Network.Create("fused", Sequential.Of(("attention", new MultiheadAttention { Heads = 4 })), TensorShape.Of(10, 32));
        var b = new NetworkBuilder("written_out");
        var qkv = b.Add("in_proj", new Linear { OutFeatures = 96 }, b.Input);
        Tensor Head(int part)
        {
            var slice = b.AddFunctional($"slice{part}", new Slice { Ranges = [(1, 32 * part, 32 * (part + 1), 1)] }, qkv);
            var split = b.AddFunctional($"split{part}", new Reshape { Dims = [-1, 4, 8] }, slice);
            return b.AddFunctional($"heads{part}", new Transpose { Perm = [1, 0, 2] }, split);
        }

        var core = b.AddFunctional("core", new ScaledDotProductAttention(), Head(0), Head(1), Head(2));
        var merged = b.AddFunctional("merge", new Reshape { Dims = [-1, 32] }, b.AddFunctional("unheads", new Transpose { Perm = [1, 0, 2] }, core));
        var writtenOut = b.Build(b.Add("out_proj", new Linear { OutFeatures = 32 }, merged), TensorShape.Of(10, 32));

        foreach (var convention in Conventions.All)
        {
            var one = Analyzer.Analyze(fused, new AnalysisOptions { Convention = convention }).Totals;
            var parts = Analyzer.Analyze(writtenOut, new AnalysisOptions { Convention = convention }).Totals;
            (one.Macs, one.Flops, one.Parameters).Should().Be((parts.Macs, parts.Flops, parts.Parameters), convention.Name);
        }
    }

    [Fact]
    public void Multihead_Attention_Needs_Heads_That_Divide_The_Embedding()
    {
        var act = () => new MultiheadAttention { Heads = 5 }.InferShape([TensorShape.Of(197, 768)]);

        act.Should().Throw<InvalidNetworkException>().WithMessage("*5 heads do not divide the embedding dimension 768.");
    }

    [Fact]
    public void Tokens_Learn_Their_Vectors_And_Count_No_Multiply_Adds()
    {
        var tokens = TensorShape.Of(196, 768);

        new ClassToken().InferShape([tokens]).Should().Be(TensorShape.Of(197, 768));
        new ClassToken().Parameters([tokens]).Should().Be(768);
        new ClassToken { Count = 2 }.InferShape([tokens]).Should().Be(TensorShape.Of(198, 768));
        new PositionalEmbedding().Parameters([TensorShape.Of(197, 768)]).Should().Be(151_296);
        foreach (var convention in new[] { Conventions.TorchVision, Conventions.FlopCounter, Conventions.Lecture })
        {
            convention.Count(new ClassToken(), Shapes(new ClassToken(), tokens)).Should().Be(OpCount.Zero);
            convention.Count(new PositionalEmbedding(), Shapes(new PositionalEmbedding(), tokens)).Should().Be(OpCount.Zero);
        }

        Conventions.Full.Count(new PositionalEmbedding(), Shapes(new PositionalEmbedding(), tokens)).Should().Be(OpCount.FromFlops(196 * 768), "one addition per element");
    }

    [Fact]
    public void Vit_Training_Memory_Grows_Faster_Than_Its_Tokens_Because_Softmax_Keeps_H_N_N()
    {
        // 224: 197 tokens; 384: 577. Linear layers keep N x D; each attention keeps its 12 x N x N softmax output.
        MemoryReport At(int side) => MemoryAnalyzer.Analyze(
            Catalog.Create("vit_b_16", new Dictionary<string, string> { ["image_size"] = side.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            new MemoryOptions { AllocationGranularity = 1 });

        var small = At(224);
        var large = At(384);
        var tokens = 577.0 / 197;

        ((double)large.Training.SavedActivationBytes / small.Training.SavedActivationBytes).Should().BeGreaterThan(tokens * 1.2);
        var attention = small.Layers.Single(l => l.Path == "encoder.layers.encoder_layer_0.self_attention");
        // Saved: its input (ln_1's output, which ln_1 does not keep), projected q, k, v (3 N D), scaled q (N D),
        // merged heads (N D) and the softmax (H N N).
        attention.SavedBytes.Should().Be(4L * ((6L * 197 * 768) + (12L * 197 * 197)));
        var largeAttention = large.Layers.Single(l => l.Path == "encoder.layers.encoder_layer_0.self_attention");
        largeAttention.SavedBytes.Should().Be(4L * ((6L * 577 * 768) + (12L * 577 * 577)));
    }

    [Fact]
    public void A_Global_Attention_Sees_The_Whole_Input()
    {
        // A 4x4 patch embedding of a 32x32 image, 64 tokens, one attention: each output token reads every patch.
        var b = new NetworkBuilder("tiny_vit");
        var x = b.Add("patch", new Conv2d { OutChannels = 16, Kernel = 4, Stride = 4 }, b.Input);
        x = b.AddFunctional("reshape", new Reshape { Dims = [16, -1] }, x);
        x = b.AddFunctional("permute", new Transpose { Perm = [1, 0] }, x);
        x = b.AddFunctional("add", Add.Instance, x, b.Add("mix", new Linear { OutFeatures = 16 }, x));
        x = b.Add("attention", new MultiheadAttention { Heads = 2 }, x);
        var q = b.AddFunctional("heads", new Reshape { Dims = [2, 64, 8] }, x);
        x = b.AddFunctional("core", new ScaledDotProductAttention(), q, q, q);
        var report = Analyzer.Analyze(b.Build(x, TensorShape.Chw(3, 32, 32)));

        report.Layers.Single(l => l.Path == "add").ReceptiveField.ToCompactString().Should().Be("4/4", "a join keeps the input's extents for the attention after it");
        report.Layers.Single(l => l.Path == "attention").ReceptiveField.ToCompactString().Should().Be("32/4");
        report.Layers.Single(l => l.Path == "core").ReceptiveField.ToCompactString().Should().Be("32/4");
        ReceptiveField.Pixel(2).Global().Should().Be(ReceptiveField.Pixel(2), "a field built by hand does not know the input's extents");
    }

    [Fact]
    public void Attention_Backward_Is_Twice_Its_Forward()
    {
        new ScaledDotProductAttention().Backward.Should().Be(BackwardRule.TwiceForward);
        Backward.Count(BackwardRule.TwiceForward, 100, 3, trainable: false).Should().Be(200);
        Backward.Count(BackwardRule.TwiceForward, 100, 0, trainable: false).Should().Be(0);
        new MultiheadAttention { Heads = 1 }.Backward.Should().Be(BackwardRule.Weighted);
    }
}

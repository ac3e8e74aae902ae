using CnnArch.Onnx;
using static CnnArch.Tests.Onnx.TestGraph;

namespace CnnArch.Tests.Onnx;

/// <summary>Operators on rank-3 (N x C x L) and rank-5 (N x C x D x H x W) tensors, on small graphs built in code.</summary>
public class NdOperatorTests
{
    private static LayerReport Last(TestGraph g, CostModel? convention = null) => g.Analyze(convention).Layers[^1];

    [Fact]
    public void A_3D_Conv_Reads_Its_Kernel_From_The_Weight_And_Counts_Its_Volume()
    {
        var g = new TestGraph([1, 3, 16, 112, 112]).Weight("w", 64, 3, 3, 7, 7)
            .Node("Conv", ["x", "w"], ["y"], "/stem/stem.0/Conv", Attr("strides", 1, 2, 2), Attr("pads", 1, 3, 3, 1, 3, 3))
            .Output("y");

        var row = Last(g);

        row.Kind.Should().Be("Conv3d");
        row.Output.Should().Be(TensorShape.Cdhw(64, 16, 56, 56));
        row.Window!.Kernel.Should().Be(new SpatialSize(3, 7, 7));
        row.Parameters.Should().Be(64 * 3 * 3 * 7 * 7);
        row.Macs.Should().Be(64L * 16 * 56 * 56 * 3 * 3 * 7 * 7);
    }

    [Fact]
    public void A_1D_Conv_Pool_And_BatchNorm_Read_One_Spatial_Axis()
    {
        // The M5 of the issue: "MaxPool has kernel_shape of 1 values; CnnArch reads 2-D operators".
        var g = new TestGraph([1, 1, 32000]).Weight("w", 128, 1, 80).Weight("b", 128)
            .Weight("scale", 128).Weight("bias", 128).Weight("mean", 128).Weight("var", 128)
            .Node("Conv", ["x", "w", "b"], ["c"], null, List("strides", 4), Attr("pads", 38, 38))
            .Node("BatchNormalization", ["c", "scale", "bias", "mean", "var"], ["n"])
            .Node("MaxPool", ["n"], ["y"], null, List("kernel_shape", 4), List("strides", 4))
            .Output("y");

        var rows = g.Analyze().Layers;

        rows.Select(r => r.Kind).Should().Equal("Conv1d", "BatchNorm1d", "MaxPool1d");
        rows[^1].Output.Should().Be(TensorShape.Cl(128, 2000));
        rows[0].Macs.Should().Be(128L * 8000 * 80);
    }

    [Theory]
    [InlineData("GlobalAveragePool", "AdaptiveAvgPool3d")]
    [InlineData("GlobalMaxPool", "AdaptiveMaxPool3d")]
    public void Global_Pools_Of_A_Volume(string op, string kind)
    {
        var row = Last(new TestGraph([1, 8, 4, 6, 6]).Node(op, ["x"], ["y"]).Output("y"));

        row.Kind.Should().Be(kind);
        row.Output.Should().Be(TensorShape.Cdhw(8, 1, 1, 1));
    }

    [Fact]
    public void A_Mean_Over_Every_Axis_Of_A_Volume_Is_Global_Average_Pooling()
    {
        var g = new TestGraph([1, 8, 4, 6, 6]).Node("ReduceMean", ["x"], ["y"], null, Attr("axes", 2, 3, 4)).Output("y");

        Last(g).Kind.Should().Be("AdaptiveAvgPool3d");
    }

    [Fact]
    public void A_Transposed_3D_Conv_Doubles_Every_Axis()
    {
        var g = new TestGraph([1, 8, 4, 8, 8]).Weight("w", 8, 4, 2, 2, 2)
            .Node("ConvTranspose", ["x", "w"], ["y"], null, Attr("strides", 2, 2, 2)).Output("y");

        var row = Last(g);

        row.Kind.Should().Be("ConvTranspose3d");
        row.Output.Should().Be(TensorShape.Cdhw(4, 8, 16, 16));
        row.Macs.Should().Be(8L * 4 * 8 * 8 * 4 * 8);
    }

    [Theory]
    [InlineData("linear", "Upsample", 15)]
    [InlineData("nearest", "Upsample", 0)]
    public void Resize_Of_A_Volume_Interpolates_Trilinearly(string mode, string kind, int flopsPerOutput)
    {
        var g = new TestGraph([1, 2, 4, 4, 4]).Floats("scales", [5], 1, 1, 2, 2, 2)
            .Node("Resize", ["x", "", "scales"], ["y"], null, Attr("mode", mode)).Output("y");

        var row = Last(g, Conventions.Full);

        row.Kind.Should().Be(kind);
        row.Output.Should().Be(TensorShape.Cdhw(2, 8, 8, 8));
        row.Flops.Should().Be(flopsPerOutput * 2L * 8 * 8 * 8);
    }

    [Fact]
    public void PRelu_With_A_Slope_Per_Channel()
    {
        var g = new TestGraph([1, 16, 4, 8, 8]).Weight("slope", 16, 1, 1, 1).Node("PRelu", ["x", "slope"], ["y"]).Output("y");

        var row = Last(g);

        row.Kind.Should().Be("PReLU");
        row.Parameters.Should().Be(16);
    }

    [Fact]
    public void Instance_Normalisation_Of_A_Volume_Has_Its_Scale_And_Shift()
    {
        var g = new TestGraph([1, 8, 4, 6, 6]).Weight("s", 8).Weight("b", 8).Node("InstanceNormalization", ["x", "s", "b"], ["y"]).Output("y");

        var row = Last(g);

        row.Kind.Should().Be("InstanceNorm3d");
        row.Parameters.Should().Be(16);
    }

    private static readonly (TestGraph Graph, string Message)[] RankErrors =
    [
        (
            new TestGraph([1, 3, 16, 32, 32]).Weight("w", 8, 3, 3, 3, 3).Node("Conv", ["x", "w"], ["y"], "c", Attr("kernel_shape", 3, 3)).Output("y"),
            "Node 'c' (Conv) has kernel_shape of 2 values for its 3-D input (one per spatial axis)."),
        (
            new TestGraph([1, 3, 32, 32]).Weight("w", 8, 3, 3, 3, 3).Node("Conv", ["x", "w"], ["y"], "c").Output("y"),
            "Node 'c' (Conv) has a weight of rank 5 [8,3,3,3,3] for a rank-4 input [1,3,32,32]."),
        (
            new TestGraph([1, 3, 2, 2, 2, 2]).Node("MaxPool", ["x"], ["y"], "p", Attr("kernel_shape", 2, 2, 2, 2)).Output("y"),
            "Node 'p' (MaxPool) needs an N x C x L, N x C x H x W or N x C x D x H x W input, got [1,3,2,2,2,2]."),
        (
            new TestGraph([1, 3, 32, 32]).Node("MaxPool", ["x"], ["y"], "p", List("kernel_shape", 2), Attr("pads", 1, 1, 1, 1, 1, 1)).Output("y"),
            "Node 'p' (MaxPool) has kernel_shape of 1 values for its 2-D input (one per spatial axis)."),
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void An_Operator_Whose_Rank_Does_Not_Fit_Is_An_Error_Naming_The_Node_Never_A_Pass_Through(int index)
    {
        var (graph, message) = RankErrors[index];

        var act = () => graph.Import();

        act.Should().Throw<OnnxFormatException>().WithMessage(message);
    }
}

using CnnArch.Onnx;
using static CnnArch.Tests.Onnx.TestGraph;

namespace CnnArch.Tests.Onnx;

/// <summary>
/// Exports made without constant folding (torch.onnx.export with do_constant_folding=False and
/// BatchNorm kept, Fixtures/onnx/unfolded): BatchNorm stays a node and a Linear's weight is transposed
/// by a Transpose node on the initializer, a weight transform rather than a layer.
/// </summary>
public class UnfoldedExportTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx", "unfolded", name);

    [Theory]
    [InlineData("convnext_tiny.onnx", "convnext_tiny")]
    [InlineData("resnet18.onnx", "resnet18")]
    public void Should_Give_The_Reference_Parameters_And_Macs(string file, string reference)
    {
        var expected = ReferenceModel.Load(reference);

        var report = Analyzer.Analyze(OnnxImporter.Load(Fixture(file)).Network, new AnalysisOptions { Convention = Conventions.TorchVision });

        report.Totals.Parameters.Should().Be(expected.Params);
        report.Totals.Macs.Should().Be(expected.Macs);
        report.Diagnostics.Should().BeEmpty();
    }

    [Fact]
    public void A_Transpose_Of_An_Initializer_Feeding_A_MatMul_Is_A_Linear_Layer()
    {
        var g = new TestGraph([1, 7, 7, 96]).Weight("w", 384, 96)
            .Node("Transpose", ["w"], ["wt"], null, Attr("perm", 1, 0))
            .Node("MatMul", ["x", "wt"], ["y"], "/block/pwconv1/MatMul")
            .Output("y");

        var row = g.Analyze(Conventions.TorchVision).Layers[^1];

        row.Kind.Should().Be("Linear");
        row.Output.Should().Be(TensorShape.Of(7, 7, 384));
        row.Parameters.Should().Be(96 * 384);
        row.Macs.Should().Be(7L * 7 * 384 * 96);
    }
}

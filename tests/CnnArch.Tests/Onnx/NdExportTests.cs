using CnnArch.Onnx;

namespace CnnArch.Tests.Onnx;

/// <summary>
/// 1-D and 3-D networks exported by PyTorch (Fixtures/onnx/nd: torch.onnx.export with BatchNorm kept as
/// its own node, weights left out) against the presets that describe the same networks.
/// </summary>
public class NdExportTests
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx", "nd", name);

    public static TheoryData<string, string> Exports() => new()
    {
        { "r3d_18.onnx", "r3d_18" }, { "mc3_18.onnx", "mc3_18" }, { "r2plus1d_18.onnx", "r2plus1d_18" }, { "s3d.onnx", "s3d" },
        { "m5.onnx", "m5" }, { "unet_small.onnx", "unet" },
    };

    // unet_small.onnx is the paper's U-Net at a base width of 8 on the smallest valid tile, 188x188.
    private static Network Preset(string preset) => preset == "unet"
        ? Catalog.Create("unet", new Dictionary<string, string> { ["width"] = "8" }).WithDefaultInput(TensorShape.Chw(1, 188, 188))
        : Catalog.Create(preset);

    [Theory]
    [MemberData(nameof(Exports))]
    public void Should_Give_The_Same_Totals_As_The_Preset_In_Every_Convention(string file, string preset)
    {
        var network = OnnxImporter.Load(Fixture(file)).Network;
        foreach (var convention in Conventions.All)
        {
            var options = new AnalysisOptions { Convention = convention };
            var onnx = Analyzer.Analyze(network, options);
            var expected = Analyzer.Analyze(Preset(preset), options);

            onnx.Totals.Macs.Should().Be(expected.Totals.Macs, convention.Name);
            onnx.Totals.Flops.Should().Be(expected.Totals.Flops, convention.Name);
            onnx.Totals.Parameters.Should().Be(expected.Totals.Parameters, convention.Name);
            onnx.Output.Should().Be(expected.Output);
            onnx.Diagnostics.Should().BeEmpty();
        }
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public void Should_Read_Every_Convolution_At_Its_Rank_With_The_Presets_Shapes(string file, string preset)
    {
        static bool IsConv(LayerReport l) => l.Layer is ConvolutionBase;
        var onnx = Analyzer.Analyze(OnnxImporter.Load(Fixture(file)).Network).Layers.Where(IsConv).Select(l => (l.Kind, l.Output, l.Window!.Kernel));
        var expected = Analyzer.Analyze(Preset(preset)).Layers.Where(IsConv).Select(l => (l.Kind, l.Output, l.Window!.Kernel));

        onnx.Should().Equal(expected);
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public void Should_Keep_Every_Buffer_But_The_Step_Counters_ONNX_Has_No_Place_For(string file, string preset)
    {
        var onnx = Analyzer.Analyze(OnnxImporter.Load(Fixture(file)).Network);
        var expected = Analyzer.Analyze(Preset(preset));
        var batchNorms = expected.Layers.Count(l => l.Layer is BatchNorm);

        onnx.Totals.Buffers.Should().Be(expected.Totals.Buffers - batchNorms);
    }
}

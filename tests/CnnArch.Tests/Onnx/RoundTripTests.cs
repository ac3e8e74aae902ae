using CnnArch.Onnx;

namespace CnnArch.Tests.Onnx;

/// <summary>Every preset written as ONNX by <see cref="OnnxExporter"/> and imported again.</summary>
public class RoundTripTests
{
    public static TheoryData<string> Presets() => [.. Catalog.All.Select(p => p.Name)];

    private static Network RoundTrip(Network network, OnnxWeights weights = OnnxWeights.None)
    {
        var bytes = OnnxExporter.Export(network, new OnnxExportOptions { Weights = weights });
        using var stream = new MemoryStream(bytes);
        return OnnxImporter.Load(stream, network.Name).Network;
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Should_Import_An_Exported_Preset_With_Its_Totals_In_Every_Convention(string preset)
    {
        var network = Catalog.Create(preset);
        Network imported;
        try
        {
            imported = RoundTrip(network);
        }
        catch (OnnxExportException ex)
        {
            Assert.Fail(ex.Message);
            return;
        }

        foreach (var convention in Conventions.All)
        {
            var options = new AnalysisOptions { Convention = convention };
            var expected = Analyzer.Analyze(network, options);
            var actual = Analyzer.Analyze(imported, options);
            actual.Output.Should().Be(expected.Output, convention.Name);
            actual.Totals.Parameters.Should().Be(expected.Totals.Parameters, convention.Name);
            actual.Totals.Macs.Should().Be(expected.Totals.Macs, convention.Name);
            actual.Totals.Flops.Should().Be(expected.Totals.Flops, convention.Name);
        }
    }
}

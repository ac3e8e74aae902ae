using CnnArch.Memory;
using CnnArch.Onnx;
using CnnArch.Spec;

namespace CnnArch.Tests.Spec;

public class SpecRoundTripTests
{
    public static TheoryData<string> PresetNames() => [.. Catalog.All.Select(p => p.Name)];

    private static void ShouldAnalyzeIdentically(Network original, Network copy)
    {
        foreach (var convention in Conventions.All)
        {
            var options = new AnalysisOptions { Convention = convention, Batch = 2 };
            var (a, b) = (Analyzer.Analyze(original, options), Analyzer.Analyze(copy, options));
            CsvReport.Write(b).Should().Be(CsvReport.Write(a));
            b.Totals.Should().Be(a.Totals);
            b.AuxiliaryTotals.Should().Be(a.AuxiliaryTotals);
            CsvReport.Write(b, depth: 2).Should().Be(CsvReport.Write(a, depth: 2), "blocks survive the round trip");
        }

        var memory = new MemoryOptions { Batch = 4 };
        MemoryAnalyzer.Analyze(copy, memory).Should().BeEquivalentTo(MemoryAnalyzer.Analyze(original, memory), o => o.Excluding(m => m.Options));
        copy.Name.Should().Be(original.Name);
        copy.DefaultInput.Should().Be(original.DefaultInput);
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Export_Then_Analyze_Gives_Identical_Results_For_Every_Preset(string preset)
    {
        var original = Catalog.Create(preset);

        var copy = SpecReader.Parse(SpecWriter.Write(original));

        ShouldAnalyzeIdentically(original, copy);
    }

    [Fact]
    public void Export_Then_Analyze_Gives_Identical_Results_With_Auxiliary_Heads()
    {
        var original = Catalog.Create("googlenet", new Dictionary<string, string> { ["aux"] = "true" });

        ShouldAnalyzeIdentically(original, SpecReader.Parse(SpecWriter.Write(original)));
    }

    [Fact]
    public void Export_Then_Analyze_Gives_Identical_Results_For_An_Imported_Onnx_Graph()
    {
        var original = OnnxImporter.Load(Onnx.ExportedModelTests.Fixture("googlenet.onnx")).Network;

        ShouldAnalyzeIdentically(original, SpecReader.Parse(SpecWriter.Write(original)));
    }

    [Fact]
    public void Exported_Specs_Are_Stable()
    {
        var spec = SpecWriter.Write(Catalog.Create("resnet18"));

        SpecWriter.Write(SpecReader.Parse(spec)).Should().Be(spec);
        spec.Should().Contain("\"type\": \"Conv2d\"").And.Contain("\"kind\": \"Residual\"").And.Contain("\"outChannels\": 64");
    }
}

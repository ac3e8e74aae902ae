
namespace CnnArch.Tests.Presets;

/// <summary>
/// One golden per-layer report per preset (Golden/NAME.csv, torchvision convention, default input).
/// Regenerate with CNNARCH_UPDATE_GOLDEN=1 and review the diff; never edit them by hand.
/// </summary>
public class GoldenReportTests
{
    public static TheoryData<string> PresetNames() => [.. Catalog.All.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Should_Equal_The_Golden_Per_Layer_Report(string preset)
    {
        var report = Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = Conventions.TorchVision });

        Golden.ShouldMatch(CsvReport.Write(report), preset + ".csv");
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Should_Have_Rows_That_Add_Up_To_The_Totals(string preset)
    {
        var report = Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Batch = 3 });
        var rows = report.Layers.Where(l => !l.IsAuxiliary).ToList();

        report.Totals.Parameters.Should().Be(rows.Sum(l => l.Parameters));
        report.Totals.Buffers.Should().Be(rows.Sum(l => l.Buffers));
        report.Totals.Macs.Should().Be(rows.Sum(l => l.Macs));
        report.Totals.Flops.Should().Be(rows.Sum(l => l.Flops));
        report.Totals.ActivationBytes.Should().Be(rows.Sum(l => l.ActivationBytes));
    }
}

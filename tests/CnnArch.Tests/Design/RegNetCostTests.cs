
namespace CnnArch.Tests.Design;

/// <summary>The search's closed-form RegNet costs equal the full build and analysis.</summary>
public class RegNetCostTests
{
    public static TheoryData<string> RegNetNames() => [.. RegNets.Table.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(RegNetNames))]
    public void Should_Equal_The_Analyzer_On_Every_Torchvision_RegNet(string name)
    {
        var p = RegNets.Table.Single(t => t.Name == name).Parameters;
        var totals = Analyzer.Analyze(RegNets.Build(name, p), new AnalysisOptions { Convention = Conventions.TorchVision }).Totals;

        var fast = RegNetCost.Compute(p);

        fast.Should().Be(new FastCost(totals.Parameters, totals.Macs, totals.ActivationBytes));
    }

    [Theory]
    [InlineData(13, 24, 36.0, 2.5, 8, 0.25, 160)]
    [InlineData(20, 64, 100.5, 1.7, 3, 0.0, 192)]
    [InlineData(12, 8, 8.0, 2.9, 1, 0.25, 225)]
    public void Should_Equal_The_Analyzer_Off_The_Table_And_At_Other_Resolutions(int d, int w0, double wa, double wm, int g, double se, int resolution)
    {
        var p = new RegNetParameters(d, w0, wa, wm, g, SeRatio: se);
        var totals = Analyzer.Analyze(RegNets.Build("x", p, resolution), new AnalysisOptions { Convention = Conventions.TorchVision }).Totals;

        RegNetCost.Compute(p, resolution).Should().Be(new FastCost(totals.Parameters, totals.Macs, totals.ActivationBytes));
    }
}

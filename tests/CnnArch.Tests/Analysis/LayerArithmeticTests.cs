namespace CnnArch.Tests.Analysis;

/// <summary>'analyze --explain': each layer's numbers as the lecture derives them, and never a number the table does not have.</summary>
public class LayerArithmeticTests
{
    [Fact]
    public void AlexNets_First_Conv_Is_Derived_As_The_Lecture_Does()
    {
        var report = Analyzer.Analyze(Catalog.Create("alexnet"), new AnalysisOptions { Input = TensorShape.Chw(3, 227, 227) });

        var lines = LayerArithmetic.Explain(report, report.Layers[0]).Select(l => l.ToString()).ToList();

        lines.Should().Equal(
            "output  H' = (227 - 11 + 2*2) / 4 + 1 = 56, W' = (227 - 11 + 2*2) / 4 + 1 = 56 (division rounded down): 64x56x56",
            "memory  64 x 56 x 56 = 200,704 elements x 4 B / 1024 = 784 KB",
            "params  (11*11*3 + 1) * 64 = 23,296",
            "MACs (lecture) 64*56*56 * 3*11*11 = 72,855,552");
    }

    public static TheoryData<string> Presets() => [.. Catalog.All.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Presets))]
    public void Every_Conv_Linear_And_Pool_Of_Every_Preset_Is_Derived_And_Every_Result_Is_The_Tables(string preset)
    {
        foreach (var convention in new[] { Conventions.Lecture, Conventions.TorchVision })
        {
            var report = Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = convention });
            foreach (var row in report.Layers)
            {
                var lines = LayerArithmetic.Explain(report, row);
                lines[0].Result.Should().Be(row.Output.ToString());
                lines[2].Result.Should().Be(row.Parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                lines[3].Result.Should().Be(row.Macs.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                if (row.Layer is Convolution or Linear)
                {
                    lines[2].Formula.Should().NotBeEmpty($"{preset} {row.Path}'s parameters are derived");
                    LayerArithmetic.HasMacsFormula(report, row).Should().BeTrue($"{preset} {row.Path}'s MACs are derived");
                }

                if (row.Layer is Convolution or Pool && row.Inputs[0].Rank == row.Output.Rank)
                {
                    lines[0].Formula.Should().NotBeEmpty($"{preset} {row.Path}'s output size is derived");
                }
            }
        }
    }

    [Fact]
    public void The_Command_Explains_One_Layer_Or_Names_The_Close_Ones()
    {
        var (code, output, _) = Cli.CliTests.Run("analyze", "alexnet", "--input", "3x227x227", "--explain", "features.0");

        code.Should().Be(0);
        output.Should().Contain("params  (11*11*3 + 1) * 64 = 23,296").And.EndWith("FLOPs = 2 x MACs.\n");
        Cli.CliTests.Run("analyze", "alexnet", "--explain", "feat").Err.Should().StartWith("error: --explain: no layer 'feat' in alexnet; close: features.0,");
    }
}

namespace CnnArch.Tests.Analysis;

/// <summary>Rows of chosen kinds and totals over them: the lecture adds up the memory of conv and FC outputs only.</summary>
public class KindSelectionTests
{
    [Fact]
    public void Conv_And_Linear_Keep_The_Lectures_Rows_And_Sum_Their_Outputs()
    {
        var report = Analyzer.Analyze(Catalog.Create("vgg16_lecture"));

        var only = report.Only(["conv", "linear"]);

        only.Layers.Select(l => l.Kind).Distinct().Should().Equal("Conv2d", "Linear");
        only.Layers.Should().HaveCount(15, "the slide's 12 convs and 3 FC layers");
        only.Totals.ActivationBytes.Should().Be(only.Layers.Sum(l => l.ActivationBytes));
        (only.Totals.ActivationBytes / 1024.0 / 1024.0).Should().BeApproximately(48.65, 0.005, "the slide's 48.6 MB of conv and FC outputs");
        only.Totals.Parameters.Should().Be(report.Totals.Parameters, "only convs and FC layers hold parameters in VGG");
        only.Selection.Should().Be($"conv, linear: 15 of {report.Layers.Length} rows");
        only.Scopes.Should().BeEmpty();
    }

    [Fact]
    public void A_Kind_Name_Selects_That_Kind_In_Any_Case_And_An_Unknown_One_Is_Named()
    {
        var report = Analyzer.Analyze(Catalog.Create("alexnet"));

        report.Only(["maxpool2d"]).Layers.Should().HaveCount(3).And.OnlyContain(l => l.Kind == "MaxPool2d");
        report.Only(["pool"]).Layers.Should().HaveCount(4, "three max pools and the adaptive average pool");
        var act = () => report.Only(["convv"]);
        act.Should().Throw<ArgumentException>().WithMessage("No layer kind or family 'convv': families are conv, linear, pool, norm, activation, join, attention*");
    }

    [Fact]
    public void The_Table_Says_Which_Rows_It_Kept_And_Refuses_A_Tree()
    {
        var (code, output, _) = Cli.CliTests.Run("analyze", "vgg16_lecture", "--kinds", "conv,linear");

        code.Should().Be(0);
        output.Should().Contain("Only conv, linear: 15 of 37 rows: the totals below are theirs.").And.Contain("activations 51,015,584 bytes");
        Cli.CliTests.Run("analyze", "resnet18", "--kinds", "conv", "--tree").Err.Should().Be("error: --kinds keeps single rows: it does not combine with --tree or --depth.\n");
    }
}

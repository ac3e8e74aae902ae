
namespace CnnArch.Tests.Cli;

/// <summary>The table a torchinfo or Keras user reads: columns, the tree, training compute and frozen layers (issue 12).</summary>
public class TableReportTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliTests.Run(args);

    [Fact]
    public void The_Lectures_Full_Alexnet_Table_Is_The_Wide_Column_Set()
    {
        var (code, output, _) = Run("analyze", "alexnet", "--input", "3x227x227", "--names", "lecture", "--columns", "wide");

        code.Should().Be(0);
        Golden.ShouldMatch(output, "alexnet-lecture-wide.txt");
        // conv1 as the lecture's table has it: input 3x227x227, kernel 11, stride 4, pad 2, output 64x56x56, 784 KB, 23,296 params.
        output.Should().Contain("| conv1 ").And.MatchRegex(@"\| conv1 +\| Conv2d +\| +3x227x227 \| +11 \| +4 \| +2 \| +64x56x56 \| +784 KB \| +23,296 \|");
    }

    [Fact]
    public void Every_Column_Can_Be_Chosen_And_Unknown_Ones_Are_Named()
    {
        var (code, output, _) = Run("analyze", "resnet18", "--columns", "all", "--depth", "1");
        code.Should().Be(0);
        foreach (var column in ReportColumn.All)
        {
            output.Should().Contain(column.Header);
        }

        var added = Run("analyze", "resnet18", "--columns", "+rf,+kernel").Out;
        added.Should().Contain("| Layer ").And.Contain("RF/stride").And.Contain("Kernel").And.Contain("MACs");

        var (bad, _, error) = Run("analyze", "resnet18", "--columns", "layer,kernal");
        bad.Should().Be(2);
        error.Trim().Should().StartWith("error: No column named 'kernal'. Known: layer, kind, input, output, kernel,");
    }

    [Fact]
    public void The_Tree_Shows_Blocks_With_Their_Totals_And_Children_To_The_Depth_Asked()
    {
        var (code, output, _) = Run("analyze", "resnet18", "--tree", "--depth", "2", "-c", "torchvision");

        code.Should().Be(0);
        Golden.ShouldMatch(output, "resnet18-tree-depth2.txt");
        output.Should().Contain("| ├─layer1 ").And.Contain("| │ ├─0 ").And.Contain("| │ └─1 ").And.Contain("| └─fc ");
        output.Should().NotContain("│ │ ├─conv1", "depth 2 shows the blocks of a stage, not their layers");
    }

    [Fact]
    public void A_Blocks_Row_In_The_Tree_Holds_The_Sums_Of_Its_Children()
    {
        var report = Analyzer.Analyze(Catalog.Create("resnet18"));
        var rows = ReportRows.Of(report, new ReportOptions { Tree = true });
        var layer1 = rows.Single(r => r.Label == "├─layer1").Row;

        layer1.Parameters.Should().Be(report.Layers.Where(l => l.Path.StartsWith("layer1.", StringComparison.Ordinal)).Sum(l => l.Parameters)).And.Be(147_968);
        rows.Where(r => !report.Scopes.Any(s => s.Path == r.Row.Path && s.Kind == r.Row.Kind)).Should().HaveCount(report.Layers.Length, "every layer appears once");
    }

    [Fact]
    public void Csv_Carries_Input_Window_And_Shares()
    {
        var (code, output, _) = Run("analyze", "alexnet", "--input", "3x227x227", "--format", "csv");

        code.Should().Be(0);
        var lines = output.Split('\n');
        lines[0].Should().EndWith(",input,kernel,stride,padding,dilation,groups,params_pct,macs_pct");
        lines[1].Should().EndWith(",3x227x227,11x11,4x4,2,1x1,1,0.0381,10.1531", "72,855,552 of 717,571,328 MACs is 10.1531%");
    }

    [Fact]
    public void Json_Carries_Edges_Inputs_Windows_Scopes_And_Training()
    {
        var (code, output, _) = Run("analyze", "resnet18", "--format", "json", "-c", "flopcounter", "--dataset", "1000");

        code.Should().Be(0);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var root = doc.RootElement;
        var layers = root.GetProperty("layers");
        var add = layers.EnumerateArray().First(l => l.GetProperty("kind").GetString() == "Add");
        add.GetProperty("inputs").GetArrayLength().Should().Be(2);
        add.GetProperty("inputShapes")[0].EnumerateArray().Select(d => d.GetInt32()).Should().Equal(64, 56, 56);
        var conv1 = layers[0];
        conv1.GetProperty("inputs")[0].GetInt32().Should().Be(-1);
        conv1.GetProperty("kernel").EnumerateArray().Select(d => d.GetInt32()).Should().Equal(7, 7);
        conv1.GetProperty("padding").EnumerateArray().Select(d => d.GetInt32()).Should().Equal(3, 3, 3, 3);
        conv1.GetProperty("groups").GetInt32().Should().Be(1);
        root.GetProperty("scopes").EnumerateArray().Should().Contain(s => s.GetProperty("path").GetString() == "layer1.0" && s.GetProperty("kind").GetString() == "Residual");
        var training = root.GetProperty("training");
        training.GetProperty("stepFlops").GetInt64().Should().Be(training.GetProperty("forwardFlops").GetInt64() + training.GetProperty("backwardFlops").GetInt64());
        root.GetProperty("epoch").GetProperty("flops").GetInt64().Should().Be(1000 * training.GetProperty("stepFlops").GetInt64());
        for (var i = 0; i < layers.GetArrayLength(); i++)
        {
            layers[i].GetProperty("index").GetInt32().Should().Be(i);
            layers[i].GetProperty("inputs").EnumerateArray().Should().OnlyContain(s => s.GetInt32() < i, "a DAG in execution order reads only earlier rows");
        }
    }

    [Fact]
    public void Freeze_Makes_Parameters_Non_Trainable_In_The_Footer_And_The_Backward_Cheaper()
    {
        var all = Run("analyze", "resnet50", "-c", "flopcounter", "--depth", "1").Out;
        var (code, frozen, _) = Run("analyze", "resnet50", "-c", "flopcounter", "--depth", "1", "--freeze", "conv1", "--freeze", "bn1", "--freeze", "layer1", "--dataset", "1281167");

        code.Should().Be(0);
        all.Should().Contain("Training step (batch 1): forward 4.09 G + backward 8.06 G = 12.1 G MACs (24.3 G FLOPs)");
        frozen.Should().Contain("Trainable params: 25,331,688\nNon-trainable params: 225,344\n");
        frozen.Should().Contain("backward 6.4 G").And.Contain("Training epoch (1,281,167 samples):");
        var (bad, _, error) = Run("analyze", "resnet50", "--freeze", "layer9");
        bad.Should().Be(2);
        error.Should().StartWith("error: Frozen path 'layer9' is no layer or block of resnet50");
    }

    [Fact]
    public void Memory_Takes_Freeze_Too()
    {
        var all = Run("memory", "resnet50", "--training", "--format", "json").Out;
        var (code, frozen, _) = Run("memory", "resnet50", "--training", "--format", "json", "--freeze", "layer1", "--freeze", "conv1", "--freeze", "bn1");

        code.Should().Be(0);
        static long Gradients(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("training").GetProperty("gradientBytes").GetInt64();
        Gradients(frozen).Should().Be(25_331_688L * 4);
        Gradients(all).Should().Be(25_557_032L * 4);
    }

    [Fact]
    public void Markdown_Carries_Every_Column_With_Exact_Numbers()
    {
        var (code, output, _) = Run("analyze", "alexnet", "--input", "3x227x227", "--format", "markdown");

        code.Should().Be(0);
        Golden.ShouldMatch(output, "alexnet.md");
        output.Should().Contain("| features.0 | Conv2d | 3x227x227 | 64x56x56 | 11 | 4 | 2 | 1 | 1 | 784 | 23,296 | 0.04% | 23,296 | 0 | 72,855,552 |");
    }

    [Fact]
    public void The_Library_Table_Takes_The_Same_Options_As_The_Cli()
    {
        var report = Analyzer.Analyze(Catalog.Create("resnet18"), new AnalysisOptions { Convention = Conventions.TorchVision });
        var text = TextReport.Write(report, new ReportOptions { Tree = true, Depth = 2 });

        text.Should().Be(Run("analyze", "resnet18", "--tree", "--depth", "2", "-c", "torchvision").Out);
    }
}

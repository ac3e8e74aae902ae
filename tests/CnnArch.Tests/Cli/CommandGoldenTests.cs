using CnnArch.Memory;
using CnnArch.Onnx;
using CnnArch.Performance;

namespace CnnArch.Tests.Cli;

/// <summary>
/// Every command in every format it writes, byte for byte against Golden/commands (taken from the tool
/// before its writers moved into the library: the move changed no byte; design solve has since said which
/// neighbour answers), and the library alone, without the CLI, writing the same bytes.
/// </summary>
public class CommandGoldenTests
{
    public static TheoryData<string, string> Commands() => new()
    {
        { "analyze-alexnet.txt", "analyze alexnet --input 3x227x227" },
        { "analyze-resnet18.json", "analyze resnet18 --format json" },
        { "analyze-resnet18.csv", "analyze resnet18 --format csv" },
        { "analyze-resnet18-depth1.md", "analyze resnet18 --format markdown --depth 1" },
        { "memory-resnet50.txt", "memory resnet50 --batch 32 --training --fits 24GB" },
        { "memory-resnet50.json", "memory resnet50 --batch 32 --training --fits 24GB --format json" },
        { "memory-mobilenet_v2.txt", "memory mobilenet_v2 --batch 8" },
        { "compare.txt", "compare alexnet vgg16 googlenet resnet50 mobilenet_v2 -c torchvision" },
        { "compare.json", "compare alexnet vgg16 googlenet resnet50 mobilenet_v2 -c torchvision --format json" },
        { "compare.csv", "compare alexnet vgg16 googlenet resnet50 mobilenet_v2 -c torchvision --format csv" },
        { "compare-h200.txt", "compare resnet18 mobilenet_v2 --device h200 --batch 8" },
        { "compare-h200.json", "compare resnet18 mobilenet_v2 --device h200 --batch 8 --format json" },
        { "compare-h200.csv", "compare resnet18 mobilenet_v2 --device h200 --batch 8 --format csv" },
        { "compare-parts.txt", "compare googlenet@..maxpool2 vgg16@..features.16 -c torchvision" },
        { "sweep-batch.txt", "sweep resnet50 --batch 1,8,32" },
        { "sweep-batch.json", "sweep resnet50 --batch 1,8,32 --format json" },
        { "sweep-batch.csv", "sweep resnet50 --batch 1,8,32 --format csv" },
        { "sweep-resolution-h200.txt", "sweep mobilenet_v2 --resolution 128:256:64 --device h200" },
        { "sweep-resolution-h200.json", "sweep mobilenet_v2 --resolution 128:256:64 --device h200 --format json" },
        { "sweep-resolution-h200.csv", "sweep mobilenet_v2 --resolution 128:256:64 --device h200 --format csv" },
        { "latency-resnet18.txt", "latency resnet18 --dtype bf16 --batch 64" },
        { "latency-resnet18.json", "latency resnet18 --dtype bf16 --batch 64 --format json" },
        { "latency-resnet18.csv", "latency resnet18 --dtype bf16 --batch 64 --format csv" },
        { "design-solve.txt", "design solve resnext50_32x4d --vary width_per_group --each groups=2,4,8,32 --match resnet50 --on macs --within layer1.1" },
        { "design-solve.json", "design solve resnext50_32x4d --vary width_per_group --each groups=2,4,8,32 --match resnet50 --on macs --within layer1.1 --format json" },
        { "design-solve.csv", "design solve resnext50_32x4d --vary width_per_group --each groups=2,4,8,32 --match resnet50 --on macs --within layer1.1 --format csv" },
        { "design-solve-target.txt", "design solve mobilenet_v2 --vary width --target 200M" },
        { "design-block.txt", "design block" },
        { "design-block.json", "design block --format json" },
        { "design-block.csv", "design block --format csv" },
        { "design-scale-phi.txt", "design scale efficientnet_b0 --phi 1:3" },
        { "design-scale-budget.txt", "design scale efficientnet_b0 --budget macs=1G" },
        { "search.json", "search regnet --samples 500 --budget macs<=400M --seed 1 --format json" },
        { "search.csv", "search regnet --samples 500 --budget macs<=400M --seed 1 --format csv" },
        { "export-resnet18.json", "export resnet18 --format spec" },
        { "list.txt", "list" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_Command_Writes_Its_Golden_Output(string golden, string command)
    {
        var (code, output, error) = CliTests.Run(command.Split(' '));

        code.Should().Be(0, error);
        Golden.ShouldMatch(output, "commands/" + golden);
    }

    [Fact]
    public void The_Search_Table_Differs_From_Its_Golden_Output_Only_In_The_Time_It_Took()
    {
        var output = CliTests.Run("search", "regnet", "--samples", "2000", "--budget", "macs<=400M", "--top", "5", "--seed", "1").Out;

        Golden.ShouldMatch(string.Join('\n', output.Split('\n').Skip(1)), "commands/search-table-after-timing.txt");
        output.Should().StartWith("Searched regnet: 2,000 candidates (seed 1) in ").And.Contain("/s, cost-only fast path); 158 within macs <= 400 M.");
    }

    [Fact]
    public void The_Library_Alone_Writes_What_The_Tool_Prints()
    {
        var resnet50 = ModelLoader.Load("resnet50").Network;
        var fit = MemoryAnalyzer.Fit(resnet50, ByteSize.Parse("24GB"), new MemoryOptions { Batch = 32 }, training: true);
        var memory = MemoryAnalyzer.Analyze(resnet50, new MemoryOptions { Batch = 32 });
        (TextReport.Write(memory, training: true, fit)).Should().Be(Cli("memory resnet50 --batch 32 --training --fits 24GB"));
        (JsonReport.Write(memory, fit) + "\n").Should().Be(Cli("memory resnet50 --batch 32 --training --fits 24GB --format json"));

        var models = new[] { "resnet18", "mobilenet_v2" }.Select(m => (Catalog.Create(m), Catalog.Find(m).Top1)).ToList();
        var comparison = Comparisons.Compare(models, new AnalysisOptions(), new LatencyOptions { Batch = 8 });
        TextReport.Write(comparison).Should().Be(Cli("compare resnet18 mobilenet_v2 --device h200 --batch 8"));
        CsvReport.Write(comparison).Should().Be(Cli("compare resnet18 mobilenet_v2 --device h200 --batch 8 --format csv"));

        var sweep = Sweeps.OverResolution(Catalog.Create("mobilenet_v2"), [128, 192, 256], latency: new LatencyOptions());
        (JsonReport.Write(sweep) + "\n").Should().Be(Cli("sweep mobilenet_v2 --resolution 128:256:64 --device h200 --format json"));

        var latency = LatencyModel.Predict(Catalog.Create("resnet18"), new LatencyOptions { DataType = DataType.Bf16, Batch = 64 });
        TextReport.Write(latency).Should().Be(Cli("latency resnet18 --dtype bf16 --batch 64"));

        var study = EqualCostStudy.Run("mobilenet_v2", "width", new DesignCost(CostKind.Macs), target: 200e6);
        TextReport.Write(study).Should().Be(Cli("design solve mobilenet_v2 --vary width --target 200M"));

        var search = Search.Run(DesignSpace.Load("regnet"), new SearchOptions { Samples = 500, Seed = 1, Budgets = [Budget.Parse("macs<=400M")] });
        CsvReport.Write(search).Should().Be(Cli("search regnet --samples 500 --budget macs<=400M --seed 1 --format csv"));
    }

    private static string Cli(string command) => CliTests.Run(command.Split(' ')).Out;
}

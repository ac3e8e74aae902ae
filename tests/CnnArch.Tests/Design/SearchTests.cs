using System.Text.Json;
using CnnArch.Tests.Cli;
using CsCheck;

namespace CnnArch.Tests.Design;

/// <summary>search: budgets hold, the frontier is non-dominated, the seed fixes the output.</summary>
public class SearchTests
{
    private static readonly DesignSpace RegNet = DesignSpace.Load("regnet");

    private static readonly Gen<(int Seed, long Macs, long Params)> Searches =
        Gen.Select(Gen.Int[0, 10_000], Gen.Long[50_000_000, 4_000_000_000], Gen.Long[1_000_000, 30_000_000]);

    private static SearchResult Run(int seed, long macs, long parameters, int samples = 400) => Search.Run(RegNet, new SearchOptions
    {
        Samples = samples,
        Seed = seed,
        Budgets = [new Budget(new DesignCost(CostKind.Macs), macs), new Budget(new DesignCost(CostKind.Params), parameters)],
        Maximize = [new DesignCost(CostKind.Macs)],
        Minimize = [new DesignCost(CostKind.Params), new DesignCost(CostKind.Memory)],
    });

    [Fact]
    public void Should_Keep_Every_Returned_Candidate_Within_Every_Budget()
    {
        Searches.Sample(t =>
        {
            var r = Run(t.Seed, t.Macs, t.Params);
            return r.Feasible.All(c => c.Costs[0] <= t.Macs && c.Costs[1] <= t.Params) && r.Frontier.All(c => r.Feasible.Contains(c));
        }, iter: 30);
    }

    [Fact]
    public void Should_Return_No_Candidate_Another_Sampled_One_Dominates()
    {
        Searches.Sample(t =>
        {
            var r = Run(t.Seed, t.Macs, t.Params);
            bool Dominates(SearchCandidate a, SearchCandidate b) =>
                a.Costs[0] >= b.Costs[0] && a.Costs[1] <= b.Costs[1] && a.Costs[2] <= b.Costs[2]
                && (a.Costs[0] > b.Costs[0] || a.Costs[1] < b.Costs[1] || a.Costs[2] < b.Costs[2]);
            return r.Frontier.All(f => !r.Feasible.Any(c => Dominates(c, f)));
        }, iter: 30);
    }

    [Fact]
    public void Should_Give_The_Same_Output_For_The_Same_Seed()
    {
        Gen.Int[0, 100_000].Sample(seed =>
        {
            var (a, b) = (Run(seed, 1_000_000_000, 10_000_000, 200), Run(seed, 1_000_000_000, 10_000_000, 200));
            return a.Frontier.Select(c => (c.Index, string.Join(",", c.Values), string.Join(",", c.Costs)))
                .SequenceEqual(b.Frontier.Select(c => (c.Index, string.Join(",", c.Values), string.Join(",", c.Costs))))
                && a.Feasible.Length == b.Feasible.Length;
        }, iter: 20);
    }

    [Fact]
    public void Should_Give_The_Same_Csv_From_The_Cli_For_The_Same_Seed_And_Another_For_Another()
    {
        string[] Args(string seed) => ["search", "regnet", "--samples", "2000", "--seed", seed, "--budget", "macs<=400M", "--format", "csv"];

        var (first, second, other) = (CliTests.Run(Args("7")), CliTests.Run(Args("7")), CliTests.Run(Args("8")));

        first.Code.Should().Be(0, first.Err);
        first.Out.Should().Be(second.Out);
        first.Out.Should().NotBe(other.Out);
        first.Out.Split('\n')[0].Should().Be("index,depth,w0,wa,wm,group_width,bottleneck_ratio,se_ratio,macs,memory,preset,top1");
    }

    [Fact]
    public void Should_Cost_Mobilenet_Candidates_By_Building_Them_And_Recognise_MnasNet()
    {
        var space = DesignSpace.Load("mobilenet");
        double[] mnasnet = [1.0, 3, 3, 3, 3, 5, 3, 6, 5, 3, 6, 3, 2, 6, 5, 4, 6, 3, 1];

        space.MatchingPreset(mnasnet).Should().Be("mnasnet1_0");
        var totals = Analyzer.Analyze(space.Build(mnasnet), new AnalysisOptions { Convention = Conventions.TorchVision }).Totals;
        totals.Parameters.Should().Be(4_383_312);
        totals.Macs.Should().Be(314_415_872);
    }

    [Fact]
    public void Should_Recognise_A_Torchvision_RegNet_Sampled_From_The_Space()
    {
        var values = RegNet.Parameters.Select(p => p.Name switch
        {
            "depth" => 16.0, "w0" => 48, "wa" => 27.89, "wm" => 2.09, "group_width" => 8, "bottleneck_ratio" => 1, "se_ratio" => 0.25, _ => throw new InvalidOperationException(p.Name),
        }).ToArray();

        RegNet.MatchingPreset(values).Should().Be("regnet_y_400mf");
        RegNet.FastCost(values).Macs.Should().Be(401_842_848);
    }

    [Fact]
    public void Should_Export_Frontier_Candidates_As_Spec_Files_That_Analyze_Reads()
    {
        var folder = Path.Combine(Path.GetTempPath(), "cnnarch-search-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, _, error) = CliTests.Run("search", "regnet", "--samples", "300", "--budget", "macs<=600M", "--export", folder, "--format", "json");
            code.Should().Be(0, error);
            var files = Directory.GetFiles(folder, "*.json");
            files.Should().NotBeEmpty();

            var (analyzeCode, output, _) = CliTests.Run("analyze", files[0], "--convention", "torchvision", "--format", "json");
            analyzeCode.Should().Be(0);
            using var doc = JsonDocument.Parse(output);
            doc.RootElement.GetProperty("totals").GetProperty("macs").GetInt64().Should().BeLessThanOrEqualTo(600_000_000);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void Should_Apply_A_Training_Memory_Budget_Through_The_Memory_Model()
    {
        var r = Search.Run(RegNet, new SearchOptions
        {
            Samples = 40,
            Seed = 3,
            Budgets = [Budget.Parse("train-memory<=2GB@8")],
        });

        var index = r.Costs.IndexOf(new DesignCost(CostKind.TrainMemory, 8));
        r.Feasible.Should().NotBeEmpty();
        r.Feasible.Should().OnlyContain(c => c.Costs[index] <= 2L << 30);
        var first = r.Feasible[0];
        first.Costs[index].Should().Be(CnnArch.Memory.MemoryAnalyzer.Analyze(RegNet.Build(first.Values), new CnnArch.Memory.MemoryOptions { Batch = 8 }).Training.PeakBytes);
    }

    [Fact]
    public void Should_Refuse_A_Malformed_Space_Naming_The_Field()
    {
        var act = () => DesignSpace.Parse("""{ "name": "x", "description": "y", "family": "regnet", "parameters": { "depth": { "min": 5 } } }""");

        act.Should().Throw<FormatException>().WithMessage("Design space parameter 'depth' needs choices, or min <= max*");
    }

    [Theory]
    [InlineData("search|regnet|--budget|flops<=1G", "error: Unknown cost 'flops'; known: macs, params, memory, train-memory@BATCH.")]
    [InlineData("search|nowhere.json", "error: No design space 'nowhere.json': give a built-in (regnet, mobilenet) or a JSON file.")]
    [InlineData("design|scale|resnet50|--budget|macs=2G", "error: Compound scaling needs 'resnet50' to take width and depth multipliers;")]
    [InlineData("design|solve|resnet50|--vary|groups|--match|resnet50|--target|2G", "error: Give exactly one of --match PRESET and --target AMOUNT.")]
    public void Should_Answer_A_Usage_Error_With_One_Line_And_Exit_Code_2(string args, string message)
    {
        var (code, output, error) = CliTests.Run(args.Split('|'));

        code.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().StartWith(message);
        error.TrimEnd().Should().NotContain("\n");
    }

    [Fact]
    public void Should_Print_The_Frontier_And_The_Edf_With_The_Cost_Only_Note()
    {
        var (code, output, _) = CliTests.Run("search", "regnet", "--samples", "5000", "--seed", "1", "--budget", "macs<=400M", "--budget", "params<=5M");

        code.Should().Be(0);
        output.Should().StartWith("Searched regnet: 5,000 candidates (seed 1) in ").And.Contain("cost-only fast path")
            .And.Contain("Pareto frontier (max macs, min memory)").And.Contain("EDF of feasible")
            .And.Contain("Search predicts cost, not accuracy");
    }
}

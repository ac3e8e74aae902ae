using CnnArch.Memory;

namespace CnnArch.Tests.Memory;

/// <summary>The largest batch that fits, solved from the memory's slope in the batch and checked exactly around it.</summary>
public class LargestBatchTests
{
    public static TheoryData<string, long, bool> Cases() => new()
    {
        { "resnet50", 24L << 30, true },
        { "resnet50", 24L << 30, false },
        { "vgg16", 80L << 30, true },
        { "mobilenet_v2", 8L << 30, true },
        { "alexnet", 300L << 20, false },
        { "googlenet", 1L << 30, true },
        { "efficientnet_b0", 16L << 30, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_Answer_Fits_And_One_More_Sample_Does_Not(string preset, long budget, bool training)
    {
        var network = Catalog.Create(preset);
        var options = new MemoryOptions { Optimizer = Optimizer.Adam };
        long TotalAt(int batch) => MemoryAnalyzer.Total(MemoryAnalyzer.Analyze(network, options with { Batch = batch }), training);

        var batch = MemoryAnalyzer.LargestBatch(network, budget, options, training);

        batch.Should().BePositive();
        TotalAt(batch).Should().BeLessThanOrEqualTo(budget);
        TotalAt(batch + 1).Should().BeGreaterThan(budget);
    }

    [Fact]
    public void A_Budget_Below_One_Sample_Gives_Zero_And_A_Huge_One_Stops_At_Int_Max()
    {
        var network = Catalog.Create("resnet18");

        MemoryAnalyzer.LargestBatch(network, 1L << 20).Should().Be(0);
        MemoryAnalyzer.LargestBatch(network, long.MaxValue, training: false).Should().BeGreaterThan(1_000_000);
    }

    [Fact]
    public void A_Node_Given_New_Inputs_Keeps_Its_Input_Ids_In_Step()
    {
        var node = Catalog.Create("resnet18").Nodes[1];

        (node with { Inputs = [Tensor.NetworkInput, new Tensor(0)] }).InputIds.Should().Equal(-1, 0);
    }
}

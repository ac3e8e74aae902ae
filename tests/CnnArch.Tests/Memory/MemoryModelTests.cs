using CnnArch.Memory;

namespace CnnArch.Tests.Memory;

public class MemoryModelTests
{
    private static readonly TensorShape Input = TensorShape.Chw(4, 8, 8);
    private const long Map = 4 * 8 * 8 * 4; // one 4x8x8 fp32 tensor

    private static MemoryReport Estimate(Module module, MemoryOptions? options = null) =>
        MemoryAnalyzer.Analyze(Network.Create("n", module, Input), (options ?? new MemoryOptions()) with { AllocationGranularity = 1 });

    private static Conv2d Conv => new() { OutChannels = 4, Padding = 1, HasBias = false };

    private static Conv2d Pointwise => new() { OutChannels = 4, Kernel = 1, HasBias = false };

    [Fact]
    public void Should_Share_Storage_Between_BatchNorm_And_An_InPlace_ReLU()
    {
        var inPlace = Estimate(Sequential.Of(("conv", Pointwise), ("bn", new BatchNorm2d()), ("relu", new ReLU { Inplace = true })));
        var separate = Estimate(Sequential.Of(("conv", Pointwise), ("bn", new BatchNorm2d()), ("relu", new ReLU())));

        inPlace.Inference.PeakBytes.Should().Be(2 * Map, "conv and BN outputs; the ReLU writes over BN's");
        separate.Inference.PeakBytes.Should().Be(2 * Map, "the conv output is freed before the ReLU runs");
        const long statistics = 2 * 4 * 4; // BN's per-channel mean and inverse std
        inPlace.Training.SavedActivationBytes.Should().Be((2 * Map) + statistics, "BN keeps the conv output, the ReLU its (shared) output");
        separate.Training.SavedActivationBytes.Should().Be((2 * Map) + statistics, "the ReLU saves its own output and nobody keeps BN's");
        inPlace.Inference.SumOfOutputsBytes.Should().Be(2 * Map, "the in-place ReLU allocates nothing");
        separate.Inference.SumOfOutputsBytes.Should().Be(3 * Map);
    }

    [Fact]
    public void Should_Keep_A_Residual_Identity_Alive_Across_The_Block()
    {
        var block = new Residual { Body = Sequential.Of(("a", Pointwise), ("b", Pointwise), ("c", Pointwise)) };

        var report = Estimate(Sequential.Of(("stem", Pointwise), ("block", block)));

        // From b on, three maps live: the identity (stem output, held by the block), the previous and the new output.
        report.Inference.PeakBytes.Should().Be(3 * Map);
        report.Inference.PeakLayer.Should().Be("block.b");
    }

    [Fact]
    public void Should_Keep_An_Inception_Input_Alive_Until_The_Last_Branch_Has_Read_It()
    {
        var inception = new Inception(new Child("a", Pointwise), new Child("b", Pointwise), new Child("c", Pointwise));

        var report = Estimate(Sequential.Of(("stem", Pointwise), ("mix", inception)));

        // Before the concatenation: the input and three branch outputs; then the 12-channel result.
        report.Inference.PeakBytes.Should().Be((4 * Map) + (3 * Map));
    }

    [Fact]
    public void Should_Add_A_Conv_Workspace_Of_Twice_The_Output_For_Kernels_Above_1x1()
    {
        Estimate(Sequential.Of(("conv", Conv))).Inference.PeakBytes.Should().Be(3 * Map);
        Estimate(Sequential.Of(("conv", Pointwise))).Inference.PeakBytes.Should().Be(Map);
    }

    [Fact]
    public void Should_Save_Max_Pool_Indices_As_Int64_And_Dropout_Masks_As_Bytes()
    {
        var pool = Estimate(Sequential.Of(("conv", Pointwise), ("pool", new MaxPool2d { Kernel = 2 })));
        var dropout = Estimate(Sequential.Of(("conv", Pointwise), ("drop", new Dropout())));

        pool.Training.SavedActivationBytes.Should().Be(Map + (4 * 4 * 4 * 8));
        dropout.Training.SavedActivationBytes.Should().Be(4 * 8 * 8, "the mask: one byte per element; the conv's input is the network input");
    }

    [Fact]
    public void Should_Scale_With_Batch_And_Precision_And_Price_The_Optimizer()
    {
        var net = Catalog.Create("resnet18");
        var fp32 = MemoryAnalyzer.Analyze(net, new MemoryOptions { Batch = 8, AllocationGranularity = 1 });
        var mixed = MemoryAnalyzer.Analyze(net, new MemoryOptions { Batch = 8, DataType = DataType.Fp16, Weights = DataType.Fp32, AllocationGranularity = 1, Optimizer = Optimizer.Adam });

        const long indices = 64L * 56 * 56 * 8 * 8; // max-pool indices stay int64 in every precision
        mixed.Training.SavedActivationBytes.Should().Be(((fp32.Training.SavedActivationBytes - indices) / 2) + indices);
        mixed.ParameterBytes.Should().Be(fp32.ParameterBytes, "weights stay fp32 in mixed precision");
        mixed.Training.OptimizerStateBytes.Should().Be(2 * mixed.ParameterBytes);
        fp32.Training.OptimizerStateBytes.Should().Be(fp32.ParameterBytes, "SGD with momentum keeps one buffer");
        fp32.Training.GradientBytes.Should().Be(fp32.ParameterBytes);
        fp32.Training.PeakBytes.Should().Be(fp32.ParameterBytes + fp32.BufferBytes + fp32.InputBytes + fp32.Training.OptimizerStateBytes + fp32.Training.ForwardBackwardPeakBytes);
        fp32.ParameterBytes.Should().Be(4 * 11_689_512L);
    }

    [Fact]
    public void Should_Find_The_Largest_Batch_That_Fits()
    {
        var net = Catalog.Create("resnet50");
        var options = new MemoryOptions();
        var budget = 24L << 30;

        var batch = MemoryAnalyzer.LargestBatch(net, budget, options);

        MemoryAnalyzer.Total(MemoryAnalyzer.Analyze(net, options with { Batch = batch }), training: true).Should().BeLessThanOrEqualTo(budget);
        MemoryAnalyzer.Total(MemoryAnalyzer.Analyze(net, options with { Batch = batch + 1 }), training: true).Should().BeGreaterThan(budget);
        MemoryAnalyzer.LargestBatch(net, 1L << 20, options).Should().Be(0, "1 MiB does not even hold the weights");
    }
}

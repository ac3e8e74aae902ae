using CnnArch.Performance;

namespace CnnArch.Tests.Performance;

/// <summary>The CPU rules of the latency model: fusion, the cache, the profile file, and the fit.</summary>
public class CpuLatencyTests
{
    private static readonly LatencyParameters Truth = new()
    {
        Convolution = [0.7, 0.7],
        GroupedConvolution = [0.14, 0.14],
        GroupWidthHalfEfficiency = 16,
        DepthwiseConvolution = [0.2, 0.2],
        MatrixMultiply = [0.8, 0.8],
        Memory = 0.8,
        KernelMicroseconds = 10,
        ConvolutionMemory = 0.5,
    };

    private static DeviceProfile Cpu(CpuOptimization level = CpuOptimization.All, LatencyParameters? parameters = null) => new()
    {
        Name = "test-cpu",
        Description = "a CPU for tests",
        Calibrated = true,
        Source = "made up",
        MemoryBandwidthGBps = 20,
        Fp32Tflops = 0.2,
        Cpu = new CpuFacts { Model = "test", LogicalProcessors = 4, Threads = 4, LastLevelCacheBytes = 8 << 20, CacheBandwidthGBps = 100, Runtime = "none", Optimization = level },
        Parameters = parameters ?? Truth,
    };

    private static LatencyReport Predict(Network network, DeviceProfile device, int batch = 1) =>
        LatencyModel.Predict(network, new LatencyOptions { Device = device, Batch = batch });

    private static IEnumerable<string> Fused(LatencyReport report) => report.Layers.Where(l => l.Bound == LatencyBound.Fused).Select(l => l.Path);

    [Fact]
    public void Should_Fuse_Batch_Norm_Activation_And_Residual_Add_Into_The_Convolution_At_All()
    {
        var report = Predict(Catalog.Create("resnet18"), Cpu(CpuOptimization.All));

        Fused(report).Should().Contain(["bn1", "relu", "layer1.0.bn1", "layer1.0.bn2", "layer1.0.add", "layer2.0.downsample.1"]);
        Fused(report).Should().NotContain(["maxpool", "fc", "avgpool"]);
        report.Layers.Where(l => l.Bound == LatencyBound.Fused).Should().OnlyContain(l => l.Milliseconds == 0);
    }

    [Fact]
    public void Should_Fold_Only_Batch_Norm_At_Basic_And_Nothing_At_None()
    {
        var network = Catalog.Create("resnet18");

        Fused(Predict(network, Cpu(CpuOptimization.Basic))).Should().OnlyContain(path => path.Contains("bn", StringComparison.Ordinal) || path.EndsWith("downsample.1", StringComparison.Ordinal));
        Fused(Predict(network, Cpu(CpuOptimization.None))).Should().BeEmpty();
    }

    [Fact]
    public void Should_Not_Fuse_A_Batch_Norm_When_Another_Layer_Reads_The_Convolution()
    {
        var b = new NetworkBuilder("two-readers");
        var conv = b.Add("conv", new Conv2d { OutChannels = 8, Kernel = 3, Padding = 1 }, b.Input);
        var bn = b.Add("bn", new BatchNorm2d(), conv);
        var network = b.Build(b.AddFunctional("add", Add.Instance, bn, conv), TensorShape.Chw(8, 16, 16));

        Fused(Predict(network, Cpu())).Should().BeEmpty();
    }

    [Fact]
    public void Should_Move_A_Working_Set_That_Fits_The_Cache_At_The_Caches_Bandwidth()
    {
        static Network Relu(int elements) => Network.Create("relu", new Sequential(new ReLU()), TensorShape.Vector(elements));

        var small = Predict(Relu(1024), Cpu()).Milliseconds;
        var large = Predict(Relu(4 << 20), Cpu()).Milliseconds;

        // 2 x 1,024 floats at 100 GB/s x 0.8, and 2 x 4 Mi floats (32 MiB, over the 8 MiB cache) at 20 GB/s x 0.8; 10 us each.
        small.Should().BeApproximately((2 * 1024 * 4 / (100e9 * 0.8) * 1e3) + 0.01, 1e-12);
        large.Should().BeApproximately((2.0 * (4 << 20) * 4 / (20e9 * 0.8) * 1e3) + 0.01, 1e-12);
    }

    [Fact]
    public void Should_Bound_A_Convolution_By_Its_Class_Efficiency_Of_The_Peak()
    {
        var network = Network.Create("conv", new Sequential(new Conv2d { OutChannels = 64, Kernel = 3, Padding = 1, HasBias = false }), TensorShape.Chw(64, 56, 56));

        var row = Predict(network, Cpu()).Layers.Single();

        // 2 x 64 x 64 x 9 x 56 x 56 FLOPs at 0.2 TFLOP/s x 0.7, plus 10 us.
        row.Bound.Should().Be(LatencyBound.Compute);
        row.Milliseconds.Should().BeApproximately((2.0 * 64 * 64 * 9 * 56 * 56 / (0.2e12 * 0.7) * 1e3) + 0.01, 1e-12);
    }

    [Fact]
    public void Should_Run_A_Wider_Group_Closer_To_The_Dense_Efficiency()
    {
        static double Rate(int groups)
        {
            var network = Network.Create("grouped", new Sequential(new Conv2d { OutChannels = 512, Kernel = 3, Padding = 1, Groups = groups, HasBias = false }), TensorShape.Chw(512, 28, 28));
            var row = Predict(network, Cpu()).Layers.Single();
            return row.Flops / (row.Milliseconds - 0.01) / 1e6;
        }

        // 0.2 TFLOP/s x 0.7 x w / (w + 16): 4 channels per group (128 groups) at 28 GFLOP/s, 128 (4 groups) at 124.4.
        Rate(128).Should().BeApproximately(200 * 0.7 * 4 / 20, 1e-6);
        Rate(4).Should().BeApproximately(200 * 0.7 * 128 / 144, 1e-6);
    }

    [Fact]
    public void Should_Read_Back_A_Cpu_Profile_Without_The_Fields_Of_A_Gpu()
    {
        var json = Cpu().ToJson();

        var read = DeviceProfile.Parse(json);

        read.Should().BeEquivalentTo(Cpu());
        json.Should().Contain("\"optimization\": \"All\"").And.Contain("\"convolutionMemory\": 0.5");
        json.Should().NotContain("streamingMultiprocessors").And.NotContain("hostConvolutionMicroseconds").And.NotContain("tf32Tflops");
    }

    [Fact]
    public void Should_Name_The_Field_Of_A_Cpu_Profile_Out_Of_Range()
    {
        var json = Cpu().ToJson().Replace("\"threads\": 4", "\"threads\": 0", StringComparison.Ordinal);

        var act = () => DeviceProfile.Parse(json, "mine.json");

        act.Should().Throw<FormatException>().WithMessage("'mine.json': cpu.threads must be from 1 to 100,000, got 0.");
    }

    [Fact]
    public void Should_Predict_A_Cpu_In_Fp32_Only()
    {
        var act = () => LatencyModel.Predict(Catalog.Create("resnet18"), new LatencyOptions { Device = Cpu(), DataType = DataType.Bf16 });

        act.Should().Throw<ArgumentException>().WithMessage("CPU profile 'test-cpu' predicts fp32, as it was calibrated; got bf16.*");
    }

    [Fact]
    public void Should_Fit_Parameters_That_Reproduce_The_Benchmarks_They_Were_Fitted_To()
    {
        static Network Single(string name, Layer layer, TensorShape input) => Network.Create(name, new Sequential(layer), input);
        Network[] suite =
        [
            Single("dense", new Conv2d { OutChannels = 128, Kernel = 3, Padding = 1 }, TensorShape.Chw(128, 28, 28)),
            Single("dense-small", new Conv2d { OutChannels = 16, Kernel = 1 }, TensorShape.Chw(16, 7, 7)),
            Single("grouped", new Conv2d { OutChannels = 256, Kernel = 3, Padding = 1, Groups = 32 }, TensorShape.Chw(256, 28, 28)),
            Single("grouped-wide", new Conv2d { OutChannels = 512, Kernel = 3, Padding = 1, Groups = 4 }, TensorShape.Chw(512, 14, 14)),
            Single("depthwise", new Conv2d { OutChannels = 96, Kernel = 3, Padding = 1, Groups = 96 }, TensorShape.Chw(96, 112, 112)),
            Single("depthwise-small", new Conv2d { OutChannels = 96, Kernel = 3, Padding = 1, Groups = 96 }, TensorShape.Chw(96, 14, 14)),
            Single("linear", new Linear { OutFeatures = 1024 }, TensorShape.Of(196, 768)),
            Single("relu", new ReLU(), TensorShape.Chw(64, 112, 112)),
            Single("relu-small", new ReLU(), TensorShape.Vector(256)),
        ];
        var truth = Cpu();
        var measured = suite.SelectMany(n => new[] { 1, 8 }.Select(b => new ModelMeasurement(n.Name, "test", n, b, DataType.Fp32, Predict(n, truth, b).Milliseconds))).ToList();

        var fitted = truth with { Parameters = LatencyCalibration.FitCpu(truth with { Parameters = null }, measured) };

        foreach (var m in measured)
        {
            Predict(m.Network, fitted, m.Batch).Milliseconds.Should().BeApproximately(m.Milliseconds, m.Milliseconds * 0.02, $"{m.Name} at batch {m.Batch}");
        }
    }
}

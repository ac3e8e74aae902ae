using System.Collections.Immutable;
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
        // A CPU without a blocked layout runs every convolution as an unfolding and a matrix product.
        var truth = Cpu(parameters: Truth with { UnblockedConvolution = 0.9, UnblockedHalfDimension = 8 });
        var measured = suite.SelectMany(n => new[] { 1, 8 }.Select(b => new ModelMeasurement(n.Name, "test", n, b, DataType.Fp32, Predict(n, truth, b).Milliseconds))).ToList();

        var fitted = truth with { Parameters = LatencyCalibration.FitCpu(truth with { Parameters = null }, measured) };

        foreach (var m in measured)
        {
            Predict(m.Network, fitted, m.Batch).Milliseconds.Should().BeApproximately(m.Milliseconds, m.Milliseconds * 0.02, $"{m.Name} at batch {m.Batch}");
        }
    }

    private static DeviceProfile Blocked(LatencyParameters parameters, int block = 16) =>
        Cpu(parameters: parameters) is var d ? d with { Cpu = d.Cpu! with { ChannelBlock = block } } : d;

    [Theory]
    [InlineData(3, 64, 1, true)] // a stem reads the plain layout
    [InlineData(64, 64, 1, true)]
    [InlineData(24, 144, 1, false)] // input channels off the block
    [InlineData(144, 24, 1, false)] // output channels off the block
    [InlineData(144, 144, 144, true)] // depthwise
    [InlineData(120, 120, 120, false)] // depthwise, channels off the block
    [InlineData(128, 128, 8, true)] // 16 per group
    [InlineData(128, 128, 32, false)] // 4 per group
    [InlineData(168, 168, 7, false)] // 24 per group
    public void Should_Run_A_2d_Convolution_In_The_Blocked_Layout_Only_When_Its_Channels_Fit_The_Block(int inputs, int outputs, int groups, bool blocked)
    {
        var conv = new Conv2d { OutChannels = outputs, Kernel = 3, Padding = 1, Groups = groups };

        CpuLayout.Blocked(conv, TensorShape.Chw(inputs, 28, 28), 16).Should().Be(blocked);
    }

    [Fact]
    public void Should_Never_Run_A_1d_Or_3d_Convolution_In_The_Blocked_Layout()
    {
        CpuLayout.Blocked(new Conv1d { OutChannels = 64, Kernel = 3 }, TensorShape.Of(64, 100), 16).Should().BeFalse();
        CpuLayout.Blocked(new Conv3d { OutChannels = 64, Kernel = 3 }, TensorShape.Of(64, 8, 28, 28), 16).Should().BeFalse();
    }

    [Fact]
    public void Should_Run_An_Unblocked_Convolution_At_Its_Fraction_Of_The_Blocked_Efficiency()
    {
        var device = Blocked(Truth with { UnblockedConvolution = 0.5 });
        static double Compute(Network n, DeviceProfile d) => Predict(n, d).Layers.Single().Milliseconds - 0.01;
        var blocked = Network.Create("c64", new Sequential(new Conv2d { OutChannels = 64, Kernel = 3, Padding = 1, HasBias = false }), TensorShape.Chw(64, 56, 56));
        var unblocked = Network.Create("c24", new Sequential(new Conv2d { OutChannels = 24, Kernel = 3, Padding = 1, HasBias = false }), TensorShape.Chw(24, 56, 56));

        // 2 x C^2 x 9 x 56^2 FLOPs at 0.2 TFLOP/s x 0.7, and x 0.5 off the block.
        Compute(blocked, device).Should().BeApproximately(2.0 * 64 * 64 * 9 * 56 * 56 / (0.2e12 * 0.7) * 1e3, 1e-12);
        Compute(unblocked, device).Should().BeApproximately(2.0 * 24 * 24 * 9 * 56 * 56 / (0.2e12 * 0.7 * 0.5) * 1e3, 1e-12);
    }

    [Theory]
    [InlineData("1x1 from 24 channels", 24)] // the depth is 24
    [InlineData("1-D over 20 positions", 20)] // 128 filters, depth 384, but 20 positions
    [InlineData("3-D, 64 filters", 64)] // depth 64 x 27
    [InlineData("depthwise off the block", 0)] // a kernel of its own: no product to be narrow
    public void Should_Slow_An_Unblocked_Convolution_By_Its_Narrowest_Matrix_Dimension(string what, int narrow)
    {
        var device = Blocked(Truth with { UnblockedConvolution = 0.8, UnblockedHalfDimension = 16 });
        var network = what switch
        {
            "1x1 from 24 channels" => Network.Create("c", new Sequential(new Conv2d { OutChannels = 144, Kernel = 1, HasBias = false }), TensorShape.Chw(24, 56, 56)),
            "1-D over 20 positions" => Network.Create("c", new Sequential(new Conv1d { OutChannels = 128, Kernel = 3, Padding = 1, HasBias = false }), TensorShape.Of(128, 20)),
            "3-D, 64 filters" => Network.Create("c", new Sequential(new Conv3d { OutChannels = 64, Kernel = 3, Padding = 1 }), TensorShape.Of(64, 8, 28, 28)),
            _ => Network.Create("c", new Sequential(new Conv2d { OutChannels = 120, Kernel = 5, Padding = 2, Groups = 120, HasBias = false }), TensorShape.Chw(120, 28, 28)),
        };
        var row = Predict(network, device).Layers.Single();
        var efficiency = (narrow == 0 ? 0.2 : 0.7) * 0.8 * (narrow == 0 ? 1 : narrow / (narrow + 16.0));

        row.Bound.Should().Be(LatencyBound.Compute, what);
        row.Milliseconds.Should().BeApproximately((row.Flops / (0.2e12 * efficiency) * 1e3) + 0.01, 1e-12, what);
    }

    [Fact]
    public void Should_Fit_The_Unblocked_Efficiency_And_Its_Half_Dimension_From_Benchmarks()
    {
        static Network Single(string name, Layer layer, TensorShape input) => Network.Create(name, new Sequential(layer), input);
        Network[] suite =
        [
            Single("dense", new Conv2d { OutChannels = 128, Kernel = 3, Padding = 1, HasBias = false }, TensorShape.Chw(128, 28, 28)),
            Single("depthwise", new Conv2d { OutChannels = 96, Kernel = 3, Padding = 1, Groups = 96, HasBias = false }, TensorShape.Chw(96, 56, 56)),
            Single("expand24", new Conv2d { OutChannels = 144, Kernel = 1, HasBias = false }, TensorShape.Chw(24, 28, 28)),
            Single("conv24", new Conv2d { OutChannels = 24, Kernel = 3, Padding = 1, HasBias = false }, TensorShape.Chw(24, 28, 28)),
            Single("conv1d", new Conv1d { OutChannels = 256, Kernel = 3, Padding = 1, HasBias = false }, TensorShape.Of(256, 500)),
            Single("conv3d", new Conv3d { OutChannels = 64, Kernel = 3, Padding = 1, HasBias = false }, TensorShape.Of(64, 4, 14, 14)),
            Single("linear", new Linear { OutFeatures = 1024 }, TensorShape.Of(196, 768)),
            Single("relu", new ReLU(), TensorShape.Chw(64, 112, 112)),
            Single("relu-small", new ReLU(), TensorShape.Vector(256)),
        ];
        var truth = Blocked(Truth with { UnblockedConvolution = 0.8, UnblockedHalfDimension = 16 });
        var measured = suite.Select(n => new ModelMeasurement(n.Name, "test", n, 1, DataType.Fp32, Predict(n, truth).Milliseconds)).ToList();

        var fitted = truth with { Parameters = LatencyCalibration.FitCpu(truth with { Parameters = null }, measured) };

        foreach (var m in measured)
        {
            Predict(m.Network, fitted).Milliseconds.Should().BeApproximately(m.Milliseconds, m.Milliseconds * 0.02, m.Name);
        }
    }

    [Fact]
    public void Should_Run_A_Kind_With_A_Measured_Rate_At_That_Rate_Unless_Its_Bytes_Take_Longer()
    {
        var device = Cpu(parameters: Truth with { KindRates = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, double>("LocalResponseNorm", 1.0)]) });
        var lrn = Network.Create("lrn", new Sequential(new LocalResponseNorm { Size = 5 }), TensorShape.Chw(64, 56, 56));

        var row = Predict(lrn, device).Layers.Single();

        // Its FLOPs (Full convention) at 10^9 per second, plus 10 us: slower than 2 x 64 x 56^2 floats at 100 GB/s x 0.8.
        row.Bound.Should().Be(LatencyBound.Compute);
        row.Milliseconds.Should().BeApproximately((row.Flops / 1e9 * 1e3) + 0.01, 1e-12);
    }

    [Fact]
    public void Should_Measure_A_Kind_Rate_As_Its_Work_Over_Its_Time_Less_The_Fixed_Cost()
    {
        var transpose = Network.Create("t", new Sequential(new Transpose { Perm = [1, 2, 0] }), TensorShape.Chw(96, 56, 56));
        var norms = new[] { (Rows: 197, Width: 768, Ms: 0.06), (Rows: 3136, Width: 96, Ms: 0.25) };
        var measured = norms.Select(n => new ModelMeasurement($"ln{n.Width}", "test", Network.Create("ln", new Sequential(new LayerNorm()), TensorShape.Of(n.Rows, n.Width)), 1, DataType.Fp32, n.Ms))
            .Append(new ModelMeasurement("transpose", "test", transpose, 1, DataType.Fp32, 0.05));

        var rates = LatencyCalibration.KindRates(Cpu(), measured, operatorMilliseconds: 0.01);

        // A transpose moves 2 x 96 x 56^2 elements in 0.04 ms; layer norms take the geometric mean of their two rates.
        rates["Transpose"].Should().BeApproximately(2.0 * 96 * 56 * 56 / 0.04e6, 1e-9);
        static double Rate(int rows, int width, double ms) => CnnArch.Analysis.Analyzer.Analyze(Network.Create("ln", new Sequential(new LayerNorm()), TensorShape.Of(rows, width)), new CnnArch.Analysis.AnalysisOptions { Convention = CnnArch.Analysis.Conventions.Full }).Totals.Flops / ((ms - 0.01) * 1e6);
        rates["LayerNorm"].Should().BeApproximately(Math.Sqrt(Rate(197, 768, 0.06) * Rate(3136, 96, 0.25)), 1e-9);
    }

    [Fact]
    public void Should_Copy_A_Slice_On_A_Cpu_Where_A_Framework_Takes_A_View()
    {
        var slice = Network.Create("s", new Sequential(new Slice { Ranges = [(0, 0, long.MaxValue, 2)] }), TensorShape.Of(56, 56, 96));

        Predict(slice, Cpu()).Layers.Single().Bound.Should().Be(LatencyBound.Memory);
        LatencyModel.Predict(slice, new LatencyOptions { Device = DeviceProfile.Get("h200") }).Layers.Single().Milliseconds.Should().Be(0);
    }

    [Fact]
    public void Should_Interpolate_The_Bandwidth_Of_A_Working_Set_On_The_Measured_Curve()
    {
        var facts = Cpu().Cpu! with { BandwidthCurve = [new BandwidthPoint(1 << 20, 200), new BandwidthPoint(4 << 20, 50)] };

        CpuBandwidth.At(facts, 512 << 10, 20).Should().Be(200);
        CpuBandwidth.At(facts, 2 << 20, 20).Should().BeApproximately(100, 1e-9); // halfway on a log scale
        CpuBandwidth.At(facts, 64 << 20, 20).Should().Be(20); // past the curve: DRAM
    }

    [Fact]
    public void Should_Read_A_Networks_Weights_From_Dram_When_They_Overflow_The_Cache()
    {
        // 4096 x 4096 weights (64 MiB) overflow the 8 MiB cache; one 4096-vector in, one out, from the cache.
        var fc = Network.Create("fc", new Sequential(new Linear { OutFeatures = 4096, HasBias = false }), TensorShape.Vector(4096));

        var row = Predict(fc, Cpu()).Layers.Single();

        row.Milliseconds.Should().BeApproximately((((4096.0 * 4096 * 4 / 20e9) + (2 * 4096.0 * 4 / 100e9)) / 0.8 * 1e3) + 0.01, 1e-12);
    }

    [Fact]
    public void Should_Name_A_Bandwidth_Curve_That_Does_Not_Grow()
    {
        var device = Cpu() with { Cpu = Cpu().Cpu! with { BandwidthCurve = [new BandwidthPoint(1 << 20, 200), new BandwidthPoint(1 << 20, 50)] } };

        var act = () => DeviceProfile.Parse(device.ToJson(), "mine.json");

        act.Should().Throw<FormatException>().WithMessage("'mine.json': cpu.bandwidthCurve[1].bytes (growing) must be from 1,048,577 to *");
    }

    [Theory]
    [InlineData("unblockedHalfDimension", 0)]
    [InlineData("unblockedHalfDimension", -3)]
    [InlineData("unblockedHalfDimension", 2e6)]
    [InlineData("groupWidthHalfEfficiency", 0)]
    [InlineData("groupWidthHalfEfficiency", 1e-9)]
    public void Should_Refuse_A_Half_Width_Out_Of_Range(string field, double value)
    {
        var device = Blocked(field == "unblockedHalfDimension" ? Truth with { UnblockedHalfDimension = value } : Truth with { GroupWidthHalfEfficiency = value });

        var act = () => DeviceProfile.Parse(device.ToJson(), "mine.json");

        act.Should().Throw<FormatException>().WithMessage($"'mine.json': parameters.{field} must be from *");
    }

    [Fact]
    public void Should_Keep_Fitted_Half_Widths_Above_Zero_When_The_Benchmarks_Show_No_Loss()
    {
        // Dense convolutions on the block only: nothing tells the fit how narrow products or groups slow down.
        var truth = Blocked(Truth);
        var measured = new[] { 64, 128 }.Select(c => Network.Create($"c{c}", new Sequential(new Conv2d { OutChannels = c, Kernel = 3, Padding = 1, HasBias = false }), TensorShape.Chw(c, 28, 28)))
            .Select(n => new ModelMeasurement(n.Name, "test", n, 1, DataType.Fp32, Predict(n, truth).Milliseconds)).ToList();

        var fitted = LatencyCalibration.FitCpu(truth with { Parameters = null }, measured);

        fitted.UnblockedHalfDimension.Should().BeInRange(0.01, 1e5);
        fitted.GroupWidthHalfEfficiency.Should().BeInRange(0.01, 1e5);
        DeviceProfile.Parse((truth with { Parameters = fitted }).ToJson()).Parameters.Should().BeEquivalentTo(fitted);
    }

    [Fact]
    public void Should_Read_Back_The_Blocked_Layout_Rates_And_Curve_Of_A_Calibrated_Profile()
    {
        var device = Blocked(Truth with { UnblockedConvolution = 0.6, UnblockedHalfDimension = 18.5, KindRates = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, double>("Softmax", 20)]) });
        device = device with { Cpu = device.Cpu! with { BandwidthCurve = [new BandwidthPoint(1 << 20, 200), new BandwidthPoint(4 << 20, 50)] } };

        var json = device.ToJson();

        DeviceProfile.Parse(json).Should().BeEquivalentTo(device);
        json.Should().Contain("\"channelBlock\": 16").And.Contain("\"unblockedConvolution\": 0.6").And.Contain("\"unblockedHalfDimension\": 18.5").And.Contain("\"Softmax\": 20").And.Contain("\"gbps\": 200");
    }
}

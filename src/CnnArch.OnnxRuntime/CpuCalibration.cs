using System.Collections.Immutable;
using System.Globalization;
using CnnArch.Graph;
using CnnArch.Layers;
using CnnArch.Onnx;
using CnnArch.Performance;

namespace CnnArch.OnnxRuntime;

/// <summary>How <see cref="CpuCalibration.Run"/> calibrates.</summary>
public sealed record CpuCalibrationOptions
{
    /// <summary>The profile's name; default <c>my-machine</c>.</summary>
    public string Name { get; init; } = "my-machine";

    /// <summary>ONNX Runtime's intra-op threads; 0 (the default) for one per logical processor.</summary>
    public int Threads { get; init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Threads), value, "Threads is 0 (one per logical processor) or more."); }

    /// <summary>The graph optimisation level the profile predicts for; default all, as deployment runs.</summary>
    public OrtOptimization Optimization { get; init; } = OrtOptimization.All;

    /// <summary>A short suite (a few seconds, for tests and CI) instead of the full one (under two minutes).</summary>
    public bool Quick { get; init; }

    /// <summary>
    /// How a benchmark is timed: its ONNX bytes, the options and its name in, the fastest run's milliseconds
    /// out; null (the default) runs it in this process. cnnarch-bench times each in a fresh process.
    /// </summary>
    public Func<byte[], OrtMeasureOptions, string, double>? Timer { get; init; }

    /// <summary>Called with each benchmark's name and time as it is measured (progress); may be null.</summary>
    public Action<CpuBenchmarkResult>? Progress { get; init; }
}

/// <summary>
/// One micro-benchmark of the suite: a network of one operator (or a chain of three) and the batch it runs
/// at; <paramref name="Rated"/> when its kind's own rate is measured from it (<see cref="LatencyParameters.KindRates"/>).
/// </summary>
public sealed record CpuBenchmark(Network Network, int Batch, bool Rated = false)
{
    /// <summary>The network's name, with the batch when it is not 1.</summary>
    public string Name => Batch == 1 ? Network.Name : $"{Network.Name}_b{Batch}";
}

/// <summary>One micro-benchmark: its name, network, batch, the time measured and the time the fitted profile predicts.</summary>
public sealed record CpuBenchmarkResult(string Name, Network Network, int Batch, double Milliseconds, double? PredictedMilliseconds = null);

/// <summary>A calibrated CPU profile with the benchmarks it was fitted to.</summary>
public sealed record CpuCalibrationResult(DeviceProfile Profile, ImmutableArray<CpuBenchmarkResult> Benchmarks);

/// <summary>
/// Calibrates the latency model for this machine's CPU with ONNX Runtime: measures the ceilings (the
/// fastest large matrix product for the peak, a large element-wise pass for DRAM bandwidth, a chain of
/// element-wise passes over a cache-sized tensor for the cache's bandwidth), then times a fixed suite of
/// single-operator networks (dense, grouped and depthwise convolutions over kernels 1 to 7, channels
/// 16 to 1024 and maps 7 to 112; matrix products; pools; element-wise, normalisation and copy kernels)
/// and fits the model's efficiencies and per-operator cost to them with
/// <see cref="LatencyCalibration.FitCpu"/>. Whole models are never measured: a profile predicts models
/// it has not seen.
/// </summary>
public static class CpuCalibration
{
    /// <summary>Runs the ceilings and the suite and fits a profile.</summary>
    /// <exception cref="OrtMeasureException">ONNX Runtime cannot run a benchmark.</exception>
    public static CpuCalibrationResult Run(CpuCalibrationOptions? options = null)
    {
        options ??= new CpuCalibrationOptions();
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        // The fastest run: a busy machine only ever adds time (cnnarch-bench check compares models by theirs too).
        double Time(Network network, int runs, int batch = 1)
        {
            var bytes = OnnxExporter.Export(network, new OnnxExportOptions { Weights = OnnxWeights.Random });
            var settings = new OrtMeasureOptions { Batch = batch, Threads = threads, Runs = runs, MinimumMilliseconds = options.Quick ? 0 : 200, Warmup = 3, Optimization = options.Optimization, Profile = false };
            return options.Timer is { } timer ? timer(bytes, settings, network.Name) : OrtRunner.Measure(bytes, settings, network.Name).Min;
        }

        var runs = options.Quick ? 3 : 15;
        var ceilings = Ceilings(options.Quick, (n, r) => Time(n, r * 2));
        var facts = new CpuFacts
        {
            Model = MachineFacts.ProcessorName(),
            LogicalProcessors = Environment.ProcessorCount,
            Threads = threads,
            LastLevelCacheBytes = ceilings.LastLevelCacheBytes,
            CacheBandwidthGBps = Math.Round(ceilings.CacheGBps, 2),
            BandwidthCurve = ceilings.Curve,
            Runtime = $"ONNX Runtime {OrtRunner.OrtVersion}, CPU execution provider",
            Optimization = options.Optimization.ToCpu(),
            ChannelBlock = MachineFacts.ChannelBlock(),
        };
        var suite = Suite(options.Quick);
        var measured = new List<CpuBenchmarkResult>(suite.Length);
        foreach (var benchmark in suite)
        {
            measured.Add(new CpuBenchmarkResult(benchmark.Name, benchmark.Network, benchmark.Batch, Time(benchmark.Network, runs, batch: benchmark.Batch)));
            options.Progress?.Invoke(measured[^1]);
        }

        // The peak is a ceiling: no benchmark may have run faster than it (a busy machine can slow the
        // matrix products the first estimate came from).
        var achieved = measured.Max(b => Analysis.Analyzer.Analyze(b.Network, new Analysis.AnalysisOptions { Convention = Analysis.Conventions.Full, Batch = b.Batch }).Totals.Flops / (b.Milliseconds * 1e6));
        ceilings = ceilings with { Gflops = Math.Max(ceilings.Gflops, achieved) };
        var device = new DeviceProfile
        {
            Name = options.Name,
            Description = $"{facts.Model}, {threads} thread{(threads == 1 ? "" : "s")}, {facts.Runtime}, optimization {options.Optimization.ToString().ToLowerInvariant()}",
            Calibrated = true,
            Source = string.Create(CultureInfo.InvariantCulture, $"cnnarch-bench calibrate{(options.Quick ? " --quick" : "")} on {DateTime.UtcNow:yyyy-MM-dd}: peak {ceilings.Gflops:0.#} GFLOP/s (the fastest rate measured), DRAM {ceilings.DramGBps:0.#} GB/s, cache {ceilings.CacheGBps:0.#} GB/s; efficiencies and per-operator cost fitted to {measured.Count} single-operator benchmarks, no whole model."),
            MemoryBandwidthGBps = Math.Round(ceilings.DramGBps, 2),
            Fp32Tflops = Math.Round(ceilings.Gflops / 1000, 5),
            // Attention is timed in the rated suite (MultiheadAttention and ScaledDotProductAttention
            // get kind rates of their own), so no kind is left uncalibrated.
            Cpu = facts,
        };
        var timed = measured.Select(b => new ModelMeasurement(b.Name, "benchmark", b.Network, b.Batch, DataType.Fp32, b.Milliseconds)).ToArray();
        var rates = LatencyCalibration.KindRates(device, timed.Where((_, i) => suite[i].Rated), ceilings.OperatorMilliseconds);
        var parameters = LatencyCalibration.FitCpu(device, timed, rates);
        device = device with { Parameters = Rounded(parameters) };
        var checkedResults = measured.Select(b => b with { PredictedMilliseconds = LatencyModel.Predict(b.Network, new LatencyOptions { Device = device, Batch = b.Batch }).Milliseconds });
        return new CpuCalibrationResult(device, [.. checkedResults]);
    }

    /// <summary>
    /// The suite the fit sees (<paramref name="quick"/>: a handful for tests): single operators at batch 1,
    /// whose working sets mostly fit the caches, and the common operators of CNNs and transformers again at
    /// batch 8 on large maps, where they stream from DRAM.
    /// </summary>
    public static ImmutableArray<CpuBenchmark> Suite(bool quick)
    {
        var suite = new List<Network>();
        // Dense convolutions: three in a chain (C to C, same map), so that ONNX Runtime's layout reorders at
        // the ends weigh as little as inside a model.
        foreach (var (k, c, map) in from k in new[] { 1, 3, 5, 7 } from c in new[] { 16, 64, 256, 1024 } from map in new[] { 7, 14, 28, 56, 112 } select (k, c, map))
        {
            var macs = (long)c * c * k * k * map * map;
            if (macs is >= 2_000_000 and <= 250_000_000)
            {
                suite.Add(Chain($"conv{k}x{k}_c{c}_{map}", c, map, () => new Conv2d { OutChannels = c, Kernel = k, Padding = k / 2, HasBias = false }));
            }
        }

        foreach (var (c, groups, map) in new[] { (128, 32, 56), (256, 32, 28), (512, 32, 14), (1024, 32, 7), (256, 8, 28), (432, 9, 28), (512, 4, 14), (896, 7, 14) })
        {
            suite.Add(Chain($"grouped3x3_c{c}_g{groups}_{map}", c, map, () => new Conv2d { OutChannels = c, Kernel = 3, Padding = 1, Groups = groups, HasBias = false }));
        }

        foreach (var (k, c, map) in new[] { (3, 32, 112), (3, 96, 56), (3, 144, 56), (3, 192, 28), (3, 384, 14), (3, 960, 7), (5, 40, 56), (5, 240, 14), (5, 672, 7), (7, 96, 56), (7, 384, 14) })
        {
            suite.Add(Chain($"depthwise{k}x{k}_c{c}_{map}", c, map, () => new Conv2d { OutChannels = c, Kernel = k, Padding = k / 2, Groups = c, HasBias = false }));
        }

        foreach (var (tokens, inF, outF) in new[] { (1, 512, 1000), (1, 2048, 1000), (1, 4096, 4096), (49, 1024, 1024), (197, 768, 768), (197, 768, 3072), (196, 384, 1536) })
        {
            suite.Add(Network.Create($"linear_{tokens}x{inF}_{outF}", new Sequential(new Linear { OutFeatures = outF }), tokens == 1 ? TensorShape.Vector(inF) : TensorShape.Of(tokens, inF)));
        }

        suite.AddRange(Unblocked());
        suite.Add(Network.Create("avgpool_global_c2048_7", new Sequential(AdaptiveAvgPool2d.Global), TensorShape.Chw(2048, 7, 7)));
        suite.Add(Network.Create("relu_c64_112", new Sequential(new ReLU()), TensorShape.Chw(64, 112, 112)));
        suite.Add(Network.Create("hardswish_c96_56", new Sequential(new HardSwish()), TensorShape.Chw(96, 56, 56)));
        suite.Add(Network.Create("sigmoid_c256_28", new Sequential(new Sigmoid()), TensorShape.Chw(256, 28, 28)));
        suite.Add(Network.Create("batchnorm_c128_56", new Sequential(new BatchNorm2d()), TensorShape.Chw(128, 56, 56)));
        suite.Add(Joined("add_c256_56", TensorShape.Chw(256, 56, 56), Layers.Add.Instance));
        suite.Add(Joined("concat_c128_28", TensorShape.Chw(128, 28, 28), Concat.Instance));
        List<CpuBenchmark> all = [.. suite.Select(n => new CpuBenchmark(n, 1)), .. Rated().Select(n => new CpuBenchmark(n, 1, Rated: true)), .. Streaming().Select(n => new CpuBenchmark(n, 8))];
        return quick ? [.. all.Where((_, i) => i % 9 == 0)] : [.. all];
    }

    // Convolutions ONNX Runtime cannot run in its blocked layout: channels off the block (MobileNet's 24 and
    // 40, RegNet's 24 per group), 1-D (audio) and 3-D (video).
    private static IEnumerable<Network> Unblocked()
    {
        yield return Chain("conv3x3_c24_56", 24, 56, () => new Conv2d { OutChannels = 24, Kernel = 3, Padding = 1, HasBias = false });
        yield return Network.Create("expand1x1_c40_240_28", new Sequential(new Conv2d { OutChannels = 240, Kernel = 1, HasBias = false }), TensorShape.Chw(40, 28, 28));
        yield return Chain("depthwise5x5_c120_28", 120, 28, () => new Conv2d { OutChannels = 120, Kernel = 5, Padding = 2, Groups = 120, HasBias = false });
        yield return Chain("grouped3x3_c168_g7_28", 168, 28, () => new Conv2d { OutChannels = 168, Kernel = 3, Padding = 1, Groups = 7, HasBias = false });
        yield return Chain("conv1d3_c128_2000", 128, 2000, () => new Conv1d { OutChannels = 128, Kernel = 3, Padding = 1, HasBias = false }, TensorShape.Of(128, 2000));
        yield return Chain("conv1d3_c256_500", 256, 500, () => new Conv1d { OutChannels = 256, Kernel = 3, Padding = 1, HasBias = false }, TensorShape.Of(256, 500));
        yield return Chain("conv3d3_c64_8x28", 64, 28, () => new Conv3d { OutChannels = 64, Kernel = 3, Padding = 1, HasBias = false }, TensorShape.Of(64, 8, 28, 28));
        yield return Chain("conv3d3_c128_4x14", 128, 14, () => new Conv3d { OutChannels = 128, Kernel = 3, Padding = 1, HasBias = false }, TensorShape.Of(128, 4, 14, 14));
    }

    // Kinds whose kernels run at a speed of their own code, each timed for its measured rate.
    private static IEnumerable<Network> Rated()
    {
        yield return Network.Create("lrn5_c64_56", new Sequential(new LocalResponseNorm { Size = 5 }), TensorShape.Chw(64, 56, 56));
        yield return Network.Create("layernorm_197x768", new Sequential(new LayerNorm()), TensorShape.Of(197, 768));
        yield return Network.Create("layernorm_3136x96", new Sequential(new LayerNorm()), TensorShape.Of(3136, 96));
        yield return Network.Create("softmax_12x197x197", new Sequential(new Softmax { Axis = -1 }), TensorShape.Of(12, 197, 197));
        yield return Network.Create("gelu_3136x384", new Sequential(new GELU()), TensorShape.Of(3136, 384));
        // SiLU (x times its sigmoid, one QuickGelu kernel in ONNX Runtime) and the global average pool of
        // squeeze-and-excitation: EfficientNet's, at half the speed their bytes alone predict.
        yield return Network.Create("silu_c96_112", new Sequential(new SiLU()), TensorShape.Chw(96, 112, 112));
        yield return Network.Create("silu_c240_28", new Sequential(new SiLU()), TensorShape.Chw(240, 28, 28));
        yield return Network.Create("avgpool_global_c672_14", new Sequential(AdaptiveAvgPool2d.Global), TensorShape.Chw(672, 14, 14));
        yield return Network.Create("transpose_c96_56", new Sequential(new Transpose { Perm = [1, 2, 0] }), TensorShape.Chw(96, 56, 56));
        yield return Network.Create("slice_s2_c96_56", new Sequential(new Slice { Ranges = [(0, 0, long.MaxValue, 2), (1, 0, long.MaxValue, 2)] }), TensorShape.Of(56, 56, 96));
        yield return Network.Create("window_partition7_c64_56", new Sequential(new WindowPartition { Size = 7 }), TensorShape.Chw(64, 56, 56));
        yield return Network.Create("window_departition7_c64_56", new Sequential(new WindowDepartition { Size = 7, Rows = 8 }), TensorShape.Of(64, 49, 64));
        yield return Network.Create("maxpool3x3s2_c64_112", new Sequential(new MaxPool2d { Kernel = 3, Stride = 2, Padding = 1 }), TensorShape.Chw(64, 112, 112));
        yield return Network.Create("mha_197x768_h12", new Sequential(new MultiheadAttention { Heads = 12 }), TensorShape.Of(197, 768));
        yield return Attention("sdpa_window_64x3x49x32", TensorShape.Of(64, 3, 49, 32));
        yield return Attention("sdpa_12x197x64", TensorShape.Of(12, 197, 64));
    }

    private static Network Attention(string name, TensorShape input)
    {
        var b = new NetworkBuilder(name);
        return b.Build(b.AddFunctional("attn", new ScaledDotProductAttention(), b.Input, b.Input, b.Input), input);
    }

    // Operators as models run them at batch 8: the stem on 3 channels, expansions and depthwise convolutions
    // on large maps, element-wise passes, transformer matrix products.
    private static IEnumerable<Network> Streaming()
    {
        yield return Network.Create("stem3x3s2_c3_224", new Sequential(new Conv2d { OutChannels = 32, Kernel = 3, Stride = 2, Padding = 1, HasBias = false }), TensorShape.Chw(3, 224, 224));
        yield return Network.Create("stem7x7s2_c3_224", new Sequential(new Conv2d { OutChannels = 64, Kernel = 7, Stride = 2, Padding = 3, HasBias = false }), TensorShape.Chw(3, 224, 224));
        yield return Network.Create("expand1x1_c24_144_56", new Sequential(new Conv2d { OutChannels = 144, Kernel = 1, HasBias = false }), TensorShape.Chw(24, 56, 56));
        yield return Network.Create("project1x1_c144_24_56", new Sequential(new Conv2d { OutChannels = 24, Kernel = 1, HasBias = false }), TensorShape.Chw(144, 56, 56));
        yield return Chain("depthwise3x3_c96_112", 96, 112, () => new Conv2d { OutChannels = 96, Kernel = 3, Padding = 1, Groups = 96, HasBias = false });
        yield return Chain("depthwise3x3_c144_56", 144, 56, () => new Conv2d { OutChannels = 144, Kernel = 3, Padding = 1, Groups = 144, HasBias = false });
        yield return Chain("conv3x3_c64_56", 64, 56, () => new Conv2d { OutChannels = 64, Kernel = 3, Padding = 1, HasBias = false });
        yield return Chain("conv3x3_c128_28", 128, 28, () => new Conv2d { OutChannels = 128, Kernel = 3, Padding = 1, HasBias = false });
        yield return Chain("conv1x1_c256_56", 256, 56, () => new Conv2d { OutChannels = 256, Kernel = 1, HasBias = false });
        yield return Chain("conv1x1_c512_28", 512, 28, () => new Conv2d { OutChannels = 512, Kernel = 1, HasBias = false });
        yield return Chain("conv3x3_c256_14", 256, 14, () => new Conv2d { OutChannels = 256, Kernel = 3, Padding = 1, HasBias = false });
        yield return Network.Create("relu_c64_112", new Sequential(new ReLU()), TensorShape.Chw(64, 112, 112));
        yield return Network.Create("sigmoid_c96_112", new Sequential(new Sigmoid()), TensorShape.Chw(96, 112, 112));
        yield return Joined("add_c256_56", TensorShape.Chw(256, 56, 56), Layers.Add.Instance);
        yield return Network.Create("linear_197x768_3072", new Sequential(new Linear { OutFeatures = 3072 }), TensorShape.Of(197, 768));
        yield return Network.Create("linear_3136x96_384", new Sequential(new Linear { OutFeatures = 384 }), TensorShape.Of(3136, 96));
        yield return Network.Create("layernorm_3136x96", new Sequential(new LayerNorm()), TensorShape.Of(3136, 96));
        yield return Network.Create("softmax_12x197x197", new Sequential(new Softmax { Axis = -1 }), TensorShape.Of(12, 197, 197));
        yield return Network.Create("conv1d3_c64_4000", new Sequential(new Conv1d { OutChannels = 64, Kernel = 3, Padding = 1, HasBias = false }), TensorShape.Of(64, 4000));
        yield return Network.Create("expand1x1_c40_240_28", new Sequential(new Conv2d { OutChannels = 240, Kernel = 1, HasBias = false }), TensorShape.Chw(40, 28, 28));
    }

    private static Network Chain(string name, int channels, int map, Func<Layer> layer, TensorShape? input = null) =>
        Network.Create(name, new Sequential(layer(), layer(), layer()), input ?? TensorShape.Chw(channels, map, map));

    private static Network Joined(string name, TensorShape input, Layer join)
    {
        var b = new NetworkBuilder(name);
        return b.Build(b.AddFunctional("join", join, b.Input, b.Input), input);
    }

    // OperatorMilliseconds: a 256-element pass, the fixed cost of running one operator.
    private readonly record struct Measured(double Gflops, double DramGBps, double CacheGBps, long LastLevelCacheBytes, double OperatorMilliseconds, ImmutableArray<BandwidthPoint> Curve);

    // The ceilings: the fastest matrix products (GFLOP/s), and the bandwidths and the last-level cache from
    // passes over growing tensors.
    private static Measured Ceilings(bool quick, Func<Network, int, double> time)
    {
        var runs = quick ? 2 : 5;
        var gflops = 0.0;
        foreach (var (tokens, features) in quick ? new[] { (256, 512) } : [(256, 1024), (512, 1024), (1024, 1024), (2048, 1024)])
        {
            var gemm = Network.Create("peak_gemm", new Sequential(new Linear { OutFeatures = features, HasBias = false }), TensorShape.Of(tokens, features));
            gflops = Math.Max(gflops, 2.0 * tokens * features * features / (time(gemm, runs) * 1e6));
        }

        // One ReLU pass per size (ONNX Runtime folds chains of element-wise operators by constants into one,
        // so a chain would not time what it seems to); the time of a 256-element pass is the fixed cost taken
        // off. The cache's bandwidth is the best of the small sizes, DRAM's the largest size's, and the
        // last-level cache the largest working set still moving at more than their geometric mean.
        Network Pass(int elements) => Network.Create("pass", new Sequential(new ReLU()), TensorShape.Vector(elements));
        var tiny = time(Pass(256), runs);
        int[] sizes = quick ? [1 << 16, 1 << 20, 4 << 20] : [.. Enumerable.Range(14, 11).Select(b => 1 << b)];
        var rates = sizes.Select(n => (Bytes: 2L * n * sizeof(float), GBps: 2.0 * n * sizeof(float) / Math.Max(1e-3, time(Pass(n), runs) - tiny) / 1e6)).ToArray();
        // A larger working set never moves faster: a point a busy moment slowed is raised to the one after it.
        for (var i = rates.Length - 2; i >= 0; i--)
        {
            rates[i].GBps = Math.Max(rates[i].GBps, rates[i + 1].GBps);
        }

        var cache = rates.Where(r => r.Bytes <= 2 << 20).Select(r => r.GBps).DefaultIfEmpty(rates[0].GBps).Max();
        var dram = Math.Min(rates[^1].GBps, cache);
        var knee = Math.Sqrt(cache * dram);
        var llc = rates.Where(r => r.GBps > knee).Select(r => r.Bytes).DefaultIfEmpty(rates[0].Bytes).Max();
        var curve = rates.Select(r => new BandwidthPoint(r.Bytes, Math.Round(r.GBps, 2))).ToImmutableArray();
        return new Measured(gflops, dram, cache, llc, tiny, curve);
    }

    // Four significant digits: readable, and never rounded to 0 (a quick fit can drive a cost near zero,
    // and a profile with a zero cost does not load).
    private static LatencyParameters Rounded(LatencyParameters p)
    {
        static double R(double x) => x == 0 ? x : Math.Round(x, Math.Clamp(3 - (int)Math.Floor(Math.Log10(Math.Abs(x))), 0, 15));
        static ImmutableArray<double> Rs(ImmutableArray<double> v) => [.. v.Select(R)];
        return p with
        {
            Convolution = Rs(p.Convolution),
            GroupedConvolution = Rs(p.GroupedConvolution),
            DepthwiseConvolution = Rs(p.DepthwiseConvolution),
            MatrixMultiply = Rs(p.MatrixMultiply),
            UnblockedConvolution = p.UnblockedConvolution is { } u ? R(u) : null,
            UnblockedHalfDimension = p.UnblockedHalfDimension is { } d ? R(d) : null,
            KindRates = p.KindRates is { } rates ? rates.ToImmutableSortedDictionary(r => r.Key, r => R(r.Value), StringComparer.Ordinal) : null,
            Memory = R(p.Memory),
            KernelMicroseconds = Math.Max(R(p.KernelMicroseconds), 1e-6),
            ConvolutionMemory = p.ConvolutionMemory is { } m ? R(m) : null,
            GroupWidthHalfEfficiency = p.GroupWidthHalfEfficiency is { } h ? R(h) : null,
        };
    }
}

/// <summary>What the operating system says about the processor (Linux's /proc and /sys; elsewhere what .NET knows).</summary>
internal static class MachineFacts
{
    /// <summary>The channel block of ONNX Runtime's NCHWc layout as its MLAS library picks it: 16 with AVX-512, 8 with AVX2; none elsewhere.</summary>
    public static int? ChannelBlock() =>
        System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? 16
        : System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported ? 8
        : null;

    public static string ProcessorName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() is { Length: > 0 } name ? name : System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (UnauthorizedAccessException)
        {
            return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}

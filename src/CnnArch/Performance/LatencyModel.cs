using System.Collections.Immutable;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Performance;

/// <summary>What to predict: a device, a precision, a batch, and whether an eager framework's per-kernel costs count.</summary>
/// <remarks>The workload's <see cref="Workload.DataType"/> is the precision PyTorch runs in: fp32, tf32, bf16 or fp16.</remarks>
public sealed record LatencyOptions : Workload
{
    /// <summary>The default: the calibrated H200, the network's own input, batch 1, fp32, eager.</summary>
    public LatencyOptions()
    {
    }

    /// <summary>The input, batch and precision of <paramref name="workload"/> on the default device.</summary>
    public LatencyOptions(Workload workload)
        : base(workload)
    {
    }

    /// <summary>The device; default the calibrated H200.</summary>
    public DeviceProfile Device { get; init; } = DeviceProfile.Get("h200");


    /// <summary>
    /// Whether the host costs of an eager framework (issuing one kernel after another) and each
    /// kernel's fixed cost count; false gives the fused, launch-free bound.
    /// </summary>
    public bool Overhead { get; init; } = true;
}

/// <summary>What limits a layer's predicted time.</summary>
public enum LatencyBound
{
    /// <summary>The arithmetic: FLOPs at the attainable peak.</summary>
    Compute,

    /// <summary>The bytes moved at the attainable bandwidth.</summary>
    Memory,

    /// <summary>The eager framework issuing the kernel on the host.</summary>
    Host,

    /// <summary>Nothing: a view costs no kernel.</summary>
    None,

    /// <summary>Fused into the convolution before it by a CPU runtime (batch norm, activation, residual add): no kernel of its own.</summary>
    Fused,

    /// <summary>An operation the model has no rule for: not in the total.</summary>
    NoRule,
}

/// <summary>The names reports give a <see cref="LatencyBound"/>.</summary>
public static class LatencyBounds
{
    /// <summary>compute, memory, host, none or no rule.</summary>
    public static string Name(this LatencyBound bound) => bound == LatencyBound.NoRule ? "no rule" : bound.ToString().ToLowerInvariant();
}

/// <summary>One layer's predicted time.</summary>
/// <param name="Path">The layer's path.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Class">How it runs; null when no rule covers its kind (then it is listed in <see cref="LatencyReport.Uncounted"/>).</param>
/// <param name="Flops">Operations for the batch (the <c>full</c> convention).</param>
/// <param name="WeightBytes">Parameter bytes read.</param>
/// <param name="InputBytes">Input bytes read (the batch).</param>
/// <param name="OutputBytes">Output bytes written (the batch).</param>
/// <param name="Bound">What limits it: compute, memory, the host (the eager framework issuing kernels), none (a view), or no rule (an operation without a latency model).</param>
/// <param name="Milliseconds">Its predicted wall time.</param>
public sealed record LayerLatency(string Path, string Kind, KernelClass? Class, long Flops, long WeightBytes, long InputBytes, long OutputBytes, LatencyBound Bound, double Milliseconds)
{
    /// <summary>FLOPs per byte moved.</summary>
    public double Intensity => Bytes == 0 ? 0 : (double)Flops / Bytes;

    /// <summary>All bytes moved: weights and inputs read, output written.</summary>
    public long Bytes => WeightBytes + InputBytes + OutputBytes;
}

/// <summary>A predicted forward pass: per layer and in total.</summary>
public sealed record LatencyReport
{
    /// <summary>The model's name.</summary>
    public required string Model { get; init; }

    /// <summary>The options predicted for.</summary>
    public required LatencyOptions Options { get; init; }

    /// <summary>One sample's input.</summary>
    public required TensorShape Input { get; init; }

    /// <summary>Every layer, in execution order.</summary>
    public required ImmutableArray<LayerLatency> Layers { get; init; }

    /// <summary>Predicted wall time of one forward pass of the whole batch.</summary>
    public required double Milliseconds { get; init; }

    /// <summary>The ideal roofline bound: every layer at the device's peaks, no launch costs.</summary>
    public required double RooflineMilliseconds { get; init; }

    /// <summary>Kernels launched.</summary>
    public required int Kernels { get; init; }

    /// <summary>Layers of a kind no rule covers: their time is unknown and not in the total.</summary>
    public required ImmutableArray<string> Uncounted { get; init; }

    /// <summary>Layers of a kind the device's calibration never saw (<see cref="DeviceProfile.UncalibratedKinds"/>): predicted, but with efficiencies fitted on other kinds.</summary>
    public ImmutableArray<string> Uncalibrated { get; init; } = [];

    /// <summary>Images per second at the predicted latency.</summary>
    public double ImagesPerSecond => Milliseconds <= 0 ? 0 : Options.Batch * 1000.0 / Milliseconds;

    /// <summary>One line: the model, the device, the run and the predicted time (per layer: <c>TextReport.Write(report)</c>).</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Model} on {Options.Device.Name} ({Options.DataType.Name()}, batch {Options.Batch}): {Milliseconds:0.###} ms per forward pass, {ImagesPerSecond:N0} images/s");
}

/// <summary>
/// Predicts latency from the architecture alone: per layer, time = max(FLOPs / (peak x efficiency x
/// wave fill), bytes / (bandwidth x efficiency)) + a fixed kernel cost, and in eager mode at least the
/// host time of issuing the kernel (the CPU issues kernels while the GPU runs earlier ones, so the
/// slower of the two sets the pace). docs/latency.md describes the model and its measured error.
/// </summary>
public static class LatencyModel
{
    /// <summary>Predicts one forward pass of <paramref name="network"/>.</summary>
    /// <exception cref="InvalidNetworkException">The network does not fit its input.</exception>
    /// <exception cref="ArgumentException">The data type is int8, which has no latency model.</exception>
    public static LatencyReport Predict(Network network, LatencyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new LatencyOptions();
        if (options.DataType == DataType.Int8)
        {
            throw new ArgumentException("Latency is predicted in fp32, tf32, bf16 or fp16; int8 has no latency model (its kernels and peaks differ by device and library).", nameof(options));
        }

        var device = options.Device;
        if (device.IsCpu && options.DataType != DataType.Fp32)
        {
            throw new ArgumentException($"CPU profile '{device.Name}' predicts fp32, as it was calibrated; got {options.DataType.Name()}.", nameof(options));
        }

        var features = Features(network, options.Input, options.Batch, out var input, device);
        var bytes = options.DataType.BytesPerElement();
        var rows = ImmutableArray.CreateBuilder<LayerLatency>(features.Length);
        double total = 0, roofline = 0;
        var kernels = 0;
        var uncounted = ImmutableArray.CreateBuilder<string>();
        foreach (var f in features)
        {
            if (f.Class is not { } kind)
            {
                uncounted.Add(f.Path);
                rows.Add(new LayerLatency(f.Path, f.Kind, null, f.Flops, f.WeightElements * bytes, f.InputElements * bytes, f.OutputElements * bytes, LatencyBound.NoRule, 0));
                continue;
            }

            var (ms, bound) = Time(f, device, device.Fitted, options.DataType, options.Overhead);
            roofline += Ideal(f, device, options.DataType);
            total += ms;
            kernels += kind == KernelClass.View || f.Fused ? 0 : 1;
            rows.Add(new LayerLatency(f.Path, f.Kind, kind, f.Flops, f.WeightElements * bytes, f.InputElements * bytes, f.OutputElements * bytes, bound, ms));
        }

        var layers = rows.MoveToImmutable();
        return new LatencyReport
        {
            Model = network.Name,
            Options = options,
            Input = input,
            Layers = layers,
            Milliseconds = total,
            RooflineMilliseconds = roofline,
            Kernels = kernels,
            Uncounted = uncounted.ToImmutable(),
            Uncalibrated = device.UncalibratedKinds.IsDefaultOrEmpty ? [] : [.. layers.Where(r => device.UncalibratedKinds.Contains(r.Kind, StringComparer.Ordinal)).Select(r => r.Path)],
        };
    }

    /// <summary>The class of a layer (<see cref="Layer.LatencyClass"/>), or null for an operation CnnArch has no model of.</summary>
    public static KernelClass? Classify(Layer layer, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer.LatencyClass(input);
    }

    // A layer reduced to what the model needs, computed once per network and batch.
    // Fused: a CPU runtime runs the layer inside the convolution before it (CpuFusion).
    // GroupWidth: a convolution's output channels per group (0 for other layers).
    // Blocked: a convolution a CPU runtime runs in its blocked channel layout (CpuFacts.ChannelBlock).
    // Narrowest: the narrowest dimension of the matrix product a convolution runs outside that layout, per
    // sample and group: the smallest of its filters, its depth (input channels x kernel volume) and its
    // output positions; 0 for a depthwise convolution (a kernel of its own, no product) and other layers.
    internal readonly record struct Feature(string Path, string Kind, KernelClass? Class, long Flops, long WeightElements, long InputElements, long OutputElements, long GemmM, long GemmN, bool Fused = false, int GroupWidth = 0, bool Blocked = false, bool ColdWeights = false, long Narrowest = 0)
    {
        // The work a kind rate (LatencyParameters.KindRates) counts: FLOPs, or the elements moved by a kind without any.
        public long Work => Flops > 0 ? Flops : InputElements + OutputElements;
    }

    internal static Feature[] Features(Network network, TensorShape? given, int batch, out TensorShape input, DeviceProfile? device = null)
    {
        var report = Analyzer.Analyze(network, new AnalysisOptions { Convention = Conventions.Full, Batch = batch, Input = given });
        var fused = device?.Cpu is { } cpu ? CpuFusion.Absorbed(network, cpu.Optimization) : null;
        input = report.Input;
        // A pass over a network whose weights overflow the last-level cache reads each layer's weights from
        // DRAM: they were last touched a whole pass ago (a benchmark repeating one layer keeps them cached).
        var coldWeights = device?.Cpu is { } facts && report.Totals.Parameters * (long)sizeof(float) > facts.LastLevelCacheBytes;
        var features = new Feature[report.Layers.Length];
        for (var i = 0; i < features.Length; i++)
        {
            var row = report.Layers[i];
            var layer = network.Nodes[i].Layer;
            var first = row.Inputs.Length > 0 ? row.Inputs[0] : report.Input;
            var kind = Classify(layer, first);
            // ONNX Runtime copies a slice (Slice and Split are kernels of their own), where a framework takes a view.
            if (kind == KernelClass.View && device?.Cpu is not null && layer is Slice)
            {
                kind = KernelClass.Copy;
            }

            var inputs = checked(row.Inputs.Sum(s => s.Elements) * batch);
            var output = checked(row.Output.Elements * batch);
            // The GEMM a convolution or a matrix product runs: M rows (batch x positions) by N columns, the
            // output channels of a convolution (its filters: a stacked one's output leads with its stack) or the last dimension of a product.
            var n = row.Output.Rank == 0 ? 1
                : kind is KernelClass.Convolution or KernelClass.GroupedConvolution or KernelClass.DepthwiseConvolution ? (layer is ConvolutionBase conv ? conv.OutChannels : row.Output.Channels)
                : row.Output.Dims[^1];
            var (groupWidth, narrowest) = layer is ConvolutionBase c ? Product(c, row, kind) : (0, 0L);
            var blocked = device?.Cpu?.ChannelBlock is { } block && CpuLayout.Blocked(layer, first, block);
            features[i] = new Feature(row.Path, row.Kind, kind, row.Flops, row.Parameters, inputs, output, Math.Max(1, output / Math.Max(1, n)), n, fused?[i] ?? false, groupWidth, blocked, coldWeights, narrowest);
        }

        return features;
    }

    // A convolution's filters per group, and its product's narrowest dimension (Feature.Narrowest); its depth
    // is the weights of one filter, less its bias.
    private static (int GroupWidth, long Narrowest) Product(ConvolutionBase conv, LayerReport row, KernelClass? kind)
    {
        var groupWidth = conv.OutChannels / Math.Max(1, conv.Groups);
        var depth = (row.Parameters - (conv.HasBias ? conv.OutChannels : 0)) / conv.OutChannels;
        var positions = row.Output.Elements / conv.OutChannels;
        return (groupWidth, kind == KernelClass.DepthwiseConvolution ? 0 : Math.Min(Math.Min(groupWidth, depth), positions));
    }

    internal static (double Milliseconds, LatencyBound Bound) Time(in Feature f, DeviceProfile device, LatencyParameters p, DataType precision, bool overhead)
    {
        if (f.Class == KernelClass.View)
        {
            return (0, LatencyBound.None);
        }

        if (device.Cpu is { } cpu)
        {
            return CpuTime(f, device, cpu, p);
        }

        var half = precision.IsHalf() ? 1 : 0;
        var bytes = precision.BytesPerElement();
        var (peak, efficiency, fill) = f.Class switch
        {
            KernelClass.Convolution => (TensorPeak(device, precision), p.Convolution[half], Fill(f, device)),
            KernelClass.GroupedConvolution => (device.Fp32Tflops, p.GroupedConvolution[half], 1.0),
            KernelClass.DepthwiseConvolution => (device.Fp32Tflops, p.DepthwiseConvolution[half], 1.0),
            KernelClass.MatrixMultiply => (precision == DataType.Fp32 ? device.Fp32Tflops : TensorPeak(device, precision), p.MatrixMultiply[half], Fill(f, device)),
            _ => (device.Fp32Tflops, 1.0, 1.0),
        };
        var compute = f.Flops / (peak * 1e12 * efficiency * fill);
        var memory = (double)(f.WeightElements + f.InputElements + f.OutputElements) * bytes / (device.MemoryBandwidthGBps * 1e9 * p.Memory);
        if (!overhead)
        {
            return (Math.Max(compute, memory) * 1e3, compute >= memory ? LatencyBound.Compute : LatencyBound.Memory);
        }

        var gpu = Math.Max(compute, memory) + (p.KernelMicroseconds * 1e-6);
        var host = (f.Class switch
        {
            KernelClass.Convolution or KernelClass.GroupedConvolution or KernelClass.DepthwiseConvolution => p.HostConvolutionMicroseconds[half],
            KernelClass.Normalization => p.HostNormalizationMicroseconds[half],
            _ => p.HostOtherMicroseconds[half],
        }) * 1e-6;
        var bound = host >= gpu ? LatencyBound.Host : compute >= memory ? LatencyBound.Compute : LatencyBound.Memory;
        return (Math.Max(gpu, host) * 1e3, bound);
    }

    // A CPU runs one operator after another on its threads: no host issue cost running ahead, no waves.
    // Bytes move at the last-level cache's bandwidth when the layer's working set fits it, else at DRAM's;
    // a layer the runtime fuses into the convolution before it costs nothing of its own.
    private static (double Milliseconds, LatencyBound Bound) CpuTime(in Feature f, DeviceProfile device, CpuFacts cpu, LatencyParameters p)
    {
        if (f.Fused)
        {
            return (0, LatencyBound.Fused);
        }

        var efficiency = f.Class switch
        {
            KernelClass.Convolution => p.Convolution[0],
            // A grouped convolution runs one small matrix product per group: the wider the group, the closer
            // to a dense convolution (RegNet's 48-232 channels per group against ResNeXt's 4).
            KernelClass.GroupedConvolution => p.GroupWidthHalfEfficiency is { } half ? p.Convolution[0] * f.GroupWidth / (f.GroupWidth + half) : p.GroupedConvolution[0],
            KernelClass.DepthwiseConvolution => p.DepthwiseConvolution[0],
            KernelClass.MatrixMultiply => p.MatrixMultiply[0],
            _ => 1.0,
        };
        var convolution = f.Class is KernelClass.Convolution or KernelClass.GroupedConvolution or KernelClass.DepthwiseConvolution;
        if (convolution && !f.Blocked)
        {
            // An unfolding and a matrix product per sample, slowed by its narrowest dimension.
            efficiency *= (p.UnblockedConvolution ?? 1) * (p.UnblockedHalfDimension is { } h && f.Narrowest > 0 ? f.Narrowest / (f.Narrowest + h) : 1);
        }

        // A kind timed on its own runs at its measured rate; the others at the peak times their class's efficiency.
        var compute = p.KindRates is { } rates && rates.TryGetValue(f.Kind, out var rate)
            ? f.Work / (rate * 1e9)
            : f.Flops / (device.Fp32Tflops * 1e12 * efficiency);
        // Cold weights stream from DRAM; the activations, just written by the layer before, from wherever they fit.
        var weightBytes = f.WeightElements * (double)sizeof(float);
        var bytes = ((f.InputElements + f.OutputElements) * (double)sizeof(float)) + (f.ColdWeights ? 0 : weightBytes);
        var bandwidth = CpuBandwidth.At(cpu, bytes, device.MemoryBandwidthGBps);
        var weightSeconds = f.ColdWeights ? weightBytes / (device.MemoryBandwidthGBps * 1e9) : 0;

        // A convolution's gathered windows stream less well than a matrix product's rows or an element-wise pass.
        var streaming = convolution
            ? p.ConvolutionMemory ?? p.Memory
            : p.Memory;
        var memory = (bytes / (bandwidth * 1e9) + weightSeconds) / streaming;
        return ((Math.Max(compute, memory) * 1e3) + (p.KernelMicroseconds * 1e-3), compute >= memory ? LatencyBound.Compute : LatencyBound.Memory);
    }

    // The bound at the device's peaks: no efficiency, no fill, no launch cost.
    private static double Ideal(in Feature f, DeviceProfile device, DataType precision)
    {
        if (f.Class == KernelClass.View || f.Fused)
        {
            return 0;
        }

        if (device.IsCpu)
        {
            var bytes = (double)(f.WeightElements + f.InputElements + f.OutputElements) * sizeof(float);
            return Math.Max(f.Flops / (device.Fp32Tflops * 1e12), bytes / (device.MemoryBandwidthGBps * 1e9)) * 1e3;
        }

        var peak = f.Class is KernelClass.Convolution or KernelClass.MatrixMultiply ? TensorPeak(device, precision == DataType.Fp32 && f.Class == KernelClass.MatrixMultiply ? DataType.Tf32 : precision) : device.Fp32Tflops;
        var compute = f.Flops / (peak * 1e12);
        var memory = (double)(f.WeightElements + f.InputElements + f.OutputElements) * precision.BytesPerElement() / (device.MemoryBandwidthGBps * 1e9);
        return Math.Max(compute, memory) * 1e3;
    }

    private static double TensorPeak(DeviceProfile device, DataType precision) => precision switch
    {
        DataType.Bf16 => device.Bf16Tflops,
        DataType.Fp16 => device.Fp16Tflops,
        _ => device.Tf32Tflops,
    };

    // Wave quantisation: a GEMM of M x N runs as 128 x 128 tiles, SM-many at a time; a last, partial
    // wave leaves SMs idle. The fill is the fraction of SM time doing work.
    private static double Fill(in Feature f, DeviceProfile device)
    {
        const long Tile = 128;
        var tiles = ((f.GemmM + Tile - 1) / Tile) * ((f.GemmN + Tile - 1) / Tile);
        var waves = (tiles + device.StreamingMultiprocessors - 1) / device.StreamingMultiprocessors;
        return (double)tiles / (waves * device.StreamingMultiprocessors);
    }
}

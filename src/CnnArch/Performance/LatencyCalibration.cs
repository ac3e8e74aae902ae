using System.Collections.Immutable;
using CnnArch.Graph;
using CnnArch.Layers;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace CnnArch.Performance;

/// <summary>A convolution timed alone on a device: its configuration, batch, precision and milliseconds per call.</summary>
public sealed record ConvMeasurement(int InChannels, int Height, int Width, int OutChannels, SpatialSize Kernel, SpatialSize Stride, SpatialPadding Padding, int Groups, bool Bias, int Batch, DataType Precision, double Milliseconds)
{
    /// <summary>The convolution as a one-layer network.</summary>
    public Network Network() => Graph.Network.Create(
        "conv",
        new Sequential(new Conv2d { OutChannels = OutChannels, Kernel = Kernel, Stride = Stride, Padding = Padding, Groups = Groups, HasBias = Bias }),
        TensorShape.Chw(InChannels, Height, Width));
}

/// <summary>A whole model timed on a device: its network, its family (for cross-validation), batch, precision and milliseconds per forward pass.</summary>
public sealed record ModelMeasurement(string Name, string Family, Network Network, int Batch, DataType Precision, double Milliseconds);

/// <summary>
/// Fits a device's <see cref="LatencyParameters"/> to measurements: the Nelder-Mead simplex of
/// MathNet.Numerics minimises the squared log ratio of predicted to measured time over timed
/// convolutions and timed models (models weigh more: they are what users ask about). Deterministic:
/// the same data give the same parameters.
/// </summary>
public static class LatencyCalibration
{
    /// <summary>How much one model measurement weighs against one convolution.</summary>
    public const double ModelWeight = 5;

    /// <summary>Fits the parameters of <paramref name="device"/> (its peaks stay) to the measurements.</summary>
    public static LatencyParameters Fit(DeviceProfile device, IEnumerable<ConvMeasurement> convs, IEnumerable<ModelMeasurement> models)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(convs);
        ArgumentNullException.ThrowIfNull(models);
        var samples = convs.Select(c => (Features: LatencyModel.Features(c.Network(), null, c.Batch, out _), c.Precision, c.Milliseconds, Weight: 1.0))
            .Concat(models.Select(m => (Features: LatencyModel.Features(m.Network, null, m.Batch, out _), m.Precision, m.Milliseconds, Weight: ModelWeight)))
            .ToArray();

        double Objective(Vector<double> x)
        {
            var parameters = FromVector(x);
            var sum = 0.0;
            foreach (var (features, precision, measured, weight) in samples)
            {
                var predicted = 0.0;
                foreach (var f in features)
                {
                    predicted += f.Class is null ? 0 : LatencyModel.Time(f, device, parameters, precision, overhead: true).Milliseconds;
                }

                var error = Math.Log(predicted / measured);
                sum += weight * error * error;
            }

            return sum;
        }

        var start = Vector<double>.Build.DenseOfArray([.. Initial.Select(v => Math.Log(v))]);
        var step = Vector<double>.Build.Dense(start.Count, 0.5);
        var result = NelderMeadSimplex.Minimum(ObjectiveFunction.Value(Objective), start, step, convergenceTolerance: 1e-7, maximumIterations: 40_000);
        return FromVector(result.MinimizingPoint);
    }

    /// <summary>
    /// Fits a CPU profile's parameters (its peaks, bandwidths and cache stay as measured) to timed
    /// micro-benchmarks: the efficiency of dense, grouped and depthwise convolutions and of matrix products,
    /// the memory efficiency of element-wise kernels and of convolutions, and the fixed cost of one operator,
    /// by the same simplex on the absolute log ratio (robust to a benchmark a busy machine slowed). Each
    /// benchmark weighs the same; no whole model is needed. With a blocked channel layout
    /// (<see cref="CpuFacts.ChannelBlock"/>) it fits the efficiency of the convolutions outside it too;
    /// <paramref name="kindRates"/>, measured rates of kinds timed on their own, are kept as given.
    /// </summary>
    /// <exception cref="ArgumentException">The profile is not a CPU's, or there are no benchmarks.</exception>
    public static LatencyParameters FitCpu(DeviceProfile device, IEnumerable<ModelMeasurement> benchmarks, ImmutableSortedDictionary<string, double>? kindRates = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(benchmarks);
        if (!device.IsCpu)
        {
            throw new ArgumentException($"Profile '{device.Name}' is not a CPU's; fit a GPU with Fit.", nameof(device));
        }

        var samples = benchmarks.Select(m => (Features: LatencyModel.Features(m.Network, null, m.Batch, out _, device), m.Milliseconds)).ToArray();
        if (samples.Length == 0)
        {
            throw new ArgumentException("No benchmarks to fit.", nameof(benchmarks));
        }

        double Objective(Vector<double> x)
        {
            var parameters = CpuFromVector(x, kindRates);
            var sum = 0.0;
            foreach (var (features, measured) in samples)
            {
                var predicted = 0.0;
                foreach (var f in features)
                {
                    predicted += f.Class is null ? 0 : LatencyModel.Time(f, device, parameters, DataType.Fp32, overhead: true).Milliseconds;
                }

                // Absolute log error: a benchmark a noisy machine slowed does not pull the fit as a square would.
                sum += Math.Abs(Math.Log(predicted / measured));
            }

            return sum;
        }

        // Three starts, the unblocked convolutions' half dimension small, middling and large, the best kept.
        var best = new[] { 4.0, 16, 64 }
            .Select(half => Minimum(Objective, Vector<double>.Build.DenseOfArray([Math.Log(0.5), Math.Log(16), Math.Log(0.1), Math.Log(0.6), Math.Log(0.7), Math.Log(5), Math.Log(0.4), Math.Log(0.6), Math.Log(half)])))
            .MinBy(r => r.Value);
        return CpuFromVector(best.Point, kindRates);
    }

    // The absolute log error is not smooth (each layer takes the larger of two bounds), so a simplex can
    // stall on a ridge: it restarts from where it stopped, with a fresh simplex, until that gains nothing.
    private static (Vector<double> Point, double Value) Minimum(Func<Vector<double>, double> objective, Vector<double> start)
    {
        var point = start;
        var best = objective(start);
        for (var restart = 0; restart < 30; restart++)
        {
            MinimizationResult result;
            try
            {
                result = NelderMeadSimplex.Minimum(ObjectiveFunction.Value(objective), point, Vector<double>.Build.Dense(start.Count, 0.5), convergenceTolerance: 1e-8, maximumIterations: 20_000);
            }
            catch (MaximumIterationsException)
            {
                // A parameter drifting toward a bound it never reaches (a loss the benchmarks do not show):
                // keep the last point the simplex converged to, and let another start do better.
                return (point, best);
            }

            point = result.MinimizingPoint;
            if (result.FunctionInfoAtMinimum.Value > best - 1e-6)
            {
                return (point, result.FunctionInfoAtMinimum.Value);
            }

            best = result.FunctionInfoAtMinimum.Value;
        }

        return (point, best);
    }

    // conv efficiency, the group width at half of it, depthwise, matmul efficiencies; memory efficiency;
    // microseconds per operator; the memory efficiency of convolutions; the efficiency of unblocked
    // convolutions relative to blocked ones, and the matrix dimension at which they lose half of it. A CPU
    // has one value for both precision slots (it is predicted in fp32).
    private static LatencyParameters CpuFromVector(Vector<double> x, ImmutableSortedDictionary<string, double>? kindRates)
    {
        double Fraction(int i) => Math.Min(1, Math.Exp(x[i]));
        // Widths within what a product can be: a quick fit on a few benchmarks can drive one toward 0 (no
        // loss), where a profile rounded to four digits would hold an invalid 0.
        double Width(int i) => Math.Clamp(Math.Exp(x[i]), 0.01, 1e5);
        var half = Width(1);
        var grouped = Fraction(0) * 4 / (4 + half);
        return new LatencyParameters
        {
            Convolution = [Fraction(0), Fraction(0)],
            GroupedConvolution = [grouped, grouped],
            GroupWidthHalfEfficiency = half,
            DepthwiseConvolution = [Fraction(2), Fraction(2)],
            MatrixMultiply = [Fraction(3), Fraction(3)],
            Memory = Fraction(4),
            KernelMicroseconds = Math.Exp(x[5]),
            ConvolutionMemory = Fraction(6),
            UnblockedConvolution = Fraction(7),
            UnblockedHalfDimension = Width(8),
            KindRates = kindRates,
        };
    }

    /// <summary>
    /// The measured rates of kinds timed on their own (<see cref="LatencyParameters.KindRates"/>): for each
    /// benchmark, the work of its one timed layer (views aside) over its time less <paramref name="operatorMilliseconds"/>,
    /// the fixed cost of running an operator; a kind timed more than once (layer norms over short and long
    /// rows) takes the geometric mean of its rates.
    /// </summary>
    /// <exception cref="ArgumentException">A benchmark holds more than one timed layer, or its time is not above the fixed cost.</exception>
    public static ImmutableSortedDictionary<string, double> KindRates(DeviceProfile device, IEnumerable<ModelMeasurement> benchmarks, double operatorMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(benchmarks);
        var rates = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var m in benchmarks)
        {
            var timed = LatencyModel.Features(m.Network, null, m.Batch, out _, device).Where(f => f.Class is not (null or KernelClass.View)).ToArray();
            if (timed.Length != 1)
            {
                throw new ArgumentException($"Benchmark '{m.Name}' times {timed.Length} layers; a rate needs one.", nameof(benchmarks));
            }

            // A kernel never runs faster than a tenth of its measured time, however large the fixed cost.
            var rate = timed[0].Work / (Math.Max(m.Milliseconds - operatorMilliseconds, m.Milliseconds / 10) * 1e6);
            if (!rates.TryGetValue(timed[0].Kind, out var list))
            {
                rates[timed[0].Kind] = list = [];
            }

            list.Add(rate);
        }

        return rates.ToImmutableSortedDictionary(r => r.Key, r => Math.Exp(r.Value.Average(Math.Log)), StringComparer.Ordinal);
    }

    /// <summary>The predicted time of a model measurement's pass with <paramref name="device"/>.</summary>
    public static double Predict(DeviceProfile device, ModelMeasurement measurement)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        return LatencyModel.Predict(measurement.Network, new LatencyOptions { Device = device, Batch = measurement.Batch, DataType = measurement.Precision }).Milliseconds;
    }

    /// <summary>The predicted time of a timed convolution with <paramref name="device"/>.</summary>
    public static double Predict(DeviceProfile device, ConvMeasurement measurement)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        return LatencyModel.Predict(measurement.Network(), new LatencyOptions { Device = device, Batch = measurement.Batch, DataType = measurement.Precision }).Milliseconds;
    }

    // Start: efficiencies (conv, grouped, depthwise, matmul; 4-byte then 2-byte), memory, kernel us, host us (conv, other, normalisation; 4-byte then 2-byte).
    private static readonly double[] Initial = [0.5, 0.5, 0.3, 0.3, 0.1, 0.1, 0.6, 0.6, 0.7, 3, 20, 20, 10, 10, 10, 10];

    private static LatencyParameters FromVector(Vector<double> x)
    {
        double Fraction(int i) => Math.Min(1, Math.Exp(x[i]));
        double Positive(int i) => Math.Exp(x[i]);
        return new LatencyParameters
        {
            Convolution = [Fraction(0), Fraction(1)],
            GroupedConvolution = [Fraction(2), Fraction(3)],
            DepthwiseConvolution = [Fraction(4), Fraction(5)],
            MatrixMultiply = [Fraction(6), Fraction(7)],
            Memory = Fraction(8),
            KernelMicroseconds = Positive(9),
            HostConvolutionMicroseconds = [Positive(10), Positive(11)],
            HostOtherMicroseconds = [Positive(12), Positive(13)],
            HostNormalizationMicroseconds = [Positive(14), Positive(15)],
        };
    }
}

using System.Globalization;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CnnArch.Performance;

/// <summary>
/// How well a device runs each kind of kernel, as fractions of its peaks, and what an eager framework
/// costs per kernel. Fitted for a calibrated device; for a datasheet-only device, the calibrated
/// device's values stand in (architecture-level efficiencies carry over better than nothing).
/// A pair holds the value for 4-byte precisions (fp32, tf32) then for 2-byte ones (bf16, fp16).
/// </summary>
public sealed record LatencyParameters
{
    /// <summary>Dense convolutions: fraction of the tensor-core peak.</summary>
    public required ImmutableArray<double> Convolution { get; init; }

    /// <summary>Grouped convolutions (1 &lt; groups &lt; channels): fraction of the CUDA-core peak (a CPU's with <see cref="GroupWidthHalfEfficiency"/>: the efficiency at ResNeXt's 4 channels per group, for reading).</summary>
    public required ImmutableArray<double> GroupedConvolution { get; init; }

    /// <summary>Depthwise convolutions: fraction of the CUDA-core peak.</summary>
    public required ImmutableArray<double> DepthwiseConvolution { get; init; }

    /// <summary>Linear layers and matrix products: fraction of the peak of their path (FP32 CUDA cores in fp32, tensor cores otherwise).</summary>
    public required ImmutableArray<double> MatrixMultiply { get; init; }

    /// <summary>Fraction of the memory bandwidth a kernel reaches.</summary>
    public required double Memory { get; init; }

    /// <summary>
    /// A CPU's: fraction of the bandwidth a convolution reaches when its bytes bound it (its gathered
    /// windows stream less well than a matrix product's rows or an element-wise pass); null for <see cref="Memory"/>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ConvolutionMemory { get; init; }

    /// <summary>
    /// A CPU's: the output channels per group at which a grouped convolution runs at half the dense
    /// efficiency (its efficiency is the dense one x w / (w + this)); null uses <see cref="GroupedConvolution"/> alone.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? GroupWidthHalfEfficiency { get; init; }

    /// <summary>
    /// A CPU's: the efficiency of a convolution the runtime cannot run in its blocked channel layout
    /// (<see cref="CpuFacts.ChannelBlock"/>: 1-D and 3-D convolutions, channels not a multiple of the block),
    /// which runs as an unfolding and a matrix product, as a fraction of the blocked one's; null for 1.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? UnblockedConvolution { get; init; }

    /// <summary>
    /// A CPU's: the matrix dimension at which a convolution outside the blocked layout runs at half of
    /// <see cref="UnblockedConvolution"/>. Its matrix product, per sample and group, is as narrow as the
    /// smallest of its output channels per group, its reduction depth (input channels per group x kernel
    /// volume) and its output positions, and a product narrower than the processor's register tiles wastes
    /// them: the efficiency is multiplied by m / (m + this), m that smallest dimension (a 1x1 convolution
    /// from 24 channels against a 3x3x3 one over 128). A depthwise convolution runs no product and loses
    /// only <see cref="UnblockedConvolution"/>. Null for no such loss.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? UnblockedHalfDimension { get; init; }

    /// <summary>
    /// A CPU's: layer kinds whose kernels the calibration timed on their own, because their speed is set by
    /// the runtime's code rather than by the machine's ceilings (local response norm, layer norm, softmax,
    /// GELU, transposes, pools, attention): the work each does per second, in 10^9 units, a unit being one
    /// of the layer's FLOPs (Full convention) or, for a kind that has none, one element it reads or writes.
    /// A layer of such a kind takes the longer of its work at this rate and its bytes at the bandwidth.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableSortedDictionary<string, double>? KindRates { get; init; }

    /// <summary>Fixed device time of one kernel, in microseconds.</summary>
    public required double KernelMicroseconds { get; init; }

    /// <summary>Host time an eager framework spends issuing one convolution, in microseconds (4-byte, 2-byte); a GPU's only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<double> HostConvolutionMicroseconds { get; init; }

    /// <summary>Host time an eager framework spends issuing one normalisation (batch norm at inference), in microseconds (4-byte, 2-byte); a GPU's only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<double> HostNormalizationMicroseconds { get; init; }

    /// <summary>Host time an eager framework spends issuing any other kernel, in microseconds (4-byte, 2-byte); a GPU's only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<double> HostOtherMicroseconds { get; init; }
}

/// <summary>
/// A GPU as the latency model sees it: peak throughput per path and precision, memory bandwidth, SM
/// count, and the fitted <see cref="LatencyParameters"/>. Profiles are data (JSON): the built-in ones
/// ship in the library (<see cref="Known"/>), and a user's file loads with <see cref="Load"/>.
/// </summary>
public sealed record DeviceProfile
{
    /// <summary>Short name (h200).</summary>
    public required string Name { get; init; }

    /// <summary>What the device is.</summary>
    public required string Description { get; init; }

    /// <summary>Whether <see cref="Parameters"/> were fitted on measurements of this device (else datasheet peaks with another device's efficiencies).</summary>
    public required bool Calibrated { get; init; }

    /// <summary>Where the numbers come from.</summary>
    public required string Source { get; init; }

    /// <summary>Streaming multiprocessors (for wave quantisation); a GPU's only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int StreamingMultiprocessors { get; init; }

    /// <summary>Memory bandwidth in GB/s (10^9 bytes).</summary>
    public required double MemoryBandwidthGBps { get; init; }

    /// <summary>Dense peak in FP32, TFLOP/s: a GPU's CUDA cores, or a CPU's measured ceiling (its largest matrix product).</summary>
    public required double Fp32Tflops { get; init; }

    /// <summary>Dense tensor-core peak in TF32, TFLOP/s; a GPU's only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double Tf32Tflops { get; init; }

    /// <summary>Dense tensor-core peak in BF16, TFLOP/s; a GPU's only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double Bf16Tflops { get; init; }

    /// <summary>Dense tensor-core peak in FP16, TFLOP/s; a GPU's only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double Fp16Tflops { get; init; }

    /// <summary>The CPU's facts when the profile is a CPU's (then predicted with the CPU rules, in fp32); null for a GPU.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public CpuFacts? Cpu { get; init; }

    /// <summary>Whether the profile is a CPU's.</summary>
    [JsonIgnore]
    public bool IsCpu => Cpu is not null;

    /// <summary>The fitted efficiencies and overheads; a profile without them borrows the calibrated H200's.</summary>
    public LatencyParameters? Parameters { get; init; }

    /// <summary>
    /// Layer kinds the calibration saw none of, predicted with the efficiencies fitted on others (the H200's
    /// models were CNNs: attention runs at the matrix-product efficiency); reports mark their layers uncalibrated.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<string> UncalibratedKinds { get; init; }

    internal LatencyParameters Fitted => Parameters ?? (Cpu is null ? Calibrated200.Value : throw new FormatException($"CPU profile '{Name}' has no fitted parameters; make one with 'cnnarch-bench calibrate'."));

    private static readonly Lazy<LatencyParameters> Calibrated200 = new(() => Get(CalibratedName).Parameters!);

    /// <summary>The built-in profile whose parameters were fitted on measurements; the others borrow them.</summary>
    private const string CalibratedName = "h200";

    private const string ResourcePrefix = "CnnArch.Performance.";
    private const string ResourceSuffix = ".device.json";

    // Made on first use: a command line that only names the devices never builds the serializer.
    private static JsonSerializerOptions Json => field ??= new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        TypeInfoResolver = DeviceProfileJsonContext.Default,
    };

    /// <summary>The built-in profiles: h200 (calibrated), and a100, h100, l4, rtx4090, t4 (datasheet peaks, the H200's efficiencies).</summary>
    public static ImmutableArray<DeviceProfile> Known => KnownProfiles.Value;

    /// <summary>
    /// The names of the built-in profiles in the order of <see cref="Known"/> (the calibrated h200 first),
    /// read from the resource names alone: listing them parses no profile, so a command line that names
    /// the devices in its help starts without reading them.
    /// </summary>
    public static ImmutableArray<string> KnownNames => Names.Value;

    private static readonly Lazy<ImmutableArray<string>> Names = new(() =>
    {
        var names = new List<string>();
        foreach (var resource in typeof(DeviceProfile).Assembly.GetManifestResourceNames())
        {
            if (resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) && resource.EndsWith(ResourceSuffix, StringComparison.Ordinal))
            {
                names.Add(resource[ResourcePrefix.Length..^ResourceSuffix.Length]);
            }
        }

        names.Sort(static (a, b) => a == b ? 0 : a == CalibratedName ? -1 : b == CalibratedName ? 1 : string.CompareOrdinal(a, b));
        return [.. names];
    });

    private static readonly Lazy<ImmutableArray<DeviceProfile>> KnownProfiles = new(() => [.. KnownNames.Select(Builtin)]);

    private static readonly ConcurrentDictionary<string, DeviceProfile> Parsed = new(StringComparer.Ordinal);

    /// <summary>One built-in profile, parsed the first time it is asked for; its file name is its name.</summary>
    private static DeviceProfile Builtin(string name) => Parsed.GetOrAdd(name, static n =>
    {
        var resource = ResourcePrefix + n + ResourceSuffix;
        using var stream = typeof(DeviceProfile).Assembly.GetManifestResourceStream(resource)!;
        var profile = Parse(new StreamReader(stream).ReadToEnd(), resource);
        return profile.Name == n ? profile : throw new FormatException($"{resource}: the profile is named '{profile.Name}', not '{n}' as its file.");
    });

    /// <summary>A built-in profile by name (case-insensitive), or a profile file when <paramref name="nameOrPath"/> ends in .json.</summary>
    /// <exception cref="ArgumentException">No such device; the message lists the known ones.</exception>
    /// <exception cref="FormatException">The file is not a valid profile.</exception>
    public static DeviceProfile Get(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return Load(nameOrPath);
        }

        return KnownNames.FirstOrDefault(n => string.Equals(n, nameOrPath, StringComparison.OrdinalIgnoreCase)) is { } name
            ? Builtin(name)
            : throw new ArgumentException($"No device '{nameOrPath}'. Known: {string.Join(", ", KnownNames)}, or a profile file (.json).", nameof(nameOrPath));
    }

    /// <summary>Reads a profile file, up to <see cref="MaxFileBytes"/>.</summary>
    /// <exception cref="FormatException">The file is not a valid profile, or too large; the message says what is wrong.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static DeviceProfile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(BoundedRead.ReadText(path, MaxFileBytes, () => new FormatException($"{path}: the file holds more than {MaxFileBytes:N0} bytes; a device profile is a few KB.")), path);
    }

    /// <summary>The largest profile file read: 1 MiB.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Reads a profile from JSON text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="FormatException">The text is not a valid profile.</exception>
    public static DeviceProfile Parse(string json, string source = "profile")
    {
        DeviceProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize(json, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<DeviceProfile>)Json.GetTypeInfo(typeof(DeviceProfile)));
        }
        catch (JsonException ex)
        {
            throw new FormatException($"'{source}' is not a device profile: {UserText.Json(ex)} (at {ex.Path ?? "$"}, line {(ex.LineNumber ?? 0) + 1})", ex);
        }

        return profile?.Validated(source) ?? throw new FormatException($"'{source}' is not a device profile: it is empty.");
    }

    /// <summary>The profile as JSON, as <see cref="Parse"/> reads it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<DeviceProfile>)Json.GetTypeInfo(typeof(DeviceProfile))) + "\n";

    private DeviceProfile Validated(string source)
    {
        Within(source, MemoryBandwidthGBps, 0.001, 1e6, "memoryBandwidthGBps");
        Positive(source, Fp32Tflops, "fp32Tflops");
        foreach (var (value, low, high, what) in Cpu is { } cpu
            ? [(cpu.Threads, 1, 100_000, "cpu.threads"), (cpu.ChannelBlock ?? 1, 1, 1024, "cpu.channelBlock"), (cpu.LogicalProcessors, 1, 100_000, "cpu.logicalProcessors"), (cpu.LastLevelCacheBytes, 0, 1e12, "cpu.lastLevelCacheBytes"), (cpu.CacheBandwidthGBps, 0.001, 1e6, "cpu.cacheBandwidthGBps")]
            : new (double, double, double, string)[] { (StreamingMultiprocessors, 1, 100_000, "streamingMultiprocessors"), (Tf32Tflops, 1e-6, 1e6, "tf32Tflops"), (Bf16Tflops, 1e-6, 1e6, "bf16Tflops"), (Fp16Tflops, 1e-6, 1e6, "fp16Tflops") })
        {
            Within(source, value, low, high, what);
        }

        if (Cpu is { BandwidthCurve: { IsDefaultOrEmpty: false } curve })
        {
            for (var i = 0; i < curve.Length; i++)
            {
                Within(source, curve[i].GBps, 0.001, 1e6, $"cpu.bandwidthCurve[{i}].gbps");
                Within(source, curve[i].Bytes, i == 0 ? 1 : curve[i - 1].Bytes + 1, 1e15, $"cpu.bandwidthCurve[{i}].bytes (growing)");
            }
        }

        if (Parameters is { } p)
        {
            ValidateParameters(p, source);
        }

        return string.IsNullOrWhiteSpace(Name) ? throw new FormatException($"'{source}': a profile needs a name.") : this;
    }

    private void ValidateParameters(LatencyParameters p, string source)
    {
        void Pair(ImmutableArray<double> values, string what, bool fraction)
        {
            if (values.IsDefault || values.Length != 2)
            {
                throw new FormatException($"'{source}': parameters.{what} holds two values (4-byte, then 2-byte precisions).");
            }

            foreach (var v in values)
            {
                Positive(source, v, $"parameters.{what}");
                if (fraction && v > 1)
                {
                    throw new FormatException($"'{source}': parameters.{what} is a fraction of a peak, at most 1, got {v}.");
                }
            }
        }

        Pair(p.Convolution, "convolution", fraction: true);
        Pair(p.GroupedConvolution, "groupedConvolution", fraction: true);
        Pair(p.DepthwiseConvolution, "depthwiseConvolution", fraction: true);
        Pair(p.MatrixMultiply, "matrixMultiply", fraction: true);
        foreach (var (values, what) in Cpu is null ? [(p.HostConvolutionMicroseconds, "hostConvolutionMicroseconds"), (p.HostNormalizationMicroseconds, "hostNormalizationMicroseconds"), (p.HostOtherMicroseconds, "hostOtherMicroseconds")] : Array.Empty<(ImmutableArray<double>, string)>())
        {
            Pair(values, what, fraction: false);
        }

        Positive(source, p.Memory, "parameters.memory");
        foreach (var (value, what) in new[] { (p.GroupWidthHalfEfficiency, "groupWidthHalfEfficiency"), (p.UnblockedHalfDimension, "unblockedHalfDimension") })
        {
            if (value is { } v)
            {
                Positive(source, v, $"parameters.{what}");
            }
        }

        foreach (var (value, what) in new[] { (p.ConvolutionMemory, "convolutionMemory"), (p.UnblockedConvolution, "unblockedConvolution") })
        {
            if (value is { } v)
            {
                Within(source, v, 1e-6, 1, $"parameters.{what}");
            }
        }

        foreach (var (kind, rate) in p.KindRates ?? ImmutableSortedDictionary<string, double>.Empty)
        {
            Positive(source, rate, $"parameters.kindRates.{kind}");
        }

        Positive(source, p.KernelMicroseconds, "parameters.kernelMicroseconds");
    }

    // Every figure within what a real device can have: a denormal bandwidth or a zero peak would give
    // times of infinity; a value out of range is the profile's error, named with its field.
    private static void Within(string source, double value, double low, double high, string what)
    {
        if (!(value >= low && value <= high))
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{source}': {what} must be from {low:#,0.######} to {high:#,0.######}, got {UserText.Number(value)}."));
        }
    }

    private static void Positive(string source, double value, string what) => Within(source, value, 1e-6, 1e6, what);
}

/// <summary>Compile-time JSON metadata for device profiles (no reflection, for NativeAOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, UseStringEnumConverter = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(DeviceProfile))]
internal sealed partial class DeviceProfileJsonContext : JsonSerializerContext;

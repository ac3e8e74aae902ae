using System.Diagnostics;
using System.Text;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Memory;
using CnnArch.Onnx;
using CnnArch.Reporting;
using CnnArch.Spec;

namespace CnnArch.Fuzz;

/// <summary>What a fuzz input is.</summary>
public enum CaseKind
{
    /// <summary>The bytes of an ONNX model.</summary>
    Onnx,

    /// <summary>The UTF-8 text of a spec file.</summary>
    Spec,

    /// <summary>A network built through the public API; <see cref="FuzzCase.Bytes"/> describes it.</summary>
    Api,
}

/// <summary>One input of the campaign: a file's bytes, or a network built in code with its description.</summary>
public sealed record FuzzCase(CaseKind Kind, string Origin, byte[] Bytes, Func<Network>? Build = null)
{
    /// <summary>The file extension a failing input is saved with.</summary>
    public string Extension => Kind switch { CaseKind.Onnx => ".onnx", CaseKind.Spec => ".json", _ => ".txt" };

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} from {Origin} ({Bytes.Length} bytes)";
}

/// <summary>How a case ended.</summary>
public enum Verdict
{
    /// <summary>Analysed: every report, the memory estimate and the spec round trip were produced and consistent.</summary>
    Report,

    /// <summary>Rejected with the documented error of its format or an invalid-network error.</summary>
    Documented,

    /// <summary>Any other exception: a bug.</summary>
    Undocumented,

    /// <summary>Analysed, but a property of the reports does not hold: a bug.</summary>
    PropertyViolated,

    /// <summary>Took longer than the limit.</summary>
    TooSlow,

    /// <summary>Allocated more than the limit.</summary>
    TooMuchMemory,
}

/// <summary>The result of one case.</summary>
public sealed record Outcome(Verdict Verdict, string Detail, TimeSpan Elapsed, long AllocatedBytes)
{
    /// <summary>Whether the case found a bug.</summary>
    public bool IsFailure => Verdict is not (Verdict.Report or Verdict.Documented);

    /// <summary>A stable name of the failure class (verdict and exception type and first frame) for grouping.</summary>
    public string Class => Verdict switch
    {
        Verdict.Undocumented => $"undocumented {Detail.Split(':', 2)[0].Trim()} at {FirstFrame(Detail)}",
        Verdict.PropertyViolated => $"property: {Detail.Split(':', 2)[0]}",
        _ => Verdict.ToString(),
    };

    private static string FirstFrame(string detail) =>
        detail.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at CnnArch", StringComparison.Ordinal))?.Split(" in ", 2)[0] ?? "?";
}

/// <summary>A report property that does not hold.</summary>
public sealed class PropertyException(string message) : Exception(message);

/// <summary>
/// Runs one input through everything a user can ask of it: import or read, shapes and costs in every
/// convention, receptive fields, every report format, collapsed rows, memory for inference and
/// training, and the spec round trip; then checks the properties every report must have.
/// </summary>
public static class Harness
{
    /// <summary>The most time one case may take.</summary>
    public static TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most bytes one case may allocate (on its thread, all of its work together).</summary>
    public static long AllocationLimit { get; set; } = 256L << 20;

    /// <summary>Whether an exception is one the contract documents for bad input.</summary>
    public static bool IsDocumented(Exception ex) => ex is InvalidNetworkException or OnnxFormatException or SpecException;

    /// <summary>
    /// Runs <paramref name="fuzzCase"/> and classifies the result. The limits hold per operation a user
    /// can ask for (reading the input, one analysis with its reports, the memory estimate, the export,
    /// reading the export back), each measured alone: the time and the bytes allocated on this thread,
    /// an upper bound of what it holds at once.
    /// </summary>
    public static Outcome Run(FuzzCase fuzzCase, bool checkTime = true)
    {
        ArgumentNullException.ThrowIfNull(fuzzCase);
        var meter = new Meter();
        Verdict verdict;
        string detail;
        try
        {
            var network = meter.Measure("read", () => Load(fuzzCase));
            Exercise(network, meter);
            (verdict, detail) = (Verdict.Report, "report");
        }
        catch (PropertyException ex)
        {
            (verdict, detail) = (Verdict.PropertyViolated, ex.Message);
        }
        catch (Exception ex) when (IsDocumented(ex))
        {
            (verdict, detail) = (Verdict.Documented, $"{ex.GetType().Name}: {ex.Message}");
        }
        catch (Exception ex)
        {
            (verdict, detail) = (Verdict.Undocumented, ex.ToString());
        }

        meter.Stop();
        if (verdict is Verdict.Report or Verdict.Documented)
        {
            if (meter.MostAllocated > AllocationLimit)
            {
                (verdict, detail) = (Verdict.TooMuchMemory, $"{meter.MostAllocatedBy} allocated {meter.MostAllocated:N0} bytes ({detail.Split('\n')[0]})");
            }
            else if (checkTime && meter.Slowest > TimeLimit)
            {
                (verdict, detail) = (Verdict.TooSlow, $"{meter.SlowestBy} took {meter.Slowest.TotalMilliseconds:N0} ms ({detail.Split('\n')[0]})");
            }
        }

        return new Outcome(verdict, detail, meter.Slowest, meter.MostAllocated);
    }

    /// <summary>The time and allocation of each operation of a case; the worst of them is what the limits judge.</summary>
    public sealed class Meter
    {
        private readonly Stopwatch _clock = new();
        private long _allocatedBefore;
        private string _current = "read";

        /// <summary>The longest operation.</summary>
        public TimeSpan Slowest { get; private set; }

        /// <summary>Which operation that was.</summary>
        public string SlowestBy { get; private set; } = "";

        /// <summary>The most bytes one operation allocated.</summary>
        public long MostAllocated { get; private set; }

        /// <summary>Which operation that was.</summary>
        public string MostAllocatedBy { get; private set; } = "";

        /// <summary>Runs and measures one operation.</summary>
        public T Measure<T>(string operation, Func<T> work)
        {
            ArgumentNullException.ThrowIfNull(work);
            Start(operation);
            var result = work();
            Stop();
            return result;
        }

        /// <summary>Ends the operation in progress, if any (also when it threw).</summary>
        public void Stop()
        {
            if (!_clock.IsRunning)
            {
                return;
            }

            _clock.Stop();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - _allocatedBefore;
            if (_clock.Elapsed > Slowest)
            {
                (Slowest, SlowestBy) = (_clock.Elapsed, _current);
            }

            if (allocated > MostAllocated)
            {
                (MostAllocated, MostAllocatedBy) = (allocated, _current);
            }
        }

        private void Start(string operation)
        {
            _current = operation;
            _allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            _clock.Restart();
        }
    }

    /// <summary>The network a case stands for.</summary>
    public static Network Load(FuzzCase fuzzCase)
    {
        ArgumentNullException.ThrowIfNull(fuzzCase);
        return fuzzCase.Kind switch
        {
            CaseKind.Onnx => OnnxImporter.Load(new MemoryStream(fuzzCase.Bytes), "fuzz").Network,
            CaseKind.Spec => SpecReader.Parse(Encoding.UTF8.GetString(fuzzCase.Bytes)),
            _ => fuzzCase.Build!(),
        };
    }

    /// <summary>Everything a user can ask of a network, with the properties checked.</summary>
    public static void Exercise(Network network, Meter? meter = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        meter ??= new Meter();
        var input = network.DefaultInput ?? TensorShape.Chw(3, 32, 32);
        AnalysisReport Analyze(Network n, CostModel convention) => Analyzer.Analyze(n, new AnalysisOptions { Convention = convention, Input = input });
        var reports = new Dictionary<string, AnalysisReport>(StringComparer.Ordinal);
        foreach (var convention in Conventions.All)
        {
            var report = meter.Measure($"analyze ({convention.Name})", () =>
            {
                var r = Analyze(network, convention);
                _ = CsvReport.Write(r);
                _ = MarkdownReport.Write(r, depth: 1);
                _ = JsonReport.Write(r, depth: 2);
                return r;
            });
            CheckTotals(report);
            CheckReceptiveFields(network, report);
            reports[convention.Name] = report;
        }

        var (torchvision, flopcounter, lecture) = (reports["torchvision"], reports["flopcounter"], reports["lecture"]);
        if (flopcounter.Totals.Flops != checked(2 * torchvision.Totals.Macs))
        {
            throw new PropertyException($"flopcounter: FLOPs {flopcounter.Totals.Flops} is not 2 x torchvision MACs {torchvision.Totals.Macs}");
        }

        var json = JsonReport.Write(lecture);
        if (JsonReport.Write(Analyze(network, Conventions.Lecture)) != json)
        {
            throw new PropertyException("determinism: two analyses of one network give different JSON");
        }

        var memory = meter.Measure("memory", () => MemoryAnalyzer.Analyze(network, new MemoryOptions { Input = input }));
        var workspace = memory.Layers.Select(l => l.WorkspaceBytes).DefaultIfEmpty(0).Max();
        var bound = checked(memory.Inference.SumOfOutputsBytes + memory.InputBytes + workspace + ((long)network.Nodes.Length * memory.Options.AllocationGranularity));
        if (memory.Inference.PeakBytes > bound)
        {
            throw new PropertyException($"memory: inference peak {memory.Inference.PeakBytes} exceeds the sum of outputs, input and the largest workspace {bound}");
        }

        var spec = meter.Measure("export", () => SpecWriter.Write(network));
        var again = meter.Measure("read the export", () => JsonReport.Write(Analyze(SpecReader.Parse(spec), Conventions.Lecture)));
        if (again != json)
        {
            throw new PropertyException($"round trip: export then read gives another report ({FirstDifference(json, again)})");
        }
    }

    private static void CheckTotals(AnalysisReport report)
    {
        var main = report.Layers.Where(l => !l.IsAuxiliary).ToArray();
        var sum = Totals.Of(main);
        if (sum != report.Totals)
        {
            throw new PropertyException($"totals: rows add up to {sum}, the report says {report.Totals}");
        }

        foreach (var depth in new[] { 1, 2 })
        {
            var collapsed = Totals.Of(report.Collapsed(depth).Where(l => !l.IsAuxiliary));
            if (collapsed.Parameters != report.Totals.Parameters || collapsed.Macs != report.Totals.Macs || collapsed.Flops != report.Totals.Flops)
            {
                throw new PropertyException($"collapsed: depth-{depth} rows add up to {collapsed}, the report says {report.Totals}");
            }
        }
    }

    private static void CheckReceptiveFields(Network network, AnalysisReport report)
    {
        foreach (var node in network.Nodes.Where(n => n.Inputs.Length == 1 && !n.Inputs[0].IsNetworkInput))
        {
            var (before, after) = (report.Layers[node.Inputs[0].Id].ReceptiveField, report.Layers[node.Index].ReceptiveField);
            if (before.IsKnown && after.IsKnown && after.Rank == before.Rank && Enumerable.Range(0, after.Rank).Any(a => after[a].Size < before[a].Size))
            {
                throw new PropertyException($"receptive field: shrinks from {before} to {after} at '{node.Path}' ({node.Layer.Kind})");
            }
        }
    }

    private static string FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        string Around(string s) => s.Substring(Math.Max(0, i - 60), Math.Min(120, s.Length - Math.Max(0, i - 60)));
        return $"at {i}: '{Around(a)}' against '{Around(b)}'";
    }
}

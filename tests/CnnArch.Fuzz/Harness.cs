using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
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

    /// <summary>A command line of <c>cnnarch</c>, run in process; <see cref="FuzzCase.Bytes"/> holds its arguments, one a line (<see cref="CliCases"/>).</summary>
    Cli,
}

/// <summary>One input of the campaign: a file's bytes, or a network built in code with its description.</summary>
public sealed record FuzzCase(CaseKind Kind, string Origin, byte[] Bytes, Func<Network>? Build = null)
{
    /// <summary>The file extension a failing input is saved with.</summary>
    public string Extension => Kind switch { CaseKind.Onnx => ".onnx", CaseKind.Spec => ".json", CaseKind.Cli => ".args", _ => ".txt" };

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

    /// <summary>A command line broke the CLI's contract: an exit code outside 0-2, output with an error, an error not one line in the user's terms, JSON that does not parse.</summary>
    ContractViolated,
}

/// <summary>The result of one case.</summary>
public sealed record Outcome(Verdict Verdict, string Detail, TimeSpan Elapsed, long AllocatedBytes)
{
    /// <summary>Whether the case found a bug.</summary>
    public bool IsFailure => Verdict is not (Verdict.Report or Verdict.Documented);

    /// <summary>A command line's exit code (-1 when an exception escaped); null for other kinds.</summary>
    public int? ExitCode { get; init; }

    /// <summary>A command line's command (analyze, design solve), which the class names; null for other kinds.</summary>
    public string? Shape { get; init; }

    /// <summary>A stable name of the failure class (verdict and exception type and first frame) for grouping.</summary>
    public string Class => Verdict switch
    {
        Verdict.Undocumented => $"undocumented {Detail.Split(':', 2)[0].Trim()} at {FirstFrame(Detail)}{In}",
        Verdict.PropertyViolated => $"property: {Detail.Split(':', 2)[0]}",
        Verdict.ContractViolated => $"contract: {Detail.Split('\n', 2)[0]}",
        _ => Verdict.ToString() + In,
    };

    private string In => Shape is null ? string.Empty : $" [{Shape}]";

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

    /// <summary>
    /// What a search may allocate per candidate, and a sweep per point, on top of <see cref="AllocationLimit"/>:
    /// a candidate of a space without a fast path is built and analysed (with its memory model when a cost
    /// needs it), a sweep point analysed and its memory modelled, and all of it is garbage once costed.
    /// Measured: 'search mobilenet -n 10000' allocates 1.25 GB in passing (7.6 GB maximizing memory) and
    /// peaks at 59-62 MB resident; the allocation grows with the work asked for, the memory held does not.
    /// </summary>
    public const long BytesPerUnitOfWork = 1L << 20;

    /// <summary>
    /// The time a search may take per candidate, and a sweep per point, on top of <see cref="TimeLimit"/>: a
    /// candidate whose training memory is asked for is built, analysed and run through the memory model
    /// (measured: 0.27 ms each, 10,000 mobilenet candidates in 2.7 s).
    /// </summary>
    public static readonly TimeSpan TimePerUnitOfWork = TimeSpan.FromMilliseconds(0.5);

    // The candidates a 'search' draws (-n/--samples, default 1000), or the points a 'sweep' takes; 0 for another command.
    private static long UnitsOfWork(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("search" or "sweep"))
        {
            return 0;
        }

        if (args[0] == "sweep")
        {
            var list = Array.FindLastIndex(args, a => a is "-b" or "--batch" or "-r" or "--resolution");
            return list >= 0 && list + 1 < args.Length ? Math.Min(1000, args[list + 1].Count(c => c == ',') + 1 + (args[list + 1].Contains(':', StringComparison.Ordinal) ? 1000 : 0)) : 0;
        }

        var at = Array.FindLastIndex(args, a => a is "-n" or "--samples");
        return at >= 0 && at + 1 < args.Length && long.TryParse(args[at + 1], out var n) && n is > 0 and <= 100_000 ? n : 1000;
    }

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
        if (fuzzCase.Kind == CaseKind.Cli)
        {
            return RunCli(fuzzCase, checkTime);
        }

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
                _ = JsonReport.Write(r, new ReportOptions { Depth = 2 });
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

    // ---------- command lines ----------

    // .NET's wording, which an error line must not show (unless the user typed it). "(Parameter '" is
    // ArgumentException's suffix; "Parameter 'se' of 'resnet50' is not numeric" is the user's own terms.
    private static readonly string[] DotNetWording =
    [
        "System.", "Exception", "`1", "ImmutableArray", "(Parameter '", "isFinalBlock", "NaN", "Infinity",
        "positive and negative infinity cannot be written", "   at ", "--- End of", "Nullable", "Int32", "Int64",
    ];

    private static readonly HashSet<string> Commands = new(StringComparer.Ordinal) { "analyze", "memory", "compare", "sweep", "plot", "export", "list", "design", "search", "latency" };

    // The exceptions thrown while a command line runs (first chance, any thread): the one behind an exit 3 and where it was thrown.
    private static readonly ConcurrentQueue<Exception> Thrown = new();
    private static volatile bool _recording;
    private static int _folders;
    private static readonly bool Subscribed = Subscribe();

    private static bool Subscribe()
    {
        AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
        {
            if (_recording && Thrown.Count < 512)
            {
                Thrown.Enqueue(e.Exception);
            }
        };
        return true;
    }

    /// <summary>One run of a command line: exit code, what it wrote, and what it cost.</summary>
    public sealed record CliRun(int Code, string Stdout, string Stderr, Exception? Escaped, IReadOnlyList<Exception> Thrown, TimeSpan Elapsed, long ThreadBytes, long TotalBytes, bool StdoutCut);

    /// <summary>
    /// Runs a command line (<see cref="CaseKind.Cli"/>) in process through <c>CliApp.Run</c> and <c>CliApp.Finish</c>,
    /// with standard output a UTF-8 stream as the process has, in a temporary folder of its own that holds
    /// its files; then judges it by the CLI's contract: exit 0, 1 or 2 (3, the CLI's own guard, or an
    /// escaping exception is a bug); on 1 and 2 nothing on standard output, no --output file left, and
    /// one line on standard error starting 'error: ' without .NET's wording; on 0 with --format json (and
    /// export's spec) output that parses, without NaN or Infinity; within the time and allocation limits
    /// (allocations of every thread: search samples in parallel). A run over the time limit is measured
    /// again, and judged by the faster.
    /// </summary>
    public static Outcome RunCli(FuzzCase fuzzCase, bool checkTime = true)
    {
        ArgumentNullException.ThrowIfNull(fuzzCase);
        _ = Subscribed;
        var (template, files) = CliCases.Read(fuzzCase.Bytes);
        var folder = Path.Combine(Path.GetTempPath(), "cnnarch-cli-fuzz", $"{Environment.ProcessId}-{Interlocked.Increment(ref _folders)}");
        Directory.CreateDirectory(folder);
        try
        {
            CliCases.WriteFiles(files, folder);
            var args = template.Select(a => a.Replace("{dir}", folder, StringComparison.Ordinal).Replace("{fixtures}", CliCases.FixtureFolder, StringComparison.Ordinal)).ToArray();
            var output = OutputFile(args, folder);
            var existed = output is not null && Path.Exists(output);
            // What the user wrote (arguments and files) may come back in a message: 'NaN' there is in the user's terms.
            var typed = args.Concat(files.Where(f => f.Content.StartsWith("text:", StringComparison.Ordinal)).Select(f => File.ReadAllText(Path.Combine(folder, f.Name)))).ToArray();
            var run = RunCommandLine(args);
            var (verdict, detail) = Judge(args, typed, folder, output, existed, run);
            var shape = string.Empty;
            var elapsed = run.Elapsed;
            var allocated = run.ThreadBytes;
            // Work asked for (candidates, sweep points) may take its time: a hang is time beyond it.
            var timeLimit = TimeLimit + (TimePerUnitOfWork * UnitsOfWork(args));
            if (verdict is Verdict.Report or Verdict.Documented)
            {
                if (checkTime && elapsed > timeLimit)
                {
                    // A busy machine or a first compilation: measured once more, the faster counts.
                    var again = RunCommandLine(args);
                    elapsed = again.Elapsed < elapsed ? again.Elapsed : elapsed;
                }

                var summary = $"exit {run.Code}: {FirstLineOf(run.Stderr.Length > 0 ? run.Stderr : run.Stdout)}";
                var limit = AllocationLimit + (BytesPerUnitOfWork * UnitsOfWork(args));
                if (allocated > limit)
                {
                    (verdict, detail) = (Verdict.TooMuchMemory, $"the command line allocated {allocated:N0} bytes on its thread ({summary})\n{Describe(args, folder, run)}");
                }
                else if (run.TotalBytes > limit)
                {
                    // Search costs its candidates in parallel: what other threads allocate is not on the command's own.
                    (verdict, detail) = (Verdict.TooMuchMemory, $"the command line allocated {run.TotalBytes:N0} bytes on all threads, {run.ThreadBytes:N0} on its own ({summary})\n{Describe(args, folder, run)}");
                    shape = " (all threads)";
                }
                else if (checkTime && elapsed > timeLimit)
                {
                    (verdict, detail) = (Verdict.TooSlow, $"the command line took {elapsed.TotalMilliseconds:N0} ms ({summary})\n{Describe(args, folder, run)}");
                }
            }

            return new Outcome(verdict, detail, elapsed, Math.Max(allocated, run.TotalBytes)) { ExitCode = run.Code, Shape = CommandOf(args) + shape };
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Runs <paramref name="args"/> through the CLI as its process does, measured.</summary>
    public static CliRun RunCommandLine(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        _ = Subscribed;
        using var capture = new CaptureStream();
        using var stdout = new StreamWriter(capture, new UTF8Encoding(false), 1 << 16);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        while (Thrown.TryDequeue(out _))
        {
        }

        int code;
        Exception? escaped = null;
        _recording = true;
        var total = GC.GetTotalAllocatedBytes(false);
        var thread = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try
        {
            code = CliEntry.Finish(stdout, stderr, CliEntry.Run(args, stdout, stderr, false));
        }
        catch (Exception ex)
        {
            (code, escaped) = (-1, ex);
        }

        clock.Stop();
        var threadBytes = GC.GetAllocatedBytesForCurrentThread() - thread - capture.Allocated;
        var totalBytes = GC.GetTotalAllocatedBytes(false) - total - capture.Allocated;
        _recording = false;
        return new CliRun(code, capture.Text(), stderr.ToString(), escaped, [.. Thrown], clock.Elapsed, threadBytes, totalBytes, capture.Cut);
    }

    private static (Verdict, string) Judge(string[] args, string[] typed, string folder, string? output, bool existed, CliRun run)
    {
        var command = CommandOf(args);
        var context = Describe(args, folder, run);
        if (run.Escaped is { } escaped)
        {
            return (Verdict.Undocumented, $"{escaped}\n(escaped CliApp.Run)\n{context}");
        }

        if (run.Code == 3)
        {
            var type = Regex.Match(run.Stderr, @"internal failure \((?<type>[^)]+)\)", RegexOptions.None, TimeSpan.FromSeconds(1)).Groups["type"].Value;
            var thrown = run.Thrown.LastOrDefault(e => e.GetType().Name == type);
            return thrown is null
                ? (Verdict.Undocumented, $"exit 3 ({type}): {FirstLineOf(run.Stderr)}\n{context}")
                : (Verdict.Undocumented, $"{thrown}\n{context}");
        }

        if (run.Code is not (0 or 1 or 2))
        {
            return (Verdict.ContractViolated, $"exit code {run.Code} ({command})\n{context}");
        }

        string Message() => Normalize(FirstLineOf(run.Stderr), folder);
        if (run.Code is 1 or 2)
        {
            if (run.Stdout.Length > 0)
            {
                return (Verdict.ContractViolated, $"partial output: standard output not empty on exit {run.Code} ({command}): {Message()}\n{context}");
            }

            var lines = run.Stderr.Count(ch => ch == '\n');
            if (lines != 1 || !run.Stderr.EndsWith('\n') || run.Stderr.Contains('\r', StringComparison.Ordinal))
            {
                return (Verdict.ContractViolated, $"stderr: {(run.Stderr.Length == 0 ? "empty" : $"{lines} line breaks")} on exit {run.Code} ({command}): {Message()}\n{context}");
            }

            if (!run.Stderr.StartsWith("error: ", StringComparison.Ordinal))
            {
                return (Verdict.ContractViolated, $"stderr: no 'error: ' prefix on exit {run.Code} ({command}): {Message()}\n{context}");
            }

            if (DotNetWording.FirstOrDefault(w => run.Stderr.Contains(w, StringComparison.Ordinal) && !typed.Any(a => a.Contains(w, StringComparison.Ordinal))) is { } word)
            {
                return (Verdict.ContractViolated, $"stderr: .NET wording '{word}': {Message()}\n{context}");
            }

            if (output is not null && !existed && Path.Exists(output))
            {
                return (Verdict.ContractViolated, $"partial output: the --output file is left on exit {run.Code} ({command}): {Message()}\n{context}");
            }

            return (Verdict.Documented, $"exit {run.Code}: {run.Stderr.TrimEnd()}");
        }

        if (IsJson(args) && !run.StdoutCut && (output is not null || !HasOutput(args)))
        {
            var text = output is not null && File.Exists(output) ? File.ReadAllText(output) : run.Stdout;
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (NonFinite(doc.RootElement).FirstOrDefault(v => !typed.Any(a => a.Contains(v, StringComparison.Ordinal))) is { } value)
                {
                    return (Verdict.ContractViolated, $"json: '{value}' as a value ({command})\n{context}");
                }
            }
            catch (JsonException ex)
            {
                var reason = Regex.Replace(ex.Message.Split('.')[0], @"'[^']*'", "'…'", RegexOptions.None, TimeSpan.FromSeconds(1));
                return (Verdict.ContractViolated, $"json: the output does not parse ({command}): {reason}\n{context}");
            }
        }

        return (Verdict.Report, "report");
    }

    private static IEnumerable<string> NonFinite(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var v in e.EnumerateObject().SelectMany(p => NonFinite(p.Value)))
                {
                    yield return v;
                }

                break;
            case JsonValueKind.Array:
                foreach (var v in e.EnumerateArray().SelectMany(NonFinite))
                {
                    yield return v;
                }

                break;
            case JsonValueKind.String when e.GetString() is "NaN" or "Infinity" or "-Infinity" or "∞" or "-∞":
                yield return e.GetString()!;
                break;
            default:
                break;
        }
    }

    // With --format json, and export (whose spec is JSON): what a program reads.
    private static bool IsJson(string[] args)
    {
        if (CommandOf(args) == "export" && !args.Any(a => a is "--help" or "-h" or "-?"))
        {
            return true;
        }

        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if ((a is "--format" or "-f" && i + 1 < args.Length && args[i + 1].Equals("json", StringComparison.OrdinalIgnoreCase))
                || Regex.IsMatch(a, "^(--format|-f)[=:]?json$", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasOutput(string[] args) => args.Any(a => a is "--output" or "-o" || a.StartsWith("--output=", StringComparison.Ordinal));

    // The --output file when it lies in the case's folder (the only place a case writes).
    private static string? OutputFile(string[] args, string folder)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var value = args[i] is "--output" or "-o" && i + 1 < args.Length ? args[i + 1]
                : args[i].StartsWith("--output=", StringComparison.Ordinal) ? args[i]["--output=".Length..]
                : null;
            if (value is not null && value.StartsWith(folder + "/", StringComparison.Ordinal))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The command a line runs: analyze, design solve, ... or (none) and (other).</summary>
    public static string CommandOf(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
        {
            return "(none)";
        }

        return args[0] == "design" && args.Count > 1 && args[1] is "solve" or "scale" or "block" ? $"design {args[1]}"
            : Commands.Contains(args[0]) ? args[0]
            : "(other)";
    }

    // A message with what varies taken out (quoted text, numbers, the case's folder), to name a class.
    private static string Normalize(string message, string folder)
    {
        var text = message.Replace(folder, "{dir}", StringComparison.Ordinal);
        text = Regex.Replace(text, @"\{dir\}/[^\s:']*", "{file}", RegexOptions.None, TimeSpan.FromSeconds(1));
        text = Regex.Replace(text, @"'[^']*'", "'…'", RegexOptions.None, TimeSpan.FromSeconds(1));
        text = Regex.Replace(text, @"\d[\d,.]*", "N", RegexOptions.None, TimeSpan.FromSeconds(1));
        return text.Length > 100 ? text[..100] + "…" : text;
    }

    private static string FirstLineOf(string text) => text.Split('\n', 2)[0].TrimEnd();

    private static string Describe(string[] args, string folder, CliRun run)
    {
        string Quote(string a) => a.Length > 0 && a.All(ch => char.IsLetterOrDigit(ch) || "-_./=:@,<>{}+".Contains(ch, StringComparison.Ordinal)) ? a : $"'{a.Replace("\n", "\\n", StringComparison.Ordinal)}'";
        var text = new StringBuilder();
        text.Append("cnnarch ").AppendJoin(' ', args.Select(a => Quote(a.Replace(folder, "{dir}", StringComparison.Ordinal)))).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"exit {run.Code} in {run.Elapsed.TotalMilliseconds:N0} ms, {run.ThreadBytes:N0} bytes on its thread, {run.TotalBytes:N0} in all\n");
        text.Append("stderr: ").Append(run.Stderr.Length > 2000 ? run.Stderr[..2000] + "…" : run.Stderr).Append('\n');
        text.Append("stdout: ").Append(run.Stdout.Length > 1000 ? run.Stdout[..1000] + "…" : run.Stdout).Append('\n');
        if (run.Thrown.Count > 0)
        {
            text.Append("last exception thrown: ").Append(run.Thrown[^1]).Append('\n');
        }

        return text.ToString();
    }

    // Standard output as the process has it (a stream under a UTF-8 StreamWriter), kept in chunks (the
    // first 256 MB) whose allocation is taken out of the command line's.
    private sealed class CaptureStream : Stream
    {
        private const int Chunk = 1 << 20;
        private const long Keep = 256L << 20;
        private readonly List<byte[]> _chunks = [];
        private long _length;

        public long Allocated { get; private set; }

        public bool Cut => _length > Keep;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (buffer.Length > 0)
            {
                var at = (int)(_length % Chunk);
                if (_length >= Keep)
                {
                    _length += buffer.Length;
                    return;
                }

                if (at == 0)
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    _chunks.Add(new byte[Chunk]);
                    Allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                }

                var n = Math.Min(buffer.Length, Chunk - at);
                buffer[..n].CopyTo(_chunks[^1].AsSpan(at));
                _length += n;
                buffer = buffer[n..];
            }
        }

        public string Text()
        {
            var kept = (int)Math.Min(_length, Keep);
            var all = new byte[kept];
            for (var i = 0; i < _chunks.Count; i++)
            {
                var n = Math.Min(Chunk, kept - (i * Chunk));
                _chunks[i].AsSpan(0, n).CopyTo(all.AsSpan(i * Chunk));
            }

            return Encoding.UTF8.GetString(all);
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

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;

namespace CnnArch.Fuzz;

/// <summary>How many cases of each kind a campaign runs, for how long, from which seed, saving failures where.</summary>
/// <param name="CliCases">Command lines (<see cref="CaseKind.Cli"/>); the hand-picked ones run first.</param>
/// <param name="Start">Cases of each kind generated but not run before the first run: resumes a campaign a hang ended.</param>
/// <param name="Skip">Regular expressions: a command line whose text (arguments one a line) matches one is generated but not run (a known hang).</param>
public sealed record CampaignOptions(int OnnxCases, int SpecCases, int ApiCases, TimeSpan? Duration, ulong Seed, string? FailureFolder, string SeedFolder, int CliCases = 0, int Start = 0, IReadOnlyList<string>? Skip = null);

/// <summary>The figures of one kind of input after a campaign.</summary>
public sealed record KindSummary(CaseKind Kind, int Cases, int Reports, int Documented, int Failures, TimeSpan Slowest, long MostAllocated, IReadOnlyDictionary<string, int> FailureClasses)
{
    /// <summary>Command lines: how many ended with each exit code (-1: an exception escaped).</summary>
    public IReadOnlyDictionary<int, int>? ExitCodes { get; init; }

    /// <summary>Cases generated but not run (before --start, or matching --skip).</summary>
    public int Skipped { get; init; }

    /// <summary>How long the kind ran.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Kind}: {Cases:N0} cases in {Elapsed.TotalMinutes:N1} min, {Reports:N0} reports, {Documented:N0} documented errors, {Failures:N0} failures; slowest {Slowest.TotalMilliseconds:N0} ms, most allocated {MostAllocated / (1 << 20):N1} MiB" +
        (Skipped > 0 ? $"; {Skipped:N0} skipped" : string.Empty) +
        (ExitCodes is null ? string.Empty : "; exit codes " + string.Join(", ", ExitCodes.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value:N0}"))) +
        string.Concat(FailureClasses.OrderByDescending(p => p.Value).Select(p => $"\n  {p.Value,6:N0} x {p.Key}"));
}

/// <summary>A long campaign: every case of every kind through <see cref="Harness"/>, every failing input saved.</summary>
public static class Campaign
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>Runs the campaign, writing progress to <paramref name="log"/>; returns a summary per kind.</summary>
    public static IReadOnlyList<KindSummary> Run(CampaignOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var deadline = options.Duration is { } d ? DateTime.UtcNow + d : DateTime.MaxValue;
        var kinds = new (CaseKind Kind, int Count, Func<Gen<FuzzCase>> Gen)[]
        {
            (CaseKind.Api, options.ApiCases, () => ApiCases.Cases),
            (CaseKind.Spec, options.SpecCases, () => SpecCases.Cases(SpecCases.Seeds())),
            (CaseKind.Onnx, options.OnnxCases, () => OnnxCases.Cases(OnnxCases.Seeds(options.SeedFolder))),
            (CaseKind.Cli, options.CliCases, () => CliCases.Cases),
        };

        // Each kind gets its share of the time, so a time-boxed campaign covers all three.
        var total = kinds.Sum(k => (long)k.Count);
        var summaries = new List<KindSummary>();
        var start = DateTime.UtcNow;
        foreach (var (kind, count, gen) in kinds.Where(k => k.Count > 0))
        {
            var share = options.Duration is { } all ? start + (all * ((double)kinds.TakeWhile(k => k.Kind != kind).Sum(k => k.Count) + count) / total) : DateTime.MaxValue;
            summaries.Add(RunKind(kind, count, gen(), options, share < deadline ? share : deadline, log));
        }

        return summaries;
    }

    private static KindSummary RunKind(CaseKind kind, int count, Gen<FuzzCase> gen, CampaignOptions options, DateTime deadline, TextWriter log)
    {
        var pcg = new PCG(1 + (uint)kind, options.Seed);
        int cases = 0, reports = 0, documented = 0, failures = 0, skipped = 0;
        var slowest = TimeSpan.Zero;
        long mostAllocated = 0;
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        var exitCodes = new Dictionary<int, int>();
        var saved = new Dictionary<string, List<(int Size, string Name)>>(StringComparer.Ordinal);
        var skip = (options.Skip ?? []).Select(p => new Regex(p, RegexOptions.None, TimeSpan.FromSeconds(1))).ToArray();
        var skippedBy = new int[skip.Length];
        var clock = Stopwatch.StartNew();
        var generated = 0;
        string Status() => $"{kind}: {cases:N0} cases in {clock.Elapsed.TotalSeconds:N0} s ({generated:N0} generated: --start {generated} resumes after the last), {skipped:N0} skipped, {failures:N0} failures; exit codes {string.Join(", ", exitCodes.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value:N0}"))}" +
            string.Concat(skip.Select((r, i) => $"\nskipped {skippedBy[i]:N0} matching {r}"));
        using var watchdog = new Watchdog(options.FailureFolder, kind == CaseKind.Cli ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(60), Status);
        if (kind == CaseKind.Cli)
        {
            Warm(log);
        }

        // The hand-picked command lines go first, then the generated ones.
        var prelude = kind == CaseKind.Cli && options.Start == 0 ? CliCases.HandPicked() : [];
        for (var n = 0; n < prelude.Count + count && DateTime.UtcNow < deadline; n++)
        {
            var fuzzCase = n < prelude.Count ? prelude[n] : gen.Generate(pcg, null, out _);
            if (n >= prelude.Count && ++generated <= options.Start)
            {
                skipped++;
                continue;
            }

            if (skip.Length > 0 && Array.FindIndex(skip, r => r.IsMatch(Encoding.UTF8.GetString(fuzzCase.Bytes))) is var matched and >= 0)
            {
                skipped++;
                skippedBy[matched]++;
                continue;
            }

            watchdog.Arm(fuzzCase);
            var outcome = Harness.Run(fuzzCase);
            watchdog.Disarm();
            cases++;
            slowest = outcome.Elapsed > slowest ? outcome.Elapsed : slowest;
            mostAllocated = Math.Max(mostAllocated, outcome.AllocatedBytes);
            if (outcome.ExitCode is { } code)
            {
                exitCodes[code] = exitCodes.GetValueOrDefault(code) + 1;
            }

            switch (outcome.Verdict)
            {
                case Verdict.Report:
                    reports++;
                    break;
                case Verdict.Documented:
                    documented++;
                    break;
                default:
                    failures++;
                    classes[outcome.Class] = classes.GetValueOrDefault(outcome.Class) + 1;
                    Record(options.FailureFolder, fuzzCase, outcome, saved);
                    break;
            }

            if (cases % (kind == CaseKind.Cli ? 1000 : 5000) == 0)
            {
                log.WriteLine(Status());
            }
        }

        var summary = new KindSummary(kind, cases, reports, documented, failures, slowest, mostAllocated, classes)
        {
            ExitCodes = kind == CaseKind.Cli ? exitCodes : null,
            Skipped = skipped,
            Elapsed = clock.Elapsed,
        };
        if (options.FailureFolder is { } folder)
        {
            Directory.CreateDirectory(folder);
            File.AppendAllText(Path.Combine(folder, "summary.txt"), $"seed {options.Seed}, start {options.Start}\n{Status()}\n{summary}\n\n", Utf8);
        }

        return summary;
    }

    // The first run of each command compiles it: a few command lines first, so that the limits judge the command, not the JIT.
    private static void Warm(TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        foreach (var args in new[]
        {
            "analyze resnet18 --format json", "analyze resnet18", "analyze mobilenet_v2 --format csv", "analyze alexnet --format markdown", "analyze resnet18 --format html",
            "memory resnet18 --training --format json", "memory resnet18 --fits 24GB", "latency resnet18", "latency resnet18 --format json", "compare resnet18 alexnet --format json",
            "compare resnet18 alexnet", "sweep resnet18 --batch 1,2", "search regnet --samples 100", "search mobilenet --samples 10 --format json",
            "design block", "design solve resnet50 --vary width_per_group --target 2G", "design scale efficientnet_b0 --budget macs=500M", "list", "export resnet18", "analyze bogus",
        })
        {
            _ = Harness.RunCommandLine(args.Split(' '));
        }

        log.WriteLine($"Cli: warmed up in {clock.Elapsed.TotalSeconds:N1} s");
    }

    // Keeps at most three inputs per failure class, the smallest seen; every failure goes on a line of failures.tsv.
    private static void Record(string? folder, FuzzCase fuzzCase, Outcome outcome, Dictionary<string, List<(int Size, string Name)>> saved)
    {
        if (folder is null)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var line = $"{outcome.Class}\t{fuzzCase.Origin}\t{(fuzzCase.Kind == CaseKind.Cli ? string.Join(' ', CliCases.Read(fuzzCase.Bytes).Args.Select(CliCases.Escape)) : fuzzCase.Bytes.Length.ToString(CultureInfo.InvariantCulture))}";
        File.AppendAllText(Path.Combine(folder, "failures.tsv"), line.Replace("\n", "\\n", StringComparison.Ordinal) + "\n", Utf8);
        if (!saved.TryGetValue(outcome.Class, out var kept))
        {
            saved[outcome.Class] = kept = [];
        }

        var size = fuzzCase.Bytes.Length;
        if (kept.Count >= 3)
        {
            var largest = kept.MaxBy(k => k.Size);
            if (largest.Size <= size)
            {
                return;
            }

            kept.Remove(largest);
            File.Delete(largest.Name + fuzzCase.Extension);
            File.Delete(largest.Name + ".log");
        }

        var name = Save(folder, fuzzCase, outcome)!;
        if (!kept.Any(k => k.Name == name))
        {
            kept.Add((size, name));
        }
    }

    /// <summary>Writes a failing input and what happened to it into <paramref name="folder"/>.</summary>
    /// <returns>The saved input's path without its extension; null without a folder.</returns>
    public static string? Save(string? folder, FuzzCase fuzzCase, Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(fuzzCase);
        ArgumentNullException.ThrowIfNull(outcome);
        if (folder is null)
        {
            return null;
        }

        Directory.CreateDirectory(folder);
        var hash = Convert.ToHexStringLower(SHA256.HashData(fuzzCase.Bytes))[..12];
        var name = Path.Combine(folder, $"{fuzzCase.Kind.ToString().ToLowerInvariant()}-{hash}");
        File.WriteAllBytes(name + fuzzCase.Extension, fuzzCase.Bytes);
        File.WriteAllText(name + ".log", $"{outcome.Verdict} in {outcome.Elapsed.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture)} ms, {outcome.AllocatedBytes:N0} bytes\nclass: {outcome.Class}\n{fuzzCase.Origin}\n{outcome.Detail}\n", Utf8);
        return name;
    }

    // A case that never returns (an endless loop) cannot be stopped from inside: save it and end the process.
    // So is one that takes the process past 12 GB, before it takes the machine with it.
    private sealed class Watchdog : IDisposable
    {
        private const long MostMemory = 12L << 30;
        private readonly string? _folder;
        private readonly TimeSpan _limit;
        private readonly Func<string> _status;
        private readonly Timer _timer;
        private FuzzCase? _current;
        private DateTime _since;
        private int _fired;

        public Watchdog(string? folder, TimeSpan limit, Func<string> status)
        {
            (_folder, _limit, _status) = (folder, limit, status);
            _timer = new Timer(_ => Check(), null, 250, 250);
        }

        public void Arm(FuzzCase c)
        {
            _since = DateTime.UtcNow;
            Volatile.Write(ref _current, c);
        }

        public void Disarm() => Volatile.Write(ref _current, null);

        public void Dispose() => _timer.Dispose();

        private void Check()
        {
            if (Volatile.Read(ref _current) is not { } c)
            {
                return;
            }

            var (late, memory) = (DateTime.UtcNow - _since > _limit, Environment.WorkingSet > MostMemory);
            if ((late || memory) && Interlocked.Exchange(ref _fired, 1) == 0)
            {
                var what = late ? $"hang: no result after {_limit.TotalSeconds:N0} s" : $"memory: the process holds {Environment.WorkingSet:N0} bytes";
                var shape = c.Kind == CaseKind.Cli ? Harness.CommandOf(CliCases.Read(c.Bytes).Args) : null;
                Save(_folder, c, new Outcome(late ? Verdict.TooSlow : Verdict.TooMuchMemory, what, DateTime.UtcNow - _since, 0) { Shape = shape });
                Console.Error.WriteLine($"A case {(late ? "hangs" : "takes too much memory")}: {c}. Saved to {_folder ?? "(no folder)"}.\n{_status()}");
                if (_folder is not null)
                {
                    File.AppendAllText(Path.Combine(_folder, "summary.txt"), $"{what}: {c.Origin}\n{_status()}\n\n", Utf8);
                }

                Environment.Exit(4);
            }
        }
    }
}

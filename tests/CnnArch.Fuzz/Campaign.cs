using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsCheck;

namespace CnnArch.Fuzz;

/// <summary>How many cases of each kind a campaign runs, for how long, from which seed, saving failures where.</summary>
public sealed record CampaignOptions(int OnnxCases, int SpecCases, int ApiCases, TimeSpan? Duration, ulong Seed, string? FailureFolder, string SeedFolder);

/// <summary>The figures of one kind of input after a campaign.</summary>
public sealed record KindSummary(CaseKind Kind, int Cases, int Reports, int Documented, int Failures, TimeSpan Slowest, long MostAllocated, IReadOnlyDictionary<string, int> FailureClasses)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Kind}: {Cases:N0} cases, {Reports:N0} reports, {Documented:N0} documented errors, {Failures:N0} failures; slowest {Slowest.TotalMilliseconds:N0} ms, most allocated {MostAllocated / (1 << 20):N1} MiB" +
        string.Concat(FailureClasses.OrderByDescending(p => p.Value).Select(p => $"\n  {p.Value,6:N0} x {p.Key}"));
}

/// <summary>A long campaign: every case of every kind through <see cref="Harness"/>, every failing input saved.</summary>
public static class Campaign
{
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
        int cases = 0, reports = 0, documented = 0, failures = 0;
        var slowest = TimeSpan.Zero;
        long mostAllocated = 0;
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        using var watchdog = new Watchdog(options.FailureFolder);
        for (; cases < count && DateTime.UtcNow < deadline; cases++)
        {
            var fuzzCase = gen.Generate(pcg, null, out _);
            watchdog.Arm(fuzzCase);
            var outcome = Harness.Run(fuzzCase);
            watchdog.Disarm();
            slowest = outcome.Elapsed > slowest ? outcome.Elapsed : slowest;
            mostAllocated = Math.Max(mostAllocated, outcome.AllocatedBytes);
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
                    var seen = classes.TryGetValue(outcome.Class, out var n) ? n : 0;
                    classes[outcome.Class] = seen + 1;
                    if (seen < 3)
                    {
                        Save(options.FailureFolder, fuzzCase, outcome);
                    }

                    break;
            }

            if ((cases + 1) % 5000 == 0)
            {
                log.WriteLine($"{kind}: {cases + 1:N0} cases in {clock.Elapsed.TotalSeconds:N0} s, {failures:N0} failures");
            }
        }

        return new KindSummary(kind, cases, reports, documented, failures, slowest, mostAllocated, classes);
    }

    /// <summary>Writes a failing input and what happened to it into <paramref name="folder"/>.</summary>
    public static void Save(string? folder, FuzzCase fuzzCase, Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(fuzzCase);
        ArgumentNullException.ThrowIfNull(outcome);
        if (folder is null)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var hash = Convert.ToHexStringLower(SHA256.HashData(fuzzCase.Bytes))[..12];
        var name = Path.Combine(folder, $"{fuzzCase.Kind.ToString().ToLowerInvariant()}-{hash}");
        File.WriteAllBytes(name + fuzzCase.Extension, fuzzCase.Bytes);
        File.WriteAllText(name + ".log", $"{outcome.Verdict} in {outcome.Elapsed.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture)} ms, {outcome.AllocatedBytes:N0} bytes\n{fuzzCase.Origin}\n{outcome.Detail}\n", Encoding.UTF8);
    }

    // A case that never returns (an endless loop) cannot be stopped from inside: save it and end the process.
    private sealed class Watchdog : IDisposable
    {
        private readonly string? _folder;
        private readonly Timer _timer;
        private FuzzCase? _current;
        private DateTime _since;

        public Watchdog(string? folder)
        {
            _folder = folder;
            _timer = new Timer(_ => Check(), null, 1000, 1000);
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
            if (Volatile.Read(ref _current) is { } c && DateTime.UtcNow - _since > TimeSpan.FromSeconds(60))
            {
                Save(_folder, c, new Outcome(Verdict.TooSlow, "hang: no result after 60 s", DateTime.UtcNow - _since, 0));
                Console.Error.WriteLine($"A case hangs: {c}. Saved to {_folder ?? "(no folder)"}.");
                Environment.Exit(4);
            }
        }
    }
}

using BenchmarkDotNet.Attributes;
using CnnArch.Studies;

/// <summary>
/// The search's cost-only path on the RegNet space: candidates per second (the issue asks for at least
/// 100,000 on 2 cores) and linearity in the number of samples.
/// </summary>
[MemoryDiagnoser]
public class SearchBenchmarks
{
    private DesignSpace _regnet = null!;
    private double[] _candidate = null!;

    /// <summary>Candidates per search.</summary>
    [Params(10_000, 100_000)]
    public int Samples { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _regnet = DesignSpace.Load("regnet");
        _candidate = _regnet.Sample(new Random(1));
    }

    /// <summary>A whole search: sampling, closed-form costs, budgets, frontier.</summary>
    [Benchmark]
    public SearchResult SearchRegNetSpace() => Search.Run(_regnet, new SearchOptions
    {
        Samples = Samples,
        Seed = 1,
        Budgets = [Budget.Parse("macs<=400M"), Budget.Parse("params<=5M")],
    });

    /// <summary>One candidate's costs on one thread (Samples ignored).</summary>
    [Benchmark]
    public FastCost OneRegNetCandidate() => _regnet.FastCost(_candidate);
}

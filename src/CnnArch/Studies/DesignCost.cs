using System.Globalization;
using System.Text.RegularExpressions;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Memory;

namespace CnnArch.Studies;

/// <summary>What a design is measured by.</summary>
public enum CostKind
{
    /// <summary>Multiply-adds of one sample (the convention's).</summary>
    Macs,

    /// <summary>Learnable parameters.</summary>
    Params,

    /// <summary>Activation memory: the sum of every layer's output, bytes, one sample.</summary>
    Memory,

    /// <summary>Training peak bytes at a batch (activations kept for backward, weights, gradients, optimizer state).</summary>
    TrainMemory,
}

/// <summary>A cost to measure: its kind, and the batch a training peak is taken at.</summary>
/// <param name="Kind">What is measured.</param>
/// <param name="Batch">Batch of <see cref="CostKind.TrainMemory"/> (ignored by the others).</param>
public sealed partial record DesignCost(CostKind Kind, int Batch = 1)
{
    /// <summary>The command-line name: macs, params, memory, train-memory (with @batch).</summary>
    public string Name => Kind switch
    {
        CostKind.Macs => "macs",
        CostKind.Params => "params",
        CostKind.Memory => "memory",
        _ => string.Create(CultureInfo.InvariantCulture, $"train-memory@{Batch}"),
    };

    /// <summary>
    /// Count only the layers under this module path (<c>layer1.1</c>: one block), for the lecture's
    /// block-level arithmetic; null counts the whole network. Not for <see cref="CostKind.TrainMemory"/>.
    /// </summary>
    public string? Scope { get; init; }

    /// <summary>True for the costs counted in bytes.</summary>
    public bool IsBytes => Kind is CostKind.Memory or CostKind.TrainMemory;

    /// <summary>The cost of <paramref name="network"/> at <paramref name="input"/> (null: its own) under <paramref name="convention"/> (null: torchvision's).</summary>
    public long Measure(Network network, TensorShape? input = null, CostModel? convention = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (Kind == CostKind.TrainMemory)
        {
            return Scope is null
                ? MemoryAnalyzer.Analyze(network, new MemoryOptions { Input = input, Batch = Batch }).Training.PeakBytes
                : throw new ArgumentException("A training peak belongs to the whole network; it takes no scope.");
        }

        var report = Analyzer.Analyze(network, new AnalysisOptions { Input = input, Convention = convention ?? Conventions.TorchVision });
        if (Scope is not null)
        {
            var layers = report.Layers.Where(l => !l.IsAuxiliary && (l.Path == Scope || l.Path.StartsWith(Scope + ".", StringComparison.Ordinal))).ToList();
            if (layers.Count == 0)
            {
                throw new ArgumentException($"'{network.Name}' has no layer under '{Scope}'.");
            }

            return Kind switch
            {
                CostKind.Macs => layers.Sum(l => l.Macs),
                CostKind.Params => layers.Sum(l => l.Parameters),
                _ => layers.Sum(l => l.ActivationBytes),
            };
        }

        var totals = report.Totals;
        return Kind switch
        {
            CostKind.Macs => totals.Macs,
            CostKind.Params => totals.Parameters,
            _ => totals.ActivationBytes,
        };
    }

    /// <summary>Parses macs, params, memory, train-memory or train-memory@BATCH (default batch 1).</summary>
    /// <exception cref="FormatException">Unknown name; the message lists the valid ones.</exception>
    public static DesignCost Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var name = (at < 0 ? text : text[..at]).Trim().ToLowerInvariant();
        var batch = 1;
        if (at >= 0 && (!int.TryParse(text[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out batch) || batch <= 0))
        {
            throw new FormatException($"'{text}': the batch after @ must be a positive whole number.");
        }

        return name switch
        {
            "macs" => new DesignCost(CostKind.Macs),
            "params" => new DesignCost(CostKind.Params),
            "memory" or "activations" => new DesignCost(CostKind.Memory),
            "train-memory" or "training" => new DesignCost(CostKind.TrainMemory, batch),
            _ => throw new FormatException($"Unknown cost '{text}'; known: macs, params, memory, train-memory@BATCH."),
        };
    }

    /// <summary>
    /// Parses an amount of this cost: counts take K, M, G, T (powers of 1000: 2G MACs, 5M params) or none,
    /// bytes a unit as <see cref="ByteSize"/> reads it (KB, MB, GB, TB, powers of 1024, as a GPU's "24 GB").
    /// </summary>
    /// <exception cref="FormatException">Not a positive number with a known unit, or 2^63 or more.</exception>
    public double ParseAmount(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsBytes)
        {
            return ByteSize.Parse(text).Bytes;
        }

        var m = AmountPattern().Match(text);
        if (!m.Success || !double.TryParse(m.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !(n > 0))
        {
            throw new FormatException($"'{text}' is not an amount of {Name}: expected a positive number and an optional unit, like 2G or 400M.");
        }

        var power = m.Groups["u"].Value.ToUpperInvariant() switch { "" => 0, "K" => 1, "M" => 2, "G" => 3, "T" => 4, _ => -1 };
        if (power < 0)
        {
            throw new FormatException($"'{text}' has an unknown unit; {Name} take K, M, G or T (powers of 1000).");
        }

        // Counts are 64-bit: an amount at or beyond 2^63 (1e400 reads as infinity) has no cost to compare with.
        var amount = n * Math.Pow(1000, power);
        return amount < MaxAmount
            ? amount
            : throw new FormatException($"'{text}' is more {Name} than any network has: an amount is below 9.2e18 (2^63).");
    }

    /// <summary>The bound of every amount: 2^63, beyond every 64-bit count.</summary>
    public const double MaxAmount = 9.223372036854775807E18;

    [GeneratedRegex(@"^\s*(?<n>[0-9]+(\.[0-9]+)?([eE][0-9]+)?)\s*(?<u>[a-zA-Z]*)\s*$")]
    private static partial Regex AmountPattern();
}

/// <summary>An upper bound on one cost: <c>macs&lt;=400M</c>, <c>train-memory&lt;=24GB@64</c>.</summary>
/// <param name="Cost">The cost bounded.</param>
/// <param name="Limit">Its largest allowed value.</param>
public sealed partial record Budget(DesignCost Cost, double Limit)
{
    /// <summary>
    /// Parses NAME&lt;=AMOUNT (or NAME=AMOUNT, or NAME:AMOUNT, which need no quotes in a shell) with an
    /// optional @BATCH for train-memory: <c>params&lt;=5M</c>, <c>macs:400M</c>, <c>train-memory&lt;=8GB@32</c>.
    /// </summary>
    /// <exception cref="FormatException">Malformed; the message shows the expected form.</exception>
    public static Budget Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var m = BudgetPattern().Match(text);
        if (!m.Success)
        {
            throw new FormatException($"'{text}' is not a budget: expected NAME<=AMOUNT, NAME=AMOUNT or NAME:AMOUNT, like macs:400M, params:5M or train-memory:24GB@64.");
        }

        var cost = DesignCost.Parse(m.Groups["name"].Value + (m.Groups["batch"].Success ? "@" + m.Groups["batch"].Value : string.Empty));
        return new Budget(cost, cost.ParseAmount(m.Groups["amount"].Value));
    }

    /// <summary>True when <paramref name="value"/> is within the budget.</summary>
    public bool Allows(double value) => value <= Limit;

    [GeneratedRegex(@"^\s*(?<name>[a-zA-Z-]+)\s*(<=|=|:)\s*(?<amount>[^@]+?)\s*(@(?<batch>[0-9]+))?\s*$")]
    private static partial Regex BudgetPattern();
}

using System.Collections.Immutable;
using System.Globalization;
using CnnArch.Graph;
using CnnArch.Presets;

namespace CnnArch.Studies;

/// <summary>
/// How a design space turns sampled values into a network: the parameters it needs and their valid
/// ranges, the network, a short description, a key equal for candidates that generate the same layers,
/// and costs without building (a fast path) where the family has one. Built in: <c>regnet</c>, <c>mbconv</c>.
/// </summary>
public interface IDesignFamily
{
    /// <summary>The family's name in a design-space file.</summary>
    string Name { get; }

    /// <summary>Whether costs other than training memory come from closed forms, without building the network.</summary>
    bool HasFastPath { get; }

    /// <summary>The network a candidate describes, at <paramref name="resolution"/>.</summary>
    Network Build(IReadOnlyList<double> values, string name, int resolution);

    /// <summary>The candidate as a short line (RegNet's as name=value pairs; an mbconv candidate as width and expansion/kernel/repeats per stage, e6k5x4).</summary>
    string Describe(IReadOnlyList<double> values);

    /// <summary>A key equal for two candidates, or a candidate and a preset, that generate the same layers.</summary>
    string Key(IReadOnlyList<double> values);

    /// <summary>The presets of the family with their keys, to find a candidate equal to one.</summary>
    ImmutableArray<(string Name, string Key)> PresetKeys();

    /// <summary>The costs of a candidate without building it.</summary>
    /// <exception cref="InvalidOperationException">The family has no fast path.</exception>
    FastCost FastCost(IReadOnlyList<double> values, int resolution);
}

/// <summary>The built-in design families by name.</summary>
public static class DesignFamilies
{
    /// <summary>The family named <paramref name="name"/>, bound to the space's <paramref name="parameters"/>.</summary>
    /// <exception cref="FormatException">An unknown family, a parameter it needs missing, or one whose range it cannot build.</exception>
    public static IDesignFamily Create(string name, string space, ImmutableArray<SpaceParameter> parameters) => name switch
    {
        "regnet" => new RegNetFamily(space, parameters),
        "mbconv" => new MbConvFamily(space, parameters),
        _ => throw new FormatException($"Design space '{space}': unknown family '{name}'; known: regnet, mbconv."),
    };

    internal static int Index(ImmutableArray<SpaceParameter> parameters, string name)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    // A parameter's values must lie in [min, max]: a range's ends, or every choice.
    internal static void Within(string space, SpaceParameter p, double min, double max, string why)
    {
        var (lo, hi) = p.Choices.IsDefaultOrEmpty ? (p.Min, p.Max) : (p.Choices.Min(), p.Choices.Max());
        if (lo < min || hi > max)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Design space '{space}': parameter '{p.Name}' must lie within {min:G6} to {max:G6} ({why}), got {lo:G6} to {hi:G6}."));
        }
    }
}

/// <summary>RegNet's AnyNet space under the quantized linear rule; costs in closed form.</summary>
internal sealed class RegNetFamily : IDesignFamily
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private readonly int[] _index;
    private readonly ImmutableArray<SpaceParameter> _parameters;

    public RegNetFamily(string space, ImmutableArray<SpaceParameter> parameters)
    {
        _parameters = parameters;
        string[] needed = ["depth", "w0", "wa", "wm", "group_width"];
        if (needed.FirstOrDefault(n => DesignFamilies.Index(parameters, n) < 0) is { } missing)
        {
            throw new FormatException($"Design space '{space}': family regnet needs parameter '{missing}'.");
        }

        _index = [.. needed.Select(n => DesignFamilies.Index(parameters, n)), DesignFamilies.Index(parameters, "bottleneck_ratio"), DesignFamilies.Index(parameters, "se_ratio")];
        DesignFamilies.Within(space, parameters[_index[0]], 1, 1000, "RegNet's depth, as the presets take it");
    }

    public string Name => "regnet";

    public bool HasFastPath => true;

    public RegNetParameters Parameters(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var ix = _index;
        return new RegNetParameters((int)values[ix[0]], (int)values[ix[1]], values[ix[2]], values[ix[3]], (int)values[ix[4]],
            ix[5] >= 0 ? values[ix[5]] : 1.0, ix[6] >= 0 ? values[ix[6]] : 0);
    }

    public Network Build(IReadOnlyList<double> values, string name, int resolution) => RegNets.Build(name, Parameters(values), resolution);

    public string Describe(IReadOnlyList<double> values) =>
        string.Join(' ', _parameters.Select((p, i) => $"{p.Name}={values[i].ToString("0.####", C)}"));

    public string Key(IReadOnlyList<double> values) => Key(Parameters(values));

    public ImmutableArray<(string Name, string Key)> PresetKeys() => [.. RegNets.Table.Select(t => (t.Name, Key(t.Parameters)))];

    public FastCost FastCost(IReadOnlyList<double> values, int resolution) => RegNetCost.Compute(Parameters(values), resolution);

    private static string Key(RegNetParameters p) =>
        string.Join(";", p.Stages().Select(s => $"{s.Width},{s.Blocks},{s.GroupWidth}")) + $"|{p.BottleneckRatio.ToString("R", C)}|{p.SeRatio.ToString("R", C)}";
}

/// <summary>MnasNet-B1's skeleton with each stage's expansion, kernel and repeats, and a width multiplier.</summary>
internal sealed class MbConvFamily : IDesignFamily
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private readonly int _width;
    private readonly int[] _stages;

    public MbConvFamily(string space, ImmutableArray<SpaceParameter> parameters)
    {
        int Index(string n) => DesignFamilies.Index(parameters, n);
        if (Index("width") < 0 || Enumerable.Range(1, 6).Any(s => Index($"stage{s}.expansion") < 0 || Index($"stage{s}.kernel") < 0 || Index($"stage{s}.repeats") < 0))
        {
            throw new FormatException($"Design space '{space}': family mbconv needs width and stage1..stage6 .expansion, .kernel and .repeats.");
        }

        _width = Index("width");
        _stages = [.. Enumerable.Range(1, 6).SelectMany(s => new[] { Index($"stage{s}.kernel"), Index($"stage{s}.expansion"), Index($"stage{s}.repeats") })];
        DesignFamilies.Within(space, parameters[_width], 0.01, 10, "a width multiplier");
        for (var s = 0; s < 6; s++)
        {
            DesignFamilies.Within(space, parameters[_stages[3 * s]], 1, 15, "a kernel size");
            DesignFamilies.Within(space, parameters[_stages[(3 * s) + 1]], 1, 32, "an expansion ratio");
            DesignFamilies.Within(space, parameters[_stages[(3 * s) + 2]], 1, 32, "blocks per stage");
        }
    }

    public string Name => "mbconv";

    public bool HasFastPath => false;

    public Network Build(IReadOnlyList<double> values, string name, int resolution)
    {
        var (width, stacks) = Stacks(values);
        return MnasNets.Build(width, name, stacks).WithDefaultInput(TensorShape.Chw(3, resolution, resolution));
    }

    public string Describe(IReadOnlyList<double> values)
    {
        var (width, stacks) = Stacks(values);
        return $"width={width.ToString("0.##", C)} stages={string.Join(',', stacks.Select(s => $"e{s.T}k{s.K}x{s.N}"))}";
    }

    public string Key(IReadOnlyList<double> values)
    {
        var (width, stacks) = Stacks(values);
        return Key(width, stacks);
    }

    public ImmutableArray<(string Name, string Key)> PresetKeys() =>
        [.. Catalog.All.Where(p => p.Family == "MnasNet").Select(p => (p.Name, Key(double.Parse(p.Parameters[0].Default, C), MnasNets.Stacks)))];

    public FastCost FastCost(IReadOnlyList<double> values, int resolution) => throw new InvalidOperationException("The mbconv family has no fast path.");

    private (double Width, (int K, int S, int T, int N)[] Stacks) Stacks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var strides = MnasNets.Stacks;
        var stacks = new (int K, int S, int T, int N)[6];
        for (var s = 0; s < 6; s++)
        {
            stacks[s] = ((int)values[_stages[3 * s]], strides[s].S, (int)values[_stages[(3 * s) + 1]], (int)values[_stages[(3 * s) + 2]]);
        }

        return (values[_width], stacks);
    }

    private static string Key(double width, IReadOnlyList<(int K, int S, int T, int N)> stacks) =>
        width.ToString("R", C) + "|" + string.Join(";", stacks.Select(s => $"{s.K},{s.S},{s.T},{s.N}"));
}

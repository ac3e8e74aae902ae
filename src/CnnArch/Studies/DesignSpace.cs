using System.Collections.Immutable;
using System.Text.Json;
using CnnArch.Graph;
using CnnArch.Presets;

namespace CnnArch.Studies;

/// <summary>
/// One searched dimension of a design space: a list of choices, or a range (whole numbers, multiples
/// of a step, or reals, uniform or log-uniform, rounded to some decimals).
/// </summary>
/// <param name="Name">The parameter's name (<c>w0</c>, <c>stage3.kernel</c>).</param>
/// <param name="Min">Smallest value of a range.</param>
/// <param name="Max">Largest value of a range.</param>
/// <param name="Step">Values are multiples of it (w0: 8); 0 for none.</param>
/// <param name="Integer">Whole numbers only.</param>
/// <param name="Log">Log-uniform rather than uniform.</param>
/// <param name="Decimals">Reals are rounded to this many decimals (-1: not rounded).</param>
/// <param name="Choices">The values to choose among; empty for a range.</param>
public sealed record SpaceParameter(string Name, double Min, double Max, double Step, bool Integer, bool Log, int Decimals, ImmutableArray<double> Choices)
{
    /// <summary>One value drawn with <paramref name="random"/>.</summary>
    public double Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!Choices.IsDefaultOrEmpty)
        {
            return Choices[random.Next(Choices.Length)];
        }

        if (Step > 0)
        {
            // Parse keeps the count of steps within a 32-bit int.
            var steps = (int)Math.Floor((Max - Min) / Step);
            return Min + (Step * random.Next(steps + 1));
        }

        if (Integer)
        {
            return random.NextInt64((long)Min, (long)Max + 1);
        }

        var u = random.NextDouble();
        var v = Log ? Math.Exp(Math.Log(Min) + (u * (Math.Log(Max) - Math.Log(Min)))) : Min + (u * (Max - Min));
        return Decimals >= 0 ? Math.Round(v, Decimals, MidpointRounding.ToEven) : v;
    }
}

/// <summary>
/// A design space as data (a JSON file): a family that turns values into a network, and the
/// parameters sampled. Built in: <c>regnet</c> (RegNet's AnyNet space under the quantized linear rule)
/// and <c>mobilenet</c> (MnasNet-B1's skeleton with per-stage expansion, kernel and repeats).
/// </summary>
public sealed class DesignSpace
{
    private readonly Lazy<ImmutableArray<(string Name, string Key)>> _presetKeys;

    private DesignSpace(string name, string description, string family, int resolution, ImmutableArray<SpaceParameter> parameters)
    {
        (Name, Description, Resolution, Parameters) = (name, description, resolution, parameters);
        Family = DesignFamilies.Create(family, name, parameters);
        _presetKeys = new(Family.PresetKeys);
    }

    /// <summary>The space's name.</summary>
    public string Name { get; }

    /// <summary>What it is.</summary>
    public string Description { get; }

    /// <summary>The generator: <c>regnet</c> or <c>mbconv</c>.</summary>
    public IDesignFamily Family { get; }

    /// <summary>Input height and width.</summary>
    public int Resolution { get; }

    /// <summary>The sampled parameters, in order.</summary>
    public ImmutableArray<SpaceParameter> Parameters { get; }

    /// <summary>Whether costs other than training memory come from the closed-form fast path (RegNet).</summary>
    public bool HasFastPath => Family.HasFastPath;

    /// <summary>The built-in spaces' names.</summary>
    public static ImmutableArray<string> BuiltIn { get; } = ["regnet", "mobilenet"];

    /// <summary>A built-in space by name, or a JSON file by path.</summary>
    /// <exception cref="ArgumentException">Neither a built-in name nor an existing file.</exception>
    /// <exception cref="FormatException">The JSON is not a design space; the message names what is wrong.</exception>
    public static DesignSpace Load(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (BuiltIn.Contains(nameOrPath))
        {
            using var stream = typeof(DesignSpace).Assembly.GetManifestResourceStream($"CnnArch.Studies.Spaces.{nameOrPath}.json")
                ?? throw new InvalidOperationException($"The built-in space '{nameOrPath}' is missing from the assembly.");
            using var reader = new StreamReader(stream);
            return Parse(reader.ReadToEnd());
        }

        if (!File.Exists(nameOrPath))
        {
            throw new ArgumentException($"No design space '{nameOrPath}': give a built-in ({string.Join(", ", BuiltIn)}) or a JSON file.");
        }

        try
        {
            return Parse(BoundedRead.ReadText(nameOrPath, MaxFileBytes, () => new FormatException($"the file holds more than {MaxFileBytes:N0} bytes; a design space is a few KB.")));
        }
        catch (FormatException ex)
        {
            // The file's name first, so the one line says where.
            throw new FormatException($"{nameOrPath}: {ex.Message}", ex);
        }
    }

    /// <summary>The largest design-space file read: 1 MiB.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Reads a design space from JSON: name, description, family, resolution, parameters (name to {choices} or {min, max, integer, step, log, decimals}).</summary>
    /// <exception cref="FormatException">Malformed; the message names the field.</exception>
    public static DesignSpace Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            string Text(string field) => root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new FormatException($"A design space needs a string '{field}'.");
            var parameters = ImmutableArray.CreateBuilder<SpaceParameter>();
            if (!root.TryGetProperty("parameters", out var ps) || ps.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("A design space needs an object 'parameters'.");
            }

            foreach (var p in ps.EnumerateObject())
            {
                parameters.Add(ParseParameter(p));
            }

            var resolution = root.TryGetProperty("resolution", out var r) ? (r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var side) && side is >= 16 and <= 4096 ? side
                : throw new FormatException($"Design space resolution must be a whole number from 16 to 4096, got {Shown(r)}.")) : 224;
            return new DesignSpace(Text("name"), Text("description"), Text("family"), resolution, parameters.ToImmutable());
        }
        catch (JsonException ex)
        {
            throw new FormatException(ex.LineNumber is { } line
                ? $"Not a design space: the JSON is malformed at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}."
                : "Not a design space: the JSON is malformed or empty.", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException("Not a design space: a field has the wrong type (name, description and family are text; parameters an object).", ex);
        }
    }

    // One parameter: choices, or a range with its step, integer and log flags and decimals, each checked.
    private static SpaceParameter ParseParameter(JsonProperty p)
    {
        var o = p.Value;
        string Where(string field) => $"parameters.{p.Name}.{field}";
        double Num(string f, double fallback)
        {
            if (!o.TryGetProperty(f, out var v))
            {
                return fallback;
            }

            // Every number of a space is a finite value no network parameter exceeds.
            return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && Math.Abs(d) <= MaxValue
                ? d
                : throw new FormatException($"Design space {Where(f)} must be a number from {-MaxValue:#,0} to {MaxValue:#,0}, got {Shown(v)}.");
        }

        bool Flag(string f) => !o.TryGetProperty(f, out var v) ? false
            : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
            : throw new FormatException($"Design space {Where(f)} must be true or false, got {Shown(v)}.");
        if (o.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Design space parameter '{p.Name}' must be an object with choices, or min and max.");
        }

        var choices = !o.TryGetProperty("choices", out var cs) ? []
            : cs.ValueKind == JsonValueKind.Array && cs.GetArrayLength() is >= 1 and <= MaxChoices
                ? cs.EnumerateArray().Select((c, i) => c.ValueKind == JsonValueKind.Number && c.TryGetDouble(out var d) && Math.Abs(d) <= MaxValue ? d : throw new FormatException($"Design space {Where("choices")}[{i}] must be a number from {-MaxValue:#,0} to {MaxValue:#,0}, got {Shown(c)}.")).ToImmutableArray()
                : throw new FormatException($"Design space {Where("choices")} must be a list of 1 to {MaxChoices:N0} numbers.");
        var (min, max) = (Num("min", double.NaN), Num("max", double.NaN));
        var (step, integer, log) = (Num("step", 0), Flag("integer"), Flag("log"));
        var decimals = Num("decimals", -1);
        if (choices.IsEmpty && (!(min <= max) || (log && !(min > 0))))
        {
            throw new FormatException($"Design space parameter '{p.Name}' needs choices, or min <= max (min > 0 when log).");
        }

        if (step < 0 || (step > 0 && (max - min) / step > int.MaxValue - 1))
        {
            throw new FormatException($"Design space {Where("step")} must be 0 (none) or positive, with at most {int.MaxValue - 1:N0} steps from min to max, got {step:G6}.");
        }

        if (decimals != Math.Floor(decimals) || decimals is < -1 or > 15)
        {
            throw new FormatException($"Design space {Where("decimals")} must be a whole number from 0 to 15, or -1 for none, got {decimals:G6}.");
        }

        return new SpaceParameter(p.Name, min, max, step, integer, log, (int)decimals, choices);
    }

    // The largest magnitude of any number in a space (a width slope, a channel count), and the most choices.
    private const double MaxValue = int.MaxValue;
    private const int MaxChoices = 10_000;

    // A JSON value as a message shows it: short.
    private static string Shown(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 40 ? text : text[..37] + "...";
    }

    /// <summary>One candidate's values, in <see cref="Parameters"/> order.</summary>
    public double[] Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var values = new double[Parameters.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Parameters[i].Sample(random);
        }

        return values;
    }

    /// <summary>The RegNet rule's parameters of a candidate of a <c>regnet</c> space.</summary>
    /// <exception cref="InvalidOperationException">The space is not a <c>regnet</c> space.</exception>
    public RegNetParameters RegNet(IReadOnlyList<double> values) =>
        Family is RegNetFamily regnet ? regnet.Parameters(values) : throw new InvalidOperationException($"Space '{Name}' is not a regnet space.");

    /// <summary>The costs of a candidate without building it (<c>regnet</c> spaces).</summary>
    public FastCost FastCost(IReadOnlyList<double> values) => Family.FastCost(values, Resolution);

    /// <summary>The network a candidate describes.</summary>
    public Network Build(IReadOnlyList<double> values, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Family.Build(values, name ?? Name + "_candidate", Resolution);
    }

    /// <summary>The preset a candidate equals (same generated layers), if any: its published top-1 applies.</summary>
    public string? MatchingPreset(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        string key;
        try
        {
            key = Family.Key(values);
        }
        catch (ArgumentException)
        {
            return null;
        }

        return _presetKeys.Value.FirstOrDefault(p => p.Key == key).Name;
    }

    /// <summary>A candidate as a short line (see <see cref="IDesignFamily.Describe"/>).</summary>
    public string Describe(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Family.Describe(values);
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using CnnArch.Analysis;
using CnnArch.Onnx;

namespace CnnArch.Cli;

/// <summary>What a command writes.</summary>
internal enum OutputFormat
{
    /// <summary>A table with units, as a terminal shows it.</summary>
    Table,

    /// <summary>JSON with exact integers.</summary>
    Json,

    /// <summary>CSV with exact integers.</summary>
    Csv,

    /// <summary>A Markdown table.</summary>
    Markdown,

    /// <summary>One self-contained HTML page.</summary>
    Html,

    /// <summary>A spec file that reads back.</summary>
    Spec,

    /// <summary>An ONNX model (opset 17) that ONNX Runtime runs.</summary>
    Onnx,
}

/// <summary>
/// The options commands share, typed: names from a closed set parse case-insensitively into their value,
/// numbers are checked against their range, and every error names the option, what it takes and what it got.
/// </summary>
internal static class CliOptions
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static Argument<string> Model(string description = "A preset (see 'cnnarch list'), an .onnx file or a spec file (.json).") =>
        new("model") { Description = description };

    public static Option<string?> Input(string description = "One sample's input: C x H x W, or C x L and C x D x H x W for 1-D and 3-D networks (default: the model's, 3x224x224 for most).") =>
        new("--input", "-i") { Description = description, HelpName = "shape" };

    public static Option<int> Batch() => Number("--batch", "Samples per batch.", 1, 1, int.MaxValue, "-b");

    public static Option<string[]> Freeze() => new("--freeze")
    {
        Description = "Freeze the parameters of this layer or block and everything under it (repeatable): no gradient, no optimizer state; trainable counts and backward compute follow.",
        HelpName = "path",
    };

    public static Option<int?> Depth(string description) => Optional<int>("--depth", description, 1, int.MaxValue, "N", "-d");

    /// <summary>
    /// --dtype: the element type of a run, the same in every command (activations, weights by default,
    /// latency's precision); --precision, the name 'analyze' once gave latency's precision, is an alias.
    /// </summary>
    public static Option<DataType> DataType(string description = "Element type of the run: activations, weights unless --weights-dtype says otherwise, and the precision latency is predicted in (fp32 runs convs in TF32 as PyTorch does).") =>
        Choice("--dtype", description, Enum.GetValues<DataType>().Select(t => (t.Name(), t)), CnnArch.DataType.Fp32, "--precision");

    public static Option<OutputFormat> Format(string description, params OutputFormat[] formats) =>
        Choice("--format", description, formats.Select(f => (f.ToString().ToLowerInvariant(), f)), formats[0], "-f");

    public static Option<CostModel> Convention(CostModel? fallback = null, string description = "Counting convention (see docs/conventions.md).") =>
        Choice("--convention", description, Conventions.All.Select(c => (c.Name, c)), fallback ?? Conventions.Lecture, "-c");

    public static Option<string?> Output() =>
        new("--output", "-o") { Description = "Write to this file instead of the terminal.", HelpName = "file" };

    public static Option<string[]> Set() =>
        new("--set") { Description = "A preset parameter, name=value (repeatable), e.g. --set width=0.75.", HelpName = "name=value" };

    /// <summary>--device: a built-in device or a profile file, read when the command runs.</summary>
    public static Option<string?> Device(string description, string? fallback = null) =>
        fallback is null ? new("--device") { Description = description } : new("--device") { Description = description, DefaultValueFactory = _ => fallback };

    /// <summary>An option whose values are names from a closed set, matched whatever their case.</summary>
    public static Option<T> Choice<T>(string name, string description, IEnumerable<(string Name, T Value)> choices, T fallback, params string[] aliases)
    {
        (string Name, T Value)[] list = [.. choices];
        var names = list.Select(c => c.Name).ToArray();
        var option = new Option<T>(name, aliases)
        {
            Description = description,
            HelpName = string.Join('|', names),
            DefaultValueFactory = _ => fallback,
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : string.Empty;
                foreach (var (n, value) in list)
                {
                    if (string.Equals(n, text, StringComparison.OrdinalIgnoreCase))
                    {
                        return value;
                    }
                }

                r.AddError($"{name} takes {string.Join(", ", names)}; got '{text}'.");
                return fallback;
            },
        };
        option.CompletionSources.Add(names);
        return option;
    }

    /// <summary>A switch: given alone it is true; it also takes true or false, whatever their case.</summary>
    public static Option<bool> Flag(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r =>
        {
            if (r.Tokens.Count == 0)
            {
                return true;
            }

            if (bool.TryParse(r.Tokens[^1].Value, out var value))
            {
                return value;
            }

            r.AddError($"{name} takes true or false (or nothing), got '{r.Tokens[^1].Value}'.");
            return false;
        },
    };

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<T> Number<T>(string name, string description, T fallback, T min, T max, params string[] aliases)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T> => new(name, aliases)
        {
            Description = description,
            DefaultValueFactory = _ => fallback,
            CustomParser = r => Parse(r, name, min, max) ?? fallback,
        };

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>], or null when not given.</summary>
    public static Option<T?> Optional<T>(string name, string description, T min, T max, string helpName, params string[] aliases)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T> => new(name, aliases)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = r => Parse(r, name, min, max),
        };

    /// <summary>A finite number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<double> Real(string name, string description, double fallback, double min, double max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : string.Empty;
            if (double.TryParse(text, NumberStyles.Float, C, out var v) && v >= min && v <= max)
            {
                return v;
            }

            r.AddError(string.Create(C, $"{name} takes a number from {min} to {max}, got '{text}'."));
            return fallback;
        },
    };

    private static T? Parse<T>(ArgumentResult r, string name, T min, T max)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : string.Empty;
        if (T.TryParse(text, NumberStyles.AllowLeadingSign, C, out var v) && v >= min && v <= max)
        {
            return v;
        }

        r.AddError(string.Create(C, $"{name} takes a whole number from {min:N0} to {max:N0}, got '{text}'."));
        return null;
    }

    /// <summary>The --input value as a shape of one sample (C x L, C x H x W or C x D x H x W, or a vector), or null when not given.</summary>
    public static TensorShape? Shape(this ParseResult result, Option<string?> input)
    {
        if (result.GetValue(input) is not { } text)
        {
            return null;
        }

        var shape = TensorShape.Parse(text);
        if (shape.Rank == 3 && shape.Dims[2] <= 4 && shape.Dims[0] > 4)
        {
            // Keras and TensorFlow write H x W x C; CnnArch, as PyTorch, C x H x W.
            throw new FormatException($"--input {text} looks like height x width x channels (Keras order); write channels first: {shape.Dims[2]}x{shape.Dims[0]}x{shape.Dims[1]}.");
        }

        return shape.Rank <= 4 ? shape : throw new FormatException($"--input takes channels and 1 to 3 spatial axes, like 1x16000 (C x L), 3x224x224 (C x H x W) or 3x16x112x112 (C x D x H x W); got '{text}'.");
    }

    /// <summary>The model the command names, with its --set values and --input.</summary>
    public static LoadedModel Load(this ParseResult result, Argument<string> model, Option<string[]>? set, Option<string?>? input) =>
        ModelLoader.Load(
            result.GetRequiredValue(model),
            ModelLoader.Settings(set is null ? [] : result.GetValue(set) ?? []),
            input is null ? null : result.Shape(input));
}

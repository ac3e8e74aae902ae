using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace CnnArch.Bench;

/// <summary>What <c>measure</c> writes.</summary>
internal enum OutputFormat
{
    /// <summary>A table, as a terminal shows it.</summary>
    Text,

    /// <summary>JSON: the totals, every run, every layer and every kernel.</summary>
    Json,

    /// <summary>CSV: one row per layer (and per kernel that maps onto none).</summary>
    Csv,
}

/// <summary>The typed options of the commands: names from a closed set match whatever their case, numbers are checked against their range, and every error names the option, what it takes and what it got.</summary>
internal static class BenchOptions
{
    /// <summary>An option whose values are names from a closed set.</summary>
    public static Option<T> Choice<T>(string name, string description, (string Name, T Value)[] choices, T fallback, params string[] aliases)
    {
        var names = choices.Select(c => c.Name).ToArray();
        var option = new Option<T>(name, aliases)
        {
            Description = description,
            HelpName = string.Join('|', names),
            DefaultValueFactory = _ => fallback,
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : string.Empty;
                foreach (var (n, value) in choices)
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

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Number(string name, string description, int fallback, int min, int max, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => fallback,
        CustomParser = r => Parse(r, name, min, max) ?? fallback,
    };

    private static int? Parse(ArgumentResult r, string name, int min, int max)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : string.Empty;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max)
        {
            return v;
        }

        r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} takes a whole number from {min:N0} to {max:N0}, got '{text}'."));
        return null;
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace CnnArch.Cli;

/// <summary>Parses memory sizes: 24GB, 80GiB, 512 MB, 1.5TB. KB, MB, GB and TB are powers of 1024, as the lecture's KB and a GPU's "24 GB".</summary>
internal static partial class ByteSize
{
    public static long Parse(string text)
    {
        var m = Pattern().Match(text);
        if (!m.Success || !double.TryParse(m.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            throw new FormatException($"'{text}' is not a memory size: expected a positive number and a unit, like 24GB or 512MiB.");
        }

        if (m.Groups["u"].Value.Length == 0)
        {
            throw new FormatException($"'{text}' needs a unit: {text}GB, {text}GiB or {text}MB (KB, MB, GB and TB are powers of 1024; B for bytes).");
        }

        var unit = m.Groups["u"].Value.ToUpperInvariant().Replace("I", "", StringComparison.Ordinal);
        var power = unit switch { "" or "B" => 0, "K" or "KB" => 1, "M" or "MB" => 2, "G" or "GB" => 3, "T" or "TB" => 4, _ => -1 };
        var bytes = n * Math.Pow(1024, power);
        return power >= 0 && bytes < long.MaxValue
            ? (long)bytes
            : throw new FormatException($"'{text}' is not a memory size: expected a positive number and a unit, like 24GB or 512MiB.");
    }

    [GeneratedRegex(@"^\s*(?<n>[0-9]+(\.[0-9]+)?)\s*(?<u>[a-zA-Z]*)\s*$")]
    private static partial Regex Pattern();
}

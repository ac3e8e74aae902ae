using System.Globalization;
using System.Text.RegularExpressions;

namespace CnnArch;

/// <summary>
/// An amount of memory as a user writes it: 24GB, 80GiB, 512 MB, 1.5TB, 4096B. KB, MB, GB and TB are
/// powers of 1024, as the lecture's KB and a GPU's "24 GB"; KiB, MiB, GiB and TiB are the same. The one
/// parser of sizes: memory budgets, <c>--fits</c>, design targets.
/// </summary>
/// <param name="Bytes">The size in bytes.</param>
/// <param name="Text">The size as written.</param>
public readonly partial record struct ByteSize(long Bytes, string Text)
{
    /// <summary>Parses a positive number and a unit, below 2^63 bytes.</summary>
    /// <exception cref="FormatException">No number, no unit, an unknown unit, or too large; the message shows the form.</exception>
    public static ByteSize Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var m = Pattern().Match(text);
        if (!m.Success || !double.TryParse(m.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !(n > 0))
        {
            throw new FormatException($"'{text}' is not a memory size: expected a positive number and a unit, like 24GB or 512MiB.");
        }

        var written = m.Groups["u"].Value;
        if (written.Length == 0)
        {
            throw new FormatException($"'{text}' needs a unit: {text.Trim()}GB, {text.Trim()}MB or {text.Trim()}B (KB, MB, GB and TB are powers of 1024).");
        }

        var power = written.ToUpperInvariant().Replace("I", "", StringComparison.Ordinal) switch
        {
            "B" => 0, "K" or "KB" => 1, "M" or "MB" => 2, "G" or "GB" => 3, "T" or "TB" => 4, _ => -1,
        };
        if (power < 0)
        {
            throw new FormatException($"'{text}' has an unknown unit '{written}': use B, KB, MB, GB or TB (powers of 1024).");
        }

        var bytes = n * Math.Pow(1024, power);
        return bytes < MaxBytes
            ? new ByteSize((long)bytes, text.Trim())
            : throw new FormatException($"'{text}' is more memory than any count holds: a size is below 2^63 bytes (8 EB).");
    }

    /// <summary>The bound of every size: 2^63 bytes.</summary>
    public const double MaxBytes = 9.223372036854775807E18;

    /// <summary>The size as written.</summary>
    public override string ToString() => Text;

    [GeneratedRegex(@"^\s*(?<n>[0-9]+(\.[0-9]+)?([eE][+]?[0-9]+)?)\s*(?<u>[a-zA-Z]*)\s*$")]
    private static partial Regex Pattern();
}

using System.Globalization;
using System.Text;

namespace CnnArch.Reporting;

/// <summary>
/// The one CSV writer (RFC 4180): fields joined by commas, a field quoted when it holds a comma, a
/// quote or a line break (its quotes doubled), rows ending in \n. Numbers in the invariant culture;
/// a value that does not exist is an empty field.
/// </summary>
public static class Csv
{
    /// <summary>One field, quoted where it must be.</summary>
    public static string Field(string? value) =>
        value is null ? string.Empty
        : value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;

    /// <summary>A row of fields, each quoted where it must be, ending in \n.</summary>
    public static string Row(params ReadOnlySpan<string?> fields)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(Field(fields[i]));
        }

        return sb.Append('\n').ToString();
    }

    /// <summary>A whole number in the invariant culture; empty when there is none.</summary>
    public static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>A number in the invariant culture (<paramref name="format"/>, default the shortest that round-trips); empty when there is none or it is not finite.</summary>
    public static string Number(double? value, string? format = null) =>
        value is { } v && double.IsFinite(v) ? v.ToString(format ?? "R", CultureInfo.InvariantCulture) : string.Empty;
}

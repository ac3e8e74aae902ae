using System.Globalization;

namespace CnnArch.Reporting;

/// <summary>Human-readable numbers for tables: 23.3 K, 72.9 M, 784 KB. JSON and CSV stay exact.</summary>
public static class Units
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A count with a K/M/G/T suffix (powers of 1000), three significant digits.</summary>
    public static string Count(long value)
    {
        if (value == 0)
        {
            return "0";
        }

        string[] suffixes = ["", " K", " M", " G", " T", " P"];
        double v = value;
        var i = 0;
        while (Math.Abs(v) >= 1000 && i < suffixes.Length - 1)
        {
            v /= 1000;
            i++;
        }

        return i == 0 ? value.ToString("N0", Invariant) : Significant(v) + suffixes[i];
    }

    /// <summary>Bytes in KB, MB or GB (powers of 1024, as the lecture's KB).</summary>
    public static string Bytes(long bytes)
    {
        string[] suffixes = [" B", " KB", " MB", " GB", " TB"];
        double v = bytes;
        var i = 0;
        while (v >= 1024 && i < suffixes.Length - 1)
        {
            v /= 1024;
            i++;
        }

        return (i == 0 ? bytes.ToString(Invariant) : Significant(v)) + suffixes[i];
    }

    /// <summary>An exact integer with thousands separators.</summary>
    public static string Exact(long value) => value.ToString("N0", Invariant);

    /// <summary>Milliseconds: one decimal from 10, two from 1, three below.</summary>
    public static string Milliseconds(double ms) => ms.ToString(ms >= 10 ? "0.0" : ms >= 1 ? "0.00" : "0.000", Invariant);

    /// <summary>A ratio such as 1.25 or 12.3; "-" when it has no value.</summary>
    public static string Ratio(double? ratio) => ratio is not { } v || !double.IsFinite(v) ? "-" : v.ToString(v >= 10 ? "0.0" : "0.00", Invariant);

    private static string Significant(double v) =>
        Math.Abs(v) >= 100 ? v.ToString("0", Invariant) : Math.Abs(v) >= 10 ? v.ToString("0.#", Invariant) : v.ToString("0.##", Invariant);
}

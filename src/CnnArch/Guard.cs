namespace CnnArch;

/// <summary>Argument checks shared by every validated type; each names the offending value.</summary>
internal static class Guard
{
    public static int Positive(int value, string what) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(what, value, $"{what} must be positive, got {value}.");

    public static long Positive(long value, string what) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(what, value, $"{what} must be positive, got {value}.");

    public static int NonNegative(int value, string what) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(what, value, $"{what} must not be negative, got {value}.");

    public static double Probability(double value, string what) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(what, value, $"{what} must lie in [0, 1], got {value}.");

    public static string Name(string? value, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"{what} must not be empty.", what) : value;
}

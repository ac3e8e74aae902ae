namespace CnnArch;

/// <summary>Integer arithmetic the counting rules share.</summary>
internal static class Arithmetic
{
    /// <summary>The greatest common divisor of two non-negative numbers.</summary>
    public static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    /// <summary>a + b for non-negative numbers, or <see cref="long.MaxValue"/> when the sum would not fit.</summary>
    public static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    /// <summary>a x b for non-negative numbers, or <see cref="long.MaxValue"/> when the product would not fit.</summary>
    public static long SaturatingMultiply(long a, long b) => a == 0 || b == 0 ? 0 : a > long.MaxValue / b ? long.MaxValue : a * b;
}

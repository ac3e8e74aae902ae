namespace CnnArch.Presets;

/// <summary>Channel rounding shared by the MobileNet and SE presets.</summary>
public static class Channels
{
    /// <summary>
    /// torchvision's and timm's <c>_make_divisible</c>: the multiple of <paramref name="divisor"/>
    /// nearest to <paramref name="value"/>, at least <paramref name="divisor"/>, and not more than
    /// <paramref name="roundLimit"/> below the value (one divisor is added when it would be).
    /// </summary>
    public static int MakeDivisible(double value, int divisor = 8, double roundLimit = 0.9)
    {
        var rounded = Math.Max(divisor, (int)(value + (divisor / 2.0)) / divisor * divisor);
        return rounded < roundLimit * value ? rounded + divisor : rounded;
    }
}

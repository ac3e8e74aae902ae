namespace CnnArch;

/// <summary>
/// A height and width pair: a kernel size, a stride, a dilation or an output size.
/// An integer converts to a square size, so <c>Kernel = 3</c> means 3x3.
/// </summary>
/// <param name="Height">Extent along the height.</param>
/// <param name="Width">Extent along the width.</param>
public readonly record struct Size2D(int Height, int Width)
{
    /// <summary>1x1: the default stride and dilation.</summary>
    public static Size2D One { get; } = new(1, 1);

    /// <summary>A square size.</summary>
    public static Size2D Square(int size) => new(size, size);

    /// <summary>A square size.</summary>
    public static implicit operator Size2D(int size) => new(size, size);

    /// <summary>The product Height x Width, checked.</summary>
    public long Area => checked((long)Height * Width);

    internal Size2D RequirePositive(string what)
    {
        if (Height < 1 || Width < 1)
        {
            throw new ArgumentOutOfRangeException(what, this, $"{what} must be positive, got {this}.");
        }

        return this;
    }

    /// <summary>"3x3", or "3x5" when not square.</summary>
    public override string ToString() => $"{Height}x{Width}";
}

/// <summary>
/// Zero padding on each side of a feature map. An integer converts to the same padding on all four
/// sides, as PyTorch's <c>padding=p</c>; <see cref="Zero"/> (the default) pads nothing.
/// </summary>
/// <param name="Top">Rows added above.</param>
/// <param name="Bottom">Rows added below.</param>
/// <param name="Left">Columns added on the left.</param>
/// <param name="Right">Columns added on the right.</param>
public readonly record struct Padding2D(int Top, int Bottom, int Left, int Right)
{
    /// <summary>No padding.</summary>
    public static Padding2D Zero { get; } = default;

    /// <summary>The same padding on all four sides.</summary>
    public static Padding2D Symmetric(int padding) => new(padding, padding, padding, padding);

    /// <summary><paramref name="vertical"/> rows above and below, <paramref name="horizontal"/> columns left and right.</summary>
    public static Padding2D Symmetric(int vertical, int horizontal) => new(vertical, vertical, horizontal, horizontal);

    /// <summary>The same padding on all four sides.</summary>
    public static implicit operator Padding2D(int padding) => Symmetric(padding);

    /// <summary>Rows added in total.</summary>
    public int Vertical => checked(Top + Bottom);

    /// <summary>Columns added in total.</summary>
    public int Horizontal => checked(Left + Right);

    internal Padding2D RequireNonNegative(string what)
    {
        if (Top < 0 || Bottom < 0 || Left < 0 || Right < 0)
        {
            throw new ArgumentOutOfRangeException(what, this, $"{what} must not be negative, got {this}.");
        }

        return this;
    }

    /// <summary>"1" when all sides agree, else "top,bottom,left,right".</summary>
    public override string ToString() =>
        Top == Bottom && Left == Right && Top == Left ? $"{Top}" : $"{Top},{Bottom},{Left},{Right}";
}

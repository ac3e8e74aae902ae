using System.Globalization;

namespace CnnArch;

/// <summary>
/// One extent per spatial axis: a kernel size, a stride, a dilation or an output size, for 1-D
/// (length), 2-D (height, width) or 3-D (depth, height, width) layers, outermost axis first.
/// An integer converts to a <em>uniform</em> size that a layer expands to its own rank, as PyTorch's
/// <c>kernel_size=3</c> means 3 for Conv1d, 3x3 for Conv2d and 3x3x3 for Conv3d.
/// </summary>
public readonly struct SpatialSize : IEquatable<SpatialSize>
{
    /// <summary>The most spatial axes a layer has (depth, height and width).</summary>
    public const int MaxRank = 3;

    private readonly int _d0, _d1, _d2;
    private readonly byte _rank;

    private SpatialSize(byte rank, int d0, int d1, int d2) => (_rank, _d0, _d1, _d2) = (rank, d0, d1, d2);

    /// <summary>A 2-D size: <paramref name="height"/> x <paramref name="width"/>.</summary>
    public SpatialSize(int height, int width)
        : this(2, height, width, 0)
    {
    }

    /// <summary>A 3-D size: <paramref name="depth"/> x <paramref name="height"/> x <paramref name="width"/>.</summary>
    public SpatialSize(int depth, int height, int width)
        : this(3, depth, height, width)
    {
    }

    /// <summary>1 along every axis: the default stride and dilation.</summary>
    public static SpatialSize One { get; } = Uniform(1);

    /// <summary>The same extent along however many axes the layer has.</summary>
    public static SpatialSize Uniform(int size) => new(0, size, 0, 0);

    /// <summary>A size of one value per axis, outermost first (1 to 3 values).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No values, or more than three.</exception>
    public static SpatialSize Of(params ReadOnlySpan<int> extents) => extents.Length switch
    {
        1 => new(1, extents[0], 0, 0),
        2 => new(2, extents[0], extents[1], 0),
        3 => new(3, extents[0], extents[1], extents[2]),
        _ => throw new ArgumentOutOfRangeException(nameof(extents), extents.Length, $"A spatial size has 1 to {MaxRank} values, got {extents.Length}."),
    };

    /// <summary>A uniform size.</summary>
    public static implicit operator SpatialSize(int size) => Uniform(size);

    /// <summary>The number of axes: 1, 2 or 3; 0 for a uniform size not yet given to a layer.</summary>
    public int Rank => _rank;

    /// <summary>True for a size that applies the same extent to every axis of whatever rank it is used at.</summary>
    public bool IsUniform => _rank == 0;

    /// <summary>The extent along <paramref name="axis"/> (0 is the outermost); a uniform size has it along every axis.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is outside the size's rank.</exception>
    public int this[int axis] => _rank == 0 ? _d0
        : (uint)axis < _rank ? axis switch { 0 => _d0, 1 => _d1, _ => _d2 }
        : throw new ArgumentOutOfRangeException(nameof(axis), axis, $"A {_rank}-D size has no axis {axis}.");

    /// <summary>The product of the extents (the kernel's volume: K_h x K_w for 2-D), checked; a uniform size counts as one axis.</summary>
    public long Volume => _rank switch
    {
        0 or 1 => _d0,
        2 => checked((long)_d0 * _d1),
        _ => checked((long)_d0 * _d1 * _d2),
    };

    /// <summary>True when every axis has the same extent (a square or cubic kernel).</summary>
    public bool IsSquare => _rank <= 1 || (_d0 == _d1 && (_rank == 2 || _d1 == _d2));

    /// <summary>The size at <paramref name="rank"/> axes: a uniform size repeated, or this size when its rank already is that.</summary>
    /// <exception cref="ArgumentException">A size of another rank (a 2-D kernel for a 3-D layer); the message names <paramref name="what"/>.</exception>
    public SpatialSize At(int rank, string what)
    {
        if (_rank == rank && rank > 0)
        {
            return this;
        }

        if (_rank == 0 && rank is >= 1 and <= MaxRank)
        {
            return new((byte)rank, _d0, rank > 1 ? _d0 : 0, rank > 2 ? _d0 : 0);
        }

        var need = rank == 1 ? "1" : $"1 or {rank}";
        throw new ArgumentException($"{what} {this} has {_rank} values where a {rank}-D layer needs {need}.", what);
    }

    internal SpatialSize RequirePositive(string what)
    {
        for (var i = 0; i < Math.Max(1, (int)_rank); i++)
        {
            if (this[i] < 1)
            {
                throw new ArgumentOutOfRangeException(what, this, $"{what} must be positive, got {this}.");
            }
        }

        return this;
    }

    internal SpatialSize RequireNonNegative(string what)
    {
        for (var i = 0; i < Math.Max(1, (int)_rank); i++)
        {
            if (this[i] < 0)
            {
                throw new ArgumentOutOfRangeException(what, this, $"{what} must not be negative, got {this}.");
            }
        }

        return this;
    }

    /// <summary>The extents, outermost first (one value for a uniform size).</summary>
    public int[] ToArray() => _rank switch
    {
        0 or 1 => [_d0],
        2 => [_d0, _d1],
        _ => [_d0, _d1, _d2],
    };

    /// <summary>"3" when every axis agrees, else the extents joined by 'x' ("1x7", "3x7x7"), as the lecture's tables write kernels.</summary>
    public string ToCompactString() => IsSquare ? _d0.ToString(CultureInfo.InvariantCulture) : ToString();

    /// <summary>The extents joined by 'x': "3x3", "3x7x7"; a uniform size is its one value.</summary>
    public override string ToString() => string.Join('x', ToArray());

    /// <inheritdoc/>
    public bool Equals(SpatialSize other) => _rank == other._rank && _d0 == other._d0 && _d1 == other._d1 && _d2 == other._d2;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SpatialSize other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_rank, _d0, _d1, _d2);

    /// <summary>Equal rank and extents.</summary>
    public static bool operator ==(SpatialSize left, SpatialSize right) => left.Equals(right);

    /// <summary>Different rank or extents.</summary>
    public static bool operator !=(SpatialSize left, SpatialSize right) => !left.Equals(right);
}

/// <summary>
/// Zero padding before and after each spatial axis. An integer converts to the same padding on every
/// side, as PyTorch's <c>padding=p</c>; <see cref="Zero"/> (the default) pads nothing. A layer
/// expands a uniform padding, or a list of one number per axis, to its rank.
/// </summary>
public readonly struct SpatialPadding : IEquatable<SpatialPadding>
{
    // Resolved: before[i] at _v[i], after[i] at _v[3 + i], for _rank axes. Uniform (_rank 0): _v0.
    // Listed (from a spec file, rank not yet known): _count values in order, _rank 0.
    private readonly int _v0, _v1, _v2, _v3, _v4, _v5;
    private readonly byte _rank;
    private readonly byte _count;

    private SpatialPadding(byte rank, byte count, ReadOnlySpan<int> v)
    {
        _rank = rank;
        _count = count;
        _v0 = v.Length > 0 ? v[0] : 0;
        _v1 = v.Length > 1 ? v[1] : 0;
        _v2 = v.Length > 2 ? v[2] : 0;
        _v3 = v.Length > 3 ? v[3] : 0;
        _v4 = v.Length > 4 ? v[4] : 0;
        _v5 = v.Length > 5 ? v[5] : 0;
    }

    /// <summary>No padding.</summary>
    public static SpatialPadding Zero { get; } = default;

    /// <summary>The same padding on every side of every axis.</summary>
    public static SpatialPadding Uniform(int padding) => new(0, 0, [padding]);

    /// <summary>The same padding before and after each axis, one value per axis outermost first: <c>Symmetric(0, 3)</c> pads 3 columns left and right of a 2-D map.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No values, or more than three.</exception>
    public static SpatialPadding Symmetric(params ReadOnlySpan<int> perAxis) =>
        perAxis.Length is >= 1 and <= SpatialSize.MaxRank
            ? Of(perAxis, perAxis)
            : throw new ArgumentOutOfRangeException(nameof(perAxis), perAxis.Length, $"Padding has 1 to {SpatialSize.MaxRank} axes, got {perAxis.Length}.");

    /// <summary>Padding before and after each axis, outermost first (ONNX's begins and ends).</summary>
    /// <exception cref="ArgumentException">The two lists differ in length, or have no values or more than three.</exception>
    public static SpatialPadding Of(ReadOnlySpan<int> before, ReadOnlySpan<int> after)
    {
        if (before.Length != after.Length || before.Length is < 1 or > SpatialSize.MaxRank)
        {
            throw new ArgumentException($"Padding needs as many values after as before, 1 to {SpatialSize.MaxRank}, got {before.Length} and {after.Length}.", nameof(after));
        }

        Span<int> v = stackalloc int[6];
        before.CopyTo(v);
        after.CopyTo(v[3..]);
        return new((byte)before.Length, 0, v);
    }

    /// <summary>2-D padding: rows above and below, columns left and right.</summary>
    public static SpatialPadding Of2D(int top, int bottom, int left, int right) => Of([top, left], [bottom, right]);

    /// <summary>A list as a spec file writes it, resolved when the layer's rank is known: 1 number (every side), one per axis, or before and after per axis.</summary>
    internal static SpatialPadding Listed(ReadOnlySpan<int> values) =>
        values.Length is >= 1 and <= 2 * SpatialSize.MaxRank
            ? values.Length == 1 ? Uniform(values[0]) : new(0, (byte)values.Length, values)
            : throw new ArgumentException($"Padding is 1 to {2 * SpatialSize.MaxRank} numbers, got {values.Length}.", nameof(values));

    /// <summary>A uniform padding.</summary>
    public static implicit operator SpatialPadding(int padding) => Uniform(padding);

    /// <summary>The number of axes; 0 for a uniform padding not yet given to a layer.</summary>
    public int Rank => _rank;

    /// <summary>Padding before <paramref name="axis"/> (above, left, in front).</summary>
    public int Before(int axis) => _rank == 0 && _count == 0 ? _v0 : Value(axis);

    /// <summary>Padding after <paramref name="axis"/> (below, right, behind).</summary>
    public int After(int axis) => _rank == 0 && _count == 0 ? _v0 : Value(3 + axis);

    /// <summary>Padding added along <paramref name="axis"/> in total.</summary>
    public long Total(int axis) => (long)Before(axis) + After(axis);

    /// <summary>True when every side of every axis has the same padding.</summary>
    public bool IsUniform
    {
        get
        {
            if (_rank == 0)
            {
                return _count == 0;
            }

            for (var i = 0; i < _rank; i++)
            {
                if (Before(i) != _v0 || After(i) != _v0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The padding at <paramref name="rank"/> axes.</summary>
    /// <exception cref="ArgumentException">A padding of another rank, or a list that fits none of the forms; the message names <paramref name="what"/>.</exception>
    public SpatialPadding At(int rank, string what)
    {
        if (rank is < 1 or > SpatialSize.MaxRank)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"A layer has 1 to {SpatialSize.MaxRank} spatial axes.");
        }

        if (_rank == rank)
        {
            return this;
        }

        Span<int> values = [_v0, _v1, _v2, _v3, _v4, _v5];
        if (_rank == 0 && _count == 0)
        {
            values.Fill(_v0);
            return new((byte)rank, 0, values);
        }

        if (_rank == 0 && _count == rank)
        {
            // One number per axis: the same before and after.
            return Symmetric(values[..rank]);
        }

        if (_rank == 0 && _count == 2 * rank)
        {
            // Before and after, axis by axis (2-D: top, bottom, left, right).
            Span<int> before = stackalloc int[rank];
            Span<int> after = stackalloc int[rank];
            for (var i = 0; i < rank; i++)
            {
                before[i] = values[2 * i];
                after[i] = values[(2 * i) + 1];
            }

            return Of(before, after);
        }

        var given = _rank == 0 ? $"{_count} numbers" : $"{_rank} axes";
        throw new ArgumentException($"{what} {this} gives {given} where a {rank}-D layer takes 1, {rank} (one per axis) or {2 * rank} (before and after each axis).", what);
    }

    internal SpatialPadding RequireNonNegative(string what)
    {
        Span<int> values = [_v0, _v1, _v2, _v3, _v4, _v5];
        foreach (var v in values)
        {
            if (v < 0)
            {
                throw new ArgumentOutOfRangeException(what, this, $"{what} must not be negative, got {this}.");
            }
        }

        return this;
    }

    /// <summary>
    /// "1" when every side agrees; one value per axis joined by 'x' when each axis pads the same before
    /// and after ("0x3x3", as kernels are written); else before and after of each axis in turn (2-D
    /// "top,bottom,left,right").
    /// </summary>
    public override string ToString()
    {
        if (IsUniform)
        {
            return _v0.ToString(CultureInfo.InvariantCulture);
        }

        var symmetric = _rank > 0;
        for (var i = 0; i < _rank; i++)
        {
            symmetric &= Before(i) == After(i);
        }

        if (symmetric)
        {
            var perAxis = new int[_rank];
            for (var i = 0; i < _rank; i++)
            {
                perAxis[i] = Before(i);
            }

            return string.Join('x', perAxis);
        }

        if (_rank == 0)
        {
            Span<int> listed = [_v0, _v1, _v2, _v3, _v4, _v5];
            return string.Join(',', listed[.._count].ToArray());
        }

        var parts = new List<int>(2 * _rank);
        for (var i = 0; i < _rank; i++)
        {
            parts.Add(Before(i));
            parts.Add(After(i));
        }

        return string.Join(',', parts);
    }

    /// <inheritdoc/>
    public bool Equals(SpatialPadding other) =>
        _rank == other._rank && _count == other._count && _v0 == other._v0 && _v1 == other._v1 && _v2 == other._v2
        && _v3 == other._v3 && _v4 == other._v4 && _v5 == other._v5;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SpatialPadding other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_rank, _count, _v0, _v1, _v2, _v3, _v4, _v5);

    /// <summary>Equal padding.</summary>
    public static bool operator ==(SpatialPadding left, SpatialPadding right) => left.Equals(right);

    /// <summary>Different padding.</summary>
    public static bool operator !=(SpatialPadding left, SpatialPadding right) => !left.Equals(right);

    private int Value(int index) => index switch
    {
        0 when _rank > 0 || _count > 0 => _v0,
        1 when _rank > 1 => _v1,
        2 when _rank > 2 => _v2,
        3 when _rank > 0 => _v3,
        4 when _rank > 1 => _v4,
        5 when _rank > 2 => _v5,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, $"A {_rank}-D padding has no axis {index % 3}."),
    };
}

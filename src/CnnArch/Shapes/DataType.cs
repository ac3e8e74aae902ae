namespace CnnArch;

/// <summary>The element type of tensors, which fixes the bytes each element takes.</summary>
public enum DataType
{
    /// <summary>32-bit float: 4 bytes (the lecture's unit).</summary>
    Fp32,

    /// <summary>16-bit IEEE float: 2 bytes.</summary>
    Fp16,

    /// <summary>bfloat16: 2 bytes.</summary>
    Bf16,

    /// <summary>8-bit integer: 1 byte.</summary>
    Int8,
}

/// <summary>Sizes and names of <see cref="DataType"/> values.</summary>
public static class DataTypes
{
    /// <summary>Bytes one element of <paramref name="type"/> takes.</summary>
    public static int BytesPerElement(this DataType type) => type switch
    {
        DataType.Fp32 => 4,
        DataType.Fp16 or DataType.Bf16 => 2,
        DataType.Int8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown data type."),
    };

    /// <summary>The lower-case name used in reports and on the command line: fp32, fp16, bf16, int8.</summary>
    public static string Name(this DataType type) => type.ToString().ToLowerInvariant();

    /// <summary>Parses fp32, fp16, bf16 or int8 (case-insensitive).</summary>
    /// <exception cref="FormatException">The name is none of them; the message lists the valid ones.</exception>
    public static DataType Parse(string name) =>
        Enum.TryParse<DataType>(name, ignoreCase: true, out var type) && Enum.IsDefined(type) && !int.TryParse(name, out _)
            ? type
            : throw new FormatException($"No data type named '{name}'. Known: fp32, fp16, bf16, int8.");
}

namespace CnnArch;

/// <summary>
/// The element type of tensors and the precision arithmetic runs in, as PyTorch names them: the bytes each
/// element takes (memory) and, for latency, which peak the math reaches. <see cref="Fp32"/> is PyTorch's
/// default (convolutions on TF32 tensor cores, matrix products in full FP32); <see cref="Tf32"/> stores
/// fp32 and runs matrix products in TF32 too; <see cref="Bf16"/> and <see cref="Fp16"/> run both on
/// tensor cores.
/// </summary>
public enum DataType
{
    /// <summary>32-bit float: 4 bytes (the lecture's unit); PyTorch's default math.</summary>
    Fp32,

    /// <summary>16-bit IEEE float: 2 bytes, tensor-core math.</summary>
    Fp16,

    /// <summary>bfloat16: 2 bytes, tensor-core math.</summary>
    Bf16,

    /// <summary>8-bit integer: 1 byte (memory only: no latency model runs int8).</summary>
    Int8,

    /// <summary>fp32 storage (4 bytes) with TF32 for convolutions and matrix products (allow_tf32 on).</summary>
    Tf32,
}

/// <summary>Sizes and names of <see cref="DataType"/> values.</summary>
public static class DataTypes
{
    /// <summary>Bytes one element of <paramref name="type"/> takes.</summary>
    public static int BytesPerElement(this DataType type) => type switch
    {
        DataType.Fp32 or DataType.Tf32 => 4,
        DataType.Fp16 or DataType.Bf16 => 2,
        DataType.Int8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown data type."),
    };

    /// <summary>The lower-case name used in reports and on the command line: fp32, tf32, fp16, bf16, int8.</summary>
    public static string Name(this DataType type) => type.ToString().ToLowerInvariant();

    /// <summary>Parses fp32, tf32, fp16, bf16 or int8 (case-insensitive).</summary>
    /// <exception cref="FormatException">The name is none of them; the message lists the valid ones.</exception>
    public static DataType Parse(string name) =>
        Enum.TryParse<DataType>(name, ignoreCase: true, out var type) && Enum.IsDefined(type) && !int.TryParse(name, out _)
            ? type
            : throw new FormatException($"No data type named '{name}'. Known: fp32, tf32, fp16, bf16, int8.");

    // The two calibrated latency regimes: 4-byte storage (fp32, tf32) and 2-byte tensor-core storage (bf16, fp16).
    internal static bool IsHalf(this DataType type) => type is DataType.Bf16 or DataType.Fp16;
}

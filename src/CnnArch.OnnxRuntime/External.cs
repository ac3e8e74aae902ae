using System.Globalization;
using Onnx;

namespace CnnArch.OnnxRuntime;

/// <summary>External initializer data (ONNX's <c>external_data</c>: location, offset, length), read from the model's folder.</summary>
internal static class External
{
    /// <summary>
    /// The initializer's data from its file, or null when there is no file to read it from (no folder was
    /// given, or the file is not there). A location outside <paramref name="folder"/> is refused, as ONNX
    /// Runtime refuses it.
    /// </summary>
    public static byte[]? Read(TensorProto init, int bytes, string source, string? folder)
    {
        var entries = init.ExternalData.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (folder is null || !entries.TryGetValue("location", out var location) || string.IsNullOrEmpty(location))
        {
            return null;
        }

        var root = Path.GetFullPath(folder);
        var path = Path.GetFullPath(Path.Combine(root, location));
        if (Path.IsPathRooted(location) || !path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new FormatException($"Initializer '{init.Name}' of '{source}' keeps its data at '{location}', outside the model's folder.");
        }

        if (!File.Exists(path))
        {
            return null;
        }

        var offset = Number(entries, "offset", init, source) ?? 0;
        var length = Number(entries, "length", init, source) ?? bytes;
        if (length != bytes)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Initializer '{init.Name}' of '{source}' takes {bytes:N0} bytes, but its external data is {length:N0}."));
        }

        using var file = File.OpenRead(path);
        if (offset + length > file.Length)
        {
            throw new FormatException($"Initializer '{init.Name}' of '{source}' reads past the end of '{location}'.");
        }

        var data = new byte[bytes];
        file.Position = offset;
        file.ReadExactly(data);
        return data;
    }

    private static long? Number(Dictionary<string, string> entries, string key, TensorProto init, string source) =>
        !entries.TryGetValue(key, out var text) ? null
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new FormatException($"Initializer '{init.Name}' of '{source}' has external data {key} '{text}', not a whole number.");
}

using System.Text;
using System.Text.Json;

namespace CnnArch.Reporting;

/// <summary>
/// The one way reports write JSON: <see cref="Utf8JsonWriter"/>, indented, keys in a fixed order, non-ASCII
/// text as is. A report streams to a <see cref="Stream"/> (the analysis of a network of any size); the
/// others, a few KB, are built as text.
/// </summary>
internal static class JsonText
{
    public static JsonWriterOptions Options { get; } = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One top-level object whose properties <paramref name="body"/> writes, as text (no final line end).</summary>
    public static string Object(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static void Numbers(this Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }

    public static void Strings(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    /// <summary>A number, or null where it has no value (a ratio to nothing).</summary>
    public static void NumberOrNull(this Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}

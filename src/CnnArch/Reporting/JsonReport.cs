using System.Text;
using System.Text.Json;
using CnnArch.Analysis;

namespace CnnArch.Reporting;

/// <summary>
/// The stable JSON form of a report. Keys and meanings stay; new keys may be added.
/// Counts are exact integers; <c>output</c> is [C, H, W] (a vector is [N]).
/// </summary>
public static class JsonReport
{
    /// <summary>The report as indented JSON; <paramref name="extra"/> may add properties at the end of the top-level object.</summary>
    public static string Write(AnalysisReport report, Action<Utf8JsonWriter>? extra = null, int? depth = null)
    {
        using var stream = new MemoryStream();
        Write(report, stream, extra, depth);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the report as indented UTF-8 JSON to <paramref name="stream"/>; <paramref name="extra"/> may add top-level properties.</summary>
    /// <remarks><paramref name="depth"/> collapses blocks nested deeper into one row each (see <see cref="AnalysisReport.Collapsed"/>).</remarks>
    public static void Write(AnalysisReport report, Stream stream, Action<Utf8JsonWriter>? extra = null, int? depth = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("model", report.Model);
        WriteShape(w, "input", report.Input);
        w.WriteNumber("batch", report.Batch);
        w.WriteString("dtype", report.DataType.Name());
        w.WriteString("convention", report.Convention.Name);
        w.WriteString("conventionStatement", report.Convention.Describe());
        w.WriteStartArray("ignored");
        foreach (var kind in report.Convention.Ignored.Select(Conventions.KindOf).Order(StringComparer.Ordinal))
        {
            w.WriteStringValue(kind);
        }

        w.WriteEndArray();
        WriteShape(w, "output", report.Output);
        w.WriteStartArray("layers");
        foreach (var layer in report.Collapsed(depth))
        {
            w.WriteStartObject();
            w.WriteString("path", layer.Path);
            w.WriteString("kind", layer.Kind);
            WriteShape(w, "output", layer.Output);
            w.WriteNumber("params", layer.Parameters);
            w.WriteNumber("buffers", layer.Buffers);
            w.WriteNumber("macs", layer.Macs);
            w.WriteNumber("flops", layer.Flops);
            w.WriteNumber("activationBytes", layer.ActivationBytes);
            w.WriteNumber("memoryKB", layer.MemoryKB);
            w.WriteBoolean("module", layer.IsModule);
            w.WriteBoolean("counted", layer.IsCounted);
            w.WriteBoolean("auxiliary", layer.IsAuxiliary);
            w.WriteStartObject("receptiveField");
            w.WriteNumber("size", layer.ReceptiveField.Size);
            w.WriteNumber("stride", layer.ReceptiveField.Stride);
            w.WriteNumber("padding", layer.ReceptiveField.Padding);
            if (layer.ReceptiveField.Horizontal != layer.ReceptiveField.Vertical)
            {
                w.WriteNumber("sizeWidth", layer.ReceptiveField.Horizontal.Size);
                w.WriteNumber("strideWidth", layer.ReceptiveField.Horizontal.Stride);
                w.WriteNumber("paddingWidth", layer.ReceptiveField.Horizontal.Padding);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteTotals(w, "totals", report.Totals);
        WriteTotals(w, "auxiliaryTotals", report.AuxiliaryTotals);
        w.WriteStartArray("diagnostics");
        foreach (var d in report.Diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("path", d.Path);
            w.WriteString("message", d.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        extra?.Invoke(w);
        w.WriteEndObject();
    }

    private static void WriteTotals(Utf8JsonWriter w, string name, Totals t)
    {
        w.WriteStartObject(name);
        w.WriteNumber("params", t.Parameters);
        w.WriteNumber("buffers", t.Buffers);
        w.WriteNumber("macs", t.Macs);
        w.WriteNumber("flops", t.Flops);
        w.WriteNumber("activationBytes", t.ActivationBytes);
        w.WriteNumber("memoryKB", t.MemoryKB);
        w.WriteEndObject();
    }

    private static void WriteShape(Utf8JsonWriter w, string name, TensorShape shape)
    {
        w.WriteStartArray(name);
        foreach (var d in shape.Dims)
        {
            w.WriteNumberValue(d);
        }

        w.WriteEndArray();
    }
}

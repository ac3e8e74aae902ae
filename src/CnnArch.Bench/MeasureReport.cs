using System.Globalization;
using System.Text;
using System.Text.Json;
using CnnArch.OnnxRuntime;
using CnnArch.Performance;

namespace CnnArch.Bench;

/// <summary>A measurement written as a table, JSON or CSV.</summary>
internal static class MeasureReport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>One row of the per-layer table: a CnnArch layer, or a kernel that maps onto none (its node name in brackets).</summary>
    private sealed record Row(string Name, string Kind, string Ops, double Milliseconds, string? FusedInto);

    private static List<Row> Rows(OrtMeasurement m) =>
    [
        .. m.Layers.Select(l => new Row(l.Path, l.Kind, string.Join('+', l.Ops), l.Milliseconds, l.FusedInto)),
        .. m.Nodes.Where(n => n.Layer is null).Select(n => new Row($"[{n.NodeName}]", "", n.OpType, n.Milliseconds, null)),
    ];

    private static double Share(OrtMeasurement m, double ms) => m.NodeMilliseconds > 0 ? ms / m.NodeMilliseconds : 0;

    // The predicted time of each layer path (a path that holds several layers sums them).
    private static Dictionary<string, double> PredictedByPath(LatencyReport? predicted) =>
        predicted is null ? [] : predicted.Layers.GroupBy(l => l.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.Milliseconds), StringComparer.Ordinal);

    private static string Ratio(double measured, double predicted) => predicted > 0 ? string.Create(C, $"{measured / predicted:0.00}") : "-";

    public static string Text(OrtMeasurement m, LatencyReport? predicted = null)
    {
        var byPath = PredictedByPath(predicted);
        var o = m.Options;
        var s = new StringBuilder();
        s.AppendLine(C, $"{m.Model}: input [{string.Join('x', m.InputShape)}], {m.Threads} thread{(m.Threads == 1 ? "" : "s")}{(o.Threads == 0 ? " (one per logical processor)" : "")}, optimization {o.Optimization.ToString().ToLowerInvariant()}, ONNX Runtime {m.OrtVersion} on the CPU");
        s.AppendLine(C, $"total    {m.Milliseconds:F3} ms median of {m.Runs.Length} runs after {o.Warmup} warmup (min {m.Min:F3}, max {m.Max:F3}, p10 {m.P10:F3}, p90 {m.P90:F3})");
        if (predicted is not null)
        {
            s.AppendLine(C, $"predicted {predicted.Milliseconds:F3} ms on {predicted.Options.Device.Name}: measured / predicted = {Ratio(m.Milliseconds, predicted.Milliseconds)}");
        }

        if (m.ZeroFilledInitializers > 0)
        {
            s.AppendLine(C, $"weights  {m.ZeroFilledInitializers} initializers had no data and ran as zeros");
        }

        if (m.ImportError is not null)
        {
            s.AppendLine(C, $"layers   unknown: CnnArch cannot import the file ({m.ImportError}); kernels are listed by node");
        }

        if (m.Nodes.IsEmpty)
        {
            return s.ToString();
        }

        s.AppendLine(C, $"kernels  {m.NodeMilliseconds:F3} ms in {m.Nodes.Length} kernels (medians; the rest of the total is the session between them)");
        s.AppendLine();
        var rows = Rows(m);
        var name = Math.Max(5, rows.Max(r => r.Name.Length));
        var kind = Math.Max(4, rows.Max(r => r.Kind.Length));
        var ops = Math.Max(3, rows.Max(r => r.Ops.Length));
        var header = predicted is null ? "" : $"  {"predicted",9}  {"ratio",5}";
        s.AppendLine(C, $"{"layer".PadRight(name)}  {"kind".PadRight(kind)}  {"ops".PadRight(ops)}  {"ms",9}  {"share",6}{header}");
        foreach (var r in rows)
        {
            var time = r.Ops.Length > 0 || r.FusedInto is null ? string.Create(C, $"{r.Milliseconds,9:F3}  {Share(m, r.Milliseconds),6:P1}") : $"fused into {r.FusedInto}";
            var versus = predicted is not null && byPath.TryGetValue(r.Name, out var p) && (r.Ops.Length > 0 || r.FusedInto is null)
                ? string.Create(C, $"  {p,9:F3}  {Ratio(r.Milliseconds, p),5}")
                : "";
            s.AppendLine($"{r.Name.PadRight(name)}  {r.Kind.PadRight(kind)}  {r.Ops.PadRight(ops)}  {time}{versus}".TrimEnd());
        }

        return s.ToString();
    }

    public static string Csv(OrtMeasurement m, LatencyReport? predicted = null)
    {
        var byPath = PredictedByPath(predicted);
        var s = new StringBuilder(predicted is null ? "layer,kind,ops,ms,share,fused_into\n" : "layer,kind,ops,ms,share,fused_into,predicted_ms\n");
        foreach (var r in Rows(m))
        {
            var p = predicted is null ? "" : "," + (byPath.TryGetValue(r.Name, out var v) ? v.ToString("R", C) : "");
            s.AppendLine(C, $"{Quote(r.Name)},{Quote(r.Kind)},{Quote(r.Ops)},{r.Milliseconds:R},{Share(m, r.Milliseconds):R},{Quote(r.FusedInto ?? "")}{p}");
        }

        return s.ToString();
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    public static string Json(OrtMeasurement m, LatencyReport? predicted = null)
    {
        var byPath = PredictedByPath(predicted);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("model", m.Model);
            w.WriteString("ortVersion", m.OrtVersion);
            w.WriteStartArray("input");
            m.InputShape.ToList().ForEach(w.WriteNumberValue);
            w.WriteEndArray();
            w.WriteNumber("batch", m.Options.Batch);
            w.WriteNumber("threads", m.Threads);
            w.WriteString("optimization", m.Options.Optimization.ToString().ToLowerInvariant());
            w.WriteNumber("warmup", m.Options.Warmup);
            w.WriteNumber("zeroFilledInitializers", m.ZeroFilledInitializers);
            w.WriteNumber("ms", m.Milliseconds);
            w.WriteNumber("min", m.Min);
            w.WriteNumber("max", m.Max);
            w.WriteNumber("p10", m.P10);
            w.WriteNumber("p90", m.P90);
            w.WriteNumber("kernelMs", m.NodeMilliseconds);
            if (predicted is not null)
            {
                w.WriteString("device", predicted.Options.Device.Name);
                w.WriteNumber("predictedMs", predicted.Milliseconds);
            }

            w.WriteStartArray("runs");
            m.Runs.ToList().ForEach(w.WriteNumberValue);
            w.WriteEndArray();
            if (m.ImportError is not null)
            {
                w.WriteString("importError", m.ImportError);
            }

            WriteLayers(w, m, byPath);
            WriteNodes(w, m);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteLayers(Utf8JsonWriter w, OrtMeasurement m, Dictionary<string, double> predicted)
    {
        w.WriteStartArray("layers");
        foreach (var l in m.Layers)
        {
            w.WriteStartObject();
            w.WriteString("path", l.Path);
            w.WriteString("kind", l.Kind);
            w.WriteStartArray("ops");
            l.Ops.ToList().ForEach(w.WriteStringValue);
            w.WriteEndArray();
            w.WriteNumber("ms", l.Milliseconds);
            w.WriteNumber("share", Share(m, l.Milliseconds));
            if (l.FusedInto is not null)
            {
                w.WriteString("fusedInto", l.FusedInto);
            }

            if (predicted.TryGetValue(l.Path, out var p))
            {
                w.WriteNumber("predictedMs", p);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteNodes(Utf8JsonWriter w, OrtMeasurement m)
    {
        w.WriteStartArray("nodes");
        foreach (var n in m.Nodes)
        {
            w.WriteStartObject();
            w.WriteString("name", n.NodeName);
            w.WriteString("op", n.OpType);
            if (n.Layer is null)
            {
                w.WriteNull("layer");
            }
            else
            {
                w.WriteString("layer", n.Layer);
            }

            w.WriteNumber("ms", n.Milliseconds);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}

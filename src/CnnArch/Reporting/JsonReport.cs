using System.Text;
using System.Text.Json;
using CnnArch.Analysis;

namespace CnnArch.Reporting;

/// <summary>
/// The stable JSON form of a report. Keys and meanings stay; new keys may be added.
/// Counts are exact integers; <c>output</c> is [C, H, W] (a vector is [N]). Each layer has its
/// <c>index</c>, the <c>inputs</c> it reads (row indices, -1 the network input) and their
/// <c>inputShapes</c>; convolutions and pools add <c>kernel</c>, <c>stride</c>, <c>dilation</c> ([h, w]),
/// <c>padding</c> ([top, left, bottom, right]) and <c>groups</c>; <c>paramsShare</c> and <c>macsShare</c>
/// are the layer's fraction of the totals (6 decimals). A report that is not collapsed lists
/// its blocks in <c>scopes</c> as row ranges (<c>first</c>, <c>last</c>) with their <c>depth</c>.
/// </summary>
public static partial class JsonReport
{
    private const int FlushBytes = 1 << 15;

    /// <summary>The report as indented JSON (no final line end), with what <paramref name="options"/> adds: blocks collapsed to its depth, one epoch's compute, import notes, latency.</summary>
    public static string Write(AnalysisReport report, ReportOptions? options = null)
    {
        using var stream = new MemoryStream();
        Write(report, stream, options);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Writes the report as indented UTF-8 JSON to <paramref name="stream"/>, in pieces, so a network of any size takes little memory.</summary>
    /// <remarks>The options' depth collapses blocks nested deeper into one row each (see <see cref="AnalysisReport.Collapsed"/>).</remarks>
    public static void Write(AnalysisReport report, Stream stream, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        options ??= ReportOptions.Default;
        var depth = options.Depth;
        using var w = new Utf8JsonWriter(stream, JsonText.Options);
        w.WriteStartObject();
        WriteHeader(w, report);
        WriteLayers(w, report, depth);
        if (depth is not > 0)
        {
            // The blocks as row ranges, outermost first; collapsed reports have their blocks as rows instead.
            WriteScopes(w, report);
        }

        WriteTotals(w, "totals", report.Totals);
        WriteTotals(w, "auxiliaryTotals", report.AuxiliaryTotals);
        WriteTraining(w, report.Training());
        WriteDiagnostics(w, report);
        WriteNotes(w, report, options);
        w.WriteEndObject();
    }

    // What was analysed and how: the model, input, batch, data type, convention (and what it ignores), output.
    private static void WriteHeader(Utf8JsonWriter w, AnalysisReport report)
    {
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
    }

    // The rows, blocks nested deeper than the depth collapsed, flushed to the stream in pieces.
    private static void WriteLayers(Utf8JsonWriter w, AnalysisReport report, int? depth)
    {
        w.WriteStartArray("layers");
        var index = 0;
        foreach (var layer in report.Collapsed(depth))
        {
            WriteLayer(w, layer, index++, report.Totals);
            if (w.BytesPending > FlushBytes)
            {
                // Out to the stream in pieces: the writer's buffer stays small for any number of layers.
                w.Flush();
            }
        }

        w.WriteEndArray();
    }

    // One row: its counts, shares of the totals, receptive field, inputs and (for convolutions and pools) window.
    private static void WriteLayer(Utf8JsonWriter w, LayerReport layer, int index, Totals totals)
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
        w.WriteNumber("backwardMacs", layer.BackwardMacs);
        w.WriteNumber("backwardFlops", layer.BackwardFlops);
        w.WriteBoolean("frozen", layer.IsFrozen);
        w.WriteNumber("paramsShare", Share(layer.Parameters, totals.Parameters));
        w.WriteNumber("macsShare", Share(layer.Macs, totals.Macs));
        w.WriteBoolean("module", layer.IsModule);
        w.WriteBoolean("counted", layer.IsCounted);
        w.WriteBoolean("auxiliary", layer.IsAuxiliary);
        WriteField(w, layer.ReceptiveField);
        w.WriteNumber("index", index);
        w.WriteStartArray("inputs");
        foreach (var source in layer.Sources)
        {
            w.WriteNumberValue(source);
        }

        w.WriteEndArray();
        w.WriteStartArray("inputShapes");
        foreach (var shape in layer.Inputs)
        {
            WriteShape(w, null, shape);
        }

        w.WriteEndArray();
        if (layer.Window is { } window)
        {
            WriteWindow(w, window);
        }

        WriteAttention(w, layer);
        w.WriteEndObject();
    }

    // An attention layer's heads, its queries and keys (tokens) and the depth of one head: the page's tooltip shows them.
    private static void WriteAttention(Utf8JsonWriter w, LayerReport layer)
    {
        (long Heads, int Queries, int Keys, int Depth)? sizes = layer.Layer switch
        {
            Layers.MultiheadAttention m when layer.Inputs.Length > 0 && layer.Inputs[0].Rank >= 2 =>
                (m.Heads, layer.Inputs[0].Dims[^2], layer.Inputs[0].Dims[^2], layer.Inputs[0].Dims[^1] / m.Heads),
            Layers.ScaledDotProductAttention a when layer.Inputs.Length >= 3 => a.Sizes(layer.Inputs) is var z ? (z.Heads, z.Queries, z.Keys, z.Depth) : null,
            _ => null,
        };
        if (sizes is not { } x)
        {
            return;
        }

        w.WriteStartObject("attention");
        w.WriteNumber("heads", x.Heads);
        w.WriteNumber("queries", x.Queries);
        w.WriteNumber("keys", x.Keys);
        w.WriteNumber("headDepth", x.Depth);
        w.WriteEndObject();
    }

    // A convolution's or pool's window: kernel, stride, padding ([befores..., afters...]), dilation, groups.
    private static void WriteWindow(Utf8JsonWriter w, Layers.LayerWindow window)
    {
        WriteAxes(w, "kernel", window.Kernel);
        WriteAxes(w, "stride", window.Stride);
        w.WriteStartArray("padding");
        for (var a = 0; a < window.Rank; a++)
        {
            w.WriteNumberValue(window.Padding.Before(a));
        }

        for (var a = 0; a < window.Rank; a++)
        {
            w.WriteNumberValue(window.Padding.After(a));
        }

        w.WriteEndArray();
        WriteAxes(w, "dilation", window.Dilation);
        w.WriteNumber("groups", window.Groups);
    }

    // The blocks as row ranges (first, last) with their depth.
    private static void WriteScopes(Utf8JsonWriter w, AnalysisReport report)
    {
        w.WriteStartArray("scopes");
        foreach (var scope in report.Scopes)
        {
            w.WriteStartObject();
            w.WriteString("path", scope.Path);
            w.WriteString("kind", scope.Kind);
            w.WriteNumber("first", scope.FirstNode);
            w.WriteNumber("last", scope.LastNode);
            w.WriteNumber("depth", scope.Depth);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    // One training step's compute: forward, backward and their sum, in MACs and FLOPs.
    private static void WriteTraining(Utf8JsonWriter w, TrainingCompute training)
    {
        w.WriteStartObject("training");
        w.WriteNumber("batch", training.Batch);
        w.WriteNumber("forwardMacs", training.ForwardMacs);
        w.WriteNumber("backwardMacs", training.BackwardMacs);
        w.WriteNumber("stepMacs", training.StepMacs);
        w.WriteNumber("forwardFlops", training.ForwardFlops);
        w.WriteNumber("backwardFlops", training.BackwardFlops);
        w.WriteNumber("stepFlops", training.StepFlops);
        w.WriteEndObject();
    }

    // The analysis's diagnostics (layers it could not count), each with its path.
    private static void WriteDiagnostics(Utf8JsonWriter w, AnalysisReport report)
    {
        w.WriteStartArray("diagnostics");
        foreach (var d in report.Diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("path", d.Path);
            w.WriteString("message", d.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    // What the options add at the end: the import's notes, one epoch's compute, the latency prediction.
    private static void WriteNotes(Utf8JsonWriter w, AnalysisReport report, ReportOptions options)
    {
        if (options.Import is { } import)
        {
            w.WriteStartObject(import.Format.ToLowerInvariant());
            w.WriteNumber("opset", import.Opset);
            w.WriteNumber("uniqueParameterElements", import.UniqueParameterElements);
            w.WriteNumber("uniqueBufferElements", import.UniqueBufferElements);
            w.WriteStartArray("unknownOperators");
            foreach (var u in import.UnknownOperators)
            {
                w.WriteStartObject();
                w.WriteString("node", u.NodeName);
                w.WriteString("op", u.OpType);
                w.WriteString("path", u.Path);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        if (options.DatasetSize is { } samples)
        {
            var training = report.Training();
            w.WriteStartObject("epoch");
            w.WriteNumber("samples", samples);
            w.WriteNumber("macs", training.EpochMacs(samples));
            w.WriteNumber("flops", training.EpochFlops(samples));
            w.WriteEndObject();
        }

        if (options.Top1 is { } top1 && double.IsFinite(top1))
        {
            w.WriteNumber("top1", top1);
        }

        if (options.Latency is { } latency)
        {
            w.WriteStartObject("latency");
            WriteLatency(w, latency);
            w.WriteEndObject();
        }
    }

    private static void WriteTotals(Utf8JsonWriter w, string name, Totals t)
    {
        w.WriteStartObject(name);
        w.WriteNumber("params", t.Parameters);
        w.WriteNumber("trainableParams", t.TrainableParameters);
        w.WriteNumber("buffers", t.Buffers);
        w.WriteNumber("macs", t.Macs);
        w.WriteNumber("flops", t.Flops);
        w.WriteNumber("activationBytes", t.ActivationBytes);
        w.WriteNumber("memoryKB", t.MemoryKB);
        w.WriteNumber("backwardMacs", t.BackwardMacs);
        w.WriteNumber("backwardFlops", t.BackwardFlops);
        w.WriteEndObject();
    }

    private static double Share(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 6);

    private static void WriteAxes(Utf8JsonWriter w, string name, SpatialSize size)
    {
        w.WriteStartArray(name);
        for (var a = 0; a < size.Rank; a++)
        {
            w.WriteNumberValue(size[a]);
        }

        w.WriteEndArray();
    }

    // The outermost axis as size, stride and padding (in input pixels); every axis under "axes" when they differ; "known": false after an unknown operation.
    private static void WriteField(Utf8JsonWriter w, ReceptiveField field)
    {
        w.WriteStartObject("receptiveField");
        if (!field.IsKnown)
        {
            w.WriteBoolean("known", false);
            w.WriteEndObject();
            return;
        }

        WriteAxis(w, field[0]);
        if (!field.IsUniform)
        {
            w.WriteStartArray("axes");
            foreach (var axis in field.Axes)
            {
                w.WriteStartObject();
                WriteAxis(w, axis);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WriteAxis(Utf8JsonWriter w, ReceptiveAxis axis)
    {
        w.WriteNumber("size", axis.Size);
        if (axis.Scale == 1)
        {
            w.WriteNumber("stride", axis.Stride);
            w.WriteNumber("padding", axis.Padding);
        }
        else
        {
            w.WriteNumber("stride", Math.Round(axis.StrideInPixels, 6));
            w.WriteNumber("padding", Math.Round(axis.PaddingInPixels, 6));
        }
    }

    private static void WriteShape(Utf8JsonWriter w, string? name, TensorShape shape)
    {
        if (name is null)
        {
            w.WriteStartArray();
        }
        else
        {
            w.WriteStartArray(name);
        }

        foreach (var d in shape.Dims)
        {
            w.WriteNumberValue(d);
        }

        w.WriteEndArray();
    }
}

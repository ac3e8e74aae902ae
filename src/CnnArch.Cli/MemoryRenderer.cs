using System.Text;
using System.Text.Json;
using CnnArch.Memory;
using Spectre.Console;

namespace CnnArch.Cli;

/// <summary>The memory breakdown as a table.</summary>
internal static class MemoryRenderer
{
    public static void Render(MemoryReport r, bool training, int? largest, string? budget, IAnsiConsole console, bool fancy)
    {
        var o = r.Options;
        console.WriteLine($"{r.Model}: input {r.Input}, batch {o.Batch}, activations {o.Activations.Name()}, weights {o.Weights.Name()}");
        var table = new Table().Border(fancy ? TableBorder.Rounded : TableBorder.Ascii);
        table.AddColumn("Part");
        table.AddColumn(new TableColumn("Bytes").RightAligned());
        table.AddColumn(new TableColumn("Size").RightAligned());
        void Row(string part, long bytes) => table.AddRow(Markup.Escape(part), Units.Exact(bytes), Units.Bytes(bytes));

        Row("weights", r.ParameterBytes);
        Row("buffers (BatchNorm statistics)", r.BufferBytes);
        Row("input batch", r.InputBytes);
        Row($"inference: activations at the peak ({r.Inference.PeakLayer})", r.Inference.PeakBytes);
        Row("inference: total", MemoryAnalyzer.Total(r, training: false));
        Row("(sum of all layer outputs, as the lecture adds them)", r.Inference.SumOfOutputsBytes);
        if (training)
        {
            var t = r.Training;
            Row("training: activations saved for backward", t.SavedActivationBytes);
            Row("training: gradients of the weights", t.GradientBytes);
            Row($"training: forward-backward peak ({(t.PeakInBackward ? "backward" : "forward")} of {t.PeakLayer})", t.ForwardBackwardPeakBytes);
            Row($"training: optimizer state ({o.Optimizer.Name()})", t.OptimizerStateBytes);
            Row("training: total at the peak", t.PeakBytes);
        }

        console.Write(table);
        if (largest is { } batch)
        {
            console.WriteLine(batch == 0
                ? $"Not even one sample fits in {budget} for {(training ? "training" : "inference")}."
                : $"Largest batch that fits in {budget} for {(training ? "training" : "inference")}: {batch}.");
        }

        if (r.Uncounted.Length > 0)
        {
            console.WriteLine($"Uncounted: {r.Uncounted.Length} layer(s) of unknown operators, taken to allocate their output and keep nothing for backward: {string.Join(", ", r.Uncounted)}.");
        }

        console.WriteLine("Activation peaks exclude the weights, buffers and input listed above; the totals include them. Modelled on eager PyTorch on CUDA: see docs/memory.md.");
    }
}

/// <summary>The memory breakdown as JSON; these keys stay.</summary>
internal static class MemoryJson
{
    public static string Write(MemoryReport r, int? largest, string? budget, bool training) => JsonText.Object(w =>
        {
            var o = r.Options;
            w.WriteString("model", r.Model);
            w.WriteStartArray("input");
            foreach (var d in r.Input.Dims)
            {
                w.WriteNumberValue(d);
            }

            w.WriteEndArray();
            w.WriteNumber("batch", o.Batch);
            w.WriteString("dtype", o.Activations.Name());
            w.WriteString("weightsDtype", o.Weights.Name());
            w.WriteString("optimizer", o.Optimizer.Name());
            w.WriteNumber("parameterBytes", r.ParameterBytes);
            w.WriteNumber("bufferBytes", r.BufferBytes);
            w.WriteNumber("inputBytes", r.InputBytes);
            w.WriteStartObject("inference");
            w.WriteNumber("peakBytes", r.Inference.PeakBytes);
            w.WriteString("peakLayer", r.Inference.PeakLayer);
            w.WriteNumber("sumOfOutputsBytes", r.Inference.SumOfOutputsBytes);
            w.WriteNumber("totalBytes", MemoryAnalyzer.Total(r, training: false));
            w.WriteEndObject();
            w.WriteStartObject("training");
            w.WriteNumber("savedActivationBytes", r.Training.SavedActivationBytes);
            w.WriteNumber("heldAfterForwardBytes", r.Training.HeldAfterForwardBytes);
            w.WriteNumber("forwardBackwardPeakBytes", r.Training.ForwardBackwardPeakBytes);
            w.WriteString("forwardBackwardPeakLayer", r.Training.PeakLayer);
            w.WriteBoolean("peakInBackward", r.Training.PeakInBackward);
            w.WriteNumber("gradientBytes", r.Training.GradientBytes);
            w.WriteNumber("optimizerStateBytes", r.Training.OptimizerStateBytes);
            w.WriteNumber("peakBytes", r.Training.PeakBytes);
            w.WriteEndObject();
            if (largest is { } batch)
            {
                w.WriteStartObject("fits");
                w.WriteString("budget", budget);
                w.WriteString("mode", training ? "training" : "inference");
                w.WriteNumber("largestBatch", batch);
                w.WriteEndObject();
            }

            w.WriteStartArray("layers");
            foreach (var l in r.Layers)
            {
                w.WriteStartObject();
                w.WriteString("path", l.Path);
                w.WriteString("kind", l.Kind);
                w.WriteNumber("activationBytes", l.OutputBytes);
                w.WriteBoolean("allocates", l.Allocates);
                w.WriteNumber("parameterBytes", l.ParameterBytes);
                w.WriteNumber("bufferBytes", l.BufferBytes);
                w.WriteNumber("savedBytes", l.SavedBytes);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("uncounted");
            foreach (var path in r.Uncounted)
            {
                w.WriteStringValue(path);
            }

            w.WriteEndArray();
        });
}

/// <summary>Indented JSON objects written by hand, keys in a stable order.</summary>
internal static class JsonText
{
    public static string Object(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

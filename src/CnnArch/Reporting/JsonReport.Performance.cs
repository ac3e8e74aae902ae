using System.Text.Json;
using CnnArch.Memory;
using CnnArch.Performance;

namespace CnnArch.Reporting;

public static partial class JsonReport
{
    /// <summary>
    /// The memory breakdown as JSON: model, input, batch, dtype, weightsDtype, optimizer, the parameter,
    /// buffer and input bytes, <c>inference</c> and <c>training</c> totals, <c>fits</c> when
    /// <paramref name="fit"/> is given, then every layer and the uncounted ones. These keys stay.
    /// </summary>
    public static string Write(MemoryReport report, MemoryFit? fit = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonText.Object(w =>
        {
            var o = report.Options;
            w.WriteString("model", report.Model);
            w.Numbers("input", report.Input.Dims);
            w.WriteNumber("batch", o.Batch);
            w.WriteString("dtype", o.DataType.Name());
            w.WriteString("weightsDtype", o.Weights.Name());
            w.WriteString("optimizer", o.Optimizer.Name());
            w.WriteNumber("parameterBytes", report.ParameterBytes);
            w.WriteNumber("bufferBytes", report.BufferBytes);
            w.WriteNumber("inputBytes", report.InputBytes);
            WriteMemoryTotals(w, report);
            if (fit is not null)
            {
                w.WriteStartObject("fits");
                w.WriteString("budget", fit.Budget.Text);
                w.WriteString("mode", fit.Training ? "training" : "inference");
                w.WriteNumber("largestBatch", fit.LargestBatch);
                w.WriteEndObject();
            }

            w.WriteStartArray("layers");
            foreach (var l in report.Layers)
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
            w.Strings("uncounted", report.Uncounted);
        });
    }

    private static void WriteMemoryTotals(Utf8JsonWriter w, MemoryReport report)
    {
        w.WriteStartObject("inference");
        w.WriteNumber("peakBytes", report.Inference.PeakBytes);
        w.WriteString("peakLayer", report.Inference.PeakLayer);
        w.WriteNumber("sumOfOutputsBytes", report.Inference.SumOfOutputsBytes);
        w.WriteNumber("totalBytes", MemoryAnalyzer.Total(report, training: false));
        w.WriteEndObject();
        var t = report.Training;
        w.WriteStartObject("training");
        w.WriteNumber("savedActivationBytes", t.SavedActivationBytes);
        w.WriteNumber("heldAfterForwardBytes", t.HeldAfterForwardBytes);
        w.WriteNumber("forwardBackwardPeakBytes", t.ForwardBackwardPeakBytes);
        w.WriteString("forwardBackwardPeakLayer", t.PeakLayer);
        w.WriteBoolean("peakInBackward", t.PeakInBackward);
        w.WriteNumber("gradientBytes", t.GradientBytes);
        w.WriteNumber("optimizerStateBytes", t.OptimizerStateBytes);
        w.WriteNumber("peakBytes", t.PeakBytes);
        w.WriteEndObject();
    }

    /// <summary>
    /// The latency prediction as JSON: model, device, calibrated, dtype, batch, overhead, every layer
    /// (class, FLOPs, bytes, intensity, bound, latencyMs), totals and the uncounted layers.
    /// </summary>
    public static string Write(LatencyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonText.Object(w =>
        {
            w.WriteString("model", report.Model);
            WriteLatency(w, report);
        });
    }

    // The prediction's properties, in the latency report and under "latency" in an analysis.
    private static void WriteLatency(Utf8JsonWriter w, LatencyReport report)
    {
        var o = report.Options;
        w.WriteString("device", o.Device.Name);
        w.WriteBoolean("calibrated", o.Device.Calibrated);
        w.WriteString("dtype", o.DataType.Name());
        w.WriteNumber("batch", o.Batch);
        w.WriteBoolean("overhead", o.Overhead);
        w.WriteStartArray("layers");
        foreach (var l in report.Layers)
        {
            w.WriteStartObject();
            w.WriteString("path", l.Path);
            w.WriteString("kind", l.Kind);
            w.WriteString("class", l.Class?.ToString());
            w.WriteNumber("flops", l.Flops);
            w.WriteNumber("weightBytes", l.WeightBytes);
            w.WriteNumber("inputBytes", l.InputBytes);
            w.WriteNumber("outputBytes", l.OutputBytes);
            w.WriteNumber("intensity", Math.Round(l.Intensity, 3));
            w.WriteString("bound", l.Bound.Name());
            w.WriteNumber("latencyMs", Math.Round(l.Milliseconds, 6));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("totals");
        w.WriteNumber("latencyMs", Math.Round(report.Milliseconds, 6));
        w.WriteNumber("imagesPerSecond", Math.Round(report.ImagesPerSecond, 1));
        w.WriteNumber("rooflineMs", Math.Round(report.RooflineMilliseconds, 6));
        w.WriteNumber("kernels", report.Kernels);
        w.WriteEndObject();
        w.Strings("uncounted", report.Uncounted);
        w.Strings("uncalibrated", report.Uncalibrated);
    }
}

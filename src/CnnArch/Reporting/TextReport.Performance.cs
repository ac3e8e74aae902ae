using System.Globalization;
using CnnArch.Layers;
using CnnArch.Memory;
using CnnArch.Performance;

namespace CnnArch.Reporting;

public static partial class TextReport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The memory breakdown as plain text (see <see cref="Document(MemoryReport, bool, MemoryFit?)"/>).</summary>
    public static string Write(MemoryReport report, bool training = false, MemoryFit? fit = null) => Document(report, training, fit).ToString();

    /// <summary>
    /// The memory breakdown: weights, buffers, input, the inference peak and total; with
    /// <paramref name="training"/> what training adds; the largest batch of <paramref name="fit"/>.
    /// </summary>
    public static TextDocument Document(MemoryReport report, bool training = false, MemoryFit? fit = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var table = new TextTable.Builder(new("Part"), new("Bytes", true), new("Size", true));
        void Row(string part, long bytes) => table.Row(part, Units.Exact(bytes), Units.Bytes(bytes));
        Row("weights", report.ParameterBytes);
        Row("buffers (BatchNorm statistics)", report.BufferBytes);
        Row("input batch", report.InputBytes);
        Row($"inference: activations at the peak ({report.Inference.PeakLayer})", report.Inference.PeakBytes);
        Row("inference: total", MemoryAnalyzer.Total(report, training: false));
        Row("(sum of all layer outputs, as the lecture adds them)", report.Inference.SumOfOutputsBytes);
        if (training)
        {
            var t = report.Training;
            Row("training: activations saved for backward", t.SavedActivationBytes);
            Row("training: gradients of the weights", t.GradientBytes);
            Row($"training: forward-backward peak ({(t.PeakInBackward ? "backward" : "forward")} of {t.PeakLayer})", t.ForwardBackwardPeakBytes);
            Row($"training: optimizer state ({o.Optimizer.Name()})", t.OptimizerStateBytes);
            Row("training: total at the peak", t.PeakBytes);
        }

        var doc = new TextDocument.Builder()
            .Line($"{report.Model}: input {report.Input}, batch {o.Batch}, activations {o.DataType.Name()}, weights {o.Weights.Name()}")
            .Table(table.Build());
        if (fit is not null)
        {
            var mode = fit.Training ? "training" : "inference";
            doc.Line(fit.LargestBatch == 0
                ? $"Not even one sample fits in {fit.Budget} for {mode}."
                : $"Largest batch that fits in {fit.Budget} for {mode}: {fit.LargestBatch}.");
        }

        if (report.Uncounted.Length > 0)
        {
            doc.Line($"Uncounted: {report.Uncounted.Length} layer(s) of unknown operators, taken to allocate their output and keep nothing for backward: {string.Join(", ", report.Uncounted)}.");
        }

        return doc.Line("Activation peaks exclude the weights, buffers and input listed above; the totals include them. Modelled on eager PyTorch on CUDA: see docs/memory.md.").Build();
    }

    /// <summary>The latency prediction as plain text (see <see cref="Document(LatencyReport)"/>).</summary>
    public static string Write(LatencyReport report) => Document(report).ToString();

    /// <summary>The latency prediction: per layer FLOPs, bytes, intensity, what bounds it, time and share; then the totals.</summary>
    public static TextDocument Document(LatencyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var table = new TextTable.Builder(new("Layer"), new("Kind"), new("FLOPs", true), new("Bytes", true), new("FLOP/B", true), new("Bound"), new("ms", true), new("Share", true));
        var uncalibrated = report.Uncalibrated.ToHashSet(StringComparer.Ordinal);
        foreach (var l in report.Layers.Where(l => l.Class != KernelClass.View))
        {
            table.Row(l.Path, l.Kind, Units.Count(l.Flops), Units.Bytes(l.Bytes), l.Intensity.ToString("0.#", C), l.Bound.Name() + (uncalibrated.Contains(l.Path) ? " (uncalibrated)" : ""),
                Units.Milliseconds(l.Milliseconds), report.Milliseconds > 0 ? (l.Milliseconds / report.Milliseconds).ToString("0.0%", C) : "-");
        }

        var doc = new TextDocument.Builder()
            .Line($"{report.Model}: input {report.Input}, batch {o.Batch}, {o.DataType.Name()} on {o.Device.Name} ({o.Device.Description}, {(o.Device.Calibrated ? "calibrated" : "datasheet peaks")}){(o.Overhead ? "" : ", no launch overhead")}")
            .Table(table.Build())
            .Line($"Predicted {Units.Milliseconds(report.Milliseconds)} ms per forward pass of {o.Batch} ({report.ImagesPerSecond.ToString("N0", C)} images/s), {report.Kernels} kernels; ideal roofline bound {Units.Milliseconds(report.RooflineMilliseconds)} ms.");
        if (report.Uncounted.Length > 0)
        {
            doc.Line($"No latency rule for {report.Uncounted.Length} layer(s), not in the total: {string.Join(", ", report.Uncounted)}.");
        }

        if (report.Uncalibrated.Length > 0)
        {
            doc.Line($"Uncalibrated: {report.Uncalibrated.Length} layer(s) of kinds {o.Device.Name}'s calibration never timed ({string.Join(", ", o.Device.UncalibratedKinds)}), predicted with the matrix-product efficiency fitted on other models.");
        }

        return doc.Line(o.Device.IsCpu
            ? "Model (CPU): per layer max(FLOPs / (peak x efficiency), bytes / (cache or DRAM bandwidth x efficiency)) + operator cost; layers ONNX Runtime fuses into a convolution cost nothing; see docs/latency-cpu.md for its measured error."
            : "Model: per layer max(FLOPs / (peak x efficiency x wave fill), bytes / (bandwidth x efficiency)) + kernel cost, at least the eager host cost per kernel; see docs/latency.md for its measured error.").Build();
    }

    /// <summary>One line for another report's footer: the predicted time on the device, and where the per-layer table is.</summary>
    public static string Summary(LatencyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"Latency on {report.Options.Device.Name} ({report.Options.DataType.Name()}, batch {report.Options.Batch}): predicted {Units.Milliseconds(report.Milliseconds)} ms per forward pass ({report.ImagesPerSecond.ToString("N0", C)} images/s); per layer: cnnarch latency.";
    }
}

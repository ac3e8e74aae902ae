using System.Globalization;
using System.Text;
using System.Text.Json;
using CnnArch.Memory;
using Xunit.Abstractions;

namespace CnnArch.Tests.Memory;

/// <summary>
/// The memory model against what PyTorch allocated on an NVIDIA H200 (Reference/gpu/h200-memory.json:
/// fp32, batch 32, cudnn.benchmark off, bytes above the resident weights and input).
/// </summary>
public class GpuMeasurementTests(ITestOutputHelper output)
{
    internal sealed record Measured(string Model, string Preset, int Batch, long ParamBytes, long Saved, long ForwardBackwardPeak, long InferencePeak);

    internal static IReadOnlyList<Measured> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ReferenceData.PathOf("gpu", "h200-memory.json")));
        return [.. doc.RootElement.GetProperty("models").EnumerateObject().Select(m => new Measured(
            m.Name,
            m.Name switch { "timm_mobilenetv1_100" => "mobilenet_v1", "timm_seresnet50" => "se_resnet50", _ => m.Name },
            m.Value.GetProperty("batch").GetInt32(),
            m.Value.GetProperty("param_bytes").GetInt64(),
            m.Value.GetProperty("saved_activation_bytes").GetInt64(),
            m.Value.GetProperty("forward_backward_peak_bytes").GetInt64(),
            m.Value.GetProperty("inference_peak_bytes").GetInt64()))];
    }

    private static double Ratio(long estimate, long measured) => (double)estimate / measured;

    [Fact]
    public void Should_Estimate_Memory_Within_The_Accepted_Error_Of_The_Gpu_Measurements()
    {
        var rows = Load().Select(m => (m, e: MemoryAnalyzer.Analyze(Catalog.Create(m.Preset), new MemoryOptions { Batch = m.Batch }))).ToList();

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{"model",-22} {"saved MiB est/meas",20} {"ratio",6} {"fwd+bwd MiB est/meas",20} {"ratio",6} {"inference MiB est/meas",22} {"ratio",6}");
        foreach (var (m, e) in rows)
        {
            table.AppendLine(CultureInfo.InvariantCulture,
                $"{m.Model,-22} {e.Training.SavedActivationBytes / 1048576.0,9:0.0}/{m.Saved / 1048576.0,-9:0.0} {Ratio(e.Training.SavedActivationBytes, m.Saved),6:0.00} " +
                $"{e.Training.ForwardBackwardPeakBytes / 1048576.0,9:0.0}/{m.ForwardBackwardPeak / 1048576.0,-9:0.0} {Ratio(e.Training.ForwardBackwardPeakBytes, m.ForwardBackwardPeak),6:0.00} " +
                $"{e.Inference.PeakBytes / 1048576.0,10:0.0}/{m.InferencePeak / 1048576.0,-10:0.0} {Ratio(e.Inference.PeakBytes, m.InferencePeak),6:0.00}");
        }

        double Share(Func<(Measured m, MemoryReport e), bool> within) => rows.Count(within) / (double)rows.Count;
        var saved = Share(r => Math.Abs(Ratio(r.e.Training.SavedActivationBytes, r.m.Saved) - 1) <= 0.10);
        var peak = Share(r => Math.Abs(Ratio(r.e.Training.ForwardBackwardPeakBytes, r.m.ForwardBackwardPeak) - 1) <= 0.20);
        var inference = Share(r => Math.Abs(Ratio(r.e.Inference.PeakBytes, r.m.InferencePeak) - 1) <= 0.30);
        table.AppendLine(CultureInfo.InvariantCulture, $"saved within 10%: {saved:P0}; forward-backward peak within 20%: {peak:P0}; inference peak within 30%: {inference:P0}");
        output.WriteLine(table.ToString());

        saved.Should().BeGreaterThanOrEqualTo(0.90, table.ToString());
        peak.Should().BeGreaterThanOrEqualTo(0.80, table.ToString());
        inference.Should().BeGreaterThanOrEqualTo(0.75, table.ToString());
    }

    [Fact]
    public void Should_Count_The_Parameter_Bytes_PyTorch_Holds()
    {
        foreach (var m in Load())
        {
            MemoryAnalyzer.Analyze(Catalog.Create(m.Preset), new MemoryOptions { Batch = m.Batch }).ParameterBytes.Should().Be(m.ParamBytes, m.Model);
        }
    }
}

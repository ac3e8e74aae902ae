using System.Globalization;
using CnnArch.Analysis;
using CnnArch.Presets;
using CnnArch.Performance;
using ScottPlot;

namespace CnnArch.Cli;

/// <summary>The lecture's two charts: where a network's costs go by layer, and accuracy against compute.</summary>
internal static class Charts
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private static readonly Color[] Palette = [new("#4E79A7"), new("#F28E2B"), new("#59A14F")];

    /// <summary>
    /// Each layer's share of the model's activation memory, parameters and MACs (grouped bars, % of the
    /// total), as the lecture's AlexNet "interesting trends" slide. Layers that cost nothing (activations,
    /// BatchNorm, dropout) are left out; deep networks are collapsed to blocks until at most 40 bars remain.
    /// </summary>
    public static Plot Layers(AnalysisReport report, int? depth)
    {
        var rows = Rows(report, depth);
        var plot = new Plot();
        var totals = (Memory: (double)report.Totals.ActivationBytes, Params: (double)report.Totals.Parameters, Macs: (double)report.Totals.Macs);
        string[] series = ["activation memory", "parameters", $"MACs ({report.Convention.Name})"];
        for (var s = 0; s < 3; s++)
        {
            var bars = rows.Select((r, i) => new Bar
            {
                Position = (i * 4) + s,
                Value = 100 * (s switch { 0 => r.ActivationBytes / totals.Memory, 1 => Share(r.Parameters, totals.Params), _ => Share(r.Macs, totals.Macs) }),
                FillColor = Palette[s],
                LineWidth = 0,
            }).ToList();
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s], FillColor = Palette[s] });
        }

        plot.Axes.Bottom.SetTicks([.. rows.Select((_, i) => (i * 4) + 1.0)], [.. rows.Select(r => r.Path)]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.MinimumSize = 140;
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title($"{report.Model} at {report.Input}: where memory, parameters and compute go");
        plot.YLabel("% of the model's total");
        plot.XLabel($"Totals: {Units.Bytes(report.Totals.ActivationBytes)} of activations, {Units.Count(report.Totals.Parameters)} params, {Units.Count(report.Totals.Macs)} MACs. {report.Convention.Statement}");
        plot.Axes.Bottom.Label.FontSize = 11;
        return plot;
    }

    /// <summary>
    /// Each layer on the device's roofline: arithmetic intensity (FLOPs per byte) against the FLOP/s the
    /// model predicts it attains, log-log, under the memory slope and the compute ceilings.
    /// </summary>
    public static Plot Roofline(LatencyReport report)
    {
        var plot = new Plot();
        var device = report.Options.Device;
        var precision = report.Options.Precision;
        var layers = report.Layers.Where(l => l.Class is not null and not KernelClass.View && l.Flops > 0 && l.Milliseconds > 0 && l.Bytes > 0).ToList();
        var bandwidth = device.MemoryBandwidthGBps * 1e9;
        var tensor = (precision switch { Precision.Bf16 => device.Bf16Tflops, Precision.Fp16 => device.Fp16Tflops, _ => device.Tf32Tflops }) * 1e12;
        var (lo, hi) = (Math.Log10(0.05), Math.Log10(Math.Max(2000, layers.Select(l => l.Intensity).DefaultIfEmpty(1).Max() * 2)));
        foreach (var (peak, name) in new[] { (tensor, $"tensor cores ({(precision == Precision.Fp32 ? "tf32" : precision.Name())})"), (device.Fp32Tflops * 1e12, "CUDA cores (fp32)") })
        {
            var xs = Enumerable.Range(0, 200).Select(i => lo + ((hi - lo) * i / 199)).ToArray();
            double[] ys = [.. xs.Select(x => Math.Log10(Math.Min(peak, bandwidth * Math.Pow(10, x))))];
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = $"roofline: {name}, {device.MemoryBandwidthGBps:N0} GB/s";
            line.LineWidth = 2;
        }

        foreach (var group in layers.GroupBy(l => l.Class))
        {
            double[] xs = [.. group.Select(l => Math.Log10(l.Intensity))];
            double[] ys = [.. group.Select(l => Math.Log10(l.Flops / (l.Milliseconds / 1e3)))];
            var points = plot.Add.ScatterPoints(xs, ys);
            points.LegendText = group.Key.ToString()!;
            points.MarkerSize = 7;
        }

        static string Power(double v) => Math.Pow(10, v) switch
        {
            >= 1e12 => $"{Math.Pow(10, v) / 1e12:0.#}T",
            >= 1e9 => $"{Math.Pow(10, v) / 1e9:0.#}G",
            >= 1e6 => $"{Math.Pow(10, v) / 1e6:0.#}M",
            var x => $"{x:0.##}",
        };
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(), IntegerTicksOnly = true, LabelFormatter = Power };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(), IntegerTicksOnly = true, LabelFormatter = Power };
        plot.Title($"{report.Model} on {device.Name}, {precision.Name()}, batch {report.Options.Batch}: each layer on the roofline");
        plot.XLabel("arithmetic intensity (FLOPs per byte moved)");
        plot.YLabel("predicted FLOP/s");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>The presets with a published top-1: accuracy against GMACs (or predicted latency), bubble area by parameters, as the lecture's "comparing complexity".</summary>
    public static Plot Accuracy(CostModel convention, string? highlight, LatencyOptions? latency = null)
    {
        var plot = new Plot();
        var points = Catalog.All.Where(p => p.Top1 is not null)
            .Select(p => (p.Name, Top1: p.Top1!.Value, Report: Analyzer.Analyze(Catalog.Create(p.Name), new AnalysisOptions { Convention = convention })))
            .ToList();
        var maxParams = points.Max(p => p.Report.Totals.Parameters);
        foreach (var (name, top1, report) in points)
        {
            var gmacs = latency is null ? report.Totals.Macs / 1e9 : LatencyModel.Predict(Catalog.Create(name), latency).Milliseconds;
            var marker = plot.Add.Marker(gmacs, top1);
            marker.Size = (float)(8 + (52 * Math.Sqrt(report.Totals.Parameters / (double)maxParams)));
            marker.Color = (name == highlight ? Palette[1] : Palette[0]).WithAlpha(0.55);
            var label = plot.Add.Text(name, gmacs, top1);
            label.LabelFontSize = 11;
            label.LabelAlignment = Alignment.LowerLeft;
            label.OffsetX = 6;
            label.OffsetY = -6;
        }

        plot.Title(latency is null ? "ImageNet top-1 against compute; bubble area by parameters" : "ImageNet top-1 against predicted latency; bubble area by parameters");
        plot.XLabel(latency is null
            ? $"G MACs at each model's evaluation input: 3x224x224, EfficientNet B1-B7 240-600 ({convention.Name}: {convention.Statement})"
            : $"predicted ms per forward pass of batch {latency.Batch}, {latency.Precision.Name()} on {latency.Device.Name}, at each model's evaluation input (docs/latency.md)");
        plot.YLabel("top-1 accuracy (%), torchvision's published weights");
        plot.Axes.Bottom.Label.FontSize = 11;
        var maxG = latency is null ? points.Max(p => p.Report.Totals.Macs) / 1e9 : points.Max(p => LatencyModel.Predict(Catalog.Create(p.Name), latency).Milliseconds);
        var (lo, hi) = (points.Min(p => p.Top1), points.Max(p => p.Top1));
        plot.Axes.SetLimits(-0.05 * maxG, 1.18 * maxG, lo - 2, hi + 2);
        return plot;
    }

    /// <summary>Saves as PNG or SVG by the file's extension.</summary>
    public static void Save(Plot plot, string path, int width, int height)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".png":
                plot.SavePng(path, width, height);
                break;
            case ".svg":
                plot.SaveSvg(path, width, height);
                break;
            default:
                throw new ArgumentException($"--output must end in .png or .svg, got '{path}'.");
        }
    }

    private static double Share(long part, double total) => total == 0 ? 0 : part / total;

    private static List<LayerReport> Rows(AnalysisReport report, int? depth)
    {
        static bool Costs(LayerReport r) => r.Parameters > 0 || r.Macs > 0 || r.Kind.Contains("Pool", StringComparison.Ordinal) || r.Kind is "Sequential" or "Residual" or "Inception" or "SqueezeExcitation" or "Block";
        if (depth is { } d)
        {
            return [.. report.Collapsed(d).Where(r => !r.IsAuxiliary && Costs(r))];
        }

        // The deepest view that fits 40 bars.
        var deepest = report.Scopes.IsEmpty ? 0 : report.Scopes.Max(s => s.Depth);
        for (var cut = deepest + 1; cut >= 1; cut--)
        {
            var rows = report.Collapsed(cut > deepest ? null : cut).Where(r => !r.IsAuxiliary && Costs(r)).ToList();
            if (rows.Count <= 40 || cut == 1)
            {
                return rows;
            }
        }

        return [];
    }
}

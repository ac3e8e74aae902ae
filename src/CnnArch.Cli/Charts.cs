using System.Globalization;
using CnnArch.Analysis;
using CnnArch.Presets;
using CnnArch.Studies;
using CnnArch.Performance;
using ScottPlot;
using CnnArch.Layers;

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
    /// The lecture's opening slide: the ImageNet classification winners by year, top-5 error as bars, each
    /// winner's depth above its bar ("shallow" before AlexNet), and the human error as a dashed line
    /// (<see cref="ImageNetWinners"/>: published figures, with their sources).
    /// </summary>
    public static Plot Winners()
    {
        var plot = new Plot();
        var winners = ImageNetWinners.All;
        var bars = winners.Select((w, i) => new Bar
        {
            Position = i,
            Value = w.Top5Error,
            FillColor = w.Layers is null ? Colors.Gray : Palette[0],
            LineWidth = 0,
            Label = w.Top5Error.ToString("0.0", C),
        }).ToList();
        var series = plot.Add.Bars(bars);
        series.ValueLabelStyle.FontSize = 13;
        series.ValueLabelStyle.Bold = true;
        for (var i = 0; i < winners.Length; i++)
        {
            var depth = plot.Add.Text(winners[i].Layers is { } layers ? $"{layers} layers" : "shallow", i, winners[i].Top5Error + 2.2);
            depth.LabelFontSize = 12;
            depth.LabelAlignment = Alignment.LowerCenter;
            depth.LabelFontColor = winners[i].Layers is null ? Colors.Gray : Palette[0].Darken(0.3);
        }

        var human = plot.Add.HorizontalLine(ImageNetWinners.HumanTop5Error);
        human.LinePattern = LinePattern.Dashed;
        human.LineColor = Palette[1];
        human.LineWidth = 2;
        human.Text = $"human {ImageNetWinners.HumanTop5Error.ToString("0.0", C)}";
        human.LabelFontSize = 12;
        human.LabelBackgroundColor = Palette[1];
        plot.Axes.Bottom.SetTicks([.. winners.Select((_, i) => (double)i)], [.. winners.Select(w => $"{w.Year}\n{w.Name}")]);
        plot.Axes.Bottom.MinimumSize = 60;
        plot.Axes.SetLimits(-0.6, winners.Length - 0.4, 0, winners.Max(w => w.Top5Error) + 6);
        plot.Title("ImageNet classification challenge winners: top-5 error (%) and depth");
        plot.YLabel("top-5 error (%)");
        plot.XLabel("Figures as the lecture's slide (after Russakovsky et al. 2015); sources in ImageNetWinners");
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
        var precision = report.Options.DataType;
        var layers = report.Layers.Where(l => l.Class is not null and not KernelClass.View && l.Flops > 0 && l.Milliseconds > 0 && l.Bytes > 0).ToList();
        var bandwidth = device.MemoryBandwidthGBps * 1e9;
        var tensor = (precision switch { DataType.Bf16 => device.Bf16Tflops, DataType.Fp16 => device.Fp16Tflops, _ => device.Tf32Tflops }) * 1e12;
        var (lo, hi) = (Math.Log10(0.05), Math.Log10(Math.Max(2000, layers.Select(l => l.Intensity).DefaultIfEmpty(1).Max() * 2)));
        // A GPU: its tensor-core and CUDA-core ceilings under DRAM's slope; a CPU: its one fp32 ceiling under
        // the slopes of DRAM and of its last-level cache (a layer whose working set fits it streams faster).
        var roofs = device.Cpu is { } cpu
            ? new[] { (device.Fp32Tflops * 1e12, bandwidth, $"fp32, DRAM {device.MemoryBandwidthGBps:N0} GB/s"), (device.Fp32Tflops * 1e12, cpu.CacheBandwidthGBps * 1e9, $"fp32, cache {cpu.CacheBandwidthGBps:N0} GB/s") }
            : [(tensor, bandwidth, $"tensor cores ({(precision == DataType.Fp32 ? "tf32" : precision.Name())}), {device.MemoryBandwidthGBps:N0} GB/s"), (device.Fp32Tflops * 1e12, bandwidth, $"CUDA cores (fp32), {device.MemoryBandwidthGBps:N0} GB/s")];
        foreach (var (peak, slope, name) in roofs)
        {
            var xs = Enumerable.Range(0, 200).Select(i => lo + ((hi - lo) * i / 199)).ToArray();
            double[] ys = [.. xs.Select(x => Math.Log10(Math.Min(peak, slope * Math.Pow(10, x))))];
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = $"roofline: {name}";
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

    /// <summary>
    /// The presets with a published top-1: accuracy against GMACs (or predicted latency), bubble area by
    /// parameters, as the lecture's "comparing complexity". The x axis starts at 0 (or is logarithmic
    /// with <paramref name="logX"/>); labels are placed where they overlap no other label.
    /// </summary>
    public static (Plot Plot, IReadOnlyList<(string Name, PixelRect Box)> Labels) Accuracy(CostModel convention, string? highlight, int width, int height, LatencyOptions? latency = null, bool logX = false, AccuracyChart? chart = null)
    {
        var plot = new Plot();
        var (top5, only) = (chart?.Top5 ?? false, chart?.Models);
        var points = Catalog.All.Where(p => (top5 ? p.Top5 : p.Top1) is not null && (only is null || only.Contains(p.Name)))
            .Select(p => (p.Name, Top1: (top5 ? p.Top5 : p.Top1)!.Value, Report: Analyzer.Analyze(Catalog.Create(p.Name), new AnalysisOptions { Convention = convention })))
            .Select(p => (p.Name, p.Top1, p.Report, X: latency is null ? p.Report.Totals.Macs / 1e9 : LatencyModel.Predict(Catalog.Create(p.Name), latency).Milliseconds))
            .ToList();
        double Scale(double x) => logX ? Math.Log10(x) : x;
        var maxParams = points.Max(p => p.Report.Totals.Parameters);
        var sizes = new List<float>();
        foreach (var (name, top1, report, x) in points)
        {
            var marker = plot.Add.Marker(Scale(x), top1);
            marker.Size = (float)(8 + (52 * Math.Sqrt(report.Totals.Parameters / (double)maxParams)));
            marker.Color = (name == highlight ? Palette[1] : Palette[0]).WithAlpha(0.55);
            sizes.Add(marker.Size);
        }

        var metric = top5 ? "top-5" : "top-1";
        plot.Title(chart?.Title ?? (latency is null ? $"ImageNet {metric} against compute; bubble area by parameters" : $"ImageNet {metric} against predicted latency; bubble area by parameters"));
        // Short enough for the chart's width at 1400 px with "log scale" added; the convention's full
        // statement is in docs/conventions.md.
        plot.XLabel((latency is null
            ? $"G MACs at each model's evaluation input, counted as {convention.Name}"
            : $"predicted ms per forward pass of batch {latency.Batch}, {latency.DataType.Name()} on {latency.Device.Name}")
            + (logX ? " (log scale)" : string.Empty));
        plot.YLabel($"{metric} accuracy (%), published weights");
        plot.Axes.Bottom.Label.FontSize = 11;
        SetAxes(plot, [.. points.Select(p => p.X)], [.. points.Select(p => p.Top1)], logX);
        var labels = Label(plot, [.. points.Select(p => (p.Name, Scale(p.X), p.Top1))], sizes, width, height);
        return (plot, labels);
    }

    // The accuracy chart's limits: x from 0 (or logarithmic, ticks at powers of ten), y two points beyond the extremes.
    private static void SetAxes(Plot plot, double[] xs, double[] top1, bool logX)
    {
        var (lo, hi) = (top1.Min(), top1.Max());
        var (minX, maxX) = (xs.Min(), xs.Max());
        if (!logX)
        {
            plot.Axes.SetLimits(0, 1.2 * maxX, lo - 2, hi + 2);
            return;
        }

        plot.Axes.SetLimits(Math.Log10(minX) - 0.15, Math.Log10(maxX) + 0.35, lo - 2, hi + 2);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, v).ToString("0.###", C),
        };
    }

    // Labels laid out in pixels, on the axes the chart will have at this size, where they overlap no other;
    // a label pushed away from its bubble gets a thin leader line to it.
    private static List<(string Name, PixelRect Box)> Label(Plot plot, (string Name, double X, double Y)[] points, List<float> sizes, int width, int height)
    {
        const float FontSize = 11;
        plot.RenderInMemory(width, height);
        var anchors = points.Select(p => plot.GetPixel(new Coordinates(p.X, p.Y))).ToList();
        var boxes = LabelLayout.Place(
            [.. anchors.Select(a => (a.X, a.Y))],
            [.. points.Select(p => (p.Name.Length * FontSize * 0.62f, FontSize + 4f))],
            [.. sizes.Select(s => s / 2)],
            plot.LastRender.DataRect);
        var labels = new List<(string, PixelRect)>();
        for (var i = 0; i < points.Length; i++)
        {
            var label = plot.Add.Text(points[i].Name, points[i].X, points[i].Y);
            label.LabelFontSize = FontSize;
            label.LabelAlignment = Alignment.UpperLeft;
            label.OffsetX = boxes[i].Left - anchors[i].X;
            label.OffsetY = boxes[i].Top - anchors[i].Y;
            labels.Add((points[i].Name, boxes[i]));
            var (bx, by) = (Math.Clamp(anchors[i].X, boxes[i].Left, boxes[i].Right), Math.Clamp(anchors[i].Y, boxes[i].Top, boxes[i].Bottom));
            if (Math.Sqrt(Math.Pow(bx - anchors[i].X, 2) + Math.Pow(by - anchors[i].Y, 2)) > (sizes[i] / 2) + 12)
            {
                var end = plot.GetCoordinates(new Pixel(bx, by));
                var leader = plot.Add.Line(points[i].X, points[i].Y, end.X, end.Y);
                leader.LineColor = Colors.Gray.WithAlpha(0.8);
                leader.LineWidth = 1;
            }
        }

        return labels;
    }

    /// <summary>
    /// The lecture's "interesting trends" as the slide draws them: three panels, one above the other,
    /// of each layer's activation memory, parameters and MACs (absolute, not shares). Each panel's title
    /// is what its numbers say for this network (<see cref="Conclusion"/>), never the AlexNet slide's words.
    /// </summary>
    public static IReadOnlyList<Plot> Trends(AnalysisReport report, int? depth)
    {
        var rows = Rows(report, depth);
        (string Title, Func<LayerReport, double> Value, string Unit)[] panels =
        [
            (Conclusion(report, rows, r => r.ActivationBytes, "Memory", "hold", early: true), r => r.ActivationBytes / 1024.0, "KB"),
            (Conclusion(report, rows, r => r.Parameters, "Params", "hold", early: false), r => r.Parameters / 1e6, "M params"),
            (Conclusion(report, rows, r => r.Macs, $"MACs ({report.Convention.Name})", "do", early: false), r => r.Macs / 1e6, "M MACs"),
        ];
        var plots = new List<Plot>();
        for (var p = 0; p < panels.Length; p++)
        {
            var plot = new Plot();
            var bars = plot.Add.Bars(rows.Select(panels[p].Value).ToArray());
            bars.Color = Palette[p];
            foreach (var bar in bars.Bars)
            {
                bar.LineWidth = 0;
            }

            plot.Title(p == 0 ? $"{report.Model} at {report.Input}. {panels[p].Title}" : panels[p].Title);
            plot.YLabel(panels[p].Unit);
            plot.Axes.Bottom.SetTicks([.. rows.Select((_, i) => (double)i)], p == panels.Length - 1 ? [.. rows.Select(r => r.Path)] : [.. rows.Select(_ => string.Empty)]);
            plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Margins(bottom: 0);
            plots.Add(plot);
        }

        plots[^1].Axes.Bottom.MinimumSize = 120;
        return plots;
    }

    /// <summary>
    /// A panel's sentence from the numbers: the layer kinds that hold the most of the total (over every
    /// layer, not only the bars drawn), and for memory how early half of it is reached along the bars:
    /// "Params: Linear layers hold 96.2%, Conv2d 3.8%" for AlexNet, "Conv2d layers hold 75.4%, Linear
    /// 24.6%" for EfficientNet-B0.
    /// </summary>
    internal static string Conclusion(AnalysisReport report, IReadOnlyList<LayerReport> rows, Func<LayerReport, double> value, string what, string verb, bool early)
    {
        var kinds = report.Layers.Where(l => !l.IsAuxiliary).GroupBy(l => l.Kind)
            .Select(g => (Kind: g.Key, Sum: g.Sum(value))).Where(k => k.Sum > 0)
            .OrderByDescending(k => k.Sum).ThenBy(k => k.Kind, StringComparer.Ordinal).ToList();
        var total = kinds.Sum(k => k.Sum);
        if (total <= 0)
        {
            return $"{what}: none";
        }

        string Share(double part) => (100 * part / total).ToString("0.#", C) + "%";
        var text = $"{what}: {kinds[0].Kind} layers {verb} {Share(kinds[0].Sum)}";
        if (kinds.Count > 1 && kinds[1].Sum / total >= 0.05)
        {
            text += $", {kinds[1].Kind} {Share(kinds[1].Sum)}";
        }

        if (early && rows.Count > 1)
        {
            var (sum, half, shown) = (0.0, rows.Count, rows.Sum(value));
            for (var i = 0; i < rows.Count && half == rows.Count; i++)
            {
                sum += value(rows[i]);
                half = sum * 2 >= shown ? i + 1 : half;
            }

            text += $"; half of it in the first {half} of {rows.Count} layers (through {rows[half - 1].Path})";
        }

        return text;
    }

    /// <summary>Panels one above the other in one PNG or SVG, the last one taller for its labels.</summary>
    public static void SavePanels(IReadOnlyList<Plot> panels, string path, int width, int height)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
        {
            throw new ArgumentException($"--output must end in .png or .svg, got '{path}'.");
        }

        // Each panel renders on its own surface (a plot clears whatever canvas it is given), then is stacked.
        var unit = (int)(height / (panels.Count + 0.5f));
        var heights = panels.Select((_, i) => i == panels.Count - 1 ? height - (unit * (panels.Count - 1)) : unit).ToArray();
        if (extension == ".png")
        {
            using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(width, height));
            surface.Canvas.Clear(SkiaSharp.SKColors.White);
            var top = 0;
            for (var i = 0; i < panels.Count; i++)
            {
                using var panel = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(width, heights[i]));
                panels[i].Render(panel);
                using var image = panel.Snapshot();
                surface.Canvas.DrawImage(image, 0, top);
                top += heights[i];
            }

            using var png = surface.Snapshot();
            using var data = png.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            using var file = File.Create(path);
            data.SaveTo(file);
        }
        else
        {
            var svg = new System.Text.StringBuilder();
            svg.Append(C, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\">");
            var top = 0;
            for (var i = 0; i < panels.Count; i++)
            {
                var inner = panels[i].GetSvgHtml(width, heights[i]);
                inner = inner.StartsWith("<?xml", StringComparison.Ordinal) ? inner[(inner.IndexOf("?>", StringComparison.Ordinal) + 2)..] : inner;
                // Nested <svg> elements take their own position.
                svg.Append(C, $"<g transform=\"translate(0,{top})\">").Append(inner).Append("</g>");
                top += heights[i];
            }

            svg.Append("</svg>");
            File.WriteAllText(path, svg.ToString());
        }
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

    /// <summary>
    /// The models of the lecture's "comparing complexity" chart (Canziani, Paszke, Culurciello 2016,
    /// "An Analysis of Deep Neural Network Models for Practical Applications", Fig. 1) and of its
    /// later slides: drawn where their top-1 is published; the others are named under the chart.
    /// </summary>
    public static IReadOnlyList<string> ComplexityModels { get; } =
    [
        "alexnet", "bn_alexnet", "nin", "bn_nin", "enet", "googlenet", "inception_v3", "inception_v4", "inception_resnet_v2",
        "vgg16", "vgg19", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "senet154", "nasnet_a_large", "nasnet_a_mobile",
    ];

    /// <summary>The comparing-complexity chart: <see cref="ComplexityModels"/> on the accuracy chart, with a title naming the ones without a published top-1.</summary>
    public static AccuracyChart Complexity(bool top5)
    {
        var missing = ComplexityModels.Where(m => (top5 ? Catalog.Find(m).Top5 : Catalog.Find(m).Top1) is null).ToList();
        var title = "Comparing complexity (Canziani et al. 2016): accuracy against operations, bubble area by parameters"
            + (missing.Count == 0 ? string.Empty : $"\nno published {(top5 ? "top-5" : "top-1")}: {string.Join(", ", missing)}");
        return new AccuracyChart(ComplexityModels, top5, title);
    }
}

/// <summary>Which models an accuracy chart draws (all with a published figure when null), which accuracy, and its title (the default when null).</summary>
internal sealed record AccuracyChart(IReadOnlyCollection<string>? Models, bool Top5, string? Title);

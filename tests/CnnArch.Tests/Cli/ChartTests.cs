using CnnArch.Cli;
using ScottPlot;

namespace CnnArch.Tests.Cli;

/// <summary>The accuracy chart and the lecture's three panels (issue 12's charts).</summary>
public class ChartTests
{
    [Fact]
    public void Accuracy_Labels_Overlap_No_Other_Label_Even_Where_Models_Crowd()
    {
        var (_, labels) = Charts.Accuracy(Conventions.TorchVision, null, 1400, 800);

        labels.Select(l => l.Name).Should().Contain(["googlenet", "resnet18", "wide_resnet50_2", "resnet152"]);
        for (var i = 0; i < labels.Count; i++)
        {
            for (var j = i + 1; j < labels.Count; j++)
            {
                LabelLayout.Overlaps(labels[i].Box, labels[j].Box).Should().BeFalse($"{labels[i].Name} and {labels[j].Name} must not overlap");
            }
        }
    }

    [Fact]
    public void On_The_Latency_Chart_No_Label_Covers_Another_Models_Bubble()
    {
        var latency = new CnnArch.Performance.LatencyOptions { Device = CnnArch.Performance.DeviceProfile.Get("h200"), Batch = 64 };
        var (plot, labels) = Charts.Accuracy(Conventions.TorchVision, null, 1400, 800, latency);
        plot.RenderInMemory(1400, 800);

        var centres = plot.GetPlottables<ScottPlot.Plottables.Marker>().Select(m => (m.Location, Pixel: plot.GetPixel(m.Location), m.Size)).ToList();
        centres.Should().HaveCount(labels.Count);
        var covered = labels.SelectMany((l, i) => centres.Where((c, k) => k != i && LabelLayout.Overlaps(LabelLayout.Core((c.Pixel.X, c.Pixel.Y), c.Size / 2), l.Box)).Select(_ => l.Name)).ToList();
        covered.Should().BeEmpty("each label sits beside its own bubble, on no other");
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(true, "h200")]
    public void The_X_Caption_Fits_The_Charts_Width(bool logX, string? device)
    {
        var latency = device is null ? null : new CnnArch.Performance.LatencyOptions { Device = CnnArch.Performance.DeviceProfile.Get(device) };
        var (plot, _) = Charts.Accuracy(Conventions.TorchVision, null, 1400, 800, latency, logX);

        // 11-point text is at most 0.62 em per character; the data area of a 1400 px chart is about 1300 px.
        (plot.Axes.Bottom.Label.Text.Length * 11 * 0.62).Should().BeLessThan(1100, plot.Axes.Bottom.Label.Text);
    }

    [Fact]
    public void Accuracy_Starts_The_X_Axis_At_Zero_Or_Takes_A_Log_Axis()
    {
        var (plot, _) = Charts.Accuracy(Conventions.TorchVision, null, 1400, 800);
        plot.Axes.GetLimits().Left.Should().Be(0);

        var (log, _) = Charts.Accuracy(Conventions.TorchVision, null, 1400, 800, logX: true);
        var smallest = Catalog.All.Where(p => p.Top1 is not null).Min(p => Analyzer.Analyze(Catalog.Create(p.Name), new AnalysisOptions { Convention = Conventions.TorchVision }).Totals.Macs) / 1e9;
        log.Axes.GetLimits().Left.Should().BeApproximately(Math.Log10(smallest) - 0.15, 1e-9, "the log axis starts just left of the cheapest model");
    }

    [Fact]
    public void The_Accuracy_Chart_Counts_As_Torchvision_Unless_Told_Otherwise()
    {
        var file = Path.Combine(Path.GetTempPath(), $"cnnarch-acc-{Guid.NewGuid():N}.svg");
        try
        {
            CliTests.Run("plot", "--kind", "accuracy", "--output", file).Code.Should().Be(0);
            File.ReadAllText(file).Should().Contain("counted as torchvision");
            CliTests.Run("plot", "--kind", "accuracy", "--output", file, "-c", "full", "--log-x").Code.Should().Be(0);
            File.ReadAllText(file).Should().Contain("counted as full (log scale)");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("alexnet", "Params: Linear layers hold 96%", "MACs (lecture): Conv2d layers do 91.7%, Linear 8.2%")]
    [InlineData("efficientnet_b0", "Params: Conv2d layers hold 75%, Linear 24.2%", "MACs (lecture): Conv2d layers do")]
    public void Trends_Titles_Say_What_This_Networks_Numbers_Say(string model, string parameters, string macs)
    {
        var report = Analyzer.Analyze(Catalog.Create(model));

        var titles = Charts.Trends(report, null).Select(p => p.Axes.Title.Label.Text).ToList();

        titles[0].Should().StartWith($"{model} at {report.Input}. Memory: ").And.Contain("; half of it in the first ");
        titles[1].Should().Be(parameters);
        titles[2].Should().StartWith(macs);
    }

    [Fact]
    public void Trends_Draws_Memory_Params_And_Macs_As_Three_Panels_In_Png_And_Svg()
    {
        var report = Analyzer.Analyze(Catalog.Create("alexnet"), new AnalysisOptions { Input = TensorShape.Chw(3, 227, 227) });
        var panels = Charts.Trends(report, null);
        panels.Should().HaveCount(3);
        var heights = panels.Select(p => p.GetPlottables<ScottPlot.Plottables.BarPlot>().Single().Bars.Select(b => b.Value).ToList()).ToList();
        heights[0][0].Should().Be(784, "conv1's output is 784 KB, as the lecture");
        heights[1].Max().Should().BeApproximately(37.752832, 1e-9, "fc6 holds the most parameters");

        var png = Path.Combine(Path.GetTempPath(), $"cnnarch-trends-{Guid.NewGuid():N}.png");
        var svg = Path.ChangeExtension(png, ".svg");
        try
        {
            CliTests.Run("plot", "alexnet", "--kind", "trends", "--output", png).Code.Should().Be(0);
            File.ReadAllBytes(png)[..4].Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
            CliTests.Run("plot", "alexnet", "--kind", "trends", "--output", svg).Code.Should().Be(0);
            var doc = System.Xml.Linq.XDocument.Load(svg);
            doc.Root!.Elements().Should().HaveCount(3);
            File.ReadAllText(svg).Should().Contain("Params: Linear layers hold 96%");
        }
        finally
        {
            File.Delete(png);
            File.Delete(svg);
        }
    }

    [Fact]
    public void Label_Layout_Separates_Labels_Of_Points_That_Coincide()
    {
        var area = new PixelRect(0, 800, 600, 0);
        var anchors = Enumerable.Range(0, 12).Select(i => (400f + (i % 3), 300f + (i % 2))).ToList();
        var boxes = LabelLayout.Place(anchors, [.. anchors.Select(_ => (80f, 15f))], [.. anchors.Select(_ => 10f)], area);

        for (var i = 0; i < boxes.Length; i++)
        {
            for (var j = i + 1; j < boxes.Length; j++)
            {
                LabelLayout.Overlaps(boxes[i], boxes[j]).Should().BeFalse();
            }
        }
    }

    [Fact]
    public void The_Winners_Chart_Draws_Each_Winners_Top5_Error_Depth_And_The_Human_Line()
    {
        var plot = Charts.Winners();

        var bars = plot.GetPlottables<ScottPlot.Plottables.BarPlot>().Single().Bars.Select(b => b.Value).ToList();
        bars.Should().Equal(28.2, 25.8, 16.4, 11.7, 7.3, 6.7, 3.6, 3.0, 2.3);
        plot.GetPlottables<ScottPlot.Plottables.HorizontalLine>().Single().Y.Should().Be(5.1);
        var depths = plot.GetPlottables<ScottPlot.Plottables.Text>().Select(t => t.LabelText).ToList();
        depths.Should().Equal("shallow", "shallow", "8 layers", "8 layers", "19 layers", "22 layers", "152 layers", "152 layers", "152 layers");
        ImageNetWinners.All.Where(w => w.Preset is not null).Should().OnlyContain(w => Catalog.Contains(w.Preset!), "each winner with an architecture is a preset");
    }

    [Fact]
    public void The_Complexity_Chart_Draws_Every_Model_Of_The_Lectures_Chart_With_A_Published_Top1_And_Names_The_Rest()
    {
        var chart = Charts.Complexity(top5: false);
        var (_, labels) = Charts.Accuracy(Conventions.TorchVision, null, 1400, 800, chart: chart);

        var published = Charts.ComplexityModels.Where(m => Catalog.Find(m).Top1 is not null).ToList();
        labels.Select(l => l.Name).Should().BeEquivalentTo(published);
        published.Should().Contain(["inception_v4", "inception_resnet_v2", "senet154", "nasnet_a_large", "nasnet_a_mobile"]);
        chart.Title.Should().EndWith("no published top-1: " + string.Join(", ", Charts.ComplexityModels.Except(published)));
    }

    [Fact]
    public void Top5_Draws_The_Published_Top5_Of_The_Same_Weights()
    {
        var (plot, labels) = Charts.Accuracy(Conventions.TorchVision, null, 1400, 800, chart: new AccuracyChart(null, Top5: true, null));

        labels.Select(l => l.Name).Should().BeEquivalentTo(Catalog.All.Where(p => p.Top5 is not null).Select(p => p.Name));
        var ys = plot.GetPlottables<ScottPlot.Plottables.Marker>().Select(m => m.Location.Y).ToList();
        ys.Should().Contain(92.862, "resnet50's published top-5");
        plot.Axes.Left.Label.Text.Should().StartWith("top-5 accuracy");
    }
}

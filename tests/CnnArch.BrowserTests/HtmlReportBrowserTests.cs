using System.Globalization;
using System.Text.Json;
using CnnArch.Analysis;
using CnnArch.Onnx;
using CnnArch.Presets;
using CnnArch.Reporting;
using FluentAssertions;
using Xunit;

namespace CnnArch.BrowserTests;

/// <summary>The HTML report in headless Chromium: what it draws, what it shows, and that it raises no error (issue 13).</summary>
[Collection(nameof(BrowserCollection))]
public class HtmlReportBrowserTests(BrowserFixture fixture)
{
    private static string Page(string preset, CostModel? convention = null) =>
        HtmlReport.Write(Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = convention ?? Conventions.Lecture }));

    private static JsonElement Data(string html) => JsonDocument.Parse(HtmlReport.ExtractJson(html)).RootElement;

    [SkippableFact]
    public async Task ResNet50_Draws_Every_Node_And_Shows_The_Totals_Of_Its_Json()
    {
        var html = Page("resnet50", Conventions.TorchVision);
        var json = Data(html);
        await using var page = await ReportPage.OpenAsync(fixture, html, "resnet50");

        (await page.Eval<int>("document.querySelectorAll('g.node[data-index]').length")).Should().Be(json.GetProperty("layers").GetArrayLength());
        (await page.Eval<int>("document.querySelectorAll('path.edge').length")).Should().BeGreaterThan(json.GetProperty("layers").GetArrayLength(), "every layer but the first reads another, and the residual joins read two");
        foreach (var key in new[] { "params", "trainableParams", "buffers", "macs", "flops", "backwardMacs" })
        {
            var shown = await page.Eval<string>($"document.querySelector('#totals [data-key={key}]').textContent");
            shown.Should().Be(json.GetProperty("totals").GetProperty(key).GetInt64().ToString("N0", CultureInfo.InvariantCulture), key);
        }

        (await page.Eval<string>("document.getElementById('convention').textContent")).Should().Contain(json.GetProperty("conventionStatement").GetString());
        await page.Page.ScreenshotAsync(Path.Combine(BrowserFixture.Artifacts, "resnet50.png"));
        page.Errors.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task With_A_Latency_Prediction_The_Graph_Colours_By_Each_Layers_Time()
    {
        var network = Catalog.Create("resnet18");
        var latency = CnnArch.Performance.LatencyModel.Predict(network, new CnnArch.Performance.LatencyOptions { Device = CnnArch.Performance.DeviceProfile.Get("h200") });
        var html = HtmlReport.Write(Analyzer.Analyze(network), new ReportOptions { Latency = latency });
        await using var page = await ReportPage.OpenAsync(fixture, html, "resnet18-latency");

        (await page.Eval<string>("document.querySelector('#metric option[value=latencyMs]').textContent")).Should().Be("latency (h200, fp32, batch 1)");
        await page.Page.SelectAsync("#metric", "latencyMs");
        // The page reads the JSON's times, rounded to 6 decimals; equal blocks take equal times.
        var times = latency.Layers.Select(l => Math.Round(l.Milliseconds, 6)).ToArray();
        var slowest = Array.IndexOf(times, times.Max());
        var fills = await page.Eval<string[]>("Array.from(document.querySelectorAll('g.node[data-index]')).sort((a, b) => a.getAttribute('data-index') - b.getAttribute('data-index')).map(n => n.querySelector('rect').getAttribute('fill'))");
        fills.Should().HaveCount(times.Length);
        Enumerable.Range(0, times.Length).Where(i => fills[i] == "rgb(225,87,89)").Should().Equal(Enumerable.Range(0, times.Length).Where(i => times[i] == times.Max()), "the slowest layers have the full colour");
        fills.Where((f, i) => times[i] == 0).Should().OnlyContain(f => f == "rgb(255,255,255)", "a layer that takes no time is white");
        (await page.Eval<string>("document.querySelector('#totals [data-key=latencyMs]').textContent")).Should().Be(latency.Milliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms");
        await page.Page.HoverAsync($"g.node[data-index='{slowest}']");
        (await page.Eval<string>("document.querySelector('#tooltip [data-key=\"latency\"]').textContent"))
            .Should().Be(latency.Layers[slowest].Milliseconds.ToString("0.000", CultureInfo.InvariantCulture) + " ms on h200");
        page.Errors.Should().BeEmpty();

        await using var plain = await ReportPage.OpenAsync(fixture, Page("resnet18"), "resnet18");
        (await plain.Eval<int>("document.querySelectorAll('#metric option[value=latencyMs]').length")).Should().Be(0, "without a prediction there is nothing to colour by");
    }

    [SkippableFact]
    public async Task Hovering_A_Node_Shows_Its_Kind_Shapes_And_Numbers()
    {
        await using var page = await ReportPage.OpenAsync(fixture, Page("alexnet"), "alexnet");

        (await page.Eval<bool>("document.getElementById('tooltip').hidden")).Should().BeTrue();
        await page.Page.HoverAsync("g.node[data-index='0']");

        (await page.Eval<bool>("document.getElementById('tooltip').hidden")).Should().BeFalse();
        string Cell(string key) => $"document.querySelector('#tooltip [data-key=\"{key}\"]').textContent";
        (await page.Eval<string>(Cell("kind"))).Should().Be("Conv2d");
        (await page.Eval<string>(Cell("input"))).Should().Be("3x224x224");
        (await page.Eval<string>(Cell("output"))).Should().Be("64x55x55");
        (await page.Eval<string>(Cell("kernel"))).Should().Be("11");
        (await page.Eval<string>(Cell("params"))).Should().Be("23,296");
        (await page.Eval<string>(Cell("MACs"))).Should().Be("70,276,800 (70.3 M)");
        (await page.Eval<string>(Cell("receptive field"))).Should().Be("11, stride 4, padding 2");
        await page.Page.ClickAsync("g.node[data-index='3']");
        (await page.Eval<string>("document.querySelector('#details [data-key=\"output\"]').textContent")).Should().Be("192x27x27");
        page.Errors.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Hovering_An_Attention_Layer_Shows_Its_Heads_And_Token_Shapes()
    {
        var report = Analyzer.Analyze(Catalog.Create("vit_b_16"));
        var index = report.Layers.Select((l, i) => (l, i)).First(p => p.l.Kind == "MultiheadAttention").i;
        await using var page = await ReportPage.OpenAsync(fixture, HtmlReport.Write(report), "vit_b_16");

        await page.Page.HoverAsync($"g.node[data-index='{index}']");

        string Cell(string key) => $"document.querySelector('#tooltip [data-key=\"{key}\"]').textContent";
        (await page.Eval<string>(Cell("kind"))).Should().Be("MultiheadAttention");
        (await page.Eval<string>(Cell("input"))).Should().Be("197x768");
        (await page.Eval<string>(Cell("output"))).Should().Be("197x768");
        (await page.Eval<string>(Cell("heads"))).Should().Be("12 x 197 x 197 weights, 64 per head");
        page.Errors.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Collapsing_A_Block_Hides_Its_Children_And_Expanding_Brings_Them_Back()
    {
        var html = Page("resnet18");
        var json = Data(html);
        var layer1 = json.GetProperty("scopes").EnumerateArray().Single(s => s.GetProperty("path").GetString() == "layer1");
        var (first, last) = (layer1.GetProperty("first").GetInt32(), layer1.GetProperty("last").GetInt32());
        await using var page = await ReportPage.OpenAsync(fixture, html, "resnet18");

        await page.Page.ClickAsync("text.cluster-label[data-path='layer1']");

        var drawn = await page.Eval<int[]>("Array.from(document.querySelectorAll('g.node[data-index]')).map(n => +n.getAttribute('data-index'))");
        drawn.Should().NotContain(Enumerable.Range(first, last - first + 1)).And.HaveCount(json.GetProperty("layers").GetArrayLength() - (last - first + 1));
        (await page.Eval<int>("document.querySelectorAll(\"g.node.block[data-path='layer1']\").length")).Should().Be(1);
        (await page.Eval<int>("document.querySelectorAll(\".cluster[data-path^='layer1.']\").length")).Should().Be(0, "the blocks inside are hidden too");

        await page.Page.ClickAsync("g.node.block[data-path='layer1']");
        (await page.Eval<int>("document.querySelectorAll('g.node[data-index]').length")).Should().Be(json.GetProperty("layers").GetArrayLength());

        await page.Page.SelectAsync("#depth", "1");
        (await page.Eval<int>("document.querySelectorAll('g.node').length")).Should().Be(Analyzer.Analyze(Catalog.Create("resnet18")).Collapsed(1).Length, "depth 1 draws the rows of --depth 1");
        page.Errors.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task The_Table_Sorts_By_A_Column_And_Filters_By_Path_Or_Kind()
    {
        await using var page = await ReportPage.OpenAsync(fixture, Page("vgg16"), "vgg16");

        await page.Page.ClickAsync("#layers th[data-key=params]");
        (await page.Eval<string>("document.querySelector('#layers tbody tr td:nth-child(2)').textContent")).Should().Be("classifier.0", "VGG-16's first FC layer holds the most parameters");
        await page.Page.TypeAsync("#filter", "maxpool");
        var kinds = await page.Eval<string[]>("Array.from(document.querySelectorAll('#layers tbody tr td:nth-child(3)')).map(td => td.textContent)");
        kinds.Should().HaveCount(5).And.OnlyContain(k => k == "MaxPool2d");
        page.Errors.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task GoogLeNet_Shows_Its_Inception_Branches_In_A_Screenshot()
    {
        var html = Page("googlenet", Conventions.TorchVision);
        await using var page = await ReportPage.OpenAsync(fixture, html, "googlenet");

        (await page.Eval<int>("document.querySelectorAll('g.node[data-index]').length")).Should().Be(Data(html).GetProperty("layers").GetArrayLength());
        // The four branches of inception3a side by side: their convolutions sit on one rank at four x positions.
        var xs = await page.Eval<double[]>("Array.from(document.querySelectorAll('g.node[data-index]')).filter(n => n.querySelector('text.sub').textContent.startsWith('inception3a.branch') && n.querySelector('text.kind').textContent === 'Conv2d').map(n => Math.round(n.getBoundingClientRect().x))");
        xs.Distinct().Should().HaveCountGreaterThanOrEqualTo(4);
        await page.Eval<bool>("(document.querySelector(\".cluster[data-path='inception3a']\").scrollIntoView({block: 'center', inline: 'center'}), true)");
        await page.Page.ScreenshotAsync(Path.Combine(BrowserFixture.Artifacts, "googlenet.png"));
        if (Environment.GetEnvironmentVariable("CNNARCH_DOCS_SCREENSHOT") is { Length: > 0 } docs)
        {
            await page.Page.ScreenshotAsync(docs);
        }

        page.Errors.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_Comparison_Page_Relates_The_Models_And_Switches_Between_Them()
    {
        var reports = new[] { "alexnet", "resnet50" }.Select(n => Analyzer.Analyze(Catalog.Create(n), new AnalysisOptions { Convention = Conventions.TorchVision })).ToList();
        await using var page = await ReportPage.OpenAsync(fixture, HtmlReport.Write(reports), "compare");

        (await page.Eval<int>("document.querySelectorAll('#models tr[data-model]').length")).Should().Be(2);
        (await page.Eval<string>("document.getElementById('title').textContent")).Should().Be("alexnet");
        await page.Page.ClickAsync("#models button[data-model='1']");
        (await page.Eval<string>("document.getElementById('title').textContent")).Should().Be("resnet50");
        (await page.Eval<int>("document.querySelectorAll('g.node[data-index]').length")).Should().Be(reports[1].Layers.Length);
        page.Errors.Should().BeEmpty();
    }

    public static TheoryData<string> Presets() => [.. Catalog.All.Select(p => p.Name)];

    [SkippableTheory]
    [MemberData(nameof(Presets))]
    public async Task Every_Preset_Opens_Without_Errors_And_Draws_Every_Layer(string preset)
    {
        var html = Page(preset);
        await using var page = await ReportPage.OpenAsync(fixture, html, preset);

        // Every layer is drawn, or inside a block drawn collapsed (a graph too large to lay out quickly opens so).
        var drawn = await page.Eval<int>("document.querySelectorAll('g.node[data-index]').length + Array.from(document.querySelectorAll('g.node[data-layers]')).reduce((n, b) => n + Number(b.getAttribute('data-layers')), 0)");
        drawn.Should().Be(Data(html).GetProperty("layers").GetArrayLength());
        (await page.Eval<int>("document.querySelectorAll('path.edge').length")).Should().BeLessThanOrEqualTo(700);
        page.Errors.Should().BeEmpty();
    }

    public static TheoryData<string> OnnxFiles() => [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "onnx"), "*.onnx").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [SkippableTheory]
    [MemberData(nameof(OnnxFiles))]
    public async Task Every_Onnx_Model_Opens_Without_Errors_And_Draws_Every_Layer(string file)
    {
        var import = OnnxImporter.Load(Path.Combine(AppContext.BaseDirectory, "onnx", file));
        var html = HtmlReport.Write(Analyzer.Analyze(import.Network, new AnalysisOptions { Convention = Conventions.TorchVision }));
        await using var page = await ReportPage.OpenAsync(fixture, html, Path.GetFileNameWithoutExtension(file));

        // Every layer is drawn, or inside a block drawn collapsed (a graph too large to lay out quickly opens so).
        var drawn = await page.Eval<int>("document.querySelectorAll('g.node[data-index]').length + Array.from(document.querySelectorAll('g.node[data-layers]')).reduce((n, b) => n + Number(b.getAttribute('data-layers')), 0)");
        drawn.Should().Be(Data(html).GetProperty("layers").GetArrayLength());
        (await page.Eval<int>("document.querySelectorAll('path.edge').length")).Should().BeLessThanOrEqualTo(700);
        page.Errors.Should().BeEmpty();
    }
}

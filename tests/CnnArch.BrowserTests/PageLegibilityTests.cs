using System.Globalization;
using CnnArch.Analysis;
using CnnArch.Presets;
using CnnArch.Reporting;
using CnnArch.Studies;
using FluentAssertions;
using PuppeteerSharp;
using Xunit;

namespace CnnArch.BrowserTests;

/// <summary>
/// The page explains itself (issue 22): a colour legend with its scale and unit, node labels that show
/// the whole output shape, Inception branches left to right in the network's order, readable text on
/// dark nodes, no sideways overflow at 1600 px, and a comparison whose ratio columns say they are ratios,
/// with top-1 and latency. A screenshot of each page goes to the artifacts.
/// </summary>
[Collection(nameof(BrowserCollection))]
public class PageLegibilityTests(BrowserFixture fixture)
{
    private static AnalysisReport GoogLeNet { get; } = Analyzer.Analyze(Catalog.Create("googlenet"), new AnalysisOptions { Convention = Conventions.TorchVision });

    [SkippableFact]
    public async Task The_Colour_Legend_States_The_Scale_The_Largest_Value_And_The_Metric()
    {
        await using var page = await ReportPage.OpenAsync(fixture, HtmlReport.Write(GoogLeNet), "googlenet-legend");
        var macs = GoogLeNet.Layers.Max(l => l.Macs);

        (await page.Eval<string>("document.querySelector('#colour-legend [data-key=max]').textContent")).Should().Be(Units.Count(macs));
        (await page.Eval<string>("document.getElementById('colour-legend').textContent")).Should().Contain("MACs per box, colour by square root");
        await page.Page.SelectAsync("#metric", "params");
        (await page.Eval<string>("document.querySelector('#colour-legend [data-key=max]').textContent")).Should().Be(Units.Count(GoogLeNet.Layers.Max(l => l.Parameters)));
        (await page.Eval<string>("document.getElementById('colour-legend').textContent")).Should().Contain("params per box");
        page.Errors.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Every_Node_Shows_Its_Whole_Output_Shape_And_No_Label_Leaves_Its_Box()
    {
        await using var page = await ReportPage.OpenAsync(fixture, HtmlReport.Write(GoogLeNet), "googlenet-labels");

        var shapes = await page.Eval<string[]>("Array.from(document.querySelectorAll('g.node[data-index]')).sort((a, b) => a.getAttribute('data-index') - b.getAttribute('data-index')).map(n => n.querySelector('text.shape').textContent)");
        shapes.Should().Equal(GoogLeNet.Layers.Select(l => l.Output.ToString()));
        var widest = await page.Eval<double>("Math.max(...Array.from(document.querySelectorAll('g.node text')).map(t => t.getComputedTextLength() + Number(t.getAttribute('x'))))");
        var box = await page.Eval<double>("Number(document.querySelector('g.node rect').getAttribute('width'))");
        widest.Should().BeLessThanOrEqualTo(box, "every label fits inside its node");
        page.Errors.Should().BeEmpty();

        // DenseNet's paths are longer than a box: each keeps its end, where the layer's own name is.
        var densenet = Analyzer.Analyze(Catalog.Create("densenet121"));
        await using var dense = await ReportPage.OpenAsync(fixture, HtmlReport.Write(densenet), "densenet121-labels");
        (await dense.Eval<string>("document.getElementById('graph-status').textContent")).Should().Contain("collapsed block", "its 900 edges open collapsed");
        await dense.Page.SelectAsync("#depth", "0");
        var paths = await dense.Eval<string[]>("Array.from(document.querySelectorAll('g.node[data-index]')).sort((a, b) => a.getAttribute('data-index') - b.getAttribute('data-index')).map(n => n.querySelector('text.path').textContent)");
        paths.Should().HaveCount(densenet.Layers.Length);
        paths.Where((p, i) => p != densenet.Layers[i].Path).Should().NotBeEmpty()
            .And.OnlyContain(p => p.StartsWith('\u2026'), "only a path too long for its box is shortened");
        paths.Select((p, i) => p.StartsWith('\u2026') ? densenet.Layers[i].Path.EndsWith(p.Substring(1), StringComparison.Ordinal) : p == densenet.Layers[i].Path)
            .Should().OnlyContain(kept => kept);
        (await dense.Eval<double>("Math.max(...Array.from(document.querySelectorAll('g.node text')).map(t => t.getComputedTextLength() + Number(t.getAttribute('x'))))"))
            .Should().BeLessThanOrEqualTo(box);
    }

    [SkippableFact]
    public async Task Inception_Branches_Are_Drawn_Left_To_Right_In_The_Networks_Order()
    {
        await using var page = await ReportPage.OpenAsync(fixture, HtmlReport.Write(GoogLeNet), "googlenet-branches");

        foreach (var block in new[] { "inception3a", "inception4c", "inception5b" })
        {
            var xs = new List<double>();
            for (var branch = 1; branch <= 4; branch++)
            {
                var first = GoogLeNet.Layers.IndexOf(GoogLeNet.Layers.First(l => l.Path.StartsWith($"{block}.branch{branch}.", StringComparison.Ordinal)));
                xs.Add(await page.Eval<double>($"document.querySelector(\"g.node[data-index='{first}']\").getBoundingClientRect().x"));
            }

            xs.Should().BeInAscendingOrder($"{block}'s branch1..branch4 run left to right, as torch.cat concatenates them");
        }

        await page.Page.ScreenshotAsync(Path.Combine(BrowserFixture.Artifacts, "googlenet-branches.png"));
        page.Errors.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Text_On_Every_Node_Has_At_Least_AA_Contrast()
    {
        await using var page = await ReportPage.OpenAsync(fixture, HtmlReport.Write(GoogLeNet), "googlenet-contrast");

        // WCAG 2 contrast of each text's computed colour against its node's fill: 4.5:1 for AA.
        var worst = await page.Eval<double>("""
            (() => {
              const lum = s => { const c = s.match(/\d+/g).slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
              let worst = 21;
              for (const n of document.querySelectorAll('g.node')) {
                const bg = lum(n.querySelector('rect').getAttribute('fill'));
                for (const t of n.querySelectorAll('text')) {
                  const fg = lum(getComputedStyle(t).fill);
                  worst = Math.min(worst, (Math.max(bg, fg) + 0.05) / (Math.min(bg, fg) + 0.05));
                }
              }
              return worst;
            })()
            """);

        worst.Should().BeGreaterThanOrEqualTo(4.5);
        page.Errors.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task At_1600_Pixels_Nothing_Overflows_Sideways_And_A_Screenshot_Is_Kept()
    {
        var comparison = Comparisons.Compare(
            [.. new[] { "alexnet", "vgg16", "googlenet", "resnet50", "mobilenet_v2" }.Select(n => (Catalog.Create(n), Catalog.Find(n).Top1))],
            new AnalysisOptions { Convention = Conventions.TorchVision });
        foreach (var (name, html) in new[] { ("googlenet-1600", HtmlReport.Write(GoogLeNet)), ("compare-1600", HtmlReport.Write(comparison)) })
        {
            await using var page = await ReportPage.OpenAsync(fixture, html, name);
            await page.Page.SetViewportAsync(new ViewPortOptions { Width = 1600, Height = 1000 });

            (await page.Eval<int>("document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(1600, $"{name} fits 1600 px");
            (await page.Eval<double>("document.querySelector('.table-wrap').getBoundingClientRect().right")).Should().BeLessThanOrEqualTo(1600);
            await page.Page.ScreenshotAsync(Path.Combine(BrowserFixture.Artifacts, name + ".png"));
            page.Errors.Should().BeEmpty();
        }
    }

    [SkippableFact]
    public async Task The_Comparison_Marks_Its_Ratios_And_Shows_Top1_And_Latency()
    {
        var names = new[] { "resnet18", "mobilenet_v2" };
        var comparison = Comparisons.Compare(
            [.. names.Select(n => (Catalog.Create(n), Catalog.Find(n).Top1))],
            new AnalysisOptions { Convention = Conventions.TorchVision },
            new CnnArch.Performance.LatencyOptions { Device = CnnArch.Performance.DeviceProfile.Get("h200"), Batch = 8 });
        await using var page = await ReportPage.OpenAsync(fixture, HtmlReport.Write(comparison), "compare-ratios");

        var headers = await page.Eval<string[]>("Array.from(document.querySelectorAll('#models th')).map(h => h.textContent)");
        headers.Should().Contain("relative to resnet18 (\u00D7)").And.Contain("top-1 %").And.Contain("latency (h200, fp32, batch 8)").And.Contain("MACs \u00D7");
        var row = await page.Eval<string[]>("Array.from(document.querySelectorAll(\"#models tr[data-model='mobilenet_v2'] td\")).map(c => c.textContent)");
        row.Should().Contain(comparison.Rows[1].Top1!.Value.ToString("0.00", CultureInfo.InvariantCulture));
        row.Should().Contain(comparison.Latency[1].Milliseconds.ToString(comparison.Latency[1].Milliseconds >= 1 ? "0.00" : "0.000", CultureInfo.InvariantCulture) + " ms");
        row.Should().Contain(comparison.Rows[1].MacsRatio!.Value.ToString("0.00", CultureInfo.InvariantCulture) + "\u00D7");
        (await page.Eval<int>("document.querySelectorAll('#models td.ratio').length")).Should().Be(8, "two models, four ratios each");
        await page.Page.ScreenshotAsync(Path.Combine(BrowserFixture.Artifacts, "compare-ratios.png"));
        page.Errors.Should().BeEmpty();
    }
}

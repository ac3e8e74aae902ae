using System.Text.RegularExpressions;

namespace CnnArch.Tests.Cli;

/// <summary>The HTML report as a file: self-contained, small, and carrying the JSON report unchanged (issue 13).</summary>
public class HtmlReportTests
{
    [Fact]
    public void The_Page_Embeds_Exactly_The_Json_Report()
    {
        var (code, page, _) = CliTests.Run("analyze", "googlenet", "--format", "html", "-c", "torchvision");
        var json = CliTests.Run("analyze", "googlenet", "--format", "json", "-c", "torchvision").Out;

        code.Should().Be(0);
        (HtmlReport.ExtractJson(page) + "\n").Should().Be(json, "the page and the JSON report are one text");
        page.Should().StartWith("<!DOCTYPE html>");
    }

    [Fact]
    public void With_A_Device_Each_Layer_Carries_Its_Predicted_Latency_In_Json_Html_And_The_Footer()
    {
        var json = CliTests.Run("analyze", "resnet50", "--format", "json", "--device", "a100", "--dtype", "bf16", "--batch", "8").Out;
        var page = CliTests.Run("analyze", "resnet50", "--format", "html", "--device", "a100", "--dtype", "bf16", "--batch", "8").Out;
        var table = CliTests.Run("analyze", "resnet50", "--device", "a100", "--dtype", "bf16", "--batch", "8").Out;
        var expected = CnnArch.Performance.LatencyModel.Predict(Catalog.Create("resnet50"), new CnnArch.Performance.LatencyOptions { Device = CnnArch.Performance.DeviceProfile.Get("a100"), DataType = CnnArch.DataType.Bf16, Batch = 8 });

        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var latency = doc.RootElement.GetProperty("latency");
        latency.GetProperty("device").GetString().Should().Be("a100");
        latency.GetProperty("dtype").GetString().Should().Be("bf16");
        latency.GetProperty("batch").GetInt32().Should().Be(8);
        latency.GetProperty("totals").GetProperty("latencyMs").GetDouble().Should().Be(Math.Round(expected.Milliseconds, 6));
        latency.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("path").GetString())
            .Should().Equal(doc.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("path").GetString()), "the page matches each layer's time to its row by path");
        (HtmlReport.ExtractJson(page) + "\n").Should().Be(json);
        table.Should().Contain(FormattableString.Invariant($"Latency on a100 (bf16, batch 8): predicted {expected.Milliseconds:0.00} ms per forward pass"));
        CliTests.Run("analyze", "resnet50", "--format", "markdown", "--device", "a100", "--dtype", "bf16", "--batch", "8").Out
            .Should().EndWith(FormattableString.Invariant($"Latency on a100 (bf16, batch 8): predicted {expected.Milliseconds:0.00} ms per forward pass ({expected.ImagesPerSecond:N0} images/s); per layer: cnnarch latency.\n"));
        CliTests.Run("analyze", "resnet50", "--format", "json").Out.Should().NotContain("\"latency\"", "without --device there is no prediction");
    }

    [Fact]
    public void The_Page_Needs_Nothing_From_The_Network_And_Keeps_Dagres_Licence()
    {
        var page = HtmlReport.Write(Analyzer.Analyze(Catalog.Create("resnet18")));

        Regex.IsMatch(page, @"\b(src|href)\s*=", RegexOptions.IgnoreCase).Should().BeFalse("scripts and styles are inline, nothing is linked");
        page.Should().NotContain("@import").And.NotContain("url(http");
        page.Should().Contain("dagre 3.1.3 (https://github.com/dagrejs/dagre)").And.Contain("Copyright (c) 2012-2014 Chris Pettitt").And.Contain("Permission is hereby granted");
    }

    [Fact]
    public void A_Model_Of_500_Layers_Makes_A_Page_Well_Under_Two_Megabytes()
    {
        var report = Analyzer.Analyze(Catalog.Create("resnet152"));
        var page = HtmlReport.Write(report);

        report.Layers.Length.Should().BeGreaterThan(500);
        System.Text.Encoding.UTF8.GetByteCount(page).Should().BeLessThan(1_000_000);
    }

    [Fact]
    public void Script_Endings_In_Names_Cannot_Break_Out_Of_The_Data()
    {
        var report = Analyzer.Analyze(Catalog.Create("alexnet").WithName("</script><script>alert(1)</script><!--"));
        var page = HtmlReport.Write(report);

        page.Should().NotContain("</script><script>alert(1)");
        HtmlReport.ExtractJson(page).Should().Be(JsonReport.Write(report));
    }

    [Fact]
    public void Compare_Writes_One_Page_With_Every_Model()
    {
        var file = Path.Combine(Path.GetTempPath(), $"cnnarch-compare-{Guid.NewGuid():N}.html");
        try
        {
            var (code, output, _) = CliTests.Run("compare", "alexnet", "half=mobilenet_v2", "--set", "half:width=0.5", "--format", "html", "--output", file);

            code.Should().Be(0);
            output.Should().Contain("wrote ");
            using var doc = System.Text.Json.JsonDocument.Parse(HtmlReport.ExtractJson(File.ReadAllText(file)));
            doc.RootElement.EnumerateArray().Select(r => r.GetProperty("model").GetString()).Should().Equal("alexnet", "half");
        }
        finally
        {
            File.Delete(file);
        }
    }
}

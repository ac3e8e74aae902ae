namespace CnnArch.Tests.Presets;

/// <summary>
/// The networks of the lecture's charts that torchvision does not build: the lecture's VGG-16 table
/// against the slide's figures.
/// </summary>
public class PaperPresetTests
{
    private static AnalysisReport Lecture(string preset) => Analyzer.Analyze(Catalog.Create(preset));

    [Fact]
    public void The_Lecture_Vgg16_Has_The_Slides_15_Weight_Layers_With_Two_Convs_In_Stage_3()
    {
        var report = Lecture("vgg16_lecture");
        var convs = report.Layers.Where(l => l.Kind == "Conv2d").ToList();

        convs.Select(l => l.Output.Channels).Should().Equal(64, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512);
        report.Layers.Where(l => l.Kind == "Linear").Select(l => l.Output.Dims[0]).Should().Equal(4096, 4096, 1000);
        report.Layers.Single(l => l.Kind == "Flatten").Output.Should().Be(TensorShape.Vector(25_088));
        report.Totals.Parameters.Should().Be(137_767_464, "the slide's 138M; VGG-16 with its third conv-256 has 138,357,544");
    }

    [Fact]
    public void The_Lecture_Vgg16_Gives_The_Slides_13_6_GFLOP_As_Multiply_Adds_Of_Conv_And_FC()
    {
        // The lecture's "FLOPs" are multiply-adds; its 13.6 GFLOP is conv + FC multiply-adds (bias not
        // counted). The library's lecture convention also counts each pool's K x K per output (6.1 M
        // more), which rounds to the same 13.6 G; its Flops are 2 x MACs.
        var report = Lecture("vgg16_lecture");
        var convAndFc = report.Layers.Where(l => l.Kind is "Conv2d" or "Linear").Sum(l => l.Macs);

        convAndFc.Should().Be(13_620_576_256);
        report.Totals.Macs.Should().Be(13_626_697_728);
        Math.Round(convAndFc / 1e9, 1).Should().Be(13.6);
        Math.Round(report.Totals.Macs / 1e9, 1).Should().Be(13.6);
        report.Totals.Flops.Should().Be(2 * report.Totals.Macs);
        Lecture("vgg16").Totals.Macs.Should().BeGreaterThan(15_400_000_000, "the full VGG-16's 15.47 G is what the third conv-256 adds");
    }

    [Fact]
    public void The_Lecture_Vgg16_Gives_The_Slides_48_6_MB_As_The_Sum_Of_Its_Conv_Outputs()
    {
        // 4 bytes per value, KB = bytes / 1024, MB = KB / 1024. The conv outputs alone give 48.62 MB: the
        // slide's 48.6 (and AlexNet's 1.9 MB: 1,922.25 KB of conv outputs). Adding the three FC outputs
        // (35.9 KB) gives 48.65 MB, which is 48.6 only when truncated; adding the pools gives 54.5 MB.
        var report = Lecture("vgg16_lecture");
        double Megabytes(params string[] kinds) => report.Layers.Where(l => kinds.Contains(l.Kind)).Sum(l => l.MemoryKB) / 1024;

        report.Layers.Where(l => l.Kind == "Conv2d").Sum(l => l.ActivationBytes).Should().Be(50_978_816);
        report.Layers.Where(l => l.Kind == "Conv2d").Sum(l => l.MemoryKB).Should().Be(49_784);
        Math.Round(Megabytes("Conv2d"), 1).Should().Be(48.6);
        Megabytes("Conv2d", "Linear").Should().BeApproximately(48.652, 0.001);
        Math.Truncate(Megabytes("Conv2d", "Linear") * 10).Should().Be(486);
        Math.Round(Megabytes("Conv2d", "Linear", "MaxPool2d"), 1).Should().Be(54.5);
    }

    [Fact]
    public void The_Lecture_Vgg16_Takes_Any_Number_Of_Classes()
    {
        var report = Analyzer.Analyze(Catalog.Create("vgg16_lecture", new Dictionary<string, string> { ["classes"] = "10" }));

        report.Output.Dims.Should().Equal([10]);
        Catalog.Find("vgg16_lecture").Family.Should().Be("VGG");
    }
}

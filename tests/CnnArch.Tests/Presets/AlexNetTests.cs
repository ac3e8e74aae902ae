using System.Globalization;

namespace CnnArch.Tests.Presets;

public class AlexNetTests
{
    // The lecture's layer names and the torchvision module paths they denote.
    private static readonly Dictionary<string, string> LecturePaths = new()
    {
        ["conv1"] = "features.0", ["pool1"] = "features.2", ["conv2"] = "features.3", ["pool2"] = "features.5",
        ["conv3"] = "features.6", ["conv4"] = "features.8", ["conv5"] = "features.10", ["pool5"] = "features.12",
        ["flatten"] = "flatten", ["fc6"] = "classifier.1", ["fc7"] = "classifier.4", ["fc8"] = "classifier.6",
    };

    public static TheoryData<string> LectureRows() => [.. ReferenceData.PublishedTable("The lecture").Select(r => r[0])];

    private static readonly AnalysisReport Lecture227 = Analyzer.Analyze(
        AlexNets.AlexNet(), new AnalysisOptions { Input = TensorShape.Chw(3, 227, 227), Convention = Conventions.Lecture });

    [Theory]
    [MemberData(nameof(LectureRows))]
    public void Should_Reproduce_The_Lecture_Table_Row(string layer)
    {
        // Given the lecture's row: layer, C_in, C_out, K, S, P, out H/W, memory KB, params, MACs
        var row = ReferenceData.PublishedTable("The lecture").Single(r => r[0] == layer);

        // When
        var actual = Lecture227.Layers.Single(l => l.Path == LecturePaths[layer]);

        // Then
        actual.Output.Channels.Should().Be((int)ReferenceData.Number(row[2]));
        if (row[6].Length > 0)
        {
            actual.Output.Spatial(0).Should().Be((int)ReferenceData.Number(row[6]));
            actual.Output.Spatial(1).Should().Be((int)ReferenceData.Number(row[6]));
        }

        Math.Round(actual.MemoryKB, 2).Should().Be(ReferenceData.Number(row[7]));
        actual.Parameters.Should().Be((long)ReferenceData.Number(row[8]));
        actual.Macs.Should().Be((long)ReferenceData.Number(row[9]));
    }

    [Fact]
    public void Should_Count_The_Lecture_Conv1_As_The_Slide_Does()
    {
        var conv1 = Lecture227.Layers[0];

        conv1.Output.Should().Be(TensorShape.Chw(64, 56, 56));
        conv1.ActivationBytes.Should().Be(802_816);
        conv1.MemoryKB.Should().Be(784.0);
        conv1.Parameters.Should().Be(23_296);
        conv1.Macs.Should().Be(72_855_552);
        conv1.Flops.Should().Be(145_711_104);
    }

    [Fact]
    public void Should_Total_The_Reference_Parameters_At_Any_Input()
    {
        var reference = ReferenceModel.Load("alexnet");

        Lecture227.Totals.Parameters.Should().Be(reference.Params);
        Analyzer.Analyze(AlexNets.AlexNet()).Totals.Parameters.Should().Be(reference.Params);
    }

    [Fact]
    public void Should_Match_Torchvision_Macs_And_Layers_At_224()
    {
        var reference = ReferenceModel.Load("alexnet");

        var report = Analyzer.Analyze(AlexNets.AlexNet(), new AnalysisOptions { Convention = Conventions.TorchVision });

        report.ShouldMatchTotals(reference);
        report.Totals.Flops.Should().Be(reference.FlopCounterModeFlops);
        report.ShouldMatchLayers(reference);
    }

    [Fact]
    public void Should_Match_Torchvision_At_227()
    {
        var reference = ReferenceModel.LoadAt227("alexnet");

        var report = Analyzer.Analyze(AlexNets.AlexNet(), new AnalysisOptions { Input = TensorShape.Chw(3, 227, 227), Convention = Conventions.TorchVision });

        report.Totals.Macs.Should().Be(reference.Macs);
        report.ShouldMatchLayers(reference);
    }

    [Fact]
    public void Should_Hold_Parameters_In_Fc_Layers_And_Memory_In_Early_Convs()
    {
        // The lecture's "interesting trends": FC layers hold most parameters, early convs most memory.
        var fcParams = Lecture227.Layers.Where(l => l.Kind == "Linear").Sum(l => l.Parameters);
        var conv1Memory = Lecture227.Layers[0].ActivationBytes;

        fcParams.Should().BeGreaterThan(Lecture227.Totals.Parameters * 9 / 10);
        Lecture227.Layers.Should().OnlyContain(l => l.ActivationBytes <= conv1Memory);
    }

    [Fact]
    public void Should_Scale_Activations_And_Macs_But_Not_Parameters_With_Batch_And_Dtype()
    {
        var batch = Analyzer.Analyze(AlexNets.AlexNet(), new AnalysisOptions { Input = TensorShape.Chw(3, 227, 227), Batch = 8, DataType = DataType.Fp16 });

        batch.Totals.Parameters.Should().Be(Lecture227.Totals.Parameters);
        batch.Totals.Macs.Should().Be(Lecture227.Totals.Macs * 8);
        batch.Totals.ActivationBytes.Should().Be(Lecture227.Totals.ActivationBytes * 8 / 2);
        batch.Layers[0].MemoryKB.Should().Be(784.0 * 4, "8 samples of 2 bytes are 4x one sample of 4 bytes");
    }

    [Fact]
    public void Should_Show_Memory_As_Bytes_Over_1024()
    {
        Lecture227.Layers.Should().OnlyContain(l => l.MemoryKB == l.ActivationBytes / 1024.0);
        Lecture227.Totals.ActivationBytes.Should().Be(Lecture227.Layers.Sum(l => l.ActivationBytes));
        string.Format(CultureInfo.InvariantCulture, "{0:0.##}", Lecture227.Layers.Single(l => l.Path == "classifier.6").MemoryKB).Should().Be("3.91");
    }
}

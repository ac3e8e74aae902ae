using System.Text.Json;
using CnnArch.Cli;
using CnnArch.Memory;

namespace CnnArch.Tests.Cli;

/// <summary>Every command on 1-D and 3-D networks, as a user would run them.</summary>
public class NdCommandTests
{
    [Fact]
    public void Memory_Of_A_3D_UNet_Fits_Its_Largest_Batch_And_Not_One_More()
    {
        var (code, output, _) = CliTests.Run("memory", "unet3d", "--training", "--batch", "2", "--fits", "80GB", "--format", "json");

        code.Should().Be(0);
        using var doc = JsonDocument.Parse(output);
        var largest = doc.RootElement.GetProperty("fits").GetProperty("largestBatch").GetInt32();
        var network = Catalog.Create("unet3d");
        long Peak(int batch) => MemoryAnalyzer.Analyze(network, new MemoryOptions { Batch = batch }).Training.PeakBytes;
        Peak(largest).Should().BeLessThanOrEqualTo(80L << 30);
        Peak(largest + 1).Should().BeGreaterThan(80L << 30);
        doc.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(3, 116, 132, 132);
    }

    [Fact]
    public void The_Table_Writes_Kernels_Strides_And_Fields_Per_Axis_Where_They_Differ()
    {
        var (code, output, _) = CliTests.Run("analyze", "r2plus1d_18", "--columns", "layer,kind,kernel,stride,padding,output,rf", "--until", "stem.3");

        code.Should().Be(0);
        output.Should().MatchRegex(@"\| stem\.0 +\| Conv3d +\| +1x7x7 \| +1x2x2 \| +0x3x3 \| +45x16x56x56 \| +1x7x7/1x2x2 \|");
        output.Should().MatchRegex(@"\| stem\.3 +\| Conv3d +\| +3x1x1 \| +1 \| +1x0x0 \| +64x16x56x56 \| +3x7x7/1x2x2 \|");
    }

    [Fact]
    public void Json_Writes_Every_Axis_Of_A_Field_That_Differs_By_Axis()
    {
        var (code, output, _) = CliTests.Run("analyze", "r3d_18", "--format", "json");

        code.Should().Be(0);
        using var doc = JsonDocument.Parse(output);
        var stem = doc.RootElement.GetProperty("layers")[0];
        stem.GetProperty("kernel").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(3, 7, 7);
        stem.GetProperty("padding").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(1, 3, 3, 1, 3, 3);
        var axes = stem.GetProperty("receptiveField").GetProperty("axes");
        axes.EnumerateArray().Select(a => a.GetProperty("size").GetInt64()).Should().Equal(3, 7, 7);
        axes.EnumerateArray().Select(a => a.GetProperty("stride").GetInt64()).Should().Equal(1, 2, 2);
    }

    [Fact]
    public void A_Sweep_Over_Resolution_Keeps_The_Frames_Of_A_Video_Network()
    {
        var (code, output, _) = CliTests.Run("sweep", "r3d_18", "--resolution", "112,160", "--format", "csv");

        code.Should().Be(0);
        output.Should().Contain("3x16x112x112").And.Contain("3x16x160x160");
    }

    [Fact]
    public void A_Part_Of_A_UNet_Between_Two_Paths_Is_A_Network_Of_Its_Own()
    {
        var (code, output, _) = CliTests.Run("analyze", "unet", "--from", "encoder4", "--until", "decoder4", "--format", "json");

        code.Should().Be(0);
        using var doc = JsonDocument.Parse(output);
        doc.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(256, 68, 68);
        doc.RootElement.GetProperty("output").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(512, 52, 52);
    }

    [Fact]
    public void Compare_And_Freeze_Work_On_1D_Networks()
    {
        var (code, output, _) = CliTests.Run("compare", "m3", "m5", "m11", "m18", "m34_res", "-c", "torchvision", "--format", "csv");
        var (frozenCode, frozen, _) = CliTests.Run("analyze", "m5", "--freeze", "conv1", "--freeze", "bn1", "--format", "json");

        code.Should().Be(0);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(6);
        frozenCode.Should().Be(0);
        using var doc = JsonDocument.Parse(frozen);
        var totals = doc.RootElement.GetProperty("totals");
        (totals.GetProperty("params").GetInt64() - totals.GetProperty("trainableParams").GetInt64()).Should().Be(10_368 + 256);
    }

    [Fact]
    public void A_Spec_File_Takes_A_Kernel_Of_Three_Numbers_And_Names_A_Wrong_Count()
    {
        var dir = Directory.CreateTempSubdirectory();
        var good = Path.Combine(dir.FullName, "good.json");
        var bad = Path.Combine(dir.FullName, "bad.json");
        File.WriteAllText(good, """{ "name": "v", "input": [1, 8, 16, 16], "layers": [ { "type": "Conv3d", "outChannels": 4, "kernel": [3, 5, 5], "padding": [1, 2, 2] } ] }""");
        File.WriteAllText(bad, """{ "name": "v", "input": [1, 8, 16, 16], "layers": [ { "type": "Conv3d", "outChannels": 4, "kernel": [3, 5] } ] }""");

        var (code, output, _) = CliTests.Run("analyze", good, "--format", "csv");
        var (badCode, _, error) = CliTests.Run("analyze", bad);

        code.Should().Be(0);
        output.Should().Contain("4x8x16x16");
        badCode.Should().Be(ExitCodes.UsageOrInput);
        error.Should().Contain("$.layers[0].kernel").And.Contain("Kernel 3x5 has 2 values where a 3-D layer needs 1 or 3.");
        dir.Delete(recursive: true);
    }
}

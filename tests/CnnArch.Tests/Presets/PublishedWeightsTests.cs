using System.Text.Json;

namespace CnnArch.Tests.Presets;

/// <summary>
/// Every preset torchvision ships ImageNet weights for, against those weights' own metadata
/// (Reference/torchvision-weights.json, read from Debian's torchvision 0.14.1): the parameter count the
/// weights have, and the top-1 and top-5 the catalogue publishes.
/// </summary>
public class PublishedWeightsTests
{
    private static readonly JsonElement Models = JsonDocument.Parse(File.ReadAllText(ReferenceData.PathOf("torchvision-weights.json"))).RootElement.GetProperty("models");

    // The V1 weights, and vit_h_14's 224x224 SWAG_LINEAR (it has no V1); regnet_y_128gf has only SWAG
    // weights at 384, which the 224x224 preset does not publish as its accuracy.
    public static TheoryData<string> Presets() =>
        [.. Models.EnumerateObject().Where(m => m.Value.GetProperty("weights").GetString() == "IMAGENET1K_V1" || m.Name == "vit_h_14").Select(m => m.Name).Where(Catalog.Contains)];

    [Fact]
    public void Every_Torchvision_Classifier_With_ImageNet_Weights_Is_A_Preset()
    {
        Models.EnumerateObject().Select(m => m.Name).Where(n => !Catalog.Contains(n) && !n.StartsWith("quantized_", StringComparison.Ordinal))
            .Should().BeEmpty("the quantized models are the same architectures in int8");
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void The_Preset_Has_The_Weights_Parameters_And_Their_Published_Accuracy(string preset)
    {
        var weights = Models.GetProperty(preset);
        var info = Catalog.Find(preset);

        info.Top1.Should().Be(weights.GetProperty("top1").GetDouble());
        info.Top5.Should().Be(weights.GetProperty("top5").GetDouble());
        // inception_v3's weights hold its auxiliary classifier (torchvision builds it with aux_logits=True):
        // the inference totals plus the training-only head.
        var settings = preset == "inception_v3" ? new Dictionary<string, string> { ["aux"] = "true" } : null;
        var report = Analyzer.Analyze(Catalog.Create(preset, settings));
        (report.Totals.Parameters + report.Layers.Where(l => l.IsAuxiliary).Sum(l => l.Parameters)).Should().Be(weights.GetProperty("params").GetInt64());
    }
}

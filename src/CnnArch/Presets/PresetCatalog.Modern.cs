namespace CnnArch.Presets;

/// <summary>The later torchvision classifiers: Inception-v3, ConvNeXt and EfficientNetV2.</summary>
public static partial class Catalog
{
    private static IEnumerable<Entry> ModernEntries()
    {
        yield return Preset("inception_v3", "Inception", "Inception-v3 as torchvision: factorised 7x7 and 1x3/3x1 convs, 299x299 input, optional auxiliary head", InceptionV3.Paper,
            a => InceptionV3.TorchVision(a.Bool("aux"), a.Int("classes")), InceptionV3.AuxParameter, Classes1000);

        foreach (var size in ConvNeXt.Sizes)
        {
            var letter = char.ToUpperInvariant(size.Name["convnext_".Length]);
            yield return Preset(size.Name, "ConvNeXt", $"ConvNeXt-{letter} as torchvision: widths {string.Join("/", size.Widths)}, depths {string.Join("/", size.Depths)}, 7x7 depthwise convs, LayerNorm, GELU MLPs, layer scale", ConvNeXt.Paper,
                a => ConvNeXt.Build(size, a.Int("classes")), Classes1000);
        }

        foreach (var size in EfficientNetV2.Sizes)
        {
            var letter = char.ToUpperInvariant(size.Name[^1]);
            yield return Preset(size.Name, "EfficientNetV2", $"EfficientNetV2-{letter} as torchvision: Fused-MBConv then MBConv stages with SE, {size.Resolution}x{size.Resolution} input", EfficientNetV2.Paper,
                a => EfficientNetV2.Build(size.Name, size.Stages, size.Resolution, size.Dropout, a.Int("classes")), Classes1000);
        }
    }
}

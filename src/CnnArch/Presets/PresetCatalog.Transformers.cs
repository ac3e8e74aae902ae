namespace CnnArch.Presets;

/// <summary>The Vision Transformers of torchvision: ViT-B/16, B/32, L/16, L/32 and H/14.</summary>
public static partial class Catalog
{
    private static IEnumerable<Entry> TransformerEntries()
    {
        foreach (var size in VisionTransformers.Sizes)
        {
            var letter = char.ToUpperInvariant(size.Name[4]);
            yield return Preset(size.Name, "ViT", $"ViT-{letter}/{size.Patch} as torchvision: {size.Patch}x{size.Patch} patches, {size.Layers} encoder blocks of {size.Heads}-head self-attention and a {size.Mlp}-wide GELU MLP, width {size.Hidden}, class token", VisionTransformers.Paper,
                a => VisionTransformers.Build(size, a.Int("classes"), a.Int("image_size")), Classes1000,
                PresetParameter.Integer("image_size", $"Input height and width, a multiple of the {size.Patch}-pixel patch (the positional embedding follows: (image_size / {size.Patch})^2 + 1 tokens)", 224, size.Patch, 4096));
        }
    }
}

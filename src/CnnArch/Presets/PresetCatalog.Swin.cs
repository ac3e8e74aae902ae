namespace CnnArch.Presets;

/// <summary>The Swin Transformers of torchvision: Swin-T, S and B and Swin V2-T, S and B.</summary>
public static partial class Catalog
{
    private static IEnumerable<Entry> SwinEntries()
    {
        foreach (var size in SwinTransformers.Sizes)
        {
            var letter = char.ToUpperInvariant(size.Name[^1]);
            var version = size.V2 ? "Swin V2" : "Swin";
            var extra = size.V2 ? ", cosine attention with a continuous position bias MLP, post-norm blocks" : "";
            yield return Preset(size.Name, "Swin", $"{version}-{letter} as torchvision: {size.ImageSize}x{size.ImageSize} input, 4x4 patches of {size.Embed} channels, depths {string.Join("/", size.Depths)}, {size.Window}x{size.Window} shifted-window attention with relative position bias{extra}, patch merging", size.V2 ? SwinTransformers.PaperV2 : SwinTransformers.Paper,
                a => SwinTransformers.Build(size, a.Int("classes")), Classes1000);
        }
    }
}

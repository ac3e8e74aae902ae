namespace CnnArch.Presets;

/// <summary>torchvision's convolution-attention hybrids: MaxViT-T.</summary>
public static partial class Catalog
{
    private static IEnumerable<Entry> HybridEntries()
    {
        yield return Preset("maxvit_t", "MaxViT", "MaxViT-T as torchvision: MBConv with SE, then block (7x7 window) and grid (7x7 dilated) attention with relative-position bias, 2/2/5/2 layers of 64/128/256/512 channels, 224x224", MaxVits.Paper,
            a => MaxVits.T(a.Int("classes")), Classes1000);
    }
}

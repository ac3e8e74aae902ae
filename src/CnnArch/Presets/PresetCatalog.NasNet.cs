namespace CnnArch.Presets;

/// <summary>The NASNet-A presets: the cells of Zoph et al.'s architecture search, as Cadene's pretrained-models.pytorch.</summary>
public static partial class Catalog
{
    private static IEnumerable<Entry> NasNetEntries()
    {
        const string source = "; Cadene's pretrained-models.pytorch (nasnet.py, nasnet_mobile.py)";
        yield return Preset("nasnet_a_large", "NASNet", "NASNet-A-Large (6 @ 4032) as Cadene: searched normal and reduction cells of separable convs and pools, 331x331 input", NasNets.Paper + source,
            a => NasNets.Large(a.Int("classes")), Classes1000);
        yield return Preset("nasnet_a_mobile", "NASNet", "NASNet-A-Mobile (4 @ 1056) as Cadene: searched normal and reduction cells of separable convs and pools, 224x224 input", NasNets.Paper + source,
            a => NasNets.Mobile(a.Int("classes")), Classes1000);
    }
}

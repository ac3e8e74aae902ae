namespace CnnArch.Presets;

/// <summary>
/// The networks of the lecture's charts that torchvision does not build: the lecture's own VGG-16 table,
/// and those of Canziani et al.'s accuracy-versus-operations chart, each from its paper and the
/// implementation people use.
/// </summary>
public static partial class Catalog
{
    private static IEnumerable<Entry> PaperEntries()
    {
        yield return Preset("vgg16_lecture", "VGG", "The lecture's VGG-16 table: two convs in stage 3 (15 weight layers), no adaptive pool; 13.6 G MACs, 48.6 MB of conv outputs", Vggs.LectureCitation,
            a => Vggs.Lecture(a.Int("classes")), Classes1000);
    }
}

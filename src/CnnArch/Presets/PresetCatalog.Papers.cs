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
        yield return Preset("bn_alexnet", "AlexNet", "BN-AlexNet: torchvision's AlexNet with BatchNorm after every conv and hidden FC layer (Torch7 alexnetowtbn)", AlexNets.BnAlexNetPaper,
            a => AlexNets.BnAlexNet(a.Int("classes")), Classes1000);
        yield return Preset("nin", "NiN", "Network In Network, the Caffe model zoo's ImageNet net: four mlpconv layers (a conv and two 1x1), global average pooling", NiNs.Paper,
            a => NiNs.ImageNet(batchNorm: false, a.Int("classes")), Classes1000);
        yield return Preset("bn_nin", "NiN", "BN-NiN: the ImageNet NiN with BatchNorm after every conv", NiNs.BnPaper,
            a => NiNs.ImageNet(batchNorm: true, a.Int("classes")), Classes1000);
    }
}

namespace CnnArch.Presets;

/// <summary>
/// The networks of the lecture's charts that torchvision does not build: the lecture's own VGG-16 table,
/// and those of Canziani et al.'s accuracy-versus-operations chart (BN-AlexNet, NiN, Inception-v4,
/// Inception-ResNet-v2, SENet-154, ENet), each from its paper and the implementation people use.
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
        yield return Preset("inception_v4", "Inception", "Inception-v4 as Cadene's pretrained-models (TF-Slim's): stem, 4 Inception-A, 7 Inception-B, 3 Inception-C, 299x299 input", InceptionV4.Paper + InceptionV4.Implementation,
            a => InceptionV4.V4(a.Int("classes")), Classes1000);
        yield return Preset("inception_resnet_v2", "Inception", "Inception-ResNet-v2 as Cadene's pretrained-models (TF-Slim's): 10 Block35, 20 Block17, 10 Block8 scaled residuals, 299x299 input", InceptionV4.Paper + InceptionV4.Implementation,
            a => InceptionV4.ResNetV2(a.Int("classes")), Classes1000);
        yield return Preset("senet154", "SENet", "SENet-154 as Cadene's pretrained-models: SE blocks on a 64x4d ResNeXt-152 with a 3x3-conv stem and 3x3 projections", SENets.Paper,
            a => SENets.Senet154(a.Int("classes")), Classes1000);
        yield return Preset("enet", "ENet", "ENet for real-time segmentation as davidtvs/PyTorch-ENet: bottlenecks with dilated and asymmetric convs, max-unpooling decoder; 3x512x512 in, 19x512x512 out", ENets.Paper,
            a => ENets.Build(a.Int("classes"), a.Int("input_height"), a.Int("input_width")),
            Classes("Output maps (19: Cityscapes' evaluated categories; davidtvs's Cityscapes weights have 20, CamVid's 12)", ENets.DefaultClasses),
            PresetParameter.Integer("input_height", "Input height; the unpooling and transposed convs are built to restore it (change the input with it rather than with --input)", ENets.DefaultSize, 8, 8192),
            PresetParameter.Integer("input_width", "Input width, as input_height", ENets.DefaultSize, 8, 8192));
    }
}

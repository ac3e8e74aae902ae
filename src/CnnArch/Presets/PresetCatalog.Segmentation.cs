using System.Globalization;

namespace CnnArch.Presets;

/// <summary>The semantic segmentation presets: torchvision's FCN, DeepLabv3 and LR-ASPP.</summary>
public static partial class Catalog
{
    private static IEnumerable<Entry> SegmentationEntries()
    {
        var classes = Classes("Output classes (21: the background and the 20 Pascal VOC categories)", Segmentation.DefaultClasses);
        var resolution = PresetParameter.Integer("resolution", "Input height and width; the output is upsampled back to it (torchvision evaluates at 520)", Segmentation.DefaultResolution, 32, 4096);
        PresetParameter Aux(string where) => PresetParameter.Boolean("aux", $"Add torchvision's auxiliary FCN head on {where} (aux_loss=True; training only, reported apart from the inference totals)", false);

        foreach (var depth in new[] { 50, 101 })
        {
            yield return Preset($"fcn_resnet{depth}", "Segmentation", Described($"fcn_resnet{depth}", $"FCN on a dilated ResNet-{depth} (output stride 8) as torchvision"), Segmentation.FcnPaper,
                a => Segmentation.Fcn(depth, a.Int("classes"), a.Bool("aux"), a.Int("resolution")), classes, Aux("layer3"), resolution);
        }

        foreach (var depth in new[] { 50, 101 })
        {
            yield return Preset($"deeplabv3_resnet{depth}", "Segmentation", Described($"deeplabv3_resnet{depth}", $"DeepLabv3 (ASPP, rates 12/24/36) on a dilated ResNet-{depth} (output stride 8) as torchvision"), Segmentation.DeepLabV3Paper,
                a => Segmentation.DeepLabV3(depth, a.Int("classes"), a.Bool("aux"), a.Int("resolution")), classes, Aux("layer3"), resolution);
        }

        yield return Preset("deeplabv3_mobilenet_v3_large", "Segmentation", Described("deeplabv3_mobilenet_v3_large", "DeepLabv3 on a dilated MobileNetV3-Large (output stride 16) as torchvision"), Segmentation.DeepLabV3Paper,
            a => Segmentation.DeepLabV3MobileNetV3(a.Int("classes"), a.Bool("aux"), a.Int("resolution")), classes, Aux("the stride-8 features (backbone.4)"), resolution);
        yield return Preset("lraspp_mobilenet_v3_large", "Segmentation", Described("lraspp_mobilenet_v3_large", "LR-ASPP on a dilated MobileNetV3-Large (strides 8 and 16) as torchvision"), Segmentation.LrAsppPaper,
            a => Segmentation.LrAspp(a.Int("classes"), a.Int("resolution")), classes, resolution);
    }

    // "...; 60.5 mIoU, 91.4% pixel accuracy (torchvision's weights, COCO val2017, VOC labels)".
    private static string Described(string name, string what)
    {
        var (miou, accuracy) = Segmentation.Published[name];
        return string.Create(CultureInfo.InvariantCulture, $"{what}, 520x520 in and out; {miou:0.0} mIoU, {accuracy:0.0}% pixel accuracy (torchvision's weights, COCO val2017, VOC labels)");
    }
}

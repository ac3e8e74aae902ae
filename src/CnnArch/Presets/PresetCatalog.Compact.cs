using System.Globalization;
using CnnArch.Graph;

namespace CnnArch.Presets;

/// <summary>The compact ImageNet classifiers of torchvision: DenseNet, SqueezeNet and ShuffleNet V2.</summary>
public static partial class Catalog
{
    private static readonly PresetParameter Classes1000 = Classes("Output classes (ImageNet)", 1000);

    private static IEnumerable<Entry> CompactEntries()
    {
        foreach (var (depth, growth) in new[] { (121, 32), (161, 48), (169, 32), (201, 32) })
        {
            var name = $"densenet{depth}";
            yield return Preset(name, "DenseNet", $"DenseNet-{depth} as torchvision: dense blocks of BN-ReLU-conv layers on the concatenation of all earlier maps, growth rate {growth}", DenseNets.Paper,
                a => Dense(depth, a.Int("classes"), a.Int("growth_rate")), Classes1000,
                PresetParameter.Integer("growth_rate", "Growth rate k: the channels each dense layer adds (its bottleneck has 4k)", growth, 1, 1024));
        }

        yield return Preset("squeezenet1_0", "SqueezeNet", "SqueezeNet 1.0 as torchvision: fire modules (1x1 squeeze, 1x1 and 3x3 expand), conv classifier", SqueezeNets.Paper,
            a => SqueezeNets.V1_0(a.Int("classes")), Classes1000);
        yield return Preset("squeezenet1_1", "SqueezeNet", "SqueezeNet 1.1 as torchvision: 3x3 stem and earlier pooling, 2.4x fewer multiply-adds than 1.0", SqueezeNets.Paper,
            a => SqueezeNets.V1_1(a.Int("classes")), Classes1000);

        foreach (var width in ShuffleNets.Widths)
        {
            var text = width.ToString("0.0", CultureInfo.InvariantCulture);
            yield return Preset($"shufflenet_v2_x{text.Replace('.', '_')}", "ShuffleNetV2", $"ShuffleNet V2 {text}x as torchvision: channel split, depthwise branch, concatenation and channel shuffle", ShuffleNets.Paper,
                a => ShuffleNets.V2(width, a.Int("classes")), Classes1000);
        }
    }

    private static Network Dense(int depth, int classes, int growthRate) => depth switch
    {
        121 => DenseNets.DenseNet121(classes, growthRate),
        161 => DenseNets.DenseNet161(classes, growthRate),
        169 => DenseNets.DenseNet169(classes, growthRate),
        _ => DenseNets.DenseNet201(classes, growthRate),
    };
}

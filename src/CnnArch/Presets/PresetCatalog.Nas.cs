using System.Globalization;

namespace CnnArch.Presets;

/// <summary>The NAS and design-space presets: MnasNet, EfficientNet B0-B7, RegNetX and RegNetY.</summary>
public static partial class Catalog
{
    private static IEnumerable<Entry> NasEntries()
    {
        static string Text(double v) => v.ToString(CultureInfo.InvariantCulture);
        foreach (var alpha in new[] { 0.5, 0.75, 1.0, 1.3 })
        {
            var name = "mnasnet" + Text(alpha).Replace('.', '_') + (alpha == 1.0 ? "_0" : string.Empty);
            yield return Preset(name, "MnasNet", $"MnasNet-B1 with depth multiplier {Text(alpha)}, as torchvision (NAS under a latency budget)", MnasNets.Paper,
                a => MnasNets.Build(a.Double("width"), name),
                PresetParameter.Real("width", "Depth (channel) multiplier alpha, channels rounded to multiples of 8", alpha, 0.01, 16));
        }

        for (var b = 0; b < EfficientNets.Variants.Length; b++)
        {
            var v = EfficientNets.Variants[b];
            var name = $"efficientnet_b{b}";
            yield return Preset(name, "EfficientNet", $"EfficientNet-B{b} as torchvision: B0's stage table scaled by width {Text(v.Width)}, depth {Text(v.Depth)}, resolution {v.Resolution}", EfficientNets.Paper,
                a => EfficientNets.Build(name, a.Double("width"), a.Double("depth"), a.Int("resolution"), v.Dropout),
                PresetParameter.Real("width", "Width multiplier: every stage's channels times it, rounded to multiples of 8", v.Width, 0.01, 16),
                PresetParameter.Real("depth", "Depth multiplier: every stage's repeats times it, rounded up", v.Depth, 0.01, 16),
                PresetParameter.Integer("resolution", "Input height and width (torchvision's evaluation crop)", v.Resolution, 32, 4096));
        }

        foreach (var (name, p) in RegNets.Table)
        {
            var y = p.SeRatio > 0;
            var parameters = new List<PresetParameter>
            {
                PresetParameter.Integer("depth", "Total blocks d of the quantized linear rule", p.Depth, 1, RegNetParameters.MaxDepth),
                PresetParameter.Integer("w0", "Initial width w0 (a multiple of 8)", p.W0, 8, 4096),
                PresetParameter.Real("wa", "Width slope wa", p.WA, 0, 1024),
                PresetParameter.Real("wm", "Width multiplier wm between stages (> 1)", p.WM, 1.01, 8),
                PresetParameter.Integer("group_width", "Channels per group of the 3x3 conv", p.GroupWidth, 1, 4096),
                PresetParameter.Real("bottleneck_ratio", "Bottleneck ratio b: the 3x3 conv's width is the block's times 1 / b", p.BottleneckRatio, 0.125, 16),
            };
            if (y)
            {
                parameters.Add(PresetParameter.Real("se_ratio", "Squeeze-and-excitation ratio of the block's input width", p.SeRatio, 0.01, 1));
            }

            yield return Preset(name, y ? "RegNetY" : "RegNetX", $"RegNet{(y ? "Y" : "X")} generated from d={p.Depth}, w0={p.W0}, wa={Text(p.WA)}, wm={Text(p.WM)}, g={p.GroupWidth}, as torchvision", RegNets.Paper,
                a => RegNets.Build(name, new RegNetParameters(a.Int("depth"), a.Int("w0"), a.Double("wa"), a.Double("wm"), a.Int("group_width"), a.Double("bottleneck_ratio"), y ? a.Double("se_ratio") : 0)),
                [.. parameters]);
        }
    }
}

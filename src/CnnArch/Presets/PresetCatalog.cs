using System.Collections.Immutable;
using System.Globalization;
using CnnArch.Graph;

namespace CnnArch.Presets;

/// <summary>What a preset parameter takes.</summary>
public enum ParameterKind
{
    /// <summary>A whole number (depth, groups, channels).</summary>
    Integer,

    /// <summary>A real number (a width or depth multiplier).</summary>
    Real,

    /// <summary>true or false.</summary>
    Boolean,
}

/// <summary>
/// A parameter a preset accepts (<c>--set width=0.75</c>): its kind, default and valid range, checked
/// before anything is built, so a value out of range is one error that names the parameter and the range.
/// </summary>
public sealed record PresetParameter
{
    private PresetParameter(string name, string description, ParameterKind kind, string @default, double minimum, double maximum)
    {
        Name = Guard.Name(name, nameof(name));
        Description = description;
        Kind = kind;
        Default = @default;
        Minimum = minimum;
        Maximum = maximum;
    }

    /// <summary>The parameter's name.</summary>
    public string Name { get; }

    /// <summary>What it changes.</summary>
    public string Description { get; }

    /// <summary>Whole number, real number, or true and false.</summary>
    public ParameterKind Kind { get; }

    /// <summary>Its default, as text.</summary>
    public string Default { get; }

    /// <summary>The smallest value it takes (numbers only).</summary>
    public double Minimum { get; }

    /// <summary>The largest value it takes (numbers only).</summary>
    public double Maximum { get; }

    /// <summary>"a whole number from 1 to 1,000", "a number from 0.01 to 16" or "true or false".</summary>
    public string Range => Kind switch
    {
        ParameterKind.Boolean => "true or false",
        ParameterKind.Integer => string.Create(CultureInfo.InvariantCulture, $"a whole number from {Minimum:#,0} to {Maximum:#,0}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"a number from {Minimum:0.####} to {Maximum:#,0.####}"),
    };

    /// <summary>A whole-number parameter from <paramref name="minimum"/> to <paramref name="maximum"/> (inclusive).</summary>
    public static PresetParameter Integer(string name, string description, int @default, int minimum, int maximum) =>
        new(name, description, ParameterKind.Integer, @default.ToString(CultureInfo.InvariantCulture), minimum, maximum);

    /// <summary>A real parameter from <paramref name="minimum"/> to <paramref name="maximum"/> (inclusive).</summary>
    public static PresetParameter Real(string name, string description, double @default, double minimum, double maximum) =>
        new(name, description, ParameterKind.Real, @default.ToString(CultureInfo.InvariantCulture), minimum, maximum);

    /// <summary>A true-or-false parameter.</summary>
    public static PresetParameter Boolean(string name, string description, bool @default) =>
        new(name, description, ParameterKind.Boolean, @default ? "true" : "false", 0, 0);

    /// <summary>The value of <paramref name="text"/>: a number in range (1 or 0 for true and false).</summary>
    /// <exception cref="ArgumentException">Not of the parameter's kind, or out of its range; the message names the preset, the parameter and the range.</exception>
    public double Parse(string preset, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var value = Kind switch
        {
            ParameterKind.Boolean => bool.TryParse(trimmed, out var b) ? (b ? 1 : 0) : double.NaN,
            ParameterKind.Integer => long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : double.NaN,
            _ => double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) ? r : double.NaN,
        };
        return Kind == ParameterKind.Boolean ? (double.IsNaN(value) ? throw Outside(preset, text) : value)
            : value >= Minimum && value <= Maximum ? value
            : throw Outside(preset, text);
    }

    private ArgumentException Outside(string preset, string text) =>
        new($"Preset '{preset}' parameter '{Name}' takes {Range}, got '{text}'.");
}

/// <summary>A preset's catalogue entry.</summary>
/// <param name="Name">The name the CLI and <see cref="Catalog.Create"/> take (<c>resnet50</c>).</param>
/// <param name="Family">The family (ResNet, VGG).</param>
/// <param name="Description">One line.</param>
/// <param name="Paper">The paper it follows.</param>
/// <param name="Parameters">What <c>--set</c> accepts.</param>
public sealed record PresetInfo(string Name, string Family, string Description, string Paper, ImmutableArray<PresetParameter> Parameters)
{
    /// <summary>
    /// Published ImageNet top-1 accuracy (%) of torchvision's V1 weights for this architecture, where
    /// torchvision publishes one (of Cadene's pretrained-models.pytorch weights, from its README, for NASNet,
    /// inception_v4, inception_resnet_v2 and senet154, which torchvision lacks; vit_h_14, which has no V1
    /// weights, takes its 224x224 IMAGENET1K_SWAG_LINEAR_V1: 85.708); null otherwise. A published fact
    /// about trained weights, not something CnnArch computes.
    /// </summary>
    public double? Top1 { get; init; }

    /// <summary>Published ImageNet top-5 accuracy (%) of the same weights as <see cref="Top1"/>, where known; null otherwise.</summary>
    public double? Top5 { get; init; }
}

/// <summary>Parameter values given to a preset, checked against the parameters it declares: names, kinds and ranges.</summary>
public sealed class PresetArguments
{
    private readonly PresetInfo _info;
    private readonly ImmutableDictionary<string, double> _values;

    internal PresetArguments(PresetInfo info, IReadOnlyDictionary<string, string>? values)
    {
        _info = info;
        var given = (values ?? ImmutableDictionary<string, string>.Empty).ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);
        var parsed = ImmutableDictionary.CreateBuilder<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, text) in given)
        {
            var parameter = info.Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (parameter is null)
            {
                var known = info.Parameters.IsEmpty ? "it takes none" : "known: " + string.Join(", ", info.Parameters.Select(p => p.Name));
                throw new ArgumentException($"Preset '{info.Name}' has no parameter '{name}'; {known}.");
            }

            parsed[parameter.Name] = parameter.Parse(info.Name, text);
        }

        _values = parsed.ToImmutable();
    }

    /// <summary>A real parameter's value, or its default.</summary>
    public double Double(string name) => Value(name);

    /// <summary>A whole-number parameter's value, or its default.</summary>
    public int Int(string name) => checked((int)Value(name));

    /// <summary>A true-or-false parameter's value, or its default.</summary>
    public bool Bool(string name) => Value(name) != 0;

    private double Value(string name)
    {
        var parameter = _info.Parameters.FirstOrDefault(p => p.Name == name)
            ?? throw new InvalidOperationException($"Preset '{_info.Name}' reads undeclared parameter '{name}'.");
        return _values.TryGetValue(name, out var v) ? v : parameter.Parse(_info.Name, parameter.Default);
    }
}

/// <summary>Every built-in architecture, by name.</summary>
public static partial class Catalog
{
    private sealed record Entry(PresetInfo Info, Func<PresetArguments, Network> Build);

    private static readonly Lazy<ImmutableArray<Entry>> Entries = new(() => [.. AllEntries()]);

    /// <summary>Every preset, in catalogue order.</summary>
    public static ImmutableArray<PresetInfo> All => [.. Entries.Value.Select(e => e.Info)];

    /// <summary>The preset named <paramref name="name"/>, built with <paramref name="arguments"/> (name to value).</summary>
    /// <exception cref="ArgumentException">No such preset or parameter, or a bad value; the message lists the valid ones.</exception>
    public static Network Create(string name, IReadOnlyDictionary<string, string>? arguments = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var entry = Entries.Value.FirstOrDefault(e => string.Equals(e.Info.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(Unknown(name), nameof(name));
        try
        {
            return entry.Build(new PresetArguments(entry.Info, arguments));
        }
        catch (OverflowException ex)
        {
            var given = string.Join(", ", (arguments ?? new Dictionary<string, string>()).Select(a => $"{a.Key}={a.Value}"));
            throw new ArgumentException($"Preset '{entry.Info.Name}' with {given} has a layer too large to build: a channel count overflows.", nameof(arguments), ex);
        }
    }

    /// <summary>The catalogue entry of the preset named <paramref name="name"/> (ignoring case).</summary>
    /// <exception cref="ArgumentException">No such preset; the message suggests the closest names.</exception>
    public static PresetInfo Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return (Entries.Value.FirstOrDefault(e => string.Equals(e.Info.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(Unknown(name), nameof(name))).Info;
    }

    /// <summary>The closest preset names to <paramref name="name"/> (by edit distance, ignoring case), nearest first.</summary>
    public static ImmutableArray<string> Suggest(string name, int count = 3)
    {
        ArgumentNullException.ThrowIfNull(name);
        return [.. Spelling.Nearest(name, Entries.Value.Select(e => e.Info.Name)).Take(count)];
    }

    // "No preset named 'resnet5'. Did you mean resnet50? Close: resnet50, resnet152, resnet34 ('cnnarch list' shows all 67)."
    private static string Unknown(string name)
    {
        var close = Suggest(name);
        return $"No preset named '{name}'. Did you mean {close[0]}? Close: {string.Join(", ", close)} ('cnnarch list' shows all {Entries.Value.Length}).";
    }

    /// <summary>True when a preset of that name exists.</summary>
    public static bool Contains(string name) =>
        Entries.Value.Any(e => string.Equals(e.Info.Name, name, StringComparison.OrdinalIgnoreCase));

    // torchvision's model table: ImageNet top-1 (%) of the V1 weights (acc@1); NASNet's from Cadene's README table.
    private static readonly Dictionary<string, double> PublishedTop1 = new(StringComparer.Ordinal)
    {
        ["alexnet"] = 56.522, ["vgg11"] = 69.020, ["vgg11_bn"] = 70.370, ["vgg13"] = 69.928, ["vgg13_bn"] = 71.586,
        ["vgg16"] = 71.592, ["vgg16_bn"] = 73.360, ["vgg19"] = 72.376, ["vgg19_bn"] = 74.218, ["googlenet"] = 69.778,
        ["resnet18"] = 69.758, ["resnet34"] = 73.314, ["resnet50"] = 76.130, ["resnet101"] = 77.374, ["resnet152"] = 78.312,
        ["resnext50_32x4d"] = 77.618, ["resnext101_32x8d"] = 79.312, ["resnext101_64x4d"] = 83.246,
        ["wide_resnet50_2"] = 78.468, ["wide_resnet101_2"] = 78.848,
        ["mobilenet_v2"] = 71.878, ["mobilenet_v3_large"] = 74.042, ["mobilenet_v3_small"] = 67.668,
        ["mnasnet0_5"] = 67.734, ["mnasnet0_75"] = 71.180, ["mnasnet1_0"] = 73.456, ["mnasnet1_3"] = 76.506,
        ["efficientnet_b0"] = 77.692, ["efficientnet_b1"] = 78.642, ["efficientnet_b2"] = 80.608, ["efficientnet_b3"] = 82.008,
        ["efficientnet_b4"] = 83.384, ["efficientnet_b5"] = 83.444, ["efficientnet_b6"] = 84.008, ["efficientnet_b7"] = 84.122,
        ["regnet_x_400mf"] = 72.834, ["regnet_x_800mf"] = 75.212, ["regnet_x_1_6gf"] = 77.040, ["regnet_x_3_2gf"] = 78.364,
        ["regnet_x_8gf"] = 79.344, ["regnet_x_16gf"] = 80.058, ["regnet_x_32gf"] = 80.622,
        ["regnet_y_400mf"] = 74.046, ["regnet_y_800mf"] = 76.420, ["regnet_y_1_6gf"] = 77.950, ["regnet_y_3_2gf"] = 78.948,
        ["regnet_y_8gf"] = 80.032, ["regnet_y_16gf"] = 80.424, ["regnet_y_32gf"] = 80.878,
        ["densenet121"] = 74.434, ["densenet161"] = 77.138, ["densenet169"] = 75.600, ["densenet201"] = 76.896,
        ["squeezenet1_0"] = 58.092, ["squeezenet1_1"] = 58.178,
        ["shufflenet_v2_x0_5"] = 60.552, ["shufflenet_v2_x1_0"] = 69.362, ["shufflenet_v2_x1_5"] = 72.996, ["shufflenet_v2_x2_0"] = 76.230,
        ["inception_v3"] = 77.294, ["convnext_tiny"] = 82.520, ["convnext_small"] = 83.616, ["convnext_base"] = 84.062, ["convnext_large"] = 84.414,
        ["efficientnet_v2_s"] = 84.228, ["efficientnet_v2_m"] = 85.112, ["efficientnet_v2_l"] = 85.808,
        ["nasnet_a_large"] = 82.566, ["nasnet_a_mobile"] = 74.080,
        ["vit_b_16"] = 81.072, ["vit_b_32"] = 75.912, ["vit_l_16"] = 79.662, ["vit_l_32"] = 76.972,
        // ViT-H/14 has no V1 weights: its IMAGENET1K_SWAG_LINEAR_V1 (SWAG-pretrained trunk, linear head trained
        // on ImageNet-1K) at 224x224, the preset's input, whose costs the catalogue reports.
        ["vit_h_14"] = 85.708,

        // Cadene's pretrained-models.pytorch README (its weights, its evaluation: Acc@1 on ImageNet val).
        ["inception_v4"] = 80.062, ["inception_resnet_v2"] = 80.170, ["senet154"] = 81.304,
        ["maxvit_t"] = 83.700,
        ["swin_t"] = 81.474, ["swin_s"] = 83.196, ["swin_b"] = 83.582, ["swin_v2_t"] = 82.072, ["swin_v2_s"] = 83.712, ["swin_v2_b"] = 84.112,
    };

    // torchvision's model table: ImageNet top-5 (%) of the same weights as PublishedTop1 (acc@5).
    private static readonly Dictionary<string, double> PublishedTop5 = new(StringComparer.Ordinal)
    {
        ["alexnet"] = 79.066, ["vgg11"] = 88.628, ["vgg11_bn"] = 89.810, ["vgg13"] = 89.246, ["vgg13_bn"] = 90.374, ["vgg16"] = 90.382,
        ["vgg16_bn"] = 91.516, ["vgg19"] = 90.876, ["vgg19_bn"] = 91.842, ["googlenet"] = 89.530, ["resnet18"] = 89.078,
        ["resnet34"] = 91.420, ["resnet50"] = 92.862, ["resnet101"] = 93.546, ["resnet152"] = 94.046, ["resnext50_32x4d"] = 93.698,
        ["resnext101_32x8d"] = 94.526, ["resnext101_64x4d"] = 96.454, ["wide_resnet50_2"] = 94.086, ["wide_resnet101_2"] = 94.284,
        ["mobilenet_v2"] = 90.286, ["mobilenet_v3_large"] = 91.340, ["mobilenet_v3_small"] = 87.402, ["mnasnet0_5"] = 87.490,
        ["mnasnet0_75"] = 90.496, ["mnasnet1_0"] = 91.510, ["mnasnet1_3"] = 93.522, ["efficientnet_b0"] = 93.532,
        ["efficientnet_b1"] = 94.186, ["efficientnet_b2"] = 95.310, ["efficientnet_b3"] = 96.054, ["efficientnet_b4"] = 96.594,
        ["efficientnet_b5"] = 96.628, ["efficientnet_b6"] = 96.916, ["efficientnet_b7"] = 96.908, ["regnet_x_400mf"] = 90.950,
        ["regnet_x_800mf"] = 92.348, ["regnet_x_1_6gf"] = 93.440, ["regnet_x_3_2gf"] = 93.992, ["regnet_x_8gf"] = 94.686,
        ["regnet_x_16gf"] = 94.944, ["regnet_x_32gf"] = 95.248, ["regnet_y_400mf"] = 91.716, ["regnet_y_800mf"] = 93.136,
        ["regnet_y_1_6gf"] = 93.966, ["regnet_y_3_2gf"] = 94.576, ["regnet_y_8gf"] = 95.048, ["regnet_y_16gf"] = 95.240,
        ["regnet_y_32gf"] = 95.340, ["densenet121"] = 91.972, ["densenet161"] = 93.560, ["densenet169"] = 92.806, ["densenet201"] = 93.370,
        ["squeezenet1_0"] = 80.420, ["squeezenet1_1"] = 80.624, ["shufflenet_v2_x0_5"] = 81.746, ["shufflenet_v2_x1_0"] = 88.316,
        ["shufflenet_v2_x1_5"] = 91.086, ["shufflenet_v2_x2_0"] = 93.006, ["inception_v3"] = 93.450, ["convnext_tiny"] = 96.146,
        ["convnext_small"] = 96.650, ["convnext_base"] = 96.870, ["convnext_large"] = 96.976, ["efficientnet_v2_s"] = 96.878,
        ["efficientnet_v2_m"] = 97.156, ["efficientnet_v2_l"] = 97.788, ["vit_b_16"] = 95.318, ["vit_b_32"] = 92.466,
        ["vit_l_16"] = 94.638, ["vit_l_32"] = 93.070, ["vit_h_14"] = 97.730, ["maxvit_t"] = 96.722,
        ["swin_t"] = 95.776, ["swin_s"] = 96.360, ["swin_b"] = 96.640, ["swin_v2_t"] = 96.132, ["swin_v2_s"] = 96.816, ["swin_v2_b"] = 96.864,
    };

    private static Entry Preset(string name, string family, string description, string paper, Func<PresetArguments, Network> build, params PresetParameter[] parameters) =>
        new(new PresetInfo(name, family, description, paper, [.. parameters]) { Top1 = PublishedTop1.TryGetValue(name, out var top1) ? top1 : null, Top5 = PublishedTop5.TryGetValue(name, out var top5) ? top5 : null }, build);

    private static readonly PresetParameter Width = PresetParameter.Real("width", "Width multiplier alpha: every layer's channels times alpha, rounded to a multiple of 8", 1, 0.01, 16);

    private static IEnumerable<Entry> AllEntries()
    {
        var entries = new List<Entry>();
        entries.AddRange(Fixed("AlexNet", AlexNets.Entries().Where(e => e.Name.StartsWith("alexnet", StringComparison.Ordinal))));
        entries.AddRange(Fixed("ZFNet", AlexNets.Entries().Where(e => e.Name.StartsWith("zfnet", StringComparison.Ordinal))));
        entries.AddRange(Fixed("VGG", Vggs.Entries()));
        entries.Add(Preset("googlenet", "GoogLeNet", "GoogLeNet as torchvision (BN, 3x3 in the \"5x5\" branch, ceil-mode pools)",
            GoogLeNets.PaperCitation + "; torchvision (pytorch/vision#906)", a => GoogLeNets.TorchVision(a.Bool("aux")), GoogLeNets.AuxParameter));
        entries.Add(Preset("googlenet_paper", "GoogLeNet", "GoogLeNet as the paper (true 5x5, conv bias, no BN, LRN in the stem)",
            GoogLeNets.PaperCitation, a => GoogLeNets.Paper(a.Bool("aux")), GoogLeNets.AuxParameter));
        foreach (var (name, description, paper, options) in ResNets.Entries())
        {
            var family = name.StartsWith("resnext", StringComparison.Ordinal) ? "ResNeXt" : name.StartsWith("wide", StringComparison.Ordinal) ? "Wide ResNet" : name.StartsWith("se_", StringComparison.Ordinal) ? "SE-ResNet" : "ResNet";
            entries.Add(Preset(name, family, description, paper,
                a => ResNets.Build(options with { SqueezeExcitation = a.Bool("se"), SeReduction = a.Int("se_reduction"), PreActivation = a.Bool("preact"), Groups = a.Int("groups"), WidthPerGroup = a.Int("width_per_group") }),
                PresetParameter.Boolean("se", "Squeeze-and-excitation after every block's last BN (Hu et al. 2017)", options.SqueezeExcitation),
                PresetParameter.Integer("se_reduction", "SE reduction ratio r (squeeze to C / r channels)", 16, 1, 1024),
                PresetParameter.Boolean("preact", "Pre-activation blocks: BN and ReLU before each conv (He et al. 2016)", false),
                PresetParameter.Integer("groups", "Cardinality G of the bottleneck's 3x3 conv (ResNeXt)", options.Groups, 1, 1024),
                PresetParameter.Integer("width_per_group", "Width per group at the first stage (64 for ResNet, 4 for ResNeXt 32x4d)", options.WidthPerGroup, 1, 1024)));
        }

        entries.Add(Preset("mobilenet_v1", "MobileNet", "MobileNet v1 (paper Table 1), any width and resolution", MobileNets.V1Paper, a => MobileNets.V1(a.Double("width")), Width));
        entries.Add(Preset("mobilenet_v2", "MobileNet", "MobileNetV2 as torchvision (inverted residuals, linear bottlenecks)", MobileNets.V2Paper, a => MobileNets.V2(a.Double("width")), Width));
        entries.Add(Preset("mobilenet_v3_large", "MobileNet", "MobileNetV3-Large as torchvision (SE, hard-swish)", MobileNets.V3Paper, a => MobileNets.V3(large: true, a.Double("width")), Width));
        entries.Add(Preset("mobilenet_v3_small", "MobileNet", "MobileNetV3-Small as torchvision (SE, hard-swish)", MobileNets.V3Paper, a => MobileNets.V3(large: false, a.Double("width")), Width));
        entries.AddRange(NasEntries());
        entries.AddRange(VolumeEntries());
        entries.AddRange(CompactEntries());
        entries.AddRange(ModernEntries());
        entries.AddRange(SegmentationEntries());
        entries.AddRange(NasNetEntries());
        entries.AddRange(TransformerEntries());
        entries.AddRange(PaperEntries());
        entries.AddRange(HybridEntries());
        entries.AddRange(SwinEntries());
        return entries;
    }

    private static IEnumerable<Entry> Fixed(string family, IEnumerable<(string Name, string Description, string Paper, Func<Network> Build)> presets) =>
        presets.Select(p => Preset(p.Name, family, p.Description, p.Paper, _ => p.Build()));
}

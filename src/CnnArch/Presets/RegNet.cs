using System.Collections.Immutable;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// The parameters of RegNet's quantized linear rule (Radosavovic et al. 2020): the whole network is
/// generated from them. Block j's width is u_j = w0 + wa x j; it is snapped to w0 x wm^round(log(u_j / w0) / log wm),
/// rounded to a multiple of 8; blocks of equal width form a stage.
/// </summary>
/// <param name="Depth">Total blocks d.</param>
/// <param name="W0">Initial width w0 (a multiple of 8).</param>
/// <param name="WA">Slope wa.</param>
/// <param name="WM">Width multiplier wm between stages (&gt; 1).</param>
/// <param name="GroupWidth">Channels per group g of the 3x3 conv.</param>
/// <param name="BottleneckRatio">Bottleneck ratio b (1 in every torchvision RegNet).</param>
/// <param name="SeRatio">Squeeze-and-excitation ratio of the block's input width (0.25 for RegNetY, 0: none, RegNetX).</param>
public sealed record RegNetParameters(int Depth, int W0, double WA, double WM, int GroupWidth, double BottleneckRatio = 1.0, double SeRatio = 0)
{
    /// <summary>The most blocks the rule generates here (torchvision's deepest RegNet has 27).</summary>
    public const int MaxDepth = 1000;

    /// <summary>The stages the rule generates: (width, blocks, group width) each, in order.</summary>
    /// <exception cref="ArgumentException">The parameters break the rule's preconditions (d from 1 to 1,000, wa &gt;= 0, w0 a positive multiple of 8, wm &gt; 1, g &gt; 0, b &gt; 0).</exception>
    public ImmutableArray<(int Width, int Blocks, int GroupWidth)> Stages()
    {
        Validate();
        Span<int> widths = stackalloc int[Depth];
        Span<int> blocks = stackalloc int[Depth];
        Span<int> groups = stackalloc int[Depth];
        var n = StagesInto(widths, blocks, groups);
        var stages = ImmutableArray.CreateBuilder<(int, int, int)>(n);
        for (var i = 0; i < n; i++)
        {
            stages.Add((widths[i], blocks[i], groups[i]));
        }

        return stages.MoveToImmutable();
    }

    /// <summary>The rule without allocation: fills the spans (each at least <see cref="Depth"/> long) and returns the number of stages.</summary>
    /// <summary>Checks the rule's preconditions; call before sizing spans by <see cref="Depth"/>.</summary>
    /// <exception cref="ArgumentException">A parameter breaks them; the message gives every value and the conditions.</exception>
    internal void Validate()
    {
        if (!(WA >= 0) || !double.IsFinite(WA) || W0 <= 0 || !(WM > 1) || !double.IsFinite(WM) || W0 % 8 != 0 || Depth is <= 0 or > MaxDepth || GroupWidth <= 0 || !(BottleneckRatio > 0) || !double.IsFinite(BottleneckRatio))
        {
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"RegNet parameters d={Depth} w0={W0} wa={WA} wm={WM} g={GroupWidth} b={BottleneckRatio} break the rule: need d from 1 to {MaxDepth}, wa >= 0, w0 a positive multiple of 8, wm > 1, g > 0, b > 0."));
        }
    }

    internal int StagesInto(Span<int> widths, Span<int> blocks, Span<int> groups)
    {
        Validate();

        // torchvision computes this in float32; the arithmetic below reproduces it.
        var logWm = (float)Math.Log(WM);
        var (wa, wm) = ((float)WA, (float)WM);
        var n = 0;
        var previous = -1;
        for (var j = 0; j < Depth; j++)
        {
            var u = (float)((j * wa) + W0);
            var capacity = MathF.Round(MathF.Log(u / W0) / logWm, MidpointRounding.ToEven);
            var width = checked((int)(MathF.Round(W0 * MathF.Pow(wm, capacity) / 8f, MidpointRounding.ToEven) * 8));
            if (width != previous)
            {
                widths[n] = width;
                blocks[n] = 0;
                n++;
                previous = width;
            }

            blocks[n - 1]++;
        }

        // Make the bottleneck width a multiple of the group width (torchvision's _adjust_widths_groups_compatibilty).
        for (var i = 0; i < n; i++)
        {
            // At least one channel: a tiny ratio would otherwise leave a 0-wide conv and a division by zero.
            var bottleneck = Math.Max(1, (int)(widths[i] * BottleneckRatio));
            var g = Math.Min(GroupWidth, bottleneck);
            groups[i] = g;
            widths[i] = (int)(Channels.MakeDivisible(bottleneck, g) / BottleneckRatio);
        }

        return n;
    }
}

/// <summary>
/// RegNetX and RegNetY (Radosavovic et al. 2020, "Designing Network Design Spaces") as torchvision:
/// every network generated from <see cref="RegNetParameters"/> by the quantized linear rule.
/// </summary>
public static class RegNets
{
    internal const string Paper = "Radosavovic, Kosaraju, Girshick, He, Dollar. Designing Network Design Spaces. CVPR 2020 (arXiv 2003.13678)";

    /// <summary>torchvision's RegNet table: name to the rule's parameters (nothing else is stored).</summary>
    public static ImmutableArray<(string Name, RegNetParameters Parameters)> Table { get; } =
    [
        ("regnet_x_400mf", new(22, 24, 24.48, 2.54, 16)),
        ("regnet_x_800mf", new(16, 56, 35.73, 2.28, 16)),
        ("regnet_x_1_6gf", new(18, 80, 34.01, 2.25, 24)),
        ("regnet_x_3_2gf", new(25, 88, 26.31, 2.25, 48)),
        ("regnet_x_8gf", new(23, 80, 49.56, 2.88, 120)),
        ("regnet_x_16gf", new(22, 216, 55.59, 2.1, 128)),
        ("regnet_x_32gf", new(23, 320, 69.86, 2.0, 168)),
        ("regnet_y_400mf", new(16, 48, 27.89, 2.09, 8, SeRatio: 0.25)),
        ("regnet_y_800mf", new(14, 56, 38.84, 2.4, 16, SeRatio: 0.25)),
        ("regnet_y_1_6gf", new(27, 48, 20.71, 2.65, 24, SeRatio: 0.25)),
        ("regnet_y_3_2gf", new(21, 80, 42.63, 2.66, 24, SeRatio: 0.25)),
        ("regnet_y_8gf", new(17, 192, 76.82, 2.19, 56, SeRatio: 0.25)),
        ("regnet_y_16gf", new(18, 200, 106.23, 2.48, 112, SeRatio: 0.25)),
        ("regnet_y_32gf", new(20, 232, 115.89, 2.53, 232, SeRatio: 0.25)),
        ("regnet_y_128gf", new(27, 456, 160.83, 2.52, 264, SeRatio: 0.25)),
    ];

    /// <summary>
    /// The network the rule generates: a 3x3 stride-2 stem of 32 channels, stages of residual bottleneck
    /// blocks (1x1, grouped 3x3 with stride 2 in each stage's first block, optional SE squeezing to
    /// round(se_ratio x block input width), 1x1; a projection shortcut when the shape changes; ReLU after the
    /// sum, computed before the body as torchvision's <c>ResBottleneckBlock</c>), global pooling and the classifier. Names as torchvision (<c>trunk_output.block1.block1-0.f.b.0</c>).
    /// </summary>
    public static Network Build(string name, RegNetParameters parameters, int resolution = 224)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Guard.Positive(resolution, nameof(resolution));
        static Sequential ConvBn(int outChannels, int kernel, int stride, int groups, bool relu)
        {
            var conv = new Conv2d { OutChannels = outChannels, Kernel = kernel, Stride = stride, Padding = (kernel - 1) / 2, Groups = groups, HasBias = false };
            return relu ? new Sequential(conv, new BatchNorm2d(), new ReLU { Inplace = true }) : new Sequential(conv, new BatchNorm2d());
        }

        var stages = new List<Child>();
        var current = 32;
        var index = 0;
        foreach (var (width, blocks, groupWidth) in parameters.Stages())
        {
            index++;
            var stage = new List<Child>();
            for (var i = 0; i < blocks; i++)
            {
                var widthIn = i == 0 ? current : width;
                var stride = i == 0 ? 2 : 1;
                var bottleneck = (int)Math.Round(width * parameters.BottleneckRatio, MidpointRounding.ToEven);
                var f = new List<Child>
                {
                    new("a", ConvBn(bottleneck, 1, 1, 1, relu: true)),
                    new("b", ConvBn(bottleneck, 3, stride, bottleneck / groupWidth, relu: true)),
                };
                if (parameters.SeRatio > 0)
                {
                    var squeeze = (int)Math.Round(parameters.SeRatio * widthIn, MidpointRounding.ToEven);
                    f.Add(new("se", SqueezeExcitation.Create(bottleneck, squeeze, new ReLU())));
                }

                f.Add(new("c", ConvBn(width, 1, 1, 1, relu: false)));
                stage.Add(new($"block{index}-{i}", new Residual
                {
                    Body = Sequential.Of(("f", new Sequential(f))),
                    Shortcut = widthIn != width || stride != 1 ? ConvBn(width, 1, stride, 1, relu: false) : null,
                    ShortcutName = "proj",
                    ShortcutFirst = true,
                    After = Sequential.Of(("activation", new ReLU { Inplace = true })),
                }));
            }

            stages.Add(new($"block{index}", new Sequential(stage)));
            current = width;
        }

        var net = Sequential.Of(
            ("stem", ConvBn(32, 3, 2, 1, relu: true)),
            ("trunk_output", new Sequential(stages)),
            ("avgpool", AdaptiveAvgPool2d.Global),
            ("flatten", new Functional(Flatten.Instance)),
            ("fc", new Linear { OutFeatures = 1000 }));
        return Network.Create(name, net, TensorShape.Chw(3, resolution, resolution));
    }
}

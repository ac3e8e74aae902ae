using System.Globalization;
using System.Text;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Layers;
using CsCheck;

namespace CnnArch.Fuzz;

/// <summary>One step of a network built through the public API: a layer or a block with its settings.</summary>
public readonly record struct Step(int Kind, int A, int B, int C, int D)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Kind}:{A}:{B}:{C}:{D}";
}

/// <summary>
/// Random networks built through the public API: every layer kind and block, with extreme but
/// type-valid settings (channels and strides up to 2^24 and 2^31 - 1, pools larger than the map,
/// joins of earlier tensors of any shape).
/// </summary>
public static class ApiCases
{
    private static readonly int[] Sizes = [1, 2, 3, 5, 7, 11, 16, 64, 1 << 10, 1 << 20, int.MaxValue];
    private static readonly int[] Channels = [1, 2, 3, 8, 16, 64, 96, 1 << 12, 1 << 16, 1 << 24, int.MaxValue];
    private static readonly int[] Paddings = [0, 1, 2, 3, 5, 1 << 10, 1 << 20];
    private static readonly int[] Spatial = [1, 2, 7, 16, 32, 224, 1 << 12, 1 << 20, int.MaxValue];
    private const int Kinds = 26;

    /// <summary>An input shape (0-63 a 2-D map, 64-79 a 1-D signal, 80-95 a 3-D volume) and one to 24 steps.</summary>
    public static Gen<FuzzCase> Cases { get; } =
        Gen.Select(Gen.Int[0, 95], Gen.Select(Gen.Int[0, Kinds - 1], Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[0, 255], (k, a, b, c, d) => new Step(k, a, b, c, d)).Array[1, 24], (input, steps) =>
            new FuzzCase(CaseKind.Api, $"input {input} steps {string.Join(' ', steps)}", Encoding.UTF8.GetBytes($"input {input}\n{string.Join('\n', steps)}\n"), () => Build(input, steps)));

    /// <summary>Reads a case saved by <see cref="Cases"/> (a regression input) back.</summary>
    public static FuzzCase Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var input = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var steps = lines.Skip(1).Select(l => l.Split(':').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray()).Select(p => new Step(p[0], p[1], p[2], p[3], p[4])).ToArray();
        return new FuzzCase(CaseKind.Api, "saved", Encoding.UTF8.GetBytes(text), () => Build(input, steps));
    }

    // Three times in four one of the first (ordinary) values, else any: most networks are valid, some extreme.
    private static int Pick(int[] values, int i) => i % 4 != 0 ? values[(i / 4) % Math.Min(5, values.Length)] : values[(i / 4) % values.Length];

    private static double PickDouble(double[] values, int i) => values[i % values.Length];

    /// <summary>
    /// The network of an input choice and steps. Steps that would make the network invalid are left out
    /// seven times in eight (so most cases reach the analysis), and kept the eighth (so invalid networks
    /// are tried too); blocks that must keep the channels (residual, SE) get the current channel count.
    /// </summary>
    public static Network Build(int input, Step[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var channels = Pick([3, 1, 64, 1 << 16, int.MaxValue], input);
        var shape = input switch
        {
            < 64 => TensorShape.Chw(channels, Pick(Spatial, input / 5), Pick(Spatial, (input / 5) + (input % 3))),
            < 80 => TensorShape.Cl(channels, Pick([16000, 32000, 1, 2, 7, 256, 1 << 20, int.MaxValue], input / 3)),
            _ => TensorShape.Cdhw(channels, Pick([16, 1, 8, 64, 1 << 12], input / 3), Pick(Spatial, input / 5), Pick(Spatial, (input / 5) + (input % 3))),
        };
        var accepted = new List<Step>();
        var network = Chain(shape, accepted);
        foreach (var step in steps)
        {
            accepted.Add(step);
            var candidate = Chain(shape, accepted);
            try
            {
                _ = Analyzer.InferShapes(candidate, shape);
                network = candidate;
            }
            catch (InvalidNetworkException) when (step.D % 8 != 0)
            {
                accepted.RemoveAt(accepted.Count - 1);
            }
            catch (InvalidNetworkException)
            {
                return candidate;
            }
        }

        return network;
    }

    private static Network Chain(TensorShape shape, List<Step> steps)
    {
        var builder = new NetworkBuilder("api");
        var tensors = new List<Tensor> { builder.Input };
        var x = builder.Input;
        var current = shape;
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            var name = $"s{i}";
            x = s.Kind switch
            {
                20 => builder.AddFunctional(name, s.A % 3 == 0 ? Concat.Instance : s.A % 3 == 1 ? Add.Instance : Scale.Instance, x, tensors[s.B % tensors.Count]),
                21 => builder.AddFunctional(name, new Elementwise { Op = (ElementwiseOp)(s.A % 5) }, x, tensors[s.B % tensors.Count]),
                _ => builder.Add(name, Module(s, current), x),
            };
            tensors.Add(x);
            if (i < steps.Count - 1)
            {
                current = Analyzer.InferShapes(builder.Build(x, shape), shape)[^1];
            }
        }

        return builder.Build(x, shape);
    }

    private static Module Module(Step s, TensorShape current)
    {
        var (a, b, c, d) = (s.A, s.B, s.C, s.D);
        var channels = Pick(Channels, a);
        var same = current.Rank == 3 && a % 8 != 0 ? current.Channels : channels;
        return s.Kind switch
        {
            0 => new Conv2d
            {
                OutChannels = channels,
                Kernel = new SpatialSize(Pick(Sizes, b), Pick(Sizes, b / 11)),
                Stride = new SpatialSize(Pick(Sizes, c % 4), Pick(Sizes, c / 64)),
                Padding = SpatialPadding.Of2D(Pick(Paddings, d), Pick(Paddings, d / 7), Pick(Paddings, d / 49), Pick(Paddings, d)),
                Dilation = Pick([1, 1, 2, 3, 1 << 16], c / 4),
                Groups = Pick([1, 1, 2, 3, 4, channels], d / 3),
                HasBias = a % 2 == 0,
            },
            1 => new MaxPool2d { Kernel = Pick(Sizes, b), Stride = c % 3 == 0 ? null : Pick(Sizes, c), Padding = Pick(Paddings, d), CeilMode = d % 2 == 0, Dilation = Pick([1, 2, 1 << 12], a) },
            2 => new AvgPool2d { Kernel = Pick(Sizes, b), Stride = c % 3 == 0 ? null : Pick(Sizes, c), Padding = Pick(Paddings, d), CeilMode = d % 2 == 0, CountIncludePad = a % 2 == 0 },
            3 => new AdaptiveAvgPool2d { OutputSize = new SpatialSize(Pick(Spatial, b), Pick(Spatial, c)) },
            4 => new BatchNorm2d { Affine = a % 2 == 0, TrackRunningStats = b % 2 == 0 },
            5 => (a % 9) switch
            {
                0 => new ReLU(),
                1 => new ReLU6(),
                2 => new SiLU(),
                3 => new Sigmoid(),
                4 => new HardSwish(),
                5 => new GELU(),
                6 => new Tanh(),
                7 => new HardSigmoid(),
                _ => new LeakyReLU { NegativeSlope = 0.2 },
            },
            6 => new Residual
            {
                Body = new Sequential(new Conv2d { OutChannels = same, Kernel = Pick(Sizes, b % 4), Padding = Pick(Paddings, b % 4), Stride = Pick([1, 2], c) }, new BatchNorm2d(), new ReLU()),
                Shortcut = c % 2 == 0 ? null : new Conv2d { OutChannels = same, Kernel = 1, Stride = Pick([1, 2], c) },
                After = d % 2 == 0 ? new Sequential(new ReLU()) : null,
            },
            7 => new Inception(Enumerable.Range(0, 1 + (b % 4)).Select(i => new Child($"branch{i + 1}", new Conv2d { OutChannels = Pick(Channels, a + i), Kernel = Pick([1, 3, 5], c + i), Padding = Pick([0, 1, 2], c + i) }))),
            8 => SqueezeExcitation.Create(same, Pick(Channels, b)),
            9 => Flatten.Instance,
            10 => new Linear { OutFeatures = channels, HasBias = b % 2 == 0 },
            11 => new Dropout { P = 0.5 },
            12 => new Softmax { Axis = (b % 7) - 3 },
            13 => new ConvTranspose2d { OutChannels = channels, Kernel = Pick(Sizes, b % 6), Stride = Pick(Sizes, c % 6), Padding = Pick(Paddings, d % 4), Groups = Pick([1, 1, 2], d) },
            14 => new LocalResponseNorm { Size = Pick(Sizes, b) },
            15 => new Reshape { Dims = [Pick([-1, 1, 2, 3, 64, int.MaxValue], b), Pick([-1, 1, 4, 7], c)] },
            16 => new Pad { Before = [0, Pick(Paddings, b), Pick(Paddings, c)], After = [0, Pick(Paddings, d), 1] },
            17 => AdaptiveMaxPool2d.Global,
            18 => new Upsample { Size = new SpatialSize(Pick(Spatial, b), Pick(Spatial, c)), Mode = d % 2 == 0 ? InterpolationMode.Bilinear : InterpolationMode.Nearest },
            19 => new Sequential(Identity.Instance, new Functional(Flatten.Instance), new Linear { OutFeatures = Pick(Channels, b) }),
            _ => NdModule(s, current, channels),
        };
    }

    // Layers of the current map's rank (1-D, 2-D or 3-D; 2-D for anything else, so a wrong rank is tried too).
    private static Module NdModule(Step s, TensorShape current, int channels)
    {
        var (a, b, c, d) = (s.A, s.B, s.C, s.D);
        var rank = current.SpatialRank is >= 1 and <= 3 ? current.SpatialRank : 2;
        SpatialSize Axes(int[] values, int seed) => SpatialSize.Of([.. Enumerable.Range(0, rank).Select(i => Pick(values, seed + (7 * i)))]);
        var kernel = b % 3 == 0 ? SpatialSize.Uniform(Pick(Sizes, b)) : Axes(Sizes, b);
        var stride = c % 3 == 0 ? SpatialSize.Uniform(Pick(Sizes, c % 4)) : Axes([1, 1, 2, 3, int.MaxValue], c);
        var padding = d % 2 == 0 ? SpatialPadding.Uniform(Pick(Paddings, d)) : SpatialPadding.Symmetric([.. Enumerable.Range(0, rank).Select(i => Pick(Paddings, d + i))]);
        return (s.Kind, rank) switch
        {
            (22, 1) => new Conv1d { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding, Groups = Pick([1, 1, 2, channels], d / 3) },
            (22, 2) => new Conv2d { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding, Groups = Pick([1, 1, 2, channels], d / 3) },
            (22, _) => new Conv3d { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding, Groups = Pick([1, 1, 2, channels], d / 3) },
            (23, 1) => a % 2 == 0 ? new MaxPool1d { Kernel = kernel, Stride = stride, CeilMode = d % 2 == 0 } : new AvgPool1d { Kernel = kernel, Padding = padding },
            (23, 2) => a % 2 == 0 ? new MaxPool2d { Kernel = kernel, Stride = stride, CeilMode = d % 2 == 0 } : new AvgPool2d { Kernel = kernel, Padding = padding },
            (23, _) => a % 2 == 0 ? new MaxPool3d { Kernel = kernel, Stride = stride, CeilMode = d % 2 == 0 } : new AvgPool3d { Kernel = kernel, Padding = padding },
            (24, 1) => (a % 3) switch { 0 => new BatchNorm1d(), 1 => new InstanceNorm1d { Affine = b % 2 == 0 }, _ => new GroupNorm { Groups = Pick([1, 2, 4, 32], b) } },
            (24, 2) => (a % 3) switch { 0 => new BatchNorm2d(), 1 => new InstanceNorm2d { Affine = b % 2 == 0 }, _ => new GroupNorm { Groups = Pick([1, 2, 4, 32], b) } },
            (24, _) => (a % 3) switch { 0 => new BatchNorm3d(), 1 => new InstanceNorm3d { Affine = b % 2 == 0 }, _ => new GroupNorm { Groups = Pick([1, 2, 4, 32], b) } },
            (_, 1) => (a % 4) switch
            {
                0 => new ConvTranspose1d { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding },
                1 => new Upsample { ScaleFactor = [PickDouble([2, 0.5, 3, 1e-9, 1e9], c)], Mode = d % 2 == 0 ? InterpolationMode.Linear : InterpolationMode.Nearest },
                2 => new AdaptiveMaxPool1d { OutputSize = kernel },
                _ => new PReLU { NumParameters = b % 2 == 0 ? 1 : current.Rank > 0 ? current.Channels : 1 },
            },
            (_, 2) => (a % 4) switch
            {
                0 => new ConvTranspose2d { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding },
                1 => new Upsample { Size = kernel, Mode = d % 3 == 0 ? InterpolationMode.Bicubic : InterpolationMode.Bilinear },
                2 => new PixelShuffle { UpscaleFactor = Pick([1, 2, 3, 1 << 16], b) },
                _ => new AdaptiveAvgPool2d { OutputSize = kernel },
            },
            (_, _) => (a % 3) switch
            {
                0 => new ConvTranspose3d { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding },
                1 => new Upsample { ScaleFactor = [PickDouble([2, 0.5, 3, 1e-9, 1e9], c)], Mode = d % 2 == 0 ? InterpolationMode.Trilinear : InterpolationMode.Nearest },
                _ => new AdaptiveAvgPool3d { OutputSize = kernel },
            },
        };
    }
}

using System.Collections.Immutable;
using System.Text.Json.Serialization;
using CnnArch.Layers;

// The one list of layer kinds: the registry every analysis and the spec reader consult, and the
// compile-time JSON metadata the source generator needs for each kind's spec form. A new kind is a
// line in each, next to each other.
namespace CnnArch.Layers
{
    /// <summary>
    /// A layer kind as spec files, conventions and reports name it: its name, its type, its defaults (an
    /// instance with every optional setting at its default, from which spec files fill what they leave
    /// out) and an example (a valid instance, which the tests walk through every analysis).
    /// </summary>
    public sealed class LayerKind
    {
        internal LayerKind(Layer defaults, Layer? example = null, params string[] aliases)
        {
            Defaults = defaults;
            Example = example ?? defaults;
            Type = defaults.GetType();
            Name = defaults is Elementwise or Opaque ? Type.Name : defaults.Kind;
            Aliases = [.. aliases];
        }

        /// <summary>The kind's name: what reports show (Conv2d, Hardswish, AdaptiveMaxPool2d) and spec files write in "type".</summary>
        public string Name { get; }

        /// <summary>The layer type.</summary>
        public Type Type { get; }

        /// <summary>Other names spec files may use (the class name where the kind differs, names of earlier versions).</summary>
        public ImmutableArray<string> Aliases { get; }

        /// <summary>Every optional setting at its default, every required one at a placeholder.</summary>
        public Layer Defaults { get; }

        /// <summary>A valid instance of the kind.</summary>
        public Layer Example { get; }

        /// <summary>The name.</summary>
        public override string ToString() => Name;
    }

    /// <summary>Every built-in layer kind; a test fails when a <see cref="Layer"/> type is missing here.</summary>
    public static class LayerKinds
    {
        /// <summary>Every built-in kind, grouped by family.</summary>
        public static ImmutableArray<LayerKind> All { get; } =
        [
            new(new Conv1d { OutChannels = 1 }),
            new(new Conv2d { OutChannels = 1 }),
            new(new Conv3d { OutChannels = 1 }),
            new(new ConvTranspose1d { OutChannels = 1 }),
            new(new ConvTranspose2d { OutChannels = 1 }),
            new(new ConvTranspose3d { OutChannels = 1 }),
            new(new MaxPool1d { Kernel = 1 }),
            new(new MaxPool2d { Kernel = 1 }),
            new(new MaxPool3d { Kernel = 1 }),
            new(new AvgPool1d { Kernel = 1 }),
            new(new AvgPool2d { Kernel = 1 }),
            new(new AvgPool3d { Kernel = 1 }),
            new(new AdaptiveAvgPool1d { OutputSize = 1 }),
            new(new AdaptiveAvgPool2d { OutputSize = 1 }),
            new(new AdaptiveAvgPool3d { OutputSize = 1 }),
            new(new AdaptiveMaxPool1d { OutputSize = 1 }),
            new(new AdaptiveMaxPool2d { OutputSize = 1 }, null, "GlobalMaxPool2d"),
            new(new AdaptiveMaxPool3d { OutputSize = 1 }),
            new(new Linear { OutFeatures = 1 }),
            new(new Flatten()),
            new(new Dropout()),
            new(new Identity()),
            new(new StochasticDepth(), new StochasticDepth { P = 0.1 }),
            new(new BatchNorm1d()),
            new(new BatchNorm2d()),
            new(new BatchNorm3d()),
            new(new InstanceNorm1d()),
            new(new InstanceNorm2d()),
            new(new InstanceNorm3d()),
            new(new GroupNorm { Groups = 1 }),
            new(new LayerNorm()),
            new(new LocalResponseNorm { Size = 1 }),
            new(new ReLU()),
            new(new ReLU6()),
            new(new Sigmoid()),
            new(new HardSigmoid()),
            new(new HardSwish()),
            new(new SiLU()),
            new(new LeakyReLU()),
            new(new PReLU()),
            new(new Tanh()),
            new(new Erf()),
            new(new GELU()),
            new(new Clip()),
            new(new Softmax()),
            new(new Add()),
            new(new Concat()),
            new(new Scale()),
            new(new LayerScale()),
            new(new Elementwise { Op = default }),
            new(new MatMul()),
            new(new ScaledDotProductAttention()),
            new(new MultiheadAttention { Heads = 1 }, new MultiheadAttention { Heads = 2 }),
            new(new ClassToken()),
            new(new PositionalEmbedding()),
            new(new PositionalEncoding { Temporal = 1, Height = 1, Width = 1 }, new PositionalEncoding { Temporal = 1, Height = 2, Width = 2 }),
            new(new DecomposedRelativePosition { QueryGrid = [1, 1, 1], KeyGrid = [1, 1, 1] }, new DecomposedRelativePosition { QueryGrid = [1, 1, 3], KeyGrid = [1, 1, 2] }),
            new(new RelativePositionBias { Size = 1 }, new RelativePositionBias { Size = 2 }),
            new(new WindowPartition { Size = 1 }, new WindowPartition { Size = 2 }),
            new(new WindowDepartition { Size = 1, Rows = 1 }, new WindowDepartition { Size = 2, Rows = 1 }),
            new(new Reshape { Dims = [1] }),
            new(new Transpose { Perm = [0] }),
            new(new Slice { Ranges = [] }),
            new(new Pad { Before = [0], After = [0] }),
            new(new Roll { Shifts = [0], Axes = [0] }, new Roll { Shifts = [-1], Axes = [0] }),
            new(new StoredTensor { Dims = [1] }, new StoredTensor { Dims = [9, 2] }),
            new(new RelativePositionGather(), new RelativePositionGather { WindowSize = [1, 1] }),
            new(new Upsample(), new Upsample { ScaleFactor = [2] }, "Resize"),
            new(new PixelShuffle { UpscaleFactor = 1 }),
            new(new MaxUnpool2d { Kernel = 1 }, new MaxUnpool2d { Kernel = 2 }),
            new(new ReduceMean { Axes = [0] }),
            new(new Opaque { Operator = "Opaque" }),
        ];

        private static readonly ImmutableDictionary<string, LayerKind> ByName = All
            .SelectMany(k => k.Aliases.Prepend(k.Name).Select(name => (name, k)))
            .ToImmutableDictionary(p => p.name, p => p.k, StringComparer.OrdinalIgnoreCase);

        private static readonly ImmutableDictionary<Type, LayerKind> ByType = All.ToImmutableDictionary(k => k.Type);

        /// <summary>The kind named <paramref name="name"/> (or one of its aliases), case-insensitive; null when there is none.</summary>
        public static LayerKind? Find(string name) => ByName.GetValueOrDefault(name);

        /// <summary>The kind of a built-in layer type; null for a type of the user's own.</summary>
        public static LayerKind? Of(Type layerType) => ByType.GetValueOrDefault(layerType);

        /// <summary>The name of a layer type as reports write it: the kind's name, or the class name for a family (Convolution) or a user's type.</summary>
        public static string NameOf(Type layerType)
        {
            ArgumentNullException.ThrowIfNull(layerType);
            return Of(layerType)?.Name ?? layerType.Name;
        }
    }
}

namespace CnnArch.Spec
{
    /// <summary>
    /// Compile-time JSON metadata for every layer a spec file can hold, so that reading and writing specs
    /// needs no reflection (NativeAOT and trimming keep working). The options themselves are
    /// <see cref="SpecFormat.Options"/>; the layer list is <see cref="LayerKinds.All"/>, checked equal by a test.
    /// </summary>
    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        IgnoreReadOnlyProperties = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UseStringEnumConverter = true)]
    [JsonSerializable(typeof(int[]))]
    [JsonSerializable(typeof(Conv1d))]
    [JsonSerializable(typeof(Conv2d))]
    [JsonSerializable(typeof(Conv3d))]
    [JsonSerializable(typeof(ConvTranspose1d))]
    [JsonSerializable(typeof(ConvTranspose2d))]
    [JsonSerializable(typeof(ConvTranspose3d))]
    [JsonSerializable(typeof(MaxPool1d))]
    [JsonSerializable(typeof(MaxPool2d))]
    [JsonSerializable(typeof(MaxPool3d))]
    [JsonSerializable(typeof(AvgPool1d))]
    [JsonSerializable(typeof(AvgPool2d))]
    [JsonSerializable(typeof(AvgPool3d))]
    [JsonSerializable(typeof(AdaptiveAvgPool1d))]
    [JsonSerializable(typeof(AdaptiveAvgPool2d))]
    [JsonSerializable(typeof(AdaptiveAvgPool3d))]
    [JsonSerializable(typeof(AdaptiveMaxPool1d))]
    [JsonSerializable(typeof(AdaptiveMaxPool2d))]
    [JsonSerializable(typeof(AdaptiveMaxPool3d))]
    [JsonSerializable(typeof(Linear))]
    [JsonSerializable(typeof(Flatten))]
    [JsonSerializable(typeof(Dropout))]
    [JsonSerializable(typeof(Identity))]
    [JsonSerializable(typeof(StochasticDepth))]
    [JsonSerializable(typeof(BatchNorm1d))]
    [JsonSerializable(typeof(BatchNorm2d))]
    [JsonSerializable(typeof(BatchNorm3d))]
    [JsonSerializable(typeof(InstanceNorm1d))]
    [JsonSerializable(typeof(InstanceNorm2d))]
    [JsonSerializable(typeof(InstanceNorm3d))]
    [JsonSerializable(typeof(GroupNorm))]
    [JsonSerializable(typeof(LayerNorm))]
    [JsonSerializable(typeof(LocalResponseNorm))]
    [JsonSerializable(typeof(ReLU))]
    [JsonSerializable(typeof(ReLU6))]
    [JsonSerializable(typeof(Sigmoid))]
    [JsonSerializable(typeof(HardSigmoid))]
    [JsonSerializable(typeof(HardSwish))]
    [JsonSerializable(typeof(SiLU))]
    [JsonSerializable(typeof(LeakyReLU))]
    [JsonSerializable(typeof(PReLU))]
    [JsonSerializable(typeof(Tanh))]
    [JsonSerializable(typeof(Erf))]
    [JsonSerializable(typeof(GELU))]
    [JsonSerializable(typeof(Clip))]
    [JsonSerializable(typeof(Softmax))]
    [JsonSerializable(typeof(Add))]
    [JsonSerializable(typeof(Concat))]
    [JsonSerializable(typeof(Scale))]
    [JsonSerializable(typeof(LayerScale))]
    [JsonSerializable(typeof(Elementwise))]
    [JsonSerializable(typeof(MatMul))]
    [JsonSerializable(typeof(ScaledDotProductAttention))]
    [JsonSerializable(typeof(MultiheadAttention))]
    [JsonSerializable(typeof(ClassToken))]
    [JsonSerializable(typeof(PositionalEmbedding))]
    [JsonSerializable(typeof(PositionalEncoding))]
    [JsonSerializable(typeof(DecomposedRelativePosition))]
    [JsonSerializable(typeof(RelativePositionBias))]
    [JsonSerializable(typeof(WindowPartition))]
    [JsonSerializable(typeof(WindowDepartition))]
    [JsonSerializable(typeof(Reshape))]
    [JsonSerializable(typeof(Transpose))]
    [JsonSerializable(typeof(Slice))]
    [JsonSerializable(typeof(Pad))]
    [JsonSerializable(typeof(Roll))]
    [JsonSerializable(typeof(StoredTensor))]
    [JsonSerializable(typeof(RelativePositionGather))]
    [JsonSerializable(typeof(Upsample))]
    [JsonSerializable(typeof(PixelShuffle))]
    [JsonSerializable(typeof(MaxUnpool2d))]
    [JsonSerializable(typeof(ReduceMean))]
    [JsonSerializable(typeof(Opaque))]
    internal sealed partial class SpecJsonContext : JsonSerializerContext;
}

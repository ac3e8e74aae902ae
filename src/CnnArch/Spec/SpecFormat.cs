using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CnnArch.Analysis;
using CnnArch.Layers;

namespace CnnArch.Spec;

/// <summary>A spec file that cannot be read: the message names the JSON path and line of the bad value.</summary>
public sealed class SpecException : FormatException
{
    /// <summary>Creates the exception for the value at <paramref name="jsonPath"/> on <paramref name="line"/> of <paramref name="file"/>.</summary>
    public SpecException(string jsonPath, int line, string problem, Exception? inner = null, string? file = null)
        : base($"{(file is null ? "" : file + ": ")}{Shorten(jsonPath)} (line {line}): {Shorten(problem)}", inner)
    {
        JsonPath = jsonPath;
        Line = line;
        Problem = problem;
        File = file;
    }

    // A message stays readable whatever the document holds: long paths and quoted values are cut in the middle.
    private static string Shorten(string text) => text.Length <= 240 ? text : $"{text[..160]}...{text[^77..]}";

    /// <summary>The spec file, when known.</summary>
    public string? File { get; }

    /// <summary>Where the bad value is: <c>$.layers[3].kernel</c>.</summary>
    public string JsonPath { get; }

    /// <summary>The 1-based line of the bad value.</summary>
    public int Line { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}

/// <summary>How layers are written in spec files: camelCase properties, unknown ones rejected, sizes as numbers or pairs.</summary>
internal static class SpecFormat
{
    public const int Version = 1;

    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Layer types by their spec name (the class name, or the kind where it differs), case-insensitive.</summary>
    public static ImmutableDictionary<string, Type> LayerTypes { get; } =
        Conventions.BuiltInLayerTypes.Append(typeof(Opaque))
            .SelectMany(t => new[] { (t.Name, t), (Conventions.KindOf(t), t) })
            .DistinctBy(p => p.Item1, StringComparer.OrdinalIgnoreCase)
            .ToImmutableDictionary(p => p.Item1, p => p.t, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// One instance of each layer type with every optional property at its default and every required
    /// one at a placeholder. The source generator sets an init-only property missing from the JSON to
    /// default(T), not to its initializer (dotnet/runtime#84484), so the reader fills missing optional
    /// properties from these before deserializing; required ones are never filled.
    /// </summary>
    private static readonly ImmutableDictionary<Type, Func<Layer>> Prototypes = new Dictionary<Type, Func<Layer>>
    {
        [typeof(Conv2d)] = () => new Conv2d { OutChannels = 1 },
        [typeof(MaxPool2d)] = () => new MaxPool2d { Kernel = 1 },
        [typeof(AvgPool2d)] = () => new AvgPool2d { Kernel = 1 },
        [typeof(AdaptiveAvgPool2d)] = () => new AdaptiveAvgPool2d { OutputSize = 1 },
        [typeof(Linear)] = () => new Linear { OutFeatures = 1 },
        [typeof(Flatten)] = () => new Flatten(),
        [typeof(BatchNorm2d)] = () => new BatchNorm2d(),
        [typeof(LocalResponseNorm)] = () => new LocalResponseNorm { Size = 1 },
        [typeof(Dropout)] = () => new Dropout(),
        [typeof(Identity)] = () => new Identity(),
        [typeof(ReLU)] = () => new ReLU(),
        [typeof(ReLU6)] = () => new ReLU6(),
        [typeof(Sigmoid)] = () => new Sigmoid(),
        [typeof(HardSigmoid)] = () => new HardSigmoid(),
        [typeof(HardSwish)] = () => new HardSwish(),
        [typeof(SiLU)] = () => new SiLU(),
        [typeof(Softmax)] = () => new Softmax(),
        [typeof(Add)] = () => new Add(),
        [typeof(Concat)] = () => new Concat(),
        [typeof(Scale)] = () => new Scale(),
        [typeof(ConvTranspose2d)] = () => new ConvTranspose2d { OutChannels = 1 },
        [typeof(MatMul)] = () => new MatMul(),
        [typeof(Elementwise)] = () => new Elementwise { Op = default },
        [typeof(ReduceMean)] = () => new ReduceMean { Axes = [0] },
        [typeof(GlobalMaxPool2d)] = () => new GlobalMaxPool2d(),
        [typeof(LayerNorm)] = () => new LayerNorm(),
        [typeof(InstanceNorm2d)] = () => new InstanceNorm2d(),
        [typeof(LeakyReLU)] = () => new LeakyReLU(),
        [typeof(Tanh)] = () => new Tanh(),
        [typeof(Erf)] = () => new Erf(),
        [typeof(GELU)] = () => new GELU(),
        [typeof(Clip)] = () => new Clip(),
        [typeof(Reshape)] = () => new Reshape { Dims = [1] },
        [typeof(Transpose)] = () => new Transpose { Perm = [0] },
        [typeof(Slice)] = () => new Slice { Ranges = [] },
        [typeof(Pad)] = () => new Pad { Before = [0], After = [0] },
        [typeof(Resize)] = () => new Resize { OutputSize = 1 },
        [typeof(Opaque)] = () => new Opaque { Operator = "Opaque" },
    }.ToImmutableDictionary();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ImmutableArray<KeyValuePair<string, JsonNode?>>> DefaultsCache = new();

    /// <summary>The optional properties of <paramref name="layerType"/> with their default values, as the spec writes them.</summary>
    public static ImmutableArray<KeyValuePair<string, JsonNode?>> Defaults(Type layerType) => DefaultsCache.GetOrAdd(layerType, static type =>
    {
        var info = Options.GetTypeInfo(type);
        var required = info.Properties.Where(p => p.IsRequired).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var prototype = JsonSerializer.SerializeToNode(Prototypes[type](), info)!.AsObject();
        return [.. prototype.Where(p => !required.Contains(p.Key))];
    });

    /// <summary>The layer types that have a prototype (a test checks that every spec type has one).</summary>
    public static IEnumerable<Type> PrototypeTypes => Prototypes.Keys;

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            IgnoreReadOnlyProperties = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            IncludeFields = true,
            WriteIndented = false,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            // Deeper than any document the reader accepts, so a too-deep value is a JsonException (a SpecException), never a writer failure.
            MaxDepth = 2 * SpecReader.MaxDepth,
            // Compile-time metadata (SpecJsonContext): no reflection, so NativeAOT reads and writes specs.
            TypeInfoResolver = SpecJsonContext.Default,
        };
        o.Converters.Add(new Size2DConverter());
        o.Converters.Add(new Padding2DConverter());
        o.Converters.Add(new TensorShapeConverter());
        o.Converters.Add(new JsonStringEnumConverter<ElementwiseOp>());
        return o;
    }

    private static JsonTypeInfo<int[]> IntArray(JsonSerializerOptions options) => (JsonTypeInfo<int[]>)options.GetTypeInfo(typeof(int[]));

    /// <summary>3 for a square size, [3, 5] otherwise.</summary>
    private sealed class Size2DConverter : JsonConverter<Size2D>
    {
        public override Size2D Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                return reader.GetInt32();
            }

            var values = JsonSerializer.Deserialize(ref reader, IntArray(options));
            return values is [var h, var w] ? new Size2D(h, w) : throw new JsonException("expected a number or [height, width]");
        }

        public override void Write(Utf8JsonWriter writer, Size2D value, JsonSerializerOptions options)
        {
            if (value.Height == value.Width)
            {
                writer.WriteNumberValue(value.Height);
                return;
            }

            writer.WriteStartArray();
            writer.WriteNumberValue(value.Height);
            writer.WriteNumberValue(value.Width);
            writer.WriteEndArray();
        }
    }

    /// <summary>1 for the same padding on every side, [vertical, horizontal], or [top, bottom, left, right].</summary>
    private sealed class Padding2DConverter : JsonConverter<Padding2D>
    {
        public override Padding2D Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                return reader.GetInt32();
            }

            return JsonSerializer.Deserialize(ref reader, IntArray(options)) switch
            {
                [var v, var h] => Padding2D.Symmetric(v, h),
                [var t, var b, var l, var r] => new Padding2D(t, b, l, r),
                _ => throw new JsonException("expected a number, [vertical, horizontal] or [top, bottom, left, right]"),
            };
        }

        public override void Write(Utf8JsonWriter writer, Padding2D value, JsonSerializerOptions options)
        {
            if (value.Top == value.Bottom && value.Left == value.Right && value.Top == value.Left)
            {
                writer.WriteNumberValue(value.Top);
                return;
            }

            writer.WriteStartArray();
            foreach (var v in new[] { value.Top, value.Bottom, value.Left, value.Right })
            {
                writer.WriteNumberValue(v);
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>A shape as its dimensions: [64, 1, 1].</summary>
    private sealed class TensorShapeConverter : JsonConverter<TensorShape>
    {
        public override TensorShape Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TensorShape.Of(JsonSerializer.Deserialize(ref reader, IntArray(options)) ?? throw new JsonException("expected dimensions"));

        public override void Write(Utf8JsonWriter writer, TensorShape value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Dims.ToArray(), IntArray(options));
    }
}

/// <summary>
/// The line of a JSON path in a document, looked up only when an error is reported: one pass of the
/// reader that follows the path segment by segment (no string per value), so a large or deeply nested
/// document costs time linear in its size and no memory beyond the reader's.
/// </summary>
internal static class LineIndex
{
    /// <summary>The 1-based line of <paramref name="path"/> (as the reader writes paths: <c>$.layers[3].kernel</c>), or of its nearest enclosing value.</summary>
    public static int Of(byte[] utf8, string path)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = SpecReader.MaxDepth });
        // Per open container: how many characters of the path it matches (-1: none), the next array
        // index, and whether it is an array. The root matches "$".
        var stack = new Stack<(int Matched, int Index, bool IsArray)>();
        int best = 1, line = 1, scanned = 0;
        var property = "";
        int LineAt(long offset)
        {
            for (; scanned < offset && scanned < utf8.Length; scanned++)
            {
                if (utf8[scanned] == (byte)'\n')
                {
                    line++;
                }
            }

            return line;
        }

        // How many characters of the path the next value matches, given its container (-1 when none).
        int Next(string name)
        {
            if (stack.Count == 0)
            {
                return path.StartsWith('$') ? 1 : -1;
            }

            var (matched, index, isArray) = stack.Pop();
            stack.Push((matched, index + 1, isArray));
            if (matched < 0)
            {
                return -1;
            }

            var segment = isArray ? $"[{index}]" : $".{name}";
            return path.AsSpan(matched).StartsWith(segment, StringComparison.Ordinal) ? matched + segment.Length : -1;
        }

        void Found(int matched, long offset)
        {
            // A prefix ending at a segment boundary is an enclosing value; the whole path is the value itself.
            if (matched > 0 && (matched == path.Length || path[matched] is '.' or '['))
            {
                best = LineAt(offset);
            }
        }

        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString()!;
                        var (m, _, _) = stack.Peek();
                        var segment = $".{property}";
                        if (m >= 0 && path.AsSpan(m).StartsWith(segment, StringComparison.Ordinal))
                        {
                            Found(m + segment.Length, reader.TokenStartIndex);
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        var matched = Next(property);
                        Found(matched, reader.TokenStartIndex);
                        stack.Push((matched, 0, reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        stack.Pop();
                        break;
                    default:
                        Found(Next(property), reader.TokenStartIndex);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // The document was read once already; a reader that stops early keeps the best line so far.
        }

        return best;
    }
}

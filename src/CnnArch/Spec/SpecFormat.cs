using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
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

    /// <summary>The layer kind a spec's "type" names (its name, class name or an alias), case-insensitive; null when none.</summary>
    public static LayerKind? Kind(string type) => LayerKinds.Find(type);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ImmutableArray<KeyValuePair<string, JsonNode?>>> DefaultsCache = new();

    /// <summary>
    /// The optional properties of <paramref name="layerType"/> with their default values, as the spec
    /// writes them. The source generator sets an init-only property missing from the JSON to default(T),
    /// not to its initializer (dotnet/runtime#84484), so the reader fills missing optional properties
    /// from the kind's defaults (<see cref="LayerKind.Defaults"/>) before deserializing; required ones are never filled.
    /// </summary>
    public static ImmutableArray<KeyValuePair<string, JsonNode?>> Defaults(Type layerType) => DefaultsCache.GetOrAdd(layerType, static type =>
    {
        var info = Options.GetTypeInfo(type);
        var required = info.Properties.Where(p => p.IsRequired).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var defaults = LayerKinds.Of(type)?.Defaults ?? throw new InvalidOperationException($"{type.Name} is no registered layer kind.");
        var prototype = JsonSerializer.SerializeToNode(defaults, info)!.AsObject();
        return [.. prototype.Where(p => !required.Contains(p.Key))];
    });

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
        o.Converters.Add(new SpatialSizeConverter());
        o.Converters.Add(new SpatialPaddingConverter());
        o.Converters.Add(new TensorShapeConverter());
        o.Converters.Add(new JsonStringEnumConverter<ElementwiseOp>());
        return o;
    }

    private static JsonTypeInfo<int[]> IntArray(JsonSerializerOptions options) => (JsonTypeInfo<int[]>)options.GetTypeInfo(typeof(int[]));

    /// <summary>3 for the same extent along every axis, else one number per axis: [1, 7], [3, 7, 7]; the layer checks the count against its rank.</summary>
    private sealed class SpatialSizeConverter : JsonConverter<SpatialSize>
    {
        public override SpatialSize Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                return reader.GetInt32();
            }

            var values = JsonSerializer.Deserialize(ref reader, IntArray(options));
            return values is { Length: >= 1 and <= SpatialSize.MaxRank } ? SpatialSize.Of(values) : throw new JsonException($"expected a number or a list of 1 to {SpatialSize.MaxRank} numbers (one per spatial axis)");
        }

        public override void Write(Utf8JsonWriter writer, SpatialSize value, JsonSerializerOptions options)
        {
            if (value.IsSquare)
            {
                writer.WriteNumberValue(value[0]);
                return;
            }

            writer.WriteStartArray();
            for (var i = 0; i < value.Rank; i++)
            {
                writer.WriteNumberValue(value[i]);
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>
    /// 1 for the same padding on every side, one number per axis ([vertical, horizontal] in 2-D), or
    /// before and after each axis in turn ([top, bottom, left, right] in 2-D); the layer resolves the
    /// list by its rank.
    /// </summary>
    private sealed class SpatialPaddingConverter : JsonConverter<SpatialPadding>
    {
        public override SpatialPadding Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                return reader.GetInt32();
            }

            var values = JsonSerializer.Deserialize(ref reader, IntArray(options));
            return values is { Length: >= 1 and <= 2 * SpatialSize.MaxRank }
                ? SpatialPadding.Listed(values)
                : throw new JsonException("expected a number, one number per axis, or before and after each axis");
        }

        public override void Write(Utf8JsonWriter writer, SpatialPadding value, JsonSerializerOptions options)
        {
            if (value.IsUniform)
            {
                writer.WriteNumberValue(value.Before(0));
                return;
            }

            writer.WriteStartArray();
            for (var i = 0; i < value.Rank; i++)
            {
                writer.WriteNumberValue(value.Before(i));
                writer.WriteNumberValue(value.After(i));
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
        var search = new PathSearch(utf8, path);
        var property = "";
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString()!;
                        search.Property(property, reader.TokenStartIndex);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        search.Open(property, reader.TokenType == JsonTokenType.StartArray, reader.TokenStartIndex);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        search.Close();
                        break;
                    default:
                        search.Value(property, reader.TokenStartIndex);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // The document was read once already; a reader that stops early keeps the best line so far.
        }

        return search.Best;
    }

    // The state of one search for a path, fed the reader's tokens in order: the open containers, the best line so far.
    private sealed class PathSearch(byte[] utf8, string path)
    {
        // Per open container: how many characters of the path it matches (-1: none), the next array
        // index, and whether it is an array. The root matches "$".
        private readonly Stack<(int Matched, int Index, bool IsArray)> _stack = new();
        private int _line = 1, _scanned;

        // The line of the path's value, or of its nearest enclosing value found so far (1 when none).
        public int Best { get; private set; } = 1;

        // A property name: found when the path continues with it.
        public void Property(string property, long offset)
        {
            var (m, _, _) = _stack.Peek();
            var segment = $".{property}";
            if (m >= 0 && path.AsSpan(m).StartsWith(segment, StringComparison.Ordinal))
            {
                Found(m + segment.Length, offset);
            }
        }

        // An object or array opens, as the value of the last property (or the next item of an array).
        public void Open(string property, bool isArray, long offset)
        {
            var matched = Next(property);
            Found(matched, offset);
            _stack.Push((matched, 0, isArray));
        }

        // An object or array closes.
        public void Close() => _stack.Pop();

        // A plain value, of the last property (or the next item of an array).
        public void Value(string property, long offset) => Found(Next(property), offset);

        // The line of a byte offset, counting newlines from where the last count stopped (offsets only grow).
        private int LineAt(long offset)
        {
            for (; _scanned < offset && _scanned < utf8.Length; _scanned++)
            {
                if (utf8[_scanned] == (byte)'\n')
                {
                    _line++;
                }
            }

            return _line;
        }

        // How many characters of the path the next value matches, given its container (-1 when none).
        private int Next(string name)
        {
            if (_stack.Count == 0)
            {
                return path.StartsWith('$') ? 1 : -1;
            }

            var (matched, index, isArray) = _stack.Pop();
            _stack.Push((matched, index + 1, isArray));
            if (matched < 0)
            {
                return -1;
            }

            var segment = isArray ? $"[{index}]" : $".{name}";
            return path.AsSpan(matched).StartsWith(segment, StringComparison.Ordinal) ? matched + segment.Length : -1;
        }

        // Keeps the line of a value whose path is the wanted one or encloses it.
        private void Found(int matched, long offset)
        {
            // A prefix ending at a segment boundary is an enclosing value; the whole path is the value itself.
            if (matched > 0 && (matched == path.Length || path[matched] is '.' or '['))
            {
                Best = LineAt(offset);
            }
        }
    }
}

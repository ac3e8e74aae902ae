using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using CnnArch.Analysis;
using CnnArch.Layers;

namespace CnnArch.Spec;

/// <summary>A spec file that cannot be read: the message names the JSON path and line of the bad value.</summary>
public sealed class SpecException : FormatException
{
    /// <summary>Creates the exception for the value at <paramref name="jsonPath"/> on <paramref name="line"/> of <paramref name="file"/>.</summary>
    public SpecException(string jsonPath, int line, string problem, Exception? inner = null, string? file = null)
        : base($"{(file is null ? "" : file + ": ")}{jsonPath} (line {line}): {problem}", inner)
    {
        JsonPath = jsonPath;
        Line = line;
        Problem = problem;
        File = file;
    }

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
        };
        o.Converters.Add(new Size2DConverter());
        o.Converters.Add(new Padding2DConverter());
        o.Converters.Add(new TensorShapeConverter());
        o.Converters.Add(new JsonStringEnumConverter());
        return o;
    }

    /// <summary>3 for a square size, [3, 5] otherwise.</summary>
    private sealed class Size2DConverter : JsonConverter<Size2D>
    {
        public override Size2D Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                return reader.GetInt32();
            }

            var values = JsonSerializer.Deserialize<int[]>(ref reader, options);
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

            return JsonSerializer.Deserialize<int[]>(ref reader, options) switch
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
            TensorShape.Of(JsonSerializer.Deserialize<int[]>(ref reader, options) ?? throw new JsonException("expected dimensions"));

        public override void Write(Utf8JsonWriter writer, TensorShape value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Dims.ToArray(), options);
    }
}

/// <summary>Line numbers of every JSON path in a document, found by one pass of the reader.</summary>
internal sealed class LineIndex
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public LineIndex(byte[] utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = SpecReader.MaxDepth });
        var stack = new Stack<(string Path, int Index, bool IsArray)>();
        string? property = null;
        var line = 1;
        var scanned = 0;
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

        string Next()
        {
            if (stack.Count == 0)
            {
                return "$";
            }

            var (path, index, isArray) = stack.Pop();
            stack.Push((path, index + 1, isArray));
            return isArray ? $"{path}[{index}]" : $"{path}.{property}";
        }

        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = reader.GetString();
                    Add($"{stack.Peek().Path}.{property}", LineAt(reader.TokenStartIndex));
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var path = Next();
                    Add(path, LineAt(reader.TokenStartIndex));
                    stack.Push((path, 0, reader.TokenType == JsonTokenType.StartArray));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    stack.Pop();
                    break;
                default:
                    Add(Next(), LineAt(reader.TokenStartIndex));
                    break;
            }
        }
    }

    // Paths of a deeply nested document are long: stop recording once they would take too much memory
    // (later values then report the line of an enclosing one, or line 1).
    private void Add(string path, int line)
    {
        if (_chars < MaxChars)
        {
            _chars += path.Length;
            _lines.TryAdd(path, line);
        }
    }

    private const long MaxChars = 8 << 20;
    private long _chars;

    /// <summary>The line of <paramref name="path"/>, or of its nearest enclosing value (looking at most 64 levels up).</summary>
    public int Of(string path)
    {
        var steps = 0;
        for (var p = path; p.Length > 0 && steps++ < 64; p = Parent(p))
        {
            if (_lines.TryGetValue(p, out var line))
            {
                return line;
            }
        }

        return 1;
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? (path == "$" ? "" : "$") : path[..cut];
    }
}

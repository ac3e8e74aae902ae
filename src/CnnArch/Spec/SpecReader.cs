using System.Buffers;
using System.Text;
using System.Text.Json;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Spec;

/// <summary>
/// Reads a network from a spec file (JSON). A spec has a <c>name</c>, an <c>input</c> ([C, H, W]) and
/// <c>layers</c>: items applied in order, each a layer (<c>{"type": "Conv2d", "name": "conv1",
/// "outChannels": 64, "kernel": 3, "padding": 1}</c>) or a block (<c>Sequential</c>, <c>Residual</c>,
/// <c>Inception</c>, <c>SqueezeExcitation</c>, or a generic <c>Block</c>). An item reads the previous
/// item's output unless it names its <c>inputs</c> by <c>id</c> (<c>"input"</c> is the network's input).
/// docs/spec.md describes every field.
/// </summary>
public static class SpecReader
{
    private static readonly string[] Structural = ["type", "name", "id", "inputs", "functional", "path"];

    /// <summary>Reads the spec in <paramref name="path"/>.</summary>
    /// <exception cref="SpecException">A value is wrong; the message names its JSON path and line.</exception>
    public static Network Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return ParseUtf8(ReadCapped(path));
        }
        catch (SpecException ex) when (ex.File is null)
        {
            throw new SpecException(ex.JsonPath, ex.Line, ex.Problem, ex, path);
        }
    }

    /// <summary>The largest spec file read: 256 MiB (a network of a million layers takes about 100 MiB).</summary>
    public const int MaxFileBytes = 256 << 20;

    // Read up to the cap, whatever the file says of its length (a device or a pipe says 0), as UTF-8
    // without a byte-order mark. Invalid UTF-8 is read as text would read it (U+FFFD for each bad sequence).
    private static byte[] ReadCapped(string path)
    {
        using var stream = File.OpenRead(path);
        var bytes = BoundedRead.ReadAll(stream, MaxFileBytes, () => new SpecException("$", 1, $"the file holds more than {MaxFileBytes:N0} bytes; a spec is smaller."));
        var text = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes.AsSpan(Encoding.UTF8.Preamble.Length) : bytes;
        return System.Text.Unicode.Utf8.IsValid(text)
            ? (text.Length == bytes.Length ? bytes : text.ToArray())
            : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text));
    }

    /// <summary>Reads a spec from its JSON text.</summary>
    /// <exception cref="SpecException">A value is wrong; the message names its JSON path and line.</exception>
    public static Network Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ParseUtf8(Encoding.UTF8.GetBytes(json));
    }

    private static Network ParseUtf8(byte[] bytes)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new SpecException(ex.Path ?? "$", (int)(ex.LineNumber ?? 0) + 1, $"not valid JSON: {UserText.Json(ex)}", ex);
        }

        using (doc)
        {
            // Line numbers are looked up only when there is an error to report.
            return new Reader(bytes).Network(doc.RootElement);
        }
    }

    /// <summary>
    /// Comments and trailing commas are allowed (a spec is written by hand); a key given twice is an
    /// error (which value would count?); nesting is limited to <see cref="MaxDepth"/> levels.
    /// </summary>
    internal static JsonDocumentOptions DocumentOptions { get; } = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        AllowDuplicateProperties = false,
        MaxDepth = MaxDepth,
    };

    /// <summary>The deepest JSON nesting a spec may have (a block nests two levels: its item and its layers).</summary>
    internal const int MaxDepth = 512;

    private static readonly byte[][] StructuralUtf8 = [.. Structural.Select(Encoding.UTF8.GetBytes)];

    private sealed class Reader(byte[] utf8)
    {
        private readonly Dictionary<string, Tensor> _ids = new(StringComparer.Ordinal);
        private readonly ArrayBufferWriter<byte> _layerJson = new(256);
        private Utf8JsonWriter? _layerWriter;
        private NetworkBuilder _builder = null!;

        // The layer's own JSON, written into one reused buffer: the item without its structural fields
        // (written from the element, not its raw text, which may hold comments the document allowed),
        // and the defaults of the optional properties it leaves out (see SpecFormat.Defaults).
        private ReadOnlySpan<byte> LayerJson(JsonElement item, Type clr)
        {
            _layerJson.ResetWrittenCount();
            var w = _layerWriter ??= new Utf8JsonWriter(_layerJson);
            w.Reset(_layerJson);
            w.WriteStartObject();
            foreach (var property in item.EnumerateObject())
            {
                if (!IsStructural(property))
                {
                    property.WriteTo(w);
                }
            }

            foreach (var (key, value) in SpecFormat.Defaults(clr))
            {
                if (!item.TryGetProperty(key, out _))
                {
                    w.WritePropertyName(key);
                    if (value is null)
                    {
                        w.WriteNullValue();
                    }
                    else
                    {
                        value.WriteTo(w);
                    }
                }
            }

            w.WriteEndObject();
            w.Flush();
            return _layerJson.WrittenSpan;
        }

        private static bool IsStructural(JsonProperty property)
        {
            foreach (var name in StructuralUtf8)
            {
                if (property.NameEquals(name))
                {
                    return true;
                }
            }

            return false;
        }

        private SpecException Error(string path, string problem, Exception? inner = null) => new(path, LineIndex.Of(utf8, path), problem, inner);

        private SpecException Error(At at, string problem, Exception? inner = null) => Error(at.ToString(), problem, inner);

        public Network Network(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error("$", "a spec is a JSON object with name, input and layers.");
            }

            var name = root.TryGetProperty("name", out var n) ? NonEmpty(n, At.Root.Field("name"), "a network's name") : "network";
            if (root.TryGetProperty("cnnarch", out var version) && (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != SpecFormat.Version))
            {
                throw Error("$.cnnarch", $"this spec is of version {Quote(version)}; CnnArch reads version {SpecFormat.Version}.");
            }

            TensorShape? input = null;
            if (root.TryGetProperty("input", out var i))
            {
                input = Shape(i, At.Root.Field("input"));
            }

            if (!root.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array || layers.GetArrayLength() == 0)
            {
                throw Error("$", "a spec needs a non-empty 'layers' array.");
            }

            foreach (var property in root.EnumerateObject().Where(p => p.Name is not ("name" or "input" or "layers" or "cnnarch" or "description" or "output")))
            {
                throw Error($"$.{property.Name}", $"unknown field '{property.Name}'; a spec has cnnarch, name, description, input, layers and output.");
            }

            _builder = new NetworkBuilder(name);
            _ids["input"] = _builder.Input;
            var output = Graph(layers, At.Root.Field("layers"), "", _builder.Input);
            if (root.TryGetProperty("output", out var o))
            {
                // The network's output when it is not the last item (a model whose last node is a side branch).
                output = o.ValueKind == JsonValueKind.String && _ids.TryGetValue(o.GetString()!, out var named) ? named
                    : throw Error("$.output", $"the output names an item's id; no item has the id {Quote(o)}.");
            }

            return _builder.Build(output, input);
        }

        // A value quoted in an error, cut short: the message stays one readable line whatever the document holds.
        private static string Quote(JsonElement e)
        {
            var text = e.ValueKind == JsonValueKind.String ? $"'{e.GetString()}'" : e.GetRawText();
            return text.Length <= 60 ? text : $"{text[..57]}...";
        }

        private static string Known(IEnumerable<string> ids)
        {
            var list = ids.Take(11).ToList();
            return list.Count <= 10 ? string.Join(", ", list) : $"{string.Join(", ", list.Take(10))}, ...";
        }

        private string NonEmpty(JsonElement e, At path, string what) =>
            e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text) ? text
            : throw Error(path, $"{what} is a non-empty string.");

        private TensorShape Shape(JsonElement e, At path)
        {
            try
            {
                return TensorShape.Of([.. e.EnumerateArray().Select(d => d.GetInt32())]);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
            {
                throw Error(path, "expected dimensions of positive integers, like [3, 224, 224].", ex);
            }
        }

        // The graph form: items in order, each reading the previous output unless it names its inputs.
        private Tensor Graph(JsonElement items, At path, string prefix, Tensor input)
        {
            var previous = input;
            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                var at = path.Item(index);
                _ = TypeOf(item, at);
                var inputs = Inputs(item, at, previous);
                var itemPath = ItemPath(item, at, prefix, index);
                var type = TypeOf(item, at);
                Tensor output;
                if (type == "Block")
                {
                    var kind = item.TryGetProperty("kind", out var k) ? NonEmpty(k, at.Field("kind"), "a block's kind") : "Block";
                    var children = Array(item, "layers", at);
                    output = _builder.AddScope(itemPath, kind, Single(inputs, at), x => Graph(children, at.Field("layers"), itemPath, x));
                }
                else if (Group(type))
                {
                    output = _builder.Add(itemPath, Module(item, at, nested: false), Single(inputs, at));
                }
                else
                {
                    var layer = Layer(item, at, type);
                    var functional = item.TryGetProperty("functional", out var f) && f.ValueKind == JsonValueKind.True;
                    try
                    {
                        output = functional ? _builder.AddFunctional(itemPath, layer, inputs) : _builder.Add(itemPath, layer, inputs);
                    }
                    catch (InvalidNetworkException ex)
                    {
                        throw Error(at, ex.Problem, ex);
                    }
                }

                if (item.TryGetProperty("id", out var id))
                {
                    var key = id.ValueKind == JsonValueKind.String ? id.GetString()! : throw Error(at.Field("id"), "an id is a string.");
                    if (!_ids.TryAdd(key, output))
                    {
                        throw Error(at.Field("id"), $"the id '{key}' is used twice.");
                    }
                }

                previous = output;
                index++;
            }

            return previous;
        }

        private Tensor[] Inputs(JsonElement item, At at, Tensor previous)
        {
            if (!item.TryGetProperty("inputs", out var inputs))
            {
                return [previous];
            }

            if (inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() == 0)
            {
                throw Error(at.Field("inputs"), "inputs is a non-empty array of ids.");
            }

            return [.. inputs.EnumerateArray().Select((e, j) =>
                e.ValueKind == JsonValueKind.String && _ids.TryGetValue(e.GetString()!, out var t) ? t
                : throw Error(at.Field("inputs").Item(j), $"no earlier item has the id {Quote(e)}; known: {Known(_ids.Keys)}."))];
        }

        private Tensor Single(Tensor[] inputs, At at) =>
            inputs.Length == 1 ? inputs[0] : throw Error(at.Field("inputs"), $"a block reads one input, got {inputs.Length}.");

        private static bool Group(string type) => type is "Sequential" or "Residual" or "Inception" or "SqueezeExcitation";

        private string TypeOf(JsonElement item, At at) =>
            item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()!
                : throw Error(at, "every item is an object with a 'type' (a layer such as Conv2d, or Sequential, Residual, Inception, SqueezeExcitation, Block).");

        private string ItemPath(JsonElement item, At at, string prefix, int index)
        {
            if (item.TryGetProperty("path", out var full))
            {
                return NonEmpty(full, at.Field("path"), "a path");
            }

            var name = item.TryGetProperty("name", out var n)
                ? NonEmpty(n, at.Field("name"), "a name")
                : index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return prefix.Length == 0 ? name : $"{prefix}.{name}";
        }

        private JsonElement Array(JsonElement item, string field, At at) =>
            item.ValueKind == JsonValueKind.Object && item.TryGetProperty(field, out var a) && a.ValueKind == JsonValueKind.Array
                ? a
                : throw Error(at, $"a {TypeOf(item, at)} needs a '{field}' array.");

        // The module form: a block made of named children, as a C# builder would write it.
        private Module Module(JsonElement item, At at, bool nested)
        {
            var type = TypeOf(item, at);
            foreach (var key in new[] { "id", "inputs" })
            {
                if (nested && item.TryGetProperty(key, out _))
                {
                    throw Error(at.Field(key), $"'{key}' belongs to the graph form (top-level layers and Block); inside a block, children are wired in order.");
                }
            }

            string? Name(JsonElement e, At path) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("name", out var n) ? NonEmpty(n, path.Field("name"), "a name") : null;
            Sequential Children(JsonElement list, At path) =>
                new([.. list.EnumerateArray().Select((child, j) => new Child(Name(child, path.Item(j)) ?? j.ToString(System.Globalization.CultureInfo.InvariantCulture), Module(child, path.Item(j), nested: true)))]);

            string Text(string field, string fallback) => item.TryGetProperty(field, out var v) ? NonEmpty(v, at.Field(field), $"{field}") : fallback;
            switch (type)
            {
                case "Sequential":
                    return Children(Array(item, "layers", at), at.Field("layers"));
                case "Residual":
                    Module? shortcut = item.TryGetProperty("shortcut", out var s) && s.ValueKind == JsonValueKind.Array ? Children(s, at.Field("shortcut")) : null;
                    return new Residual
                    {
                        Body = Children(Array(item, "body", at), at.Field("body")),
                        Shortcut = shortcut,
                        ShortcutName = Text("shortcutName", "downsample"),
                        After = item.TryGetProperty("after", out var after) && after.ValueKind == JsonValueKind.Array ? Children(after, at.Field("after")) : null,
                        JoinName = Text("joinName", "add"),
                        InPlaceJoin = item.TryGetProperty("inPlaceJoin", out var ip) && ip.ValueKind == JsonValueKind.True,
                        ShortcutFirst = item.TryGetProperty("shortcutFirst", out var sf) && sf.ValueKind == JsonValueKind.True,
                    };
                case "Inception":
                    return new Inception(Array(item, "branches", at).EnumerateArray().Select((b, j) =>
                        new Child(Name(b, at.Field("branches").Item(j)) ?? $"branch{j + 1}", Children(Array(b, "layers", at.Field("branches").Item(j)), at.Field("branches").Item(j).Field("layers")))))
                    {
                        JoinName = Text("joinName", "cat"),
                    };
                case "SqueezeExcitation":
                    return new SqueezeExcitation { Excitation = Children(Array(item, "excitation", at), at.Field("excitation")), JoinName = Text("joinName", "scale") };
                default:
                    var layer = Layer(item, at, type);
                    return item.TryGetProperty("functional", out var f) && f.ValueKind == JsonValueKind.True ? new Functional(layer) : layer;
            }
        }

        private Layer Layer(JsonElement item, At at, string type)
        {
            if (SpecFormat.Kind(type)?.Type is not { } clr)
            {
                throw Error(at.Field("type"), $"no layer type '{type}'. Known: {string.Join(", ", LayerKinds.All.Select(k => k.Type.Name).Order())}, and the blocks Sequential, Residual, Inception, SqueezeExcitation, Block.");
            }

            try
            {
                return (Layer)(JsonSerializer.Deserialize(LayerJson(item, clr), SpecFormat.Options.GetTypeInfo(clr)) ?? throw Error(at, $"a {type} cannot be null."));
            }
            catch (JsonException ex)
            {
                var inner = ex.Path is { Length: > 1 } p ? at + p[1..] : at.ToString();
                throw Error(inner, UnknownSetting(ex, clr, type) ?? UserText.Json(ex).Replace(clr.FullName!, clr.Name, StringComparison.Ordinal), ex);
            }
            catch (ArgumentException ex)
            {
                var field = ex.ParamName is { Length: > 0 } param ? at.Field($"{char.ToLowerInvariant(param[0])}{param[1..]}") : at;
                throw Error(field, ex.Message.Split(" (Parameter", 2)[0].Split(Environment.NewLine)[0], ex);
            }
        }
    }

    // "unknown setting 'outChanels' of Conv2d; did you mean 'outChannels'? Its settings: ..." for the
    // serializer's "could not be mapped to any .NET member", which speaks of C#, not of the spec.
    private static string? UnknownSetting(JsonException ex, Type clr, string type)
    {
        var start = ex.Message.IndexOf("The JSON property '", StringComparison.Ordinal);
        var end = start < 0 ? -1 : ex.Message.IndexOf("' could not be mapped", start, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        var name = ex.Message[(start + "The JSON property '".Length)..end];
        var settings = SpecFormat.Options.GetTypeInfo(clr).Properties.Where(p => p.Set is not null).Select(p => p.Name).ToList();
        var closest = Spelling.Closest(name, settings);
        return $"unknown setting '{name}' of {type}{(closest is null ? "" : $"; did you mean '{closest}'?")} Its settings: {string.Join(", ", settings)}.";
    }

    /// <summary>
    /// A JSON path built as the reader descends (<c>$.layers[3].kernel</c>): a link to its parent, so a
    /// deeply nested document costs one small object per value, and the text is made only for an error.
    /// </summary>
    private sealed class At
    {
        private readonly At? _parent;
        private readonly string? _name;
        private readonly int _index;

        private At(At? parent, string? name, int index) => (_parent, _name, _index) = (parent, name, index);

        public static At Root { get; } = new(null, null, -1);

        public At Field(string name) => new(this, name, -1);

        public At Item(int index) => new(this, null, index);

        public override string ToString()
        {
            var segments = new Stack<At>();
            for (var a = this; a._parent is not null; a = a._parent)
            {
                segments.Push(a);
            }

            var text = new StringBuilder("$");
            foreach (var a in segments)
            {
                _ = a._name is null ? text.Append('[').Append(a._index).Append(']') : text.Append('.').Append(a._name);
            }

            return text.ToString();
        }
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CnnArch.Presets;
using CnnArch.Spec;
using CsCheck;

namespace CnnArch.Fuzz;

/// <summary>
/// Spec documents: exported presets and hand-written specs, mutated in the JSON tree (numbers to 0,
/// negative, 2^31, 2^62, floats, strings, null; keys deleted, duplicated, renamed; deep nesting; huge
/// arrays; non-object items) and in the text (comments and trailing commas inside items, truncation).
/// </summary>
public static class SpecCases
{
    private static readonly string[] Keys =
    [
        "type", "name", "id", "inputs", "path", "functional", "layers", "body", "shortcut", "after", "branches", "excitation",
        "outChannels", "kernel", "stride", "padding", "dilation", "groups", "hasBias", "outFeatures", "outputSize", "axis",
        "cnnarch", "input", "kind", "joinName", "shortcutName", "shortcutFirst", "dims", "perm", "ranges", "zzz", "",
    ];

    private const int MaxChars = 1 << 20;

    private const string HandWritten = """
        {
          "cnnarch": 1, "name": "graph", "input": [3, 16, 16],
          "layers": [
            { "type": "Conv2d", "name": "stem", "outChannels": 8, "kernel": 3, "padding": 1, "id": "stem" },
            { "type": "Block", "name": "block", "kind": "Stage", "layers": [
              { "type": "Conv2d", "name": "a", "outChannels": 8, "kernel": 3, "padding": 1 },
              { "type": "ReLU", "name": "relu" } ], "id": "b" },
            { "type": "Add", "name": "add", "inputs": ["stem", "b"], "functional": true },
            { "type": "SqueezeExcitation", "name": "se", "excitation": [
              { "type": "AdaptiveAvgPool2d", "outputSize": 1 }, { "type": "Conv2d", "outChannels": 2, "kernel": 1 },
              { "type": "ReLU" }, { "type": "Conv2d", "outChannels": 8, "kernel": 1 }, { "type": "Sigmoid" } ] },
            { "type": "Inception", "name": "mix", "branches": [
              { "name": "b1", "layers": [ { "type": "Conv2d", "outChannels": 4, "kernel": 1 } ] },
              { "name": "b2", "layers": [ { "type": "MaxPool2d", "kernel": 3, "stride": 1, "padding": 1 } ] } ] },
            { "type": "Flatten", "name": "flatten", "functional": true },
            { "type": "Linear", "name": "fc", "outFeatures": 10 }
          ]
        }
        """;

    /// <summary>The seed documents: small presets exported, and a hand-written graph-form spec.</summary>
    public static IReadOnlyList<(string Name, string Json)> Seeds()
    {
        var seeds = new List<(string, string)> { ("hand-written", HandWritten) };
        foreach (var preset in new[] { "alexnet", "resnet18", "googlenet", "mobilenet_v3_small", "se_resnet50", "vgg11" })
        {
            seeds.Add((preset, SpecWriter.Write(Catalog.Create(preset))));
        }

        return seeds;
    }

    /// <summary>Cases from <paramref name="seeds"/>: one to five tree or text edits.</summary>
    public static Gen<FuzzCase> Cases(IReadOnlyList<(string Name, string Json)> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], Edit.Gen(14).Array[1, 5], (s, edits) =>
        {
            var (name, json) = seeds[s];
            return new FuzzCase(CaseKind.Spec, $"{name} with {string.Join(' ', edits.Select(e => $"{e.Op}:{e.Target}:{e.Choice}:{e.Value}"))}", Encoding.UTF8.GetBytes(Mutate(json, edits)));
        });

    /// <summary>The document after the edits.</summary>
    public static string Mutate(string json, Edit[] edits)
    {
        ArgumentNullException.ThrowIfNull(edits);
        var text = json;
        foreach (var e in edits)
        {
            text = Apply(text, e);
        }

        return text;
    }

    private static JsonNode? Extreme(int v) => (v % 16) switch
    {
        0 => 0,
        1 => -1,
        2 => 2147483648L,
        3 => 4611686018427387904L,
        4 => 1.5,
        5 => "x",
        6 => null,
        7 => true,
        8 => new JsonArray(),
        9 => new JsonObject(),
        10 => new JsonArray(1, 2, 3),
        11 => int.MaxValue,
        12 => "",
        13 => 1e300,
        14 => new JsonArray(0, -5),
        _ => 3,
    };

    private static string Apply(string text, Edit e)
    {
        if (e.Op >= 11)
        {
            return ApplyText(text, e);
        }

        JsonNode? root;
        try
        {
            // A document an earlier edit left with a duplicate key is edited as text.
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false, MaxDepth = 4096 });
        }
        catch (JsonException)
        {
            return ApplyText(text, e);
        }

        if (root is null)
        {
            return text;
        }

        var all = Walk(root).ToList();
        var objects = all.OfType<JsonObject>().ToList();
        var arrays = all.OfType<JsonArray>().ToList();
        var target = all[e.Target % all.Count];
        var duplicate = (string?)null;
        switch (e.Op)
        {
            case 0 or 1 when target.Parent is not null:
                Replace(target, Extreme(e.Value));
                break;
            case 2 when objects.Count > 0:
                var o = objects[e.Target % objects.Count];
                if (o.Count > 0)
                {
                    o.Remove(o.ElementAt(e.Choice % o.Count).Key);
                }

                break;
            case 3 when objects.Count > 0:
                var r = objects[e.Target % objects.Count];
                if (r.Count > 0)
                {
                    var (key, value) = r.ElementAt(e.Choice % r.Count);
                    var renamed = Keys[e.Value % Keys.Length];
                    if (!r.ContainsKey(renamed))
                    {
                        r.Remove(key);
                        r[renamed] = value;
                    }
                }

                break;
            case 4 when objects.Count > 0:
                // A duplicate key cannot live in a JsonObject: mark it, and write it in the text.
                var d = objects[e.Target % objects.Count];
                if (d.Count > 0)
                {
                    var key = d.ElementAt(e.Choice % d.Count).Key;
                    d[$"__duplicate_{e.Value}"] = Extreme(e.Value);
                    duplicate = key;
                }

                break;
            case 5 when arrays.Count > 0:
                // Deep nesting: an item wrapped in Sequential blocks, or an array in arrays.
                var a = arrays[e.Target % arrays.Count];
                if (a.Count > 0)
                {
                    var depth = 1 + (e.Value % 200);
                    var index = e.Choice % a.Count;
                    var item = a[index];
                    a.RemoveAt(index);
                    var wrapped = item;
                    for (var i = 0; i < depth; i++)
                    {
                        wrapped = e.Value % 2 == 0 ? new JsonObject { ["type"] = "Sequential", ["name"] = $"s{i}", ["layers"] = new JsonArray(wrapped) } : new JsonArray(wrapped);
                    }

                    a.Insert(index, wrapped);
                }

                break;
            case 6 when arrays.Count > 0:
                // A huge array: an item repeated.
                var h = arrays[e.Target % arrays.Count];
                if (h.Count > 0)
                {
                    var item = h[e.Choice % h.Count];
                    var copies = 1 + (e.Value % 2_000);
                    for (var i = 0; i < copies; i++)
                    {
                        h.Add(item?.DeepClone());
                    }
                }

                break;
            case 7:
                root["cnnarch"] = Extreme(e.Value);
                break;
            case 8 when root["layers"] is JsonArray layers:
                layers.Insert(e.Choice % (layers.Count + 1), Extreme(e.Value));
                break;
            case 9 when objects.Count > 0:
                var n = objects[e.Target % objects.Count];
                var field = new[] { "name", "type", "kind", "path", "id", "joinName" }[e.Choice % 6];
                n[field] = new[] { "", ".", "a..b", "x.", ".x", "input", "Conv2d", "Sequential", "Block", "Residual" }[e.Value % 10];
                break;
            case 10 when objects.Count > 0:
                var m = objects[e.Target % objects.Count];
                m["inputs"] = (e.Value % 4) switch
                {
                    0 => new JsonArray("input"),
                    1 => new JsonArray("input", "input"),
                    2 => new JsonArray("nope"),
                    _ => Extreme(e.Value / 4),
                };
                break;
        }

        var written = root.ToJsonString();
        if (written.Length > MaxChars)
        {
            return text; // the campaign measures inputs of up to a megabyte
        }

        return duplicate is null ? written : written.Replace($"\"__duplicate_{e.Value}\"", JsonSerializer.Serialize(duplicate), StringComparison.Ordinal);
    }

    private static string ApplyText(string text, Edit e)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var at = e.Target % text.Length;
        return e.Op switch
        {
            11 => text[..at],
            12 => InsertAfter(text, e, e.Value % 2 == 0 ? "/* comment */" : " // line comment\n"),
            _ => InsertTrailingComma(text, e),
        };
    }

    private static string InsertAfter(string text, Edit e, string what)
    {
        var commas = Enumerable.Range(0, text.Length).Where(i => text[i] is ',' or '{' or '[').ToArray();
        return commas.Length == 0 ? text : text.Insert(commas[e.Choice % commas.Length] + 1, what);
    }

    private static string InsertTrailingComma(string text, Edit e)
    {
        var closers = Enumerable.Range(0, text.Length).Where(i => text[i] is '}' or ']' && i > 0 && text[i - 1] is not ('{' or '[' or ',')).ToArray();
        return closers.Length == 0 ? text : text.Insert(closers[e.Choice % closers.Length], ",");
    }

    private static void Replace(JsonNode target, JsonNode? value)
    {
        switch (target.Parent)
        {
            case JsonObject o:
                o[target.GetPropertyName()] = value;
                break;
            case JsonArray a:
                a[target.GetElementIndex()] = value;
                break;
        }
    }

    private static IEnumerable<JsonNode> Walk(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var n in Walk(child))
            {
                yield return n;
            }
        }
    }
}

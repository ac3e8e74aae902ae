using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CnnArch.Graph;

namespace CnnArch.Spec;

/// <summary>
/// Writes any network as a spec file in the graph form: every node as a layer item, every block as a
/// <c>Block</c> of its nodes, <c>inputs</c> wherever a node does not read the item before it.
/// <see cref="SpecReader"/> reads it back into the same network: the same nodes, paths, wiring and blocks.
/// </summary>
public static class SpecWriter
{
    /// <summary>The network as indented spec JSON.</summary>
    public static string Write(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var ids = Ids(network);
        var referenced = new HashSet<int>();
        var root = new JsonObject
        {
            ["cnnarch"] = SpecFormat.Version,
            ["name"] = network.Name,
        };
        if (network.DefaultInput is { } input)
        {
            root["input"] = new JsonArray([.. input.Dims.Select(d => (JsonNode)d)]);
        }

        var blocks = network.Scopes.ToLookup(s => (s.Depth, s.FirstNode));
        var items = Items(network, blocks, 0, network.Nodes.Length - 1, "", depth: 1, Tensor.NetworkInput, ids, referenced);
        if (network.Output.Id != network.Nodes.Length - 1)
        {
            // The output is not the last node (a side branch comes after it): say which it is.
            root["output"] = network.Output.IsNetworkInput ? "input" : ids[network.Output.Id];
            if (!network.Output.IsNetworkInput)
            {
                referenced.Add(network.Output.Id);
            }
        }

        AddIds(items, network, ids, referenced);
        root["layers"] = items;
        // Indented for reading, unless blocks nest so deep that indentation would outweigh the content.
        var indented = network.Scopes.All(s => s.Depth <= MaxIndentedDepth);
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = indented, MaxDepth = SpecReader.MaxDepth, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>Writes the spec of <paramref name="network"/> to <paramref name="path"/> (UTF-8).</summary>
    public static void Save(Network network, string path) => File.WriteAllText(path, Write(network), new UTF8Encoding(false));

    // A node's id is its path where that is unique, else its path and its index.
    private static string[] Ids(Network network)
    {
        var counts = network.Nodes.GroupBy(n => n.Path).ToDictionary(g => g.Key, g => g.Count());
        return [.. network.Nodes.Select(n => counts[n.Path] == 1 && n.Path != "input" ? n.Path : $"{n.Path}#{n.Index}")];
    }

    // A layer's properties as the spec writes them, serialized once per distinct layer value (networks repeat their layers).
    private static KeyValuePair<string, JsonNode?>[] Fields(Layers.Layer layer, Dictionary<Layers.Layer, KeyValuePair<string, JsonNode?>[]> cache)
    {
        if (!cache.TryGetValue(layer, out var fields))
        {
            var obj = JsonSerializer.SerializeToNode(layer, SpecFormat.Options.GetTypeInfo(layer.GetType()))!.AsObject();
            fields = [.. obj];
            obj.Clear();
            cache[layer] = fields;
        }

        return fields;
    }

    private static JsonArray Items(Network network, ILookup<(int Depth, int First), Scope> blocks, int first, int last, string prefix, int depth, Tensor blockInput, string[] ids, HashSet<int> referenced, Dictionary<Layers.Layer, KeyValuePair<string, JsonNode?>[]>? fields = null)
    {
        fields ??= [];
        var items = new JsonArray();
        var previous = blockInput;
        var i = first;
        while (i <= last)
        {
            // Blocks nested deeper than a reader accepts are written flat (their nodes keep their paths).
            var scope = depth > MaxBlockDepth ? null : blocks[(depth, i)].Where(s => s.LastNode <= last).MaxBy(s => s.LastNode);
            JsonObject item;
            Tensor output;
            if (scope is not null)
            {
                item = new JsonObject { ["type"] = "Block", ["kind"] = scope.Kind };
                Name(item, scope.Path, prefix);
                Wire(item, [scope.Input], previous, ids, referenced);
                item["layers"] = Items(network, blocks, scope.FirstNode, scope.LastNode, scope.Path, depth + 1, scope.Input, ids, referenced, fields);
                output = new Tensor(scope.LastNode);
                i = scope.LastNode + 1;
            }
            else
            {
                var node = network.Nodes[i];
                item = new JsonObject { ["type"] = node.Layer.GetType().Name };
                Name(item, node.Path, prefix);
                Wire(item, [.. node.Inputs], previous, ids, referenced);
                if (!node.IsModule)
                {
                    item["functional"] = true;
                }

                foreach (var (key, value) in Fields(node.Layer, fields))
                {
                    item[key] = value?.DeepClone();
                }

                output = new Tensor(i);
                i++;
            }

            items.Add((JsonNode)item);
            previous = output;
        }

        return items;
    }

    private const int MaxIndentedDepth = 16;

    // Each block nests two JSON levels (its item and its layers); leave room for the layers' own values.
    private const int MaxBlockDepth = (SpecReader.MaxDepth / 2) - 8;

    private static void Name(JsonObject item, string path, string prefix)
    {
        if (prefix.Length > 0 && path.StartsWith(prefix + ".", StringComparison.Ordinal) && path.Length > prefix.Length + 1)
        {
            item["name"] = path[(prefix.Length + 1)..];
        }
        else if (prefix.Length == 0 && path.Length > 0)
        {
            item["name"] = path;
        }
        else
        {
            item["path"] = path;
        }
    }

    private static void Wire(JsonObject item, Tensor[] inputs, Tensor previous, string[] ids, HashSet<int> referenced)
    {
        if (inputs is [var only] && only == previous)
        {
            return;
        }

        item["inputs"] = new JsonArray([.. inputs.Select(t =>
        {
            if (t.IsNetworkInput)
            {
                return (JsonNode)"input";
            }

            referenced.Add(t.Id);
            return (JsonNode)ids[t.Id];
        })]);
    }

    // Ids go on the items that later items name: a node, or a block whose last node is named.
    private static void AddIds(JsonArray items, Network network, string[] ids, HashSet<int> referenced)
    {
        var byNode = new Dictionary<int, JsonObject>();
        void Walk(JsonArray list, ref int node)
        {
            foreach (var item in list.Select(x => x!.AsObject()))
            {
                if ((string?)item["type"] == "Block")
                {
                    Walk(item["layers"]!.AsArray(), ref node);
                    byNode.TryAdd(node - 1, item);
                }
                else
                {
                    byNode[node] = item;
                    node++;
                }
            }
        }

        var index = 0;
        Walk(items, ref index);
        foreach (var id in referenced)
        {
            // The innermost item that ends at the node carries the id: the node's own item.
            byNode[id]["id"] = ids[id];
        }
    }
}

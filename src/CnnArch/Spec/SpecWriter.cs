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
    /// <remarks>Streamed with no JSON tree (<see cref="SpecStreamWriter"/>); compact when blocks nest so deep that indentation would outweigh the content.</remarks>
    public static string Write(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return SpecStreamWriter.Write(network, Ids(network), MaxBlockDepth, network.Scopes.All(s => s.Depth <= MaxIndentedDepth));
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
    internal static KeyValuePair<string, JsonNode?>[] Fields(Layers.Layer layer, Dictionary<Layers.Layer, KeyValuePair<string, JsonNode?>[]> cache)
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

    private const int MaxIndentedDepth = 16;

    // Each block nests two JSON levels (its item and its layers); leave room for the layers' own values.
    private const int MaxBlockDepth = (SpecReader.MaxDepth / 2) - 8;
}

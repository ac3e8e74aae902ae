using CnnArch.Graph;

namespace CnnArch.Analysis;

/// <summary>A contiguous part of a network (a stem, a stage, a block), analysed as a network of its own.</summary>
public static class NetworkPart
{
    /// <summary>
    /// The nodes from the first one at or inside <paramref name="from"/> to the last one at or inside
    /// <paramref name="until"/> (either null: the network's start or end), as a network whose input is
    /// the one tensor the part reads from before it, at that tensor's shape when the whole network
    /// runs on <paramref name="input"/> (default: the network's). Paths and blocks are kept.
    /// </summary>
    /// <exception cref="ArgumentException">No node has that path, or the part ends before it starts.</exception>
    /// <exception cref="InvalidNetworkException">The part reads more than one tensor from before it.</exception>
    public static Network Between(Network network, string? from, string? until, TensorShape? input = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var nodes = network.Nodes;
        bool Inside(Node n, string path) => n.Path == path || n.Path.StartsWith(path + ".", StringComparison.Ordinal);
        int Find(string path, bool first)
        {
            var index = first ? nodes.IndexOf(nodes.FirstOrDefault(n => Inside(n, path))!) : nodes.LastIndexOf(nodes.LastOrDefault(n => Inside(n, path))!);
            return nodes.Any(n => Inside(n, path)) ? index
                : throw new ArgumentException($"No layer or block '{path}' in {network.Name}; paths are as 'cnnarch analyze' lists them.", first ? nameof(from) : nameof(until));
        }

        var start = from is null ? 0 : Find(from, first: true);
        var end = until is null ? nodes.Length - 1 : Find(until, first: false);
        if (end < start)
        {
            throw new ArgumentException($"'{until}' comes before '{from}' in {network.Name}.", nameof(until));
        }

        var external = nodes[start..(end + 1)].SelectMany(n => n.Inputs).Where(t => t.Id < start).Distinct().ToList();
        if (external.Count != 1)
        {
            throw new InvalidNetworkException(nodes[start].Path, $"the part from '{from ?? nodes[0].Path}' to '{until ?? nodes[^1].Path}' reads {external.Count} tensors from before it; a part has one input.");
        }

        var whole = input ?? network.DefaultInput ?? throw new ArgumentException($"Network '{network.Name}' has no default input: give one.", nameof(input));
        var partInput = external[0].IsNetworkInput ? whole : Analyzer.InferShapes(network, whole)[external[0].Id];
        var builder = new NetworkBuilder(network.Name);
        var map = new Dictionary<int, Tensor> { [external[0].Id] = builder.Input };
        for (var i = start; i <= end; i++)
        {
            var node = nodes[i];
            map[i] = builder.AddNode(node.Path, node.Layer, node.IsModule, [.. node.Inputs.Select(t => map[t.Id])]);
        }

        // What the rest of the network reads from the part (or returns) besides its last value: parallel
        // branches cut from their join are outputs of the part, not training-only heads.
        var feedsOriginal = network.Nodes[(end + 1)..].SelectMany(n => n.Inputs).Append(network.Output).Concat(network.OtherOutputs)
            .Where(t => !t.IsNetworkInput && t.Id >= start && t.Id < end).Select(t => t.Id).Distinct().Order();
        var part = builder.Build(map[end], partInput).WithOtherOutputs(feedsOriginal.Select(id => map[id]));
        return part.WithScopes(network.Scopes.Where(s => s.FirstNode >= start && s.LastNode <= end)
            .Select(s => s with { FirstNode = s.FirstNode - start, LastNode = s.LastNode - start, Input = map[s.Input.Id] }));
    }
}

namespace CnnArch.Onnx;

/// <summary>
/// Turns ONNX node names into CnnArch paths. The TorchScript exporter names a node by its module scope
/// and operator: <c>/layer1/layer1.0/conv1/Conv</c> becomes <c>layer1.0.conv1</c>, so a report of an
/// exported torchvision model lines up with the preset and with PyTorch. A functional operator in a
/// scope (<c>/layer1/layer1.0/Add</c>) gets its function's name (<c>layer1.0.add</c>), and a second call
/// of a shared module (<c>relu_1</c>) the module's own name. Other names (the dynamo exporter's
/// <c>node_Conv_292</c>) are kept as they are.
/// </summary>
internal static class NodePaths
{
    private static readonly Dictionary<string, string> Functions = new(StringComparer.Ordinal)
    {
        ["Add"] = "add", ["Sub"] = "sub", ["Mul"] = "mul", ["Div"] = "div", ["Concat"] = "cat", ["Flatten"] = "flatten",
        ["Reshape"] = "view", ["Transpose"] = "permute", ["Split"] = "split", ["Slice"] = "slice", ["Pad"] = "pad",
        ["ReduceMean"] = "mean", ["MatMul"] = "matmul", ["Squeeze"] = "squeeze", ["Unsqueeze"] = "unsqueeze",
        ["Gather"] = "select",
    };

    /// <summary>Whether a node of this operator is a function call rather than a module (a join, a view).</summary>
    public static bool IsFunctional(string opType) => Functions.ContainsKey(opType);

    /// <param name="nodeName">The node's name.</param>
    /// <param name="opType">Its operator.</param>
    /// <param name="firstOutput">Its first output, naming a node without a name.</param>
    /// <param name="exactScopes">Whether scopes are paths as written (CnnArch's exports): no <c>_N</c> call suffix is taken off.</param>
    public static string Of(string nodeName, string opType, string firstOutput, bool exactScopes = false)
    {
        string Scope(string segment) => exactScopes ? segment : StripCallSuffix(segment);

        if (string.IsNullOrEmpty(nodeName))
        {
            return string.IsNullOrEmpty(firstOutput) ? opType : firstOutput;
        }

        if (!nodeName.StartsWith('/'))
        {
            return nodeName;
        }

        var segments = nodeName.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return opType;
        }

        var path = "";
        var previous = "";
        foreach (var segment in segments[..^1])
        {
            // A scope is a child's own name ("conv1"), or qualified by its parent's name when the parent is a
            // container ("layer1.0" under "layer1", "downsample.0" under "downsample").
            path = previous.Length > 0 && segment.StartsWith(previous + ".", StringComparison.Ordinal) ? path + segment[previous.Length..]
                : path.Length == 0 ? Scope(segment)
                : $"{path}.{Scope(segment)}";
            previous = segment;
        }

        var op = segments[^1];
        if (exactScopes && path.Length > 0)
        {
            return path;
        }

        if (Functions.TryGetValue(StripCallSuffix(op), out var function))
        {
            var last = path.Split('.')[^1];
            return path.Length == 0 ? function : last == function ? path : $"{path}.{function}";
        }

        return path.Length == 0 ? StripCallSuffix(op) : path;
    }

    /// <summary>
    /// The modules that the paths name: every dotted prefix of a node's path (<c>layer1</c>, <c>layer1.0</c>
    /// for <c>layer1.0.conv1</c>) over each contiguous run of nodes inside it (a node is inside a prefix
    /// when its path is the prefix or starts with it and a dot), nested by its number of dots. One pass
    /// over the nodes with a stack of the open prefixes: linear in the total length of the paths.
    /// </summary>
    public static IEnumerable<Graph.Scope> Scopes(Graph.Network network)
    {
        var nodes = network.Nodes;
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            prefixes.UnionWith(Prefixes(node.Path));
        }

        var scopes = new List<Graph.Scope>();
        var open = new List<(string Prefix, int First)>();
        var chain = new List<string>();
        void Close(int keep, int last)
        {
            for (var k = open.Count - 1; k >= keep; k--)
            {
                var (prefix, first) = open[k];
                var input = nodes[first].Inputs.Length > 0 ? nodes[first].Inputs[0] : Graph.Tensor.NetworkInput;
                scopes.Add(new Graph.Scope(prefix, first, last, input, k + 1));
            }

            open.RemoveRange(keep, open.Count - keep);
        }

        for (var i = 0; i < nodes.Length; i++)
        {
            // The prefixes this node is inside, outermost first: each proper prefix, and the path itself
            // when it is some other node's prefix.
            var path = nodes[i].Path;
            chain.Clear();
            chain.AddRange(Prefixes(path));
            if (prefixes.Contains(path))
            {
                chain.Add(path);
            }

            var same = 0;
            while (same < open.Count && same < chain.Count && open[same].Prefix == chain[same])
            {
                same++;
            }

            Close(same, i - 1);
            for (var k = same; k < chain.Count; k++)
            {
                open.Add((chain[k], i));
            }
        }

        Close(0, nodes.Length - 1);
        scopes.Sort(static (a, b) => a.FirstNode != b.FirstNode ? a.FirstNode.CompareTo(b.FirstNode) : a.Depth.CompareTo(b.Depth));
        return scopes;
    }

    private static IEnumerable<string> Prefixes(string path)
    {
        for (var dot = path.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = path.IndexOf('.', dot + 1))
        {
            yield return path[..dot];
        }
    }

    // A second call of a module or function carries a suffix: relu_1, Add_2.
    private static string StripCallSuffix(string segment)
    {
        var end = segment.Length;
        while (end > 0 && char.IsAsciiDigit(segment[end - 1]))
        {
            end--;
        }

        return end < segment.Length && end > 0 && segment[end - 1] == '_' ? segment[..(end - 1)] : segment;
    }
}

using System.Text.RegularExpressions;

namespace CnnArch.Onnx;

/// <summary>
/// Turns ONNX node names into CnnArch paths. The TorchScript exporter names a node by its module scope
/// and operator: <c>/layer1/layer1.0/conv1/Conv</c> becomes <c>layer1.0.conv1</c>, so a report of an
/// exported torchvision model lines up with the preset and with PyTorch. A functional operator in a
/// scope (<c>/layer1/layer1.0/Add</c>) gets its function's name (<c>layer1.0.add</c>), and a second call
/// of a shared module (<c>relu_1</c>) the module's own name. Other names (the dynamo exporter's
/// <c>node_Conv_292</c>) are kept as they are.
/// </summary>
internal static partial class NodePaths
{
    private static readonly Dictionary<string, string> Functions = new(StringComparer.Ordinal)
    {
        ["Add"] = "add", ["Sub"] = "sub", ["Mul"] = "mul", ["Div"] = "div", ["Concat"] = "cat", ["Flatten"] = "flatten",
        ["Reshape"] = "view", ["Transpose"] = "permute", ["Split"] = "split", ["Slice"] = "slice", ["Pad"] = "pad",
        ["ReduceMean"] = "mean", ["MatMul"] = "matmul", ["Squeeze"] = "squeeze", ["Unsqueeze"] = "unsqueeze",
    };

    /// <summary>Whether a node of this operator is a function call rather than a module (a join, a view).</summary>
    public static bool IsFunctional(string opType) => Functions.ContainsKey(opType);

    public static string Of(string nodeName, string opType, string firstOutput)
    {
        if (string.IsNullOrEmpty(nodeName))
        {
            return string.IsNullOrEmpty(firstOutput) ? opType : firstOutput;
        }

        if (!nodeName.StartsWith('/'))
        {
            return nodeName;
        }

        var segments = nodeName.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var path = "";
        var previous = "";
        foreach (var segment in segments[..^1])
        {
            // A scope is a child's own name ("conv1"), or qualified by its parent's name when the parent is a
            // container ("layer1.0" under "layer1", "downsample.0" under "downsample").
            path = previous.Length > 0 && segment.StartsWith(previous + ".", StringComparison.Ordinal) ? path + segment[previous.Length..]
                : path.Length == 0 ? StripCallSuffix(segment)
                : $"{path}.{StripCallSuffix(segment)}";
            previous = segment;
        }

        var op = segments[^1];
        if (Functions.TryGetValue(StripCallSuffix(op), out var function))
        {
            var last = path.Split('.')[^1];
            return path.Length == 0 ? function : last == function ? path : $"{path}.{function}";
        }

        return path.Length == 0 ? StripCallSuffix(op) : path;
    }

    /// <summary>
    /// The modules that the paths name: every dotted prefix of a node's path (<c>layer1</c>, <c>layer1.0</c>
    /// for <c>layer1.0.conv1</c>) over each contiguous run of nodes inside it, nested by its number of dots.
    /// </summary>
    public static IEnumerable<Graph.Scope> Scopes(Graph.Network network)
    {
        var nodes = network.Nodes;
        bool Inside(int i, string prefix) => nodes[i].Path == prefix || nodes[i].Path.StartsWith(prefix + ".", StringComparison.Ordinal);
        var prefixes = nodes.SelectMany(n => Prefixes(n.Path)).Distinct(StringComparer.Ordinal);
        foreach (var prefix in prefixes)
        {
            for (var i = 0; i < nodes.Length; i++)
            {
                if (!Inside(i, prefix))
                {
                    continue;
                }

                var last = i;
                while (last + 1 < nodes.Length && Inside(last + 1, prefix))
                {
                    last++;
                }

                var range = Enumerable.Range(i, last - i + 1).ToHashSet();
                var input = nodes[i].Inputs.FirstOrDefault(t => t.IsNetworkInput || !range.Contains(t.Id), nodes[i].Inputs[0]);
                yield return new Graph.Scope(prefix, i, last, input, prefix.Count(c => c == '.') + 1);
                i = last;
            }
        }
    }

    private static IEnumerable<string> Prefixes(string path)
    {
        for (var dot = path.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = path.IndexOf('.', dot + 1))
        {
            yield return path[..dot];
        }
    }

    private static string StripCallSuffix(string segment) => CallSuffix().Replace(segment, "");

    [GeneratedRegex(@"_\d+$")]
    private static partial Regex CallSuffix();
}

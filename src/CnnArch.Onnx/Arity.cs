namespace CnnArch.Onnx;

/// <summary>
/// How many inputs each operator takes, from the ONNX operator specification (the range over the
/// opsets CnnArch reads): the first <c>Min</c> inputs are required and must be named; optional inputs
/// after them may be absent or empty (<c>""</c>). Checked before an operator or a fold runs, so no
/// operator reads an input that is not there.
/// </summary>
internal static class Arity
{
    private static readonly Dictionary<string, (int Min, int Max)> Inputs = new(StringComparer.Ordinal)
    {
        ["Conv"] = (2, 3), ["ConvTranspose"] = (2, 3), ["Gemm"] = (2, 3), ["MatMul"] = (2, 2),
        ["Add"] = (2, 2), ["Sub"] = (2, 2), ["Mul"] = (2, 2), ["Div"] = (2, 2), ["Pow"] = (2, 2),
        ["Relu"] = (1, 1), ["LeakyRelu"] = (1, 1), ["PRelu"] = (2, 2), ["Sigmoid"] = (1, 1), ["HardSigmoid"] = (1, 1), ["HardSwish"] = (1, 1),
        ["Tanh"] = (1, 1), ["Erf"] = (1, 1), ["Sqrt"] = (1, 1), ["Gelu"] = (1, 1), ["Clip"] = (1, 3), ["Softmax"] = (1, 1), ["Neg"] = (1, 1),
        ["BatchNormalization"] = (5, 5), ["LayerNormalization"] = (2, 3), ["InstanceNormalization"] = (3, 3), ["LRN"] = (1, 1),
        ["MaxPool"] = (1, 1), ["AveragePool"] = (1, 1), ["GlobalAveragePool"] = (1, 1), ["GlobalMaxPool"] = (1, 1),
        ["ReduceMean"] = (1, 2), ["Flatten"] = (1, 1), ["Reshape"] = (2, 2), ["Squeeze"] = (1, 2), ["Unsqueeze"] = (1, 2),
        ["Transpose"] = (1, 1), ["Concat"] = (1, int.MaxValue), ["Split"] = (1, 2), ["Slice"] = (1, 5), ["Pad"] = (1, 4),
        ["Resize"] = (1, 4), ["Upsample"] = (1, 2), ["Identity"] = (1, 1), ["Cast"] = (1, 1), ["Dropout"] = (1, 3),
        ["Shape"] = (1, 1), ["Constant"] = (0, 0), ["Gather"] = (2, 2), ["ConstantOfShape"] = (1, 1), ["Range"] = (3, 3),
        ["Mod"] = (2, 2), ["Equal"] = (2, 2), ["Less"] = (2, 2), ["Greater"] = (2, 2), ["And"] = (2, 2), ["Or"] = (2, 2), ["Not"] = (1, 1),
        ["Where"] = (3, 3), ["Expand"] = (2, 2), ["ScatterND"] = (3, 3),
    };

    /// <summary>Throws when <paramref name="node"/> has too few or too many inputs, or a required one is empty.</summary>
    /// <exception cref="OnnxFormatException">The node's inputs do not fit its operator.</exception>
    public static void Check(global::Onnx.NodeProto node, long opset)
    {
        if (!Inputs.TryGetValue(node.OpType, out var range))
        {
            return; // an unknown operator reads what it reads
        }

        // Slice took its ranges as attributes before opset 10, and inputs from then on.
        var min = node.OpType == "Slice" && opset >= 10 ? 3 : range.Min;
        var count = node.Input.Count;
        while (count > min && node.Input[count - 1].Length == 0)
        {
            count--; // trailing optional inputs left empty
        }

        if (count < min || count > range.Max)
        {
            var expected = min == range.Max ? $"{min}" : range.Max == int.MaxValue ? $"at least {min}" : $"{min} to {range.Max}";
            throw new OnnxFormatException($"Node '{node.Name}' ({node.OpType}) takes {expected} input(s), got {count}.");
        }

        for (var i = 0; i < min; i++)
        {
            if (node.Input[i].Length == 0)
            {
                throw new OnnxFormatException($"Node '{node.Name}' ({node.OpType}) leaves its required input {i} empty.");
            }
        }
    }
}

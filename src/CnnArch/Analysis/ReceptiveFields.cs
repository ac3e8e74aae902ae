using System.Collections.Immutable;
using CnnArch.Graph;

namespace CnnArch.Analysis;

/// <summary>
/// Receptive fields of every node by the standard recurrence, one step per layer kind
/// (<see cref="Layers.Layer.FieldAfter"/>). Through a join (a residual addition, an inception or dense
/// concatenation, an SE scale, any broadcasting element-wise operation) a node sees what the widest of
/// its inputs that carry the spatial map sees (the deepest path), on the grid of the first of them. An
/// input broadcast over the map (an SE gate of C x 1 x 1 from a global pool) carries global context, not
/// a local window: it neither widens the join's field nor changes its stride, so the field of an SE
/// block's output is its input's, whichever operand comes first. When no input carries the output's map
/// (every input is broadcast), the widest of all is taken. After an operation CnnArch has no model of,
/// the field is unknown. docs/conventions.md states the rule.
/// </summary>
public static class ReceptiveFields
{
    /// <summary>The receptive field of every node, indexed as <see cref="Network.Nodes"/>.</summary>
    public static ImmutableArray<ReceptiveField> Compute(Network network, TensorShape input, ImmutableArray<TensorShape> shapes)
    {
        ArgumentNullException.ThrowIfNull(network);
        var fields = new ReceptiveField[network.Nodes.Length];
        var pixel = ReceptiveField.Of(input);
        foreach (var node in network.Nodes)
        {
            var inputs = new TensorShape[node.Inputs.Length];
            for (var k = 0; k < inputs.Length; k++)
            {
                inputs[k] = node.Inputs[k].IsNetworkInput ? input : shapes[node.Inputs[k].Id];
            }

            fields[node.Index] = Next(node, inputs, shapes[node.Index], fields, pixel);
        }

        return [.. fields];
    }

    /// <summary>The field of <paramref name="node"/> from the fields of earlier nodes: one step of <see cref="Compute"/>.</summary>
    internal static ReceptiveField Next(Node node, TensorShape[] inputs, TensorShape output, ReceptiveField[] fields, ReceptiveField pixel)
    {
        var sources = node.Inputs;
        ReceptiveField rf;
        if (sources.Length == 1)
        {
            rf = sources[0].IsNetworkInput ? pixel : fields[sources[0].Id];
        }
        else
        {
            rf = Widest(sources, inputs, output, fields, pixel);
        }

        return node.Layer.FieldAfter(rf, inputs.Length > 0 ? inputs[0] : output);
    }

    // The widest of the inputs that carry the output's map (all of them when none does), on the grid of the first.
    private static ReceptiveField Widest(ImmutableArray<Tensor> sources, TensorShape[] inputs, TensorShape output, ReceptiveField[] fields, ReceptiveField pixel)
    {
        var anyCarrier = false;
        for (var k = 0; k < inputs.Length && !anyCarrier; k++)
        {
            anyCarrier = CarriesMap(inputs[k], output);
        }

        ReceptiveField? first = null;
        Span<long> size = stackalloc long[SpatialSize.MaxRank];
        Span<long> padding = stackalloc long[SpatialSize.MaxRank];
        for (var k = 0; k < sources.Length; k++)
        {
            if (anyCarrier && !CarriesMap(inputs[k], output))
            {
                continue;
            }

            var f = sources[k].IsNetworkInput ? pixel : fields[sources[k].Id];
            if (!f.IsKnown)
            {
                return f;
            }

            first ??= f;
            for (var a = 0; a < Math.Min(f.Rank, first.Rank); a++)
            {
                size[a] = Math.Max(size[a], f[a].Size);
                // Paddings compare on the first input's grid.
                padding[a] = Math.Max(padding[a], f[a].Scale == first[a].Scale ? f[a].Padding : first[a].Padding);
            }
        }

        if (first is null)
        {
            return pixel;
        }

        Span<ReceptiveAxis> axes = stackalloc ReceptiveAxis[first.Rank];
        for (var a = 0; a < first.Rank; a++)
        {
            axes[a] = first[a] with { Size = size[a], Padding = padding[a] };
        }

        return first.WithAxes(axes);
    }

    // An input carries the output's map when it has the map's spatial extents (rather than being
    // broadcast over it); outputs that are not maps (vectors) are carried by every input.
    private static bool CarriesMap(TensorShape input, TensorShape output)
    {
        if (output.Rank < 2)
        {
            return true;
        }

        if (input.Rank != output.Rank)
        {
            return false;
        }

        for (var i = 1; i < output.Rank; i++)
        {
            if (input.Dims[i] != output.Dims[i])
            {
                return false;
            }
        }

        return true;
    }
}

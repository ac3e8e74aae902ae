using System.Collections.Immutable;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Analysis;

/// <summary>The receptive field along one axis, in input pixels.</summary>
/// <param name="Size">How many input pixels one output element sees.</param>
/// <param name="Stride">How far apart (in input pixels) neighbouring output elements look: the "jump".</param>
/// <param name="Padding">How far before the first input pixel the first output element's window starts.</param>
public readonly record struct ReceptiveAxis(long Size, long Stride, long Padding)
{
    /// <summary>A pixel of the input itself.</summary>
    public static ReceptiveAxis Pixel { get; } = new(1, 1, 0);

    /// <summary>
    /// After a window of <paramref name="kernel"/> taps <paramref name="dilation"/> apart, moving by
    /// <paramref name="stride"/>, with <paramref name="padBefore"/> padding:
    /// r_out = r_in + (k - 1) * dilation * j_in, j_out = j_in * s, p_out = p_in + pad * j_in.
    /// </summary>
    public ReceptiveAxis Through(long kernel, long stride, long padBefore, long dilation = 1) => new(
        checked(Size + ((kernel - 1) * dilation * Stride)),
        checked(Stride * stride),
        checked(Padding + (padBefore * Stride)));
}

/// <summary>A layer's receptive field: the window of the input that one of its output elements depends on.</summary>
/// <param name="Vertical">Along the height.</param>
/// <param name="Horizontal">Along the width.</param>
public sealed record ReceptiveField(ReceptiveAxis Vertical, ReceptiveAxis Horizontal)
{
    /// <summary>The input itself: one pixel.</summary>
    public static ReceptiveField Pixel { get; } = new(ReceptiveAxis.Pixel, ReceptiveAxis.Pixel);

    /// <summary>Size along the height (the width's is <see cref="Horizontal"/>).</summary>
    public long Size => Vertical.Size;

    /// <summary>Effective stride (jump) along the height.</summary>
    public long Stride => Vertical.Stride;

    /// <summary>Effective padding along the height.</summary>
    public long Padding => Vertical.Padding;

    /// <summary>"195 (stride 32)", or both axes when they differ.</summary>
    public override string ToString() => Vertical == Horizontal
        ? $"{Size} (stride {Stride})"
        : $"{Vertical.Size}x{Horizontal.Size} (stride {Vertical.Stride}x{Horizontal.Stride})";
}

/// <summary>
/// Receptive fields of every node by the standard recurrence. Through a join (a residual addition, an
/// inception concatenation, an SE scale) a node sees what its widest input sees (the deepest path),
/// on its first input's grid.
/// A layer that mixes every position (flatten, global pooling, the gate of an SE block) sees the
/// whole map it reads.
/// </summary>
public static class ReceptiveFields
{
    /// <summary>The receptive field of every node, indexed as <see cref="Network.Nodes"/>.</summary>
    public static ImmutableArray<ReceptiveField> Compute(Network network, TensorShape input, ImmutableArray<TensorShape> shapes)
    {
        ArgumentNullException.ThrowIfNull(network);
        var fields = new ReceptiveField[network.Nodes.Length];
        foreach (var node in network.Nodes)
        {
            var ins = node.Inputs.Select(t => t.IsNetworkInput ? ReceptiveField.Pixel : fields[t.Id]).ToArray();
            var inShape = node.Inputs[0].IsNetworkInput ? input : shapes[node.Inputs[0].Id];
            fields[node.Index] = Through(node.Layer, ins, inShape);
        }

        return [.. fields];
    }

    private static ReceptiveField Through(Layer layer, ReceptiveField[] inputs, TensorShape input)
    {
        var rf = inputs.Length == 1 ? inputs[0] : Join(inputs);
        var (v, h) = (rf.Vertical, rf.Horizontal);
        switch (layer)
        {
            case Conv2d c:
                return new(v.Through(c.Kernel.Height, c.Stride.Height, c.Padding.Top, c.Dilation.Height),
                    h.Through(c.Kernel.Width, c.Stride.Width, c.Padding.Left, c.Dilation.Width));
            case MaxPool2d m:
                return new(v.Through(m.Kernel.Height, m.EffectiveStride.Height, m.Padding.Top, m.Dilation.Height),
                    h.Through(m.Kernel.Width, m.EffectiveStride.Width, m.Padding.Left, m.Dilation.Width));
            case Pool2d p:
                return new(v.Through(p.Kernel.Height, p.EffectiveStride.Height, p.Padding.Top),
                    h.Through(p.Kernel.Width, p.EffectiveStride.Width, p.Padding.Left));
            case AdaptiveAvgPool2d a when input.IsFeatureMap:
                return new(Adaptive(v, input.Height, a.OutputSize.Height), Adaptive(h, input.Width, a.OutputSize.Width));
            case Flatten when input.IsFeatureMap:
                return new(v.Through(input.Height, input.Height, 0), h.Through(input.Width, input.Width, 0));
            default:
                return rf;
        }
    }

    // A join's output lies on its first input's grid (an SE gate is 1x1): the widest window over the
    // inputs, at the first input's stride.
    private static ReceptiveField Join(ReceptiveField[] inputs)
    {
        static ReceptiveAxis Widest(IEnumerable<ReceptiveAxis> axes, long stride) =>
            new(axes.Max(a => a.Size), stride, axes.Max(a => a.Padding));

        return new(
            Widest(inputs.Select(f => f.Vertical), inputs[0].Vertical.Stride),
            Widest(inputs.Select(f => f.Horizontal), inputs[0].Horizontal.Stride));
    }

    // The widest window of an adaptive pool, and the average step between windows.
    private static ReceptiveAxis Adaptive(ReceptiveAxis axis, int input, int output)
    {
        long widest = 0;
        for (long i = 0; i < output; i++)
        {
            widest = Math.Max(widest, ((((i + 1) * input) + output - 1) / output) - (i * input / output));
        }

        return axis.Through(widest, Math.Max(1, input / output), 0);
    }
}

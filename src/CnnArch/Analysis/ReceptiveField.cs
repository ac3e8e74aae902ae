using System.Collections.Immutable;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Analysis;

/// <summary>The receptive field along one axis, in input pixels.</summary>
/// <param name="Size">How many input pixels one output element sees.</param>
/// <param name="Stride">How far apart (in input pixels) neighbouring output elements look: the "jump".</param>
/// <param name="Padding">How far before the first input pixel the first output element's window starts.</param>
/// <remarks>
/// The arithmetic saturates: a value beyond <see cref="long.MaxValue"/> (a stack of strided layers on
/// a map already reduced to one pixel can get there) is reported as <see cref="long.MaxValue"/>,
/// meaning "at least this", never as an overflow.
/// </remarks>
public readonly record struct ReceptiveAxis(long Size, long Stride, long Padding)
{
    /// <summary>A pixel of the input itself.</summary>
    public static ReceptiveAxis Pixel { get; } = new(1, 1, 0);

    /// <summary>Whether a value reached <see cref="long.MaxValue"/> and stands for "at least this".</summary>
    public bool IsSaturated => Size == long.MaxValue || Stride == long.MaxValue || Padding == long.MaxValue;

    /// <summary>
    /// After a window of <paramref name="kernel"/> taps <paramref name="dilation"/> apart, moving by
    /// <paramref name="stride"/>, with <paramref name="padBefore"/> padding:
    /// r_out = r_in + (k - 1) * dilation * j_in, j_out = j_in * s, p_out = p_in + pad * j_in.
    /// </summary>
    public ReceptiveAxis Through(long kernel, long stride, long padBefore, long dilation = 1) => new(
        Arithmetic.SaturatingAdd(Size, Arithmetic.SaturatingMultiply(Arithmetic.SaturatingMultiply(Math.Max(0, kernel - 1), dilation), Stride)),
        Arithmetic.SaturatingMultiply(Stride, stride),
        Arithmetic.SaturatingAdd(Padding, Arithmetic.SaturatingMultiply(padBefore, Stride)));
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
/// Receptive fields of every node by the standard recurrence. A layer that mixes every position
/// (flatten, global pooling) sees the whole map it reads. Through a join (a residual addition, an
/// inception concatenation, an SE scale, any broadcasting element-wise operation) a node sees what the
/// widest of its inputs that carry the spatial map sees (the deepest path), on the grid of the first
/// of them. An input broadcast over the map (an SE gate of C x 1 x 1 from a global pool) carries
/// global context, not a local window: it neither widens the join's field nor changes its stride, so
/// the field of an SE block's output is its input's, whichever operand comes first. When no input
/// carries the output's map (every input is broadcast), the widest of all is taken. docs/conventions.md
/// states the rule.
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
            var inputs = new TensorShape[node.Inputs.Length];
            for (var k = 0; k < inputs.Length; k++)
            {
                inputs[k] = node.Inputs[k].IsNetworkInput ? input : shapes[node.Inputs[k].Id];
            }

            fields[node.Index] = Next(node, inputs, shapes[node.Index], fields);
        }

        return [.. fields];
    }

    /// <summary>The field of <paramref name="node"/> from the fields of earlier nodes: one step of <see cref="Compute"/>.</summary>
    internal static ReceptiveField Next(Node node, TensorShape[] inputs, TensorShape output, ReceptiveField[] fields)
    {
        var sources = node.Inputs;
        ReceptiveField rf;
        if (sources.Length == 1)
        {
            rf = sources[0].IsNetworkInput ? ReceptiveField.Pixel : fields[sources[0].Id];
        }
        else
        {
            // The widest of the inputs that carry the output's map (all of them when none does), on the grid of the first.
            var anyCarrier = false;
            for (var k = 0; k < inputs.Length && !anyCarrier; k++)
            {
                anyCarrier = CarriesMap(inputs[k], output);
            }

            ReceptiveField? first = null;
            long vSize = 0, vPad = 0, hSize = 0, hPad = 0;
            for (var k = 0; k < sources.Length; k++)
            {
                if (anyCarrier && !CarriesMap(inputs[k], output))
                {
                    continue;
                }

                var f = sources[k].IsNetworkInput ? ReceptiveField.Pixel : fields[sources[k].Id];
                first ??= f;
                vSize = Math.Max(vSize, f.Vertical.Size);
                vPad = Math.Max(vPad, f.Vertical.Padding);
                hSize = Math.Max(hSize, f.Horizontal.Size);
                hPad = Math.Max(hPad, f.Horizontal.Padding);
            }

            rf = first is null ? ReceptiveField.Pixel : new(new(vSize, first.Vertical.Stride, vPad), new(hSize, first.Horizontal.Stride, hPad));
        }

        return Through(node.Layer, rf, inputs.Length > 0 ? inputs[0] : output);
    }

    private static ReceptiveField Through(Layer layer, ReceptiveField rf, TensorShape input)
    {
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
            case GlobalMaxPool2d when input.IsFeatureMap:
            case Flatten when input.IsFeatureMap:
                return new(v.Through(input.Height, input.Height, 0), h.Through(input.Width, input.Width, 0));
            default:
                return rf;
        }
    }

    // An input carries the output's map when it has the map's height and width (rather than being
    // broadcast over it); outputs that are not maps (vectors, sequences) are carried by every input.
    private static bool CarriesMap(TensorShape input, TensorShape output) =>
        !output.IsFeatureMap || (input.IsFeatureMap && input.Height == output.Height && input.Width == output.Width);

    // An adaptive pool's widest window and the average step between windows, in closed form: output
    // cell i reads floor(i*H/h) to ceil((i+1)*H/h), the widest of which is ceil((H + h - gcd(H, h)) / h).
    private static ReceptiveAxis Adaptive(ReceptiveAxis axis, int input, int output)
    {
        long h = output, n = input;
        var widest = (n + h - Arithmetic.Gcd(n, h) + h - 1) / h;
        return axis.Through(widest, Math.Max(1, n / h), 0);
    }
}

using System.Globalization;
using L = CnnArch.Layers;

namespace CnnArch.Analysis;

/// <summary>One line of a layer's arithmetic: what it computes, the formula with the layer's numbers, and the result.</summary>
/// <param name="What">output, memory, params or MACs.</param>
/// <param name="Formula">The arithmetic as the lecture writes it ("(11*11*3 + 1) * 64"); empty where the value has no formula here.</param>
/// <param name="Result">The value the analysis computed ("23,296", "64x56x56", "784 KB").</param>
public sealed record ArithmeticLine(string What, string Formula, string Result)
{
    /// <summary>"params  (11*11*3 + 1) * 64 = 23,296", or "params  = 0" without a formula; an output's sizes end in a colon before the shape.</summary>
    public override string ToString() => $"{What,-7} {(Formula.Length == 0 ? "=" : Formula.EndsWith(':') ? Formula : Formula + " =")} {Result}";
}

/// <summary>
/// A layer's numbers as the lecture derives them by hand (EECS 498-007 Lecture 8's AlexNet table):
/// <c>H' = (227 - 11 + 2*2) / 4 + 1 = 56</c>, <c>64 x 56 x 56 = 200,704 elements x 4 B / 1024 = 784 KB</c>,
/// <c>params = (11*11*3 + 1) * 64 = 23,296</c>, <c>MACs = 64*56*56 * 3*11*11 = 72,855,552</c>. Each formula
/// is written from the facts the analysis used (the layer's window, channels, groups and bias, its
/// input and output shapes) and evaluated here; it is shown only where it gives exactly the number the
/// analysis computed, so an explanation can never disagree with the table (a value without a formula
/// is shown as computed).
/// </summary>
public static class LayerArithmetic
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The lines of <paramref name="row"/>'s arithmetic, in <paramref name="report"/>'s convention and data type.</summary>
    public static IReadOnlyList<ArithmeticLine> Explain(AnalysisReport report, LayerReport row)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(row);
        return [Output(row), Memory(report, row), Params(row), Macs(report, row)];
    }

    /// <summary>Whether the MACs of <paramref name="row"/> are explained by a formula (conv, linear, pool), not only stated.</summary>
    public static bool HasMacsFormula(AnalysisReport report, LayerReport row) => Macs(report, row).Formula.Length > 0;

    private static string N(long v) => v.ToString("N0", C);

    private static ArithmeticLine Output(LayerReport row)
    {
        var shape = row.Output.ToString();
        if (row.Window is not { } w || row.Layer is L.TransposedConvolution || row.Inputs.Length == 0 || row.Inputs[0].Rank != row.Output.Rank)
        {
            return new("output", string.Empty, shape);
        }

        var (input, ceil) = (row.Inputs[0], row.Layer is L.Pool { CeilMode: true });
        var axes = new List<string>();

        // The spatial axes are the last ones: after the channels, and after a stack of maps (a stacked convolution).
        var first = row.Output.Rank - w.Rank;
        for (var a = 0; a < w.Rank; a++)
        {
            var (x, k, s, d, pb, pa) = ((long)input.Dims[first + a], (long)w.Kernel[a], (long)w.Stride[a], (long)w.Dilation[a], (long)w.Padding.Before(a), (long)w.Padding.After(a));
            var span = x + pb + pa - (d * (k - 1)) - 1;
            var value = (ceil ? (span + s - 1) / s : span / s) + 1;
            if (value != row.Output.Dims[first + a])
            {
                return new("output", string.Empty, shape);
            }

            var pad = pb == pa ? $"2*{pb}" : $"{pb}+{pa}";
            var kernel = d == 1 ? $"{k}" : $"{d}*({k}-1)+1";
            string[] names = w.Rank switch { 1 => ["L'"], 2 => ["H'", "W'"], _ => ["D'", "H'", "W'"] };
            axes.Add($"{names[Math.Min(a, names.Length - 1)]} = ({x} - {kernel} + {pad}) / {s}{(ceil ? " rounded up" : string.Empty)} + 1 = {value}");
        }

        return new("output", string.Join(", ", axes) + " (division rounded down" + (ceil ? ", up in ceil mode)" : ")") + ":", shape);
    }

    private static ArithmeticLine Memory(AnalysisReport report, LayerReport row)
    {
        var bytes = report.DataType.BytesPerElement();
        var elements = checked(row.Output.Elements * report.Batch);
        var dims = string.Join(" x ", row.Output.Dims.Select(d => d.ToString(C)));
        var batch = report.Batch == 1 ? string.Empty : $"{report.Batch} x ";
        return elements * bytes == row.ActivationBytes
            ? new("memory", $"{batch}{dims} = {N(elements)} elements x {bytes} B / 1024", $"{(row.ActivationBytes / 1024.0).ToString("0.##", C)} KB")
            : new("memory", string.Empty, $"{N(row.ActivationBytes)} B");
    }

    private static ArithmeticLine Params(LayerReport row)
    {
        var result = N(row.Parameters);
        if (row.Inputs.Length == 0)
        {
            return new("params", string.Empty, result);
        }

        var input = row.Inputs[0];
        (string Formula, long Value)? f = row.Layer switch
        {
            L.Convolution c when row.Window is { } w =>
                ($"({string.Join("*", Enumerable.Range(0, w.Rank).Select(a => w.Kernel[a]))}*{c.MapOf(input).Channels / w.Groups}{(c.HasBias ? " + 1" : string.Empty)}) * {c.OutChannels}",
                 checked((Enumerable.Range(0, w.Rank).Aggregate(1L, (p, a) => p * w.Kernel[a]) * (c.MapOf(input).Channels / w.Groups) + (c.HasBias ? 1 : 0)) * c.OutChannels)),
            L.Linear l =>
                ($"({input.Dims[^1]}{(l.HasBias ? " + 1" : string.Empty)}) * {l.OutFeatures}", checked((input.Dims[^1] + (l.HasBias ? 1L : 0)) * l.OutFeatures)),
            L.BatchNorm when row.Parameters > 0 => ($"2 * {input.Dims[0]} (scale and shift)", 2L * input.Dims[0]),
            _ => null,
        };
        return f is { } g && g.Value == row.Parameters ? new("params", g.Formula, result) : new("params", string.Empty, result);
    }

    private static ArithmeticLine Macs(AnalysisReport report, LayerReport row)
    {
        var what = $"MACs ({report.Convention.Name})";
        var result = N(row.Macs);
        if (row.Inputs.Length == 0)
        {
            return new(what, string.Empty, result);
        }

        var input = row.Inputs[0];
        var batch = report.Batch == 1 ? string.Empty : $"{report.Batch} * ";
        var outSpatial = string.Join("*", row.Output.Dims.Skip(1));
        (string Formula, long Value)? f = row.Layer switch
        {
            L.Convolution c when row.Window is { } w && row.Output.Rank > 1 =>
                ($"{batch}{row.Output.Dims[0]}*{outSpatial} * {c.MapOf(input).Channels / w.Groups}*{string.Join("*", Enumerable.Range(0, w.Rank).Select(a => w.Kernel[a]))}",
                 checked(report.Batch * row.Output.Elements * (c.MapOf(input).Channels / w.Groups) * Enumerable.Range(0, w.Rank).Aggregate(1L, (p, a) => p * w.Kernel[a]))),
            L.Linear l =>
                ($"{batch}{(input.Rank > 1 ? string.Join("*", input.Dims.SkipLast(1)) + " * " : string.Empty)}{input.Dims[^1]} * {l.OutFeatures}",
                 checked(report.Batch * (input.Elements / input.Dims[^1]) * input.Dims[^1] * l.OutFeatures)),
            L.Pool when row.Window is { } w && row.Macs > 0 =>
                ($"{batch}{string.Join("*", row.Output.Dims)} * {string.Join("*", Enumerable.Range(0, w.Rank).Select(a => w.Kernel[a]))}",
                 checked(report.Batch * row.Output.Elements * Enumerable.Range(0, w.Rank).Aggregate(1L, (p, a) => p * w.Kernel[a]))),
            _ => null,
        };
        return f is { } g && g.Value == row.Macs ? new(what, g.Formula, result) : new(what, string.Empty, result);
    }
}

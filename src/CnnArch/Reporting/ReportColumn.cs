using System.Collections.Immutable;
using System.Globalization;
using CnnArch.Analysis;

namespace CnnArch.Reporting;

/// <summary>
/// One column of the table reports (text, Markdown): its name on the command line
/// (<c>--columns input,kernel,stride</c>), its header, and how it shows a row. The lecture's AlexNet
/// table has input, filters, kernel, stride, pad, output, memory, params and FLOPs; these are those
/// and the rest a torchinfo or Keras user looks for.
/// </summary>
public sealed class ReportColumn
{
    private readonly Func<Cell, string> _value;
    private readonly Func<AnalysisReport, ReportOptions, string> _total;

    private ReportColumn(string name, string header, bool rightAligned, string description, Func<Cell, string> value, Func<AnalysisReport, ReportOptions, string>? total = null)
    {
        Name = name;
        Header = header;
        IsRightAligned = rightAligned;
        Description = description;
        _value = value;
        _total = total ?? ((_, _) => string.Empty);
    }

    /// <summary>The name <c>--columns</c> takes.</summary>
    public string Name { get; }

    /// <summary>The column's header.</summary>
    public string Header { get; }

    /// <summary>True for numbers and shapes, which line up on the right.</summary>
    public bool IsRightAligned { get; }

    /// <summary>What the column shows, for help texts.</summary>
    public string Description { get; }

    /// <summary>The layer's path (the tree's name in a tree view).</summary>
    public static ReportColumn Layer { get; } = new("layer", "Layer", false, "the layer's path", c => c.Label, (_, _) => "Total");

    /// <summary>The layer kind.</summary>
    public static ReportColumn Kind { get; } = new("kind", "Kind", false, "the layer kind", c => c.Row.Kind);

    /// <summary>Input shapes of one sample (or the batch with <see cref="ReportOptions.BatchDim"/>).</summary>
    public static ReportColumn Input { get; } = new("input", "Input", true, "input shapes", c => string.Join(" + ", c.Row.Inputs.Select(c.Shape)), (r, o) => o.Shape(r, r.Input));

    /// <summary>Output shape.</summary>
    public static ReportColumn Output { get; } = new("output", "Output", true, "output shape", c => c.Shape(c.Row.Output), (r, o) => o.Shape(r, r.Output));

    /// <summary>Kernel size of convolutions and pools (11, or 1x7, or 3x7x7).</summary>
    public static ReportColumn KernelSize { get; } = new("kernel", "Kernel", true, "kernel size", c => Pair(c.Row.Window?.Kernel));

    /// <summary>Stride of convolutions and pools.</summary>
    public static ReportColumn Stride { get; } = new("stride", "Stride", true, "stride", c => Pair(c.Row.Window?.Stride));

    /// <summary>Zero padding per side (one number when all sides agree, else before,after of each axis: top,bottom,left,right in 2-D).</summary>
    public static ReportColumn Padding { get; } = new("padding", "Pad", true, "padding per side", c => c.Row.Window?.Padding.ToString() ?? string.Empty);

    /// <summary>Dilation of convolutions and max pools.</summary>
    public static ReportColumn Dilation { get; } = new("dilation", "Dilation", true, "dilation", c => Pair(c.Row.Window?.Dilation));

    /// <summary>Convolution groups.</summary>
    public static ReportColumn Groups { get; } = new("groups", "Groups", true, "convolution groups", c => c.Row.Window is { } w ? w.Groups.ToString(CultureInfo.InvariantCulture) : string.Empty);

    /// <summary>Output memory for the batch, in KB/MB (powers of 1024, as the lecture).</summary>
    public static ReportColumn Memory { get; } = new("memory", "Memory", true, "output memory (KB = 1024 bytes)", c => c.Options.Exact ? Kb(c.Row.ActivationBytes) : Units.Bytes(c.Row.ActivationBytes), (r, o) => o.Exact ? Kb(r.Totals.ActivationBytes) : Units.Bytes(r.Totals.ActivationBytes));

    /// <summary>Exact trainable parameters with thousands separators (23,296).</summary>
    public static ReportColumn Params { get; } = new("params", "Params", true, "parameters, exact", c => Units.Exact(c.Row.Parameters), (r, _) => Units.Exact(r.Totals.Parameters));

    /// <summary>The layer's share of the total parameters.</summary>
    public static ReportColumn ParamsShare { get; } = new("params%", "Params %", true, "share of the total parameters", c => Share(c.Row.Parameters, c.Report.Totals.Parameters), (r, _) => Share(r.Totals.Parameters, r.Totals.Parameters));

    /// <summary>Non-trainable state (BatchNorm's running statistics).</summary>
    public static ReportColumn Buffers { get; } = new("buffers", "Buffers", true, "buffers (BatchNorm running statistics), exact", c => Units.Exact(c.Row.Buffers), (r, _) => Units.Exact(r.Totals.Buffers));

    /// <summary>Multiply-adds in the report's convention, with a unit (72.9 M).</summary>
    public static ReportColumn Macs { get; } = new("macs", "MACs", true, "multiply-adds in the convention", c => c.Row.IsCounted ? Count(c.Row.Macs, c.Options) : "uncounted", (r, o) => Count(r.Totals.Macs, o));

    /// <summary>The layer's share of the total multiply-adds.</summary>
    public static ReportColumn MacsShare { get; } = new("macs%", "MACs %", true, "share of the total multiply-adds", c => c.Row.IsCounted ? Share(c.Row.Macs, c.Report.Totals.Macs) : "uncounted", (r, _) => Share(r.Totals.Macs, r.Totals.Macs));

    /// <summary>FLOPs in the report's convention, with a unit.</summary>
    public static ReportColumn Flops { get; } = new("flops", "FLOPs", true, "FLOPs in the convention", c => c.Row.IsCounted ? Count(c.Row.Flops, c.Options) : "uncounted", (r, o) => Count(r.Totals.Flops, o));

    /// <summary>Multiply-adds of the backward pass (input and weight gradients), with a unit.</summary>
    public static ReportColumn BackwardMacs { get; } = new("backward", "Backward MACs", true, "backward multiply-adds (training)", c => c.Row.IsCounted ? Count(c.Row.BackwardMacs, c.Options) : "uncounted", (r, o) => Count(r.Totals.BackwardMacs, o));

    /// <summary>Trainable parameters: 0 for frozen layers.</summary>
    public static ReportColumn Trainable { get; } = new("trainable", "Trainable", true, "trainable parameters (0 when frozen), exact", c => Units.Exact(c.Row.TrainableParameters), (r, _) => Units.Exact(r.Totals.TrainableParameters));

    /// <summary>Receptive field size and its stride on the input (195/32), per axis where the axes differ (3x7x7/1x2x2).</summary>
    public static ReportColumn ReceptiveField { get; } = new("rf", "RF/stride", true, "receptive field size / its stride on the input", c => c.Row.ReceptiveField.ToCompactString());

    /// <summary>Every column, in the order <c>all</c> shows them.</summary>
    public static ImmutableArray<ReportColumn> All { get; } =
        [Layer, Kind, Input, Output, KernelSize, Stride, Padding, Dilation, Groups, Memory, Params, ParamsShare, Trainable, Buffers, Macs, MacsShare, Flops, BackwardMacs, ReceptiveField];

    /// <summary>The default table: layer, kind, output, memory, params, MACs.</summary>
    public static ImmutableArray<ReportColumn> Default { get; } = [Layer, Kind, Output, Memory, Params, Macs];

    /// <summary>The lecture's full table, for a wide terminal: input, kernel, stride, pad, output, memory, params and their share, MACs and their share, receptive field.</summary>
    public static ImmutableArray<ReportColumn> Wide { get; } = [Layer, Kind, Input, KernelSize, Stride, Padding, Output, Memory, Params, ParamsShare, Macs, MacsShare, ReceptiveField];

    /// <summary>
    /// Columns from a comma-separated list of names; <c>default</c>, <c>wide</c> and <c>all</c> name
    /// the sets, and a list whose names all start with <c>+</c> adds them to the default set.
    /// </summary>
    /// <exception cref="FormatException">An unknown name; the message lists the known ones.</exception>
    public static ImmutableArray<ReportColumn> Parse(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 1)
        {
            switch (names[0].ToLowerInvariant())
            {
                case "default": return Default;
                case "wide": return Wide;
                case "all": return All;
            }
        }

        var adding = names.Length > 0 && names.All(n => n.StartsWith('+'));
        var columns = adding ? Default.ToList() : [];
        foreach (var name in names.Select(n => n.TrimStart('+')))
        {
            var column = All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new FormatException($"No column named '{name}'. Known: {string.Join(", ", All.Select(c => c.Name))}, or default, wide, all.");
            if (!columns.Contains(column))
            {
                columns.Add(column);
            }
        }

        return columns.Count > 0 ? [.. columns] : throw new FormatException("No columns named: give a comma-separated list such as layer,kind,output,params.");
    }

    /// <summary>The cell of <paramref name="row"/>, labelled <paramref name="label"/>.</summary>
    internal string Value(AnalysisReport report, LayerReport row, string label, ReportOptions options) => _value(new Cell(report, row, label, options));

    /// <summary>The cell of the total row.</summary>
    internal string Total(AnalysisReport report, ReportOptions options) => _total(report, options);

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static string Count(long value, ReportOptions options) => options.Exact ? Units.Exact(value) : Units.Count(value);

    private static string Kb(long bytes) => (bytes / 1024.0).ToString("#,0.##", CultureInfo.InvariantCulture);

    /// <summary>The header, with the unit where exact numbers need one (Memory (KB)).</summary>
    internal string HeaderFor(ReportOptions options) => options.Exact && this == Memory ? "Memory (KB)" : Header;

    private static string Pair(SpatialSize? size) => size?.ToCompactString() ?? string.Empty;

    private static string Share(long part, long whole) => whole == 0 ? "-" : (100.0 * part / whole).ToString("0.00", CultureInfo.InvariantCulture) + "%";

    internal readonly record struct Cell(AnalysisReport Report, LayerReport Row, string Label, ReportOptions Options)
    {
        public string Shape(TensorShape shape) => Options.Shape(Report, shape);
    }
}

using System.Globalization;
using System.Text;
using CnnArch.Analysis;

namespace CnnArch.Reporting;

/// <summary>
/// A report as CSV (RFC 4180): one row per layer with exact integers, then nothing else, so that any
/// CSV reader takes it. Columns: path, kind, output (CxHxW), params, buffers, macs, flops,
/// activation_bytes, memory_kb, module, auxiliary, counted, receptive_field, rf_stride, rf_padding
/// (along the height), input (shapes joined by ';'), kernel, stride, padding, dilation, groups (empty
/// for layers without a window; padding is top,bottom,left,right unless all sides agree), params_pct
/// and macs_pct (the share of the totals in percent, 4 decimals).
/// </summary>
public static partial class CsvReport
{
    /// <summary>The header row.</summary>
    public const string Header = "path,kind,output,params,buffers,macs,flops,activation_bytes,memory_kb,module,auxiliary,counted,receptive_field,rf_stride,rf_padding,input,kernel,stride,padding,dilation,groups,params_pct,macs_pct";

    /// <summary>The report as CSV text, header first, lines ending in \n; <paramref name="depth"/> collapses deeper blocks.</summary>
    public static string Write(AnalysisReport report, int? depth = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder().Append(Header).Append('\n');
        foreach (var l in report.Collapsed(depth))
        {
            sb.Append(Field(l.Path)).Append(',')
              .Append(Field(l.Kind)).Append(',')
              .Append(l.Output.ToString()).Append(',')
              .Append(l.Parameters.ToString(c)).Append(',')
              .Append(l.Buffers.ToString(c)).Append(',')
              .Append(l.Macs.ToString(c)).Append(',')
              .Append(l.Flops.ToString(c)).Append(',')
              .Append(l.ActivationBytes.ToString(c)).Append(',')
              .Append(l.MemoryKB.ToString("0.####", c)).Append(',')
              .Append(l.IsModule ? "true" : "false").Append(',')
              .Append(l.IsAuxiliary ? "true" : "false").Append(',')
              .Append(l.IsCounted ? "true" : "false").Append(',')
              .Append(FieldAxes(l.ReceptiveField, a => a.Size.ToString(c))).Append(',')
              .Append(FieldAxes(l.ReceptiveField, a => a.Scale == 1 ? a.Stride.ToString(c) : a.StrideInPixels.ToString("0.######", c))).Append(',')
              .Append(FieldAxes(l.ReceptiveField, a => a.Scale == 1 ? a.Padding.ToString(c) : a.PaddingInPixels.ToString("0.######", c))).Append(',')
              .Append(string.Join(';', l.Inputs.Select(i => i.ToString()))).Append(',')
              .Append(l.Window?.Kernel.ToString()).Append(',')
              .Append(l.Window?.Stride.ToString()).Append(',')
              .Append(Field(l.Window?.Padding.ToString() ?? string.Empty)).Append(',')
              .Append(l.Window?.Dilation.ToString()).Append(',')
              .Append(l.Window?.Groups.ToString(c)).Append(',')
              .Append(Percent(l.Parameters, report.Totals.Parameters)).Append(',')
              .Append(l.IsCounted ? Percent(l.Macs, report.Totals.Macs) : string.Empty).Append('\n');
        }

        return sb.ToString();
    }

    // One number when every axis agrees, else one per axis joined by 'x' (3x7x7); empty when the field is unknown.
    private static string FieldAxes(ReceptiveField field, Func<ReceptiveAxis, string> value) =>
        !field.IsKnown ? string.Empty : field.IsUniform ? value(field[0]) : string.Join('x', field.Axes.Select(value));

    private static string Percent(long part, long whole) =>
        whole == 0 ? string.Empty : (100.0 * part / whole).ToString("0.####", CultureInfo.InvariantCulture);

    private static string Field(string value) => Csv.Field(value);
}

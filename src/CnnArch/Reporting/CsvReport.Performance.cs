using System.Text;
using CnnArch.Performance;

namespace CnnArch.Reporting;

public static partial class CsvReport
{
    /// <summary>The latency prediction as CSV: path, kind, class, flops, weight_bytes, input_bytes, output_bytes, intensity, bound, latency_ms.</summary>
    public static string Write(LatencyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder("path,kind,class,flops,weight_bytes,input_bytes,output_bytes,intensity,bound,latency_ms\n");
        foreach (var l in report.Layers)
        {
            text.Append(Csv.Row(l.Path, l.Kind, l.Class?.ToString() ?? string.Empty, Csv.Number(l.Flops), Csv.Number(l.WeightBytes), Csv.Number(l.InputBytes), Csv.Number(l.OutputBytes),
                Csv.Number(l.Intensity, "0.###"), l.Bound.Name(), Csv.Number(l.Milliseconds, "0.######")));
        }

        return text.ToString();
    }
}

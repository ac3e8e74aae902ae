using System.Globalization;
using System.Text;
using CnnArch.Studies;

namespace CnnArch.Reporting;

public static partial class CsvReport
{
    /// <summary>
    /// The comparison as CSV: model, input, params, macs, activation_bytes, inference_peak_bytes, top1,
    /// params_ratio, macs_ratio, memory_ratio (empty where a ratio has no value), training_peak_bytes when asked for, and latency_ms,
    /// images_per_second when predicted.
    /// </summary>
    public static string Write(Comparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var latency = comparison.Latency;
        var training = comparison.Rows.Any(r => r.TrainingPeakBytes is not null);
        var text = new StringBuilder("model,input,params,macs,activation_bytes,inference_peak_bytes,top1,params_ratio,macs_ratio,memory_ratio"
            + (training ? ",training_peak_bytes" : string.Empty) + (latency.IsEmpty ? "\n" : ",latency_ms,images_per_second\n"));
        for (var i = 0; i < comparison.Rows.Length; i++)
        {
            var r = comparison.Rows[i];
            string[] cells = [r.Model, r.Input.ToString(), Csv.Number(r.Parameters), Csv.Number(r.Macs), Csv.Number(r.ActivationBytes), Csv.Number(r.InferencePeakBytes),
                Csv.Number(r.Top1), Csv.Number(r.ParametersRatio, "0.####"), Csv.Number(r.MacsRatio, "0.####"), Csv.Number(r.MemoryRatio, "0.####"),
                .. training ? [Csv.Number(r.TrainingPeakBytes)] : Array.Empty<string>()];
            text.Append(Csv.Row(latency.IsEmpty ? cells : [.. cells, Csv.Number(latency[i].Milliseconds, "0.######"), Csv.Number(latency[i].ImagesPerSecond, "0.#")]));
        }

        return text.ToString();
    }

    /// <summary>The sweep as CSV: batch, input, macs, activation_bytes, inference_peak_bytes, training_peak_bytes, and latency_ms, images_per_second when predicted.</summary>
    public static string Write(Sweep sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var latency = sweep.Latency;
        var text = new StringBuilder("batch,input,macs,activation_bytes,inference_peak_bytes,training_peak_bytes" + (latency.IsEmpty ? "\n" : ",latency_ms,images_per_second\n"));
        for (var i = 0; i < sweep.Points.Length; i++)
        {
            var p = sweep.Points[i];
            string[] cells = [Csv.Number(p.Batch), p.Input.ToString(), Csv.Number(p.Macs), Csv.Number(p.ActivationBytes), Csv.Number(p.InferencePeakBytes), Csv.Number(p.TrainingPeakBytes)];
            text.Append(Csv.Row(latency.IsEmpty ? cells : [.. cells, Csv.Number(latency[i].Milliseconds, "0.######"), Csv.Number(latency[i].ImagesPerSecond, "0.#")]));
        }

        return text.ToString();
    }

    /// <summary>The equal-cost study as CSV: one row per neighbour, with the fixed value of --each first when there is one, the continuous root, the value, its cost, its ratio, whether it is the nearest and whether it is the answer.</summary>
    public static string Write(EqualCostStudy study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var first = study.Solutions[0];
        string[] header = [$"{first.Parameter}_continuous", first.Parameter, first.Cost.Name, "ratio", "nearest", "chosen"];
        var text = new StringBuilder(Csv.Row(study.Each is null ? header : [study.Each, .. header]));
        foreach (var r in study.Solutions)
        {
            foreach (var n in r.Neighbours)
            {
                string[] cells = [Csv.Number(r.Continuous, "0.####"), Csv.Number(n.Value), Csv.Number(n.Cost), Csv.Number(n.Ratio, "0.####"), n == r.Nearest ? "true" : "false", n == r.Chosen ? "true" : "false"];
                text.Append(Csv.Row(study.Each is null ? cells : [r.Fixed[study.Each], .. cells]));
            }
        }

        return text.ToString();
    }

    /// <summary>The blocks' cost polynomials as CSV: block, macs, params, memory_bytes, exact.</summary>
    public static string Write(BlockCostTable blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var text = new StringBuilder("block,macs,params,memory_bytes,exact\n");
        foreach (var row in blocks.Rows)
        {
            text.Append(Csv.Row(row.Block.Name, row.Macs.ToString(), row.Params.ToString(), row.Memory.ToString(), row.IsExact ? "true" : "false"));
        }

        return text.ToString();
    }

    /// <summary>The search's frontier as CSV: index, each parameter, each cost, preset and top1 (empty unless a candidate equals a preset).</summary>
    public static string Write(SearchResult search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var s = search.Space;
        var text = new StringBuilder(Csv.Row(["index", .. s.Parameters.Select(p => p.Name), .. search.Costs.Select(c => c.Name), "preset", "top1"]));
        foreach (var c in search.Frontier)
        {
            text.Append(Csv.Row([c.Index.ToString(CultureInfo.InvariantCulture), .. c.Values.Select(v => Csv.Number(v)), .. c.Costs.Select(v => Csv.Number(v)), c.Preset ?? string.Empty, Csv.Number(c.Top1)]));
        }

        return text.ToString();
    }
}

using System.Text.Json;
using CnnArch.Studies;

namespace CnnArch.Reporting;

public static partial class JsonReport
{
    /// <summary>
    /// The comparison as JSON: convention (and device, dtype, batch with latency), then per model its
    /// input, params, macs, activationBytes, inferencePeakBytes, top1 when published, the three ratios
    /// to the first (null where the first has none of the quantity), and latencyMs, imagesPerSecond.
    /// </summary>
    public static string Write(Comparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var latency = comparison.Latency;
        return JsonText.Object(w =>
        {
            w.WriteString("convention", comparison.Convention.Name);
            if (!latency.IsEmpty)
            {
                w.WriteString("device", latency[0].Options.Device.Name);
                w.WriteString("dtype", latency[0].Options.DataType.Name());
                w.WriteNumber("batch", latency[0].Options.Batch);
            }

            w.WriteStartArray("models");
            for (var i = 0; i < comparison.Rows.Length; i++)
            {
                var r = comparison.Rows[i];
                w.WriteStartObject();
                w.WriteString("model", r.Model);
                w.WriteString("input", r.Input.ToString());
                w.WriteNumber("params", r.Parameters);
                w.WriteNumber("macs", r.Macs);
                w.WriteNumber("activationBytes", r.ActivationBytes);
                w.WriteNumber("inferencePeakBytes", r.InferencePeakBytes);
                if (r.TrainingPeakBytes is { } trainingPeak)
                {
                    w.WriteNumber("trainingPeakBytes", trainingPeak);
                }

                if (r.Top1 is { } top1)
                {
                    w.WriteNumber("top1", top1);
                }

                w.NumberOrNull("paramsRatio", r.ParametersRatio);
                w.NumberOrNull("macsRatio", r.MacsRatio);
                w.NumberOrNull("memoryRatio", r.MemoryRatio);
                WriteLatencyTotals(w, latency, i);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static void WriteLatencyTotals(Utf8JsonWriter w, System.Collections.Immutable.ImmutableArray<Performance.LatencyReport> latency, int i)
    {
        if (!latency.IsEmpty)
        {
            w.WriteNumber("latencyMs", Math.Round(latency[i].Milliseconds, 6));
            w.WriteNumber("imagesPerSecond", Math.Round(latency[i].ImagesPerSecond, 1));
        }
    }

    /// <summary>The sweep as JSON: model, over (batch or resolution), convention (device, dtype), and per point batch, input, macs, activationBytes, the two peaks and latency.</summary>
    public static string Write(Sweep sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var latency = sweep.Latency;
        return JsonText.Object(w =>
        {
            w.WriteString("model", sweep.Model);
            w.WriteString("over", TextReport.Name(sweep.Over));
            w.WriteString("convention", sweep.Convention.Name);
            if (!latency.IsEmpty)
            {
                w.WriteString("device", latency[0].Options.Device.Name);
                w.WriteString("dtype", latency[0].Options.DataType.Name());
            }

            w.WriteStartArray("points");
            for (var i = 0; i < sweep.Points.Length; i++)
            {
                var p = sweep.Points[i];
                w.WriteStartObject();
                w.WriteNumber("batch", p.Batch);
                w.WriteString("input", p.Input.ToString());
                w.WriteNumber("macs", p.Macs);
                w.WriteNumber("activationBytes", p.ActivationBytes);
                w.WriteNumber("inferencePeakBytes", p.InferencePeakBytes);
                w.WriteNumber("trainingPeakBytes", p.TrainingPeakBytes);
                WriteLatencyTotals(w, latency, i);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    /// <summary>The equal-cost study as JSON: preset, parameter, cost, convention, match, target, pick, and per solution the continuous root, the nearest and the chosen value and the neighbours with cost and ratio.</summary>
    public static string Write(EqualCostStudy study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var first = study.Solutions[0];
        return JsonText.Object(w =>
        {
            w.WriteString("preset", first.Preset);
            w.WriteString("parameter", first.Parameter);
            w.WriteString("cost", first.Cost.Name);
            w.WriteString("convention", study.Convention.Name);
            if (study.Reference is not null)
            {
                w.WriteString("match", study.Reference);
            }

            w.WriteNumber("target", study.Target);
            w.WriteString("pick", study.Pick == SolutionPick.AtLeast ? "at-least" : study.Pick.ToString().ToLowerInvariant());
            w.WriteStartArray("solutions");
            foreach (var r in study.Solutions)
            {
                w.WriteStartObject();
                if (study.Each is not null)
                {
                    w.WriteString(study.Each, r.Fixed[study.Each]);
                }

                w.WriteNumber("continuous", r.Continuous);
                w.WriteNumber("nearest", r.Nearest.Value);
                w.WriteNumber("chosen", r.Chosen.Value);
                w.WriteStartArray("neighbours");
                foreach (var n in r.Neighbours)
                {
                    w.WriteStartObject();
                    w.WriteNumber("value", n.Value);
                    w.WriteNumber("cost", n.Cost);
                    w.WriteNumber("ratio", n.Ratio);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    /// <summary>The blocks' cost polynomials as JSON: convention, and per block each cost's polynomial, whether exact, and its terms.</summary>
    public static string Write(BlockCostTable blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        return JsonText.Object(w =>
        {
            w.WriteString("convention", blocks.Convention.Name);
            w.WriteStartArray("blocks");
            foreach (var row in blocks.Rows)
            {
                w.WriteStartObject();
                w.WriteString("block", row.Block.Name);
                WritePolynomial(w, "macs", row.Macs);
                WritePolynomial(w, "params", row.Params);
                WritePolynomial(w, "memory", row.Memory);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static void WritePolynomial(Utf8JsonWriter w, string name, CostPolynomial polynomial)
    {
        w.WriteStartObject(name);
        w.WriteString("polynomial", polynomial.ToString());
        w.WriteBoolean("exact", polynomial.IsExact);
        w.WriteStartArray("terms");
        foreach (var t in polynomial.Terms)
        {
            w.WriteStartObject();
            w.WriteNumber("cPower", t.CPower);
            w.WriteNumber("hwPower", t.HwPower);
            w.WriteNumber("coefficient", t.Coefficient);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// The search as JSON: space, samples, seed, feasible, budgets, the frontier (index, parameters,
    /// costs, preset and top1 where a candidate is one), each cost's distribution in 5% steps, and a note.
    /// </summary>
    public static string Write(SearchResult search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var s = search.Space;
        return JsonText.Object(w =>
        {
            w.WriteString("space", s.Name);
            w.WriteNumber("samples", search.Options.Samples);
            w.WriteNumber("seed", search.Options.Seed);
            w.WriteNumber("feasible", search.Feasible.Length);
            w.WriteStartArray("budgets");
            foreach (var b in search.Options.Budgets)
            {
                w.WriteStartObject();
                w.WriteString("cost", b.Cost.Name);
                w.WriteNumber("limit", b.Limit);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("frontier");
            foreach (var c in search.Frontier)
            {
                WriteCandidate(w, search, c);
            }

            w.WriteEndArray();
            w.WriteStartObject("edf");
            for (var k = 0; k < search.Costs.Length; k++)
            {
                w.WriteStartArray(search.Costs[k].Name);
                for (var q = 0; q <= 20; q++)
                {
                    w.WriteStartObject();
                    w.WriteNumber("quantile", q / 20.0);
                    w.WriteNumber("value", search.Quantile(k, q / 20.0));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteString("note", "Costs only: search predicts cost, not accuracy; top-1 appears only where a candidate equals a preset with published weights.");
        });
    }

    private static void WriteCandidate(Utf8JsonWriter w, SearchResult search, SearchCandidate c)
    {
        w.WriteStartObject();
        w.WriteNumber("index", c.Index);
        w.WriteStartObject("parameters");
        for (var i = 0; i < search.Space.Parameters.Length; i++)
        {
            w.WriteNumber(search.Space.Parameters[i].Name, c.Values[i]);
        }

        w.WriteEndObject();
        for (var k = 0; k < search.Costs.Length; k++)
        {
            w.WriteNumber(search.Costs[k].Name, c.Costs[k]);
        }

        if (c.Preset is not null)
        {
            w.WriteString("preset", c.Preset);
        }

        if (c.Top1 is { } top1)
        {
            w.WriteNumber("top1", top1);
        }

        w.WriteEndObject();
    }
}

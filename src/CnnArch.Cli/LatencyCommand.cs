using System.CommandLine;
using System.Globalization;
using System.Text;
using CnnArch.Performance;
using Spectre.Console;
using CnnArch.Layers;

namespace CnnArch.Cli;

/// <summary><c>cnnarch latency</c>: the predicted time of a forward pass on a named device, per layer.</summary>
internal static class LatencyCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var model = CliOptions.Model();
        var input = CliOptions.Input();
        var batch = CliOptions.Batch();
        var device = Device(DeviceDescription, "h200");
        var dtype = Precision();
        var overhead = new Option<int>("--overhead") { Description = "1: eager PyTorch's per-kernel host and launch costs count; 0: the fused, launch-free bound.", DefaultValueFactory = _ => 1 };
        overhead.AcceptOnlyFromAmong("0", "1");
        var format = CliOptions.Format("Output format.", "table", "json", "csv");
        var output = CliOptions.Output();
        var set = CliOptions.Set();
        var command = new Command("latency",
            "Predicted time of one forward pass on a GPU, per layer: FLOPs, bytes, arithmetic intensity, what bounds it, time and share.\n" +
            "Example: cnnarch latency resnet50 --device h200 --dtype bf16 --batch 64")
        {
            model, input, batch, device, dtype, overhead, format, output, set,
        };
        command.SetAction(result => CliApp.Guarded(stderr, () =>
        {
            var shape = result.Shape(input);
            var network = ModelSource.Load(result.GetRequiredValue(model), result.GetValue(set) ?? [], shape).Network;
            var report = LatencyModel.Predict(network, new LatencyOptions
            {
                Device = DeviceProfile.Get(result.GetValue(device)!),
                Precision = Precisions.Parse(result.GetRequiredValue(dtype)),
                Batch = result.GetValue(batch),
                Input = shape,
                Overhead = result.GetValue(overhead) == 1,
            });
            CliApp.Write(stdout, isTerminal, result.GetValue(output), (writer, fancy) =>
            {
                switch (result.GetValue(format))
                {
                    case "json":
                        writer.Write(Json(report));
                        break;
                    case "csv":
                        writer.Write(Csv(report));
                        break;
                    default:
                        Table(report, CliApp.CreateConsole(writer, fancy), fancy);
                        break;
                }
            });
        }));
        return command;
    }

    private static readonly string DeviceDescription = $"A device ({string.Join(", ", DeviceProfile.KnownNames)}) or a profile file (.json).";

    /// <summary>--device: a built-in device or a profile file; with no fallback it is optional.</summary>
    public static Option<string?> Device(string description, string? fallback = null) =>
        fallback is null ? new("--device") { Description = description } : new("--device") { Description = description, DefaultValueFactory = _ => fallback };

    /// <summary>--dtype for latency: the precision as PyTorch runs it.</summary>
    public static Option<string> Precision(string name = "--dtype")
    {
        var dtype = new Option<string>(name) { Description = "Precision as PyTorch runs it: fp32 (convs in TF32, matmuls in FP32), tf32, bf16, fp16.", DefaultValueFactory = _ => "fp32" };
        dtype.AcceptOnlyFromAmong("fp32", "tf32", "bf16", "fp16");
        return dtype;
    }

    /// <summary>The latency of each network when --device names one, else null.</summary>
    public static List<LatencyReport>? Predict(ParseResult result, Option<string?> device, Option<string> dtype, int batch, TensorShape? input, IEnumerable<Graph.Network> networks) =>
        result.GetValue(device) is { } name
            ? [.. networks.Select(n => LatencyModel.Predict(n, new LatencyOptions { Device = DeviceProfile.Get(name), Precision = Precisions.Parse(result.GetRequiredValue(dtype)), Batch = batch, Input = input }))]
            : null;

    internal static string Ms(double ms) => ms.ToString(ms >= 10 ? "0.0" : ms >= 1 ? "0.00" : "0.000", Invariant);

    /// <summary>One line for another command's footer: the predicted time on the device, and where the per-layer table is.</summary>
    public static string Summary(LatencyReport r) =>
        $"Latency on {r.Options.Device.Name} ({r.Options.Precision.Name()}, batch {r.Options.Batch}): predicted {Ms(r.Milliseconds)} ms per forward pass ({r.ImagesPerSecond.ToString("N0", Invariant)} images/s); per layer: cnnarch latency.";

    private static void Table(LatencyReport r, IAnsiConsole console, bool fancy)
    {
        var o = r.Options;
        console.WriteLine($"{r.Model}: input {r.Input}, batch {o.Batch}, {o.Precision.Name()} on {o.Device.Name} ({o.Device.Description}, {(o.Device.Calibrated ? "calibrated" : "datasheet peaks")}){(o.Overhead ? "" : ", no launch overhead")}");
        var table = new Table().Border(fancy ? TableBorder.Rounded : TableBorder.Ascii);
        foreach (var (title, right) in new[] { ("Layer", false), ("Kind", false), ("FLOPs", true), ("Bytes", true), ("FLOP/B", true), ("Bound", false), ("ms", true), ("Share", true) })
        {
            table.AddColumn(new TableColumn(title) { Alignment = right ? Justify.Right : Justify.Left });
        }

        foreach (var l in r.Layers.Where(l => l.Class != KernelClass.View))
        {
            table.AddRow(Markup.Escape(l.Path), Markup.Escape(l.Kind), Units.Count(l.Flops), Units.Bytes(l.Bytes), l.Intensity.ToString("0.#", Invariant), l.Bound,
                Ms(l.Milliseconds), r.Milliseconds > 0 ? (l.Milliseconds / r.Milliseconds).ToString("0.0%", Invariant) : "-");
        }

        console.Write(table);
        console.WriteLine($"Predicted {Ms(r.Milliseconds)} ms per forward pass of {o.Batch} ({r.ImagesPerSecond.ToString("N0", Invariant)} images/s), {r.Kernels} kernels; ideal roofline bound {Ms(r.RooflineMilliseconds)} ms.");
        if (r.Uncounted.Length > 0)
        {
            console.WriteLine($"No latency rule for {r.Uncounted.Length} layer(s), not in the total: {string.Join(", ", r.Uncounted)}.");
        }

        console.WriteLine("Model: per layer max(FLOPs / (peak x efficiency x wave fill), bytes / (bandwidth x efficiency)) + kernel cost, at least the eager host cost per kernel; see docs/latency.md for its measured error.");
    }

    private static string Csv(LatencyReport r)
    {
        var text = new StringBuilder("path,kind,class,flops,weight_bytes,input_bytes,output_bytes,intensity,bound,latency_ms\n");
        foreach (var l in r.Layers)
        {
            text.Append(Invariant, $"{l.Path},{l.Kind},{l.Class?.ToString() ?? ""},{l.Flops},{l.WeightBytes},{l.InputBytes},{l.OutputBytes},{l.Intensity:0.###},{l.Bound},{l.Milliseconds:0.######}\n");
        }

        return text.ToString();
    }

    private static string Json(LatencyReport r) => JsonText.Object(w =>
    {
        w.WriteString("model", r.Model);
        r.WriteJsonProperties(w);
    }) + "\n";
}

using System.CommandLine;
using CnnArch.Performance;

namespace CnnArch.Cli.Commands;

/// <summary><c>cnnarch latency</c>: the predicted time of a forward pass on a named device, per layer.</summary>
internal static class LatencyCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CliOptions.Model();
        var input = CliOptions.Input();
        var batch = CliOptions.Batch();
        var device = CliOptions.Device($"A device ({string.Join(", ", DeviceProfile.KnownNames)}) or a profile file (.json).", "h200");
        var dtype = CliOptions.DataType("Precision as PyTorch runs it: fp32 (convs in TF32, matmuls in FP32), tf32, bf16, fp16.");
        var overhead = CliOptions.Choice("--overhead", "1: eager PyTorch's per-kernel host and launch costs count; 0: the fused, launch-free bound.", [("1", 1), ("0", 0)], 1);
        var format = CliOptions.Format("Output format.", OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv);
        var output = CliOptions.Output();
        var set = CliOptions.Set();
        var command = new Command("latency",
            "Predicted time of one forward pass on a GPU, per layer: FLOPs, bytes, arithmetic intensity, what bounds it, time and share.\n" +
            "Example: cnnarch latency resnet50 --device h200 --dtype bf16 --batch 64")
        {
            model, input, batch, device, dtype, overhead, format, output, set,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var network = result.Load(model, set, input).Network;
            var report = LatencyModel.Predict(network, Options(result, device, dtype, result.GetValue(batch), result.Shape(input)) with { Overhead = result.GetValue(overhead) == 1 });
            cli.Emit(result.GetValue(output), fancy => result.GetValue(format) switch
            {
                OutputFormat.Json => JsonReport.Write(report) + "\n",
                OutputFormat.Csv => CsvReport.Write(report),
                _ => CliContext.Text(TextReport.Document(report), fancy),
            });
        }));
        return command;
    }

    /// <summary>The latency options --device and --dtype name.</summary>
    public static LatencyOptions Options(ParseResult result, Option<string?> device, Option<CnnArch.DataType> dtype, int batch, TensorShape? input) => new()
    {
        Device = DeviceProfile.Get(result.GetValue(device)!),
        DataType = result.GetValue(dtype),
        Batch = batch,
        Input = input,
    };

    /// <summary>The latency options when --device names a device, else null.</summary>
    public static LatencyOptions? OptionsIfAny(ParseResult result, Option<string?> device, Option<CnnArch.DataType> dtype, int batch, TensorShape? input) =>
        result.GetValue(device) is null ? null : Options(result, device, dtype, batch, input);
}

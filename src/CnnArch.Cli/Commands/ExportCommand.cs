using System.CommandLine;
using CnnArch.Onnx;

namespace CnnArch.Cli.Commands;

/// <summary><c>cnnarch export</c>: any network as a spec file or as an ONNX model.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CliOptions.Model();
        var format = CliOptions.Format("What to write: a spec file (JSON) that 'cnnarch analyze' reads back, or an ONNX model (opset 17) that ONNX Runtime runs and Netron shows.", OutputFormat.Spec, OutputFormat.Onnx);
        var input = CliOptions.Input("The input to write the network for (for an .onnx file: to import it at).");
        var set = CliOptions.Set();
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (a spec goes to the terminal without it; an ONNX model to MODEL.onnx).", HelpName = "file" };
        var weights = CliOptions.Choice("--weights", "ONNX only: fill the weights with zeros, with random values (+-1/sqrt(fan-in), the same on every run), or write none (they refer to MODEL.onnx.data, which is not written, like a stripped export).",
            [("zeros", OnnxWeights.Zeros), ("random", OnnxWeights.Random), ("none", OnnxWeights.None)], OnnxWeights.Zeros);
        var command = new Command("export",
            "Any network as a spec file to edit and analyze again, or as an ONNX model to run.\n" +
            "Example: cnnarch export resnet18 > resnet18.json && cnnarch analyze resnet18.json\n" +
            "Example: cnnarch export resnet18 --format onnx --output resnet18.onnx")
        {
            model, format, input, set, output, weights,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var loaded = result.Load(model, set, input);
            var shape = result.Shape(input);
            if (result.GetValue(format) == OutputFormat.Spec)
            {
                cli.Emit(result.GetValue(output), _ => Spec.SpecWriter.Write(loaded.Network));
                return;
            }

            var file = result.GetValue(output) ?? loaded.Network.Name + ".onnx";
            if (Directory.Exists(file))
            {
                throw new ArgumentException($"--output '{file}' is a folder; give a file to write.");
            }

            OnnxExporter.Write(loaded.Network, file, new OnnxExportOptions { Weights = result.GetValue(weights), Input = shape });
            cli.Stdout.WriteLine($"wrote {file} ({new FileInfo(file).Length:N0} bytes, ONNX opset {OnnxExportOptions.Opset})");
        }));
        return command;
    }
}

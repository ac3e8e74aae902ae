using System.CommandLine;

namespace CnnArch.Cli.Commands;

/// <summary><c>cnnarch export</c>: any network as a spec file.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CliOptions.Model();
        var format = CliOptions.Format("What to write: a spec file (JSON) that 'cnnarch analyze' reads back.", OutputFormat.Spec);
        var input = CliOptions.Input("For an .onnx file: the input to import it at.");
        var set = CliOptions.Set();
        var output = CliOptions.Output();
        var command = new Command("export",
            "Any network as a spec file, to edit and analyze again.\n" +
            "Example: cnnarch export resnet18 --format spec > resnet18.json && cnnarch analyze resnet18.json")
        {
            model, format, input, set, output,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var network = result.Load(model, set, input).Network;
            cli.Emit(result.GetValue(output), _ => Spec.SpecWriter.Write(network));
        }));
        return command;
    }
}

using System.CommandLine;
using CnnArch.Presets;
using Spectre.Console;

namespace CnnArch.Cli.Commands;

/// <summary><c>cnnarch list</c>: the presets. Spectre.Console wraps the long descriptions to the terminal's width.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("list", "The built-in presets, with description, paper and parameters.\nExample: cnnarch list");
        command.SetAction(_ => CliApp.Guarded(cli.Stderr, () =>
        {
            var table = new Table().Border(cli.IsTerminal ? TableBorder.Rounded : TableBorder.Ascii);
            table.AddColumn("Preset");
            table.AddColumn("Family");
            table.AddColumn("Description");
            table.AddColumn("Parameters");
            foreach (var p in Catalog.All)
            {
                var parameters = string.Join(", ", p.Parameters.Select(q => $"{q.Name}={q.Default}"));
                table.AddRow(Markup.Escape(p.Name), Markup.Escape(p.Family), Markup.Escape(p.Description + "\n" + p.Paper), Markup.Escape(parameters));
            }

            cli.Stdout.Write(CliContext.Draw(cli.IsTerminal, console => console.Write(table)));
        }));
        return command;
    }
}

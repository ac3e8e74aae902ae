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
            using var buffer = new StringWriter();
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(buffer),
                Ansi = cli.IsTerminal ? AnsiSupport.Yes : AnsiSupport.No,
                ColorSystem = cli.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            // Redirected output has no width of its own: rows stay whole rather than wrapped at 80 columns.
            console.Profile.Width = cli.IsTerminal ? Math.Max(CliContext.TerminalWidth(), 80) : 240;
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

            console.Write(table);
            cli.Stdout.Write(buffer.ToString());
        }));
        return command;
    }
}

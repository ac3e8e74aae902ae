using System.Text;
using Spectre.Console;

namespace CnnArch.Cli;

/// <summary>Where a command writes: standard output and error, and whether standard output is a terminal.</summary>
internal sealed record CliContext(TextWriter Stdout, TextWriter Stderr, bool IsTerminal)
{
    /// <summary>
    /// Renders the whole output first, then writes it to the terminal, or to <paramref name="file"/> with one
    /// line saying so: an error while rendering leaves nothing partial behind. <paramref name="render"/> is
    /// told whether it may draw for a terminal (borders, colours) or must write plain text.
    /// </summary>
    public void Emit(string? file, Func<bool, string> render)
    {
        var text = render(file is null && IsTerminal);
        if (file is null)
        {
            Stdout.Write(text);
            return;
        }

        if (Directory.Exists(file))
        {
            throw new ArgumentException($"--output '{file}' is a folder; give a file to write.");
        }

        File.WriteAllText(file, text, new UTF8Encoding(false));
        Stdout.WriteLine($"wrote {file}");
    }

    /// <summary>Activations beyond this are no accelerator's (the largest hold 141-192 GB) and likely a mistyped input: 1 TB.</summary>
    public const long ImplausibleBytes = 1_000_000_000_000;

    /// <summary>
    /// One warning line on standard error when a run needs more than <see cref="ImplausibleBytes"/> of
    /// activations (<c>--input 3x100000x100000</c> is 27 TB): the report is still written, as asked.
    /// </summary>
    public void WarnIfImplausible(long bytes, string what, TensorShape input, int batch)
    {
        if (bytes > ImplausibleBytes)
        {
            Stderr.WriteLine($"warning: input {input} at batch {batch} needs {Units.Bytes(bytes)} of {what}, more than any accelerator holds (the largest have 141-192 GB); check --input and --batch.");
        }
    }

    /// <summary>A document as plain text, or drawn for the terminal (rounded borders, a bold total) when <paramref name="fancy"/>.</summary>
    public static string Text(TextDocument document, bool fancy) => fancy ? Terminal.Draw(document) : document.ToString();

    /// <summary>How many columns the terminal has (0 when it is not one).</summary>
    public static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// What <paramref name="draw"/> writes to a Spectre.Console console, as text: for a terminal with its
    /// colours and width (at least 80), else plain and 240 columns wide (a pipe has no width: rows stay whole).
    /// </summary>
    public static string Draw(bool terminal, Action<IAnsiConsole> draw)
    {
        using var buffer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(buffer),
            Ansi = terminal ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = terminal ? Math.Max(TerminalWidth(), 80) : 240;
        draw(console);
        return buffer.ToString();
    }

    /// <summary>Draws documents with Spectre.Console for a terminal.</summary>
    private static class Terminal
    {
        public static string Draw(TextDocument document) => CliContext.Draw(terminal: true, console =>
        {
            foreach (var block in document.Blocks)
            {
                switch (block)
                {
                    case TextLine line:
                        console.WriteLine(line.Text);
                        break;
                    case TextTable table:
                        console.Write(Table(table));
                        break;
                }
            }
        });

        private static Table Table(TextTable source)
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in source.Columns)
            {
                var c = new TableColumn(Markup.Escape(column.Header));
                table.AddColumn(column.RightAligned ? c.RightAligned() : c);
            }

            for (var r = 0; r < source.Rows.Length; r++)
            {
                var bold = r == source.TotalRow;
                table.AddRow([.. source.Rows[r].Select((cell, i) => bold && i == 0 ? $"[bold]{Markup.Escape(cell)}[/]" : Markup.Escape(cell))]);
            }

            return table;
        }
    }
}

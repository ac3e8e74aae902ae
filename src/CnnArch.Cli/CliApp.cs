using System.CommandLine;
using CnnArch.Cli.Commands;

namespace CnnArch.Cli;

/// <summary>The <c>cnnarch</c> command line: a thin shell over the library.</summary>
internal static class CliApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var root = BuildRoot(new CliContext(stdout, stderr, isTerminal));
        // Bare 'cnnarch' shows what it can do.
        var parsed = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult;
            var help = $"{string.Join(' ', CommandPath(command).Prepend("cnnarch"))} --help";
            // The unknown token is what the user typed wrong; later errors ("command not provided") follow from it.
            var error = parsed.Errors.FirstOrDefault(e => parsed.UnmatchedTokens.Any(t => e.Message.Contains(t, StringComparison.Ordinal))) ?? parsed.Errors[0];
            var suggestion = parsed.UnmatchedTokens.Select(t => Suggest(t, command.Command)).FirstOrDefault(s => s is not null);
            stderr.WriteLine($"error: {OneLine(error.Message)}{(suggestion is null ? string.Empty : $" Did you mean '{suggestion}'?")} (see '{help}')");
            return ExitCodes.UsageOrInput;
        }

        try
        {
            if (parsed.Action is System.CommandLine.Help.HelpAction)
            {
                // The usage line names the process (CnnArch.Cli, dotnet, testhost); users type cnnarch.
                using var help = new StringWriter();
                var code = parsed.Invoke(new InvocationConfiguration { Output = help, Error = stderr, EnableDefaultExceptionHandler = false });
                stdout.Write(help.ToString().Replace($"  {RootCommand.ExecutableName} ", "  cnnarch ", StringComparison.Ordinal));
                return code;
            }

            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
#pragma warning disable CA1031 // The last line of defence: a bug still gets one line, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"error: internal failure ({ex.GetType().Name}): {FirstLine(ex.Message)}. Please report it.");
            return ExitCodes.InternalError;
        }
    }

    // The names of the commands from the root down to this one: design solve.
    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r?.Parent is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, r.Command.Name);
        }

        return names;
    }

    // The subcommand or option of this command nearest a mistyped token (at most two edits away), if any.
    private static string? Suggest(string token, Command command)
    {
        IEnumerable<string> names = token.StartsWith('-')
            ? command.Options.SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Select(c => c.Name);
        return Spelling.Closest(token, names);
    }

    private static RootCommand BuildRoot(CliContext cli) => new(
        "cnnarch: what a convolutional network costs, layer by layer, without running it.\n" +
        "Exit codes: 0 success, 1 invalid network, 2 usage or input-file error, 3 a bug in cnnarch (please report it).")
    {
        AnalyzeCommand.Create(cli),
        MemoryCommand.Create(cli),
        CompareCommand.Create(cli),
        SweepCommand.Create(cli),
        PlotCommand.Create(cli),
        ExportCommand.Create(cli),
        ListCommand.Create(cli),
        DesignCommands.Create(cli),
        SearchCommand.Create(cli),
        LatencyCommand.Create(cli),
    };

    /// <summary>
    /// Flushes what <see cref="Run"/> left buffered in the process's standard output. A full disk or a
    /// closed file is one line on stderr and exit code 2, as inside a command; an error the command
    /// already reported (its exit code is not 0) is not reported twice.
    /// </summary>
    public static int Finish(TextWriter stdout, TextWriter stderr, int code)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            stdout.Flush();
            return code;
        }
        catch (IOException ex)
        {
            if (code == ExitCodes.Success)
            {
                stderr.WriteLine($"error: {FirstLine(ex.Message)}");
            }

            return code == ExitCodes.Success ? ExitCodes.UsageOrInput : code;
        }
    }

    // One line on stderr and a documented exit code for every error a user can cause; never a stack trace.
    internal static int Guarded(TextWriter stderr, Action action)
    {
        try
        {
            action();
            return ExitCodes.Success;
        }
        catch (InvalidNetworkException ex)
        {
            stderr.WriteLine($"error: invalid network: {ex.Message}");
            return ExitCodes.InvalidNetwork;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or UnauthorizedAccessException or Onnx.OnnxExportException)
        {
            stderr.WriteLine($"error: {FirstLine(ex.Message)}");
            return ExitCodes.UsageOrInput;
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string FirstLine(string message)
    {
        // ArgumentException appends " (Parameter 'x')"; users need the sentence, not the parameter.
        var line = message.Split('\n')[0].TrimEnd();
        var cut = line.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut > 0 ? line[..cut] : line;
    }
}

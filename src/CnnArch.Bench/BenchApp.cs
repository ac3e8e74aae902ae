using System.CommandLine;
using CnnArch.Bench.Commands;
using CnnArch.OnnxRuntime;

namespace CnnArch.Bench;

/// <summary>The <c>cnnarch-bench</c> command line: a thin shell over CnnArch.OnnxRuntime.</summary>
internal static class BenchApp
{
    /// <summary>Runs the command line.</summary>
    /// <param name="resolveModel">What MODEL names (<see cref="ModelSources"/>); the default takes an .onnx file.</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, ModelSource>? resolveModel = null)
    {
        var root = new RootCommand(
            "cnnarch-bench: measure what a network takes to run, with ONNX Runtime on this machine's CPU, per CnnArch layer.\n" +
            "Exit codes: 0 success, 1 ONNX Runtime cannot load or run the model, 2 usage or input-file error, 3 a bug in cnnarch-bench (please report it).")
        {
            MeasureCommand.Create(stdout, stderr, resolveModel),
            CalibrateCommand.Create(stdout, stderr),
            CheckCommand.Create(stdout, stderr),
        };
        var parsed = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parsed.Errors.Count > 0)
        {
            var error = parsed.Errors.FirstOrDefault(e => parsed.UnmatchedTokens.Any(t => e.Message.Contains(t, StringComparison.Ordinal))) ?? parsed.Errors[0];
            var command = parsed.CommandResult.Command == root ? "cnnarch-bench" : $"cnnarch-bench {parsed.CommandResult.Command.Name}";
            stderr.WriteLine($"error: {OneLine(error.Message)} (see '{command} --help')");
            return ExitCodes.UsageOrInput;
        }

        try
        {
            var help = new StringWriter();
            var code = parsed.Invoke(new InvocationConfiguration { Output = help, Error = stderr, EnableDefaultExceptionHandler = false });
            // The usage line names the process (CnnArch.Bench, dotnet, testhost); users type cnnarch-bench.
            stdout.Write(help.ToString().Replace($"  {RootCommand.ExecutableName} ", "  cnnarch-bench ", StringComparison.Ordinal));
            return code;
        }
#pragma warning disable CA1031 // The last line of defence: a bug still gets one line, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"error: internal failure ({ex.GetType().Name}): {FirstLine(ex.Message)}. Please report it.");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>Runs <paramref name="action"/>: one line on stderr and a documented exit code for every error a user can cause.</summary>
    public static int Guarded(TextWriter stderr, Action action)
    {
        try
        {
            action();
            return ExitCodes.Success;
        }
        catch (OrtMeasureException ex)
        {
            stderr.WriteLine($"error: {FirstLine(ex.Message)}");
            return ExitCodes.ModelDoesNotRun;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or UnauthorizedAccessException)
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

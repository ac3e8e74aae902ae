using System.Diagnostics;
using CnnArch.Cli;

namespace CnnArch.Tests.Reliability;

/// <summary>
/// The real process's standard output: a buffered writer flushed at the end (CliApp.Finish). A full
/// disk is one line and exit code 2, never a stack trace; a reader that stops early is no error.
/// </summary>
public class ProcessOutputTests
{
    private static (int Code, string Err) Shell(string script)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "CnnArch.Cli");
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(cli);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Result);
    }

    [UnixTheory("/dev/full", "/bin/bash")]
    [InlineData("--version")]
    [InlineData("analyze resnet18")]
    [InlineData("analyze resnet18 --format json")]
    public void A_Full_Disk_Is_One_Line_And_Exit_Code_2(string arguments)
    {
        var (code, error) = Shell($"\"$0\" {arguments} > /dev/full");

        code.Should().Be(2);
        error.Should().Be("error: No space left on device\n");
    }

    [UnixFact("/bin/bash")]
    public void A_Reader_That_Stops_Early_Is_No_Error()
    {
        var (code, error) = Shell("\"$0\" analyze resnet152 --format json | head -c 10 > /dev/null; exit ${PIPESTATUS[0]}");

        code.Should().Be(0);
        error.Should().BeEmpty();
    }

    [Fact]
    public void Finish_Reports_A_Failed_Flush_Once()
    {
        using var failing = new StreamWriter(new FailingStream());
        failing.Write("x");
        var stderr = new StringWriter();

        CliApp.Finish(failing, stderr, 0).Should().Be(2);
        stderr.ToString().Should().Be("error: disk full\n");
        CliApp.Finish(failing, stderr, 1).Should().Be(1, "the command's own error code stands");
        stderr.ToString().Should().Be("error: disk full\n", "an error already reported is not reported twice");
        CliApp.Finish(new StringWriter(), stderr, 0).Should().Be(0);
    }

    private sealed class FailingStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("disk full");

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("disk full");
    }
}

using System.Text;
using System.Text.RegularExpressions;
using CnnArch.Tests.Cli;

namespace CnnArch.Tests.Docs;

/// <summary>
/// Every example in README.md and docs/*.md is what the tool prints today, byte for byte. An example
/// is a fenced block that starts with <c>$ cnnarch ...</c> lines (each followed by its output), or a
/// block right under a <c>&lt;!-- cnnarch ... --&gt;</c> comment (the block is that command's output).
/// A line <c>...</c> stands for lines left out. Every other text block says what it is instead
/// (<c>&lt;!-- not output: why --&gt;</c>, or <c>&lt;!-- synopsis --&gt;</c>, whose options must exist
/// in the commands' help), so no example can drift unnoticed. CNNARCH_UPDATE_GOLDEN=1 rewrites the
/// examples that leave nothing out from the tool's output.
/// </summary>
public partial class DocsExamplesTests
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CnnArch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No CnnArch.sln above {AppContext.BaseDirectory}.");
    });

    public static TheoryData<string> Documents() => [.. DocumentNames()];

    private static IEnumerable<string> DocumentNames() =>
        Directory.GetFiles(Path.Combine(Root.Value, "docs"), "*.md").Order(StringComparer.Ordinal)
            .Select(path => "docs/" + Path.GetFileName(path)).Prepend("README.md");

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_Example_Is_What_The_Tool_Prints(string document)
    {
        var path = Path.Combine(Root.Value, document);
        var lines = File.ReadAllText(path).Split('\n');
        var update = Environment.GetEnvironmentVariable("CNNARCH_UPDATE_GOLDEN") == "1";
        var problems = new List<string>();
        var rewritten = new List<string>();
        var i = 0;
        while (i < lines.Length)
        {
            rewritten.Add(lines[i]);
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                i++;
                continue;
            }

            var close = Array.FindIndex(lines, i + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            close.Should().BePositive($"{document}:{i + 1} opens a code block that never closes");
            var block = new Block(document, i + 1, lines[i][3..].Trim(), Marker(lines, i), lines[(i + 1)..close]);
            rewritten.AddRange(Check(block, update, problems));
            rewritten.Add(lines[close]);
            i = close + 1;
        }

        if (update)
        {
            File.WriteAllText(path, string.Join('\n', rewritten));
            return;
        }

        problems.Should().BeEmpty();
    }

    [Fact]
    public void The_Examples_Cover_Every_Command_But_Plot()
    {
        var commands = DocumentNames()
            .SelectMany(d => Blocks(File.ReadAllText(Path.Combine(Root.Value, d)).Split('\n'), d))
            .SelectMany(b => b.Commands().Select(c => c.Args.Length > 0 ? c.Args[0] : ""))
            .ToHashSet();

        commands.Should().Contain(["analyze", "memory", "compare", "sweep", "export", "latency", "list", "design", "search"]);
    }

    private sealed record Block(string Document, int Line, string Language, string? Marker, string[] Lines)
    {
        public bool IsSession => Lines.Length > 0 && Lines[0].StartsWith("$ cnnarch ", StringComparison.Ordinal);

        public string Where => $"{Document}:{Line}";

        // (the command's arguments, the first and last line of its expected output in Lines)
        public IEnumerable<(string[] Args, int First, int End)> Commands()
        {
            if (Marker is not null && Marker.StartsWith("cnnarch ", StringComparison.Ordinal))
            {
                yield return (Arguments(Marker["cnnarch ".Length..]), 0, Lines.Length);
                yield break;
            }

            if (!IsSession)
            {
                yield break;
            }

            for (var i = 0; i < Lines.Length; i++)
            {
                if (Lines[i].StartsWith("$ cnnarch ", StringComparison.Ordinal))
                {
                    var end = Array.FindIndex(Lines, i + 1, l => l.StartsWith("$ ", StringComparison.Ordinal));
                    end = end < 0 ? Lines.Length : end;
                    while (end > i + 1 && Lines[end - 1].Trim().Length == 0)
                    {
                        end--; // blank lines between two commands belong to neither
                    }

                    yield return (Arguments(Lines[i]["$ cnnarch ".Length..]), i + 1, end);
                    i = Array.FindIndex(Lines, end, l => l.StartsWith("$ ", StringComparison.Ordinal)) is var n and >= 0 ? n - 1 : Lines.Length;
                }
            }
        }
    }

    private static IEnumerable<Block> Blocks(string[] lines, string document)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                var close = Array.FindIndex(lines, i + 1, l => l.StartsWith("```", StringComparison.Ordinal));
                yield return new Block(document, i + 1, lines[i][3..].Trim(), Marker(lines, i), lines[(i + 1)..close]);
                i = close;
            }
        }
    }

    // The HTML comment on the last non-blank line above the fence, if any.
    private static string? Marker(string[] lines, int fence)
    {
        var k = fence - 1;
        while (k >= 0 && lines[k].Trim().Length == 0)
        {
            k--;
        }

        var match = k >= 0 ? MarkerPattern().Match(lines[k].Trim()) : Match.Empty;
        return match.Success ? match.Groups[1].Value.Trim() : null;
    }

    private static IEnumerable<string> Check(Block block, bool update, List<string> problems)
    {
        if (block.Marker is "synopsis")
        {
            CheckSynopsis(block, problems);
            return block.Lines;
        }

        if (block.Marker is not null && block.Marker.StartsWith("not output", StringComparison.Ordinal))
        {
            return block.Lines;
        }

        var commands = block.Commands().ToList();
        if (commands.Count == 0)
        {
            if (block.Language is "" or "text" or "console")
            {
                problems.Add($"{block.Where}: a text block that is neither an example ('$ cnnarch ...' or <!-- cnnarch ... -->) nor marked <!-- not output: why -->");
            }

            return block.Lines;
        }

        var result = new List<string>();
        var next = 0;
        foreach (var (args, first, end) in commands)
        {
            result.AddRange(block.Lines[next..first]);
            var expected = block.Lines[first..end];
            var (code, output, error) = CliTests.Run(Resolve(args));

            // A failing command's example is its error line (the README's exit codes say which code).
            var printed = (code == 0 ? output : error).Replace(Root.Value + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
            var actual = printed.TrimEnd('\n').Split('\n');
            if (code != 0 && !expected.Any(l => l.StartsWith("error: ", StringComparison.Ordinal)))
            {
                problems.Add($"{block.Where}: 'cnnarch {string.Join(' ', args)}' exited {code}: {error.Trim()}");
            }
            else if (!Matches(expected, actual))
            {
                problems.Add($"{block.Where}: 'cnnarch {string.Join(' ', args)}' prints something else:\n{Diff(expected, actual)}");
            }

            // An example that matches stays as written (its timings too); only a drifted one is rewritten.
            var keep = !update || expected.Contains("...") || Matches(expected, actual);
            result.AddRange(keep ? expected : actual);
            next = end;
        }

        result.AddRange(block.Lines[next..]);
        return result;
    }

    // Each --option of each synopsis line exists in that command's --help.
    private static void CheckSynopsis(Block block, List<string> problems)
    {
        string? command = null;
        foreach (var line in block.Lines)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 1 && words[0] == "cnnarch")
            {
                command = words[1];
            }

            if (command is null)
            {
                continue;
            }

            var help = CliTests.Run(command, "--help").Out;
            foreach (Match option in OptionPattern().Matches(line))
            {
                if (!help.Contains(option.Value + " ", StringComparison.Ordinal) && !help.Contains(option.Value + ",", StringComparison.Ordinal))
                {
                    problems.Add($"{block.Where}: the synopsis shows '{option.Value}' for 'cnnarch {command}', whose --help has no such option");
                }
            }
        }
    }

    // Equal line by line, where an expected "..." matches any run of lines (none included).
    private static bool Matches(ReadOnlySpan<string> expected, ReadOnlySpan<string> actual)
    {
        if (expected.Length == 0)
        {
            return actual.Length == 0;
        }

        if (expected[0] == "...")
        {
            for (var skip = 0; skip <= actual.Length; skip++)
            {
                if (Matches(expected[1..], actual[skip..]))
                {
                    return true;
                }
            }

            return false;
        }

        return actual.Length > 0 && Normalise(expected[0]) == Normalise(actual[0]) && Matches(expected[1..], actual[1..]);
    }

    // A search's wall-clock time and rate differ on every run.
    private static string Normalise(string line) => Timing().Replace(line, "in <time> (<rate>/s");

    private static string Diff(string[] expected, string[] actual)
    {
        var text = new StringBuilder();
        for (var i = 0; i < Math.Max(expected.Length, actual.Length); i++)
        {
            var e = i < expected.Length ? expected[i] : "<none>";
            var a = i < actual.Length ? actual[i] : "<none>";
            if (e != a)
            {
                text.Append("  line ").Append(i + 1).Append(":\n    doc:  ").Append(e).Append("\n    tool: ").Append(a).Append('\n');
                if (text.Length > 2000)
                {
                    break;
                }
            }
        }

        return text.ToString();
    }

    // A command line as a shell splits it: spaces separate, double quotes group.
    private static string[] Arguments(string line)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in line.Trim())
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ' ' && !quoted)
            {
                if (current.Length > 0)
                {
                    args.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            args.Add(current.ToString());
        }

        return [.. args];
    }

    // Files named relative to the repository root (an ONNX fixture, a design space) read from there.
    private static string[] Resolve(string[] args) =>
        [.. args.Select(a => a.Contains('/') && File.Exists(Path.Combine(Root.Value, a)) ? Path.Combine(Root.Value, a) : a)];

    [GeneratedRegex(@"^<!--(.*)-->$")]
    private static partial Regex MarkerPattern();

    [GeneratedRegex(@"--[a-z][a-z-]*")]
    private static partial Regex OptionPattern();

    [GeneratedRegex(@"in [0-9.]+ m?s \([0-9,.]+ ?[KMG]?/s")]
    private static partial Regex Timing();
}

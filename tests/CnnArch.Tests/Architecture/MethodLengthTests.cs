using System.Text.RegularExpressions;

namespace CnnArch.Tests.Architecture;

/// <summary>
/// No method in src is longer than 60 lines, from its signature to its closing brace: a longer one does
/// several things and hides which. Found from the sources: a member signature (access or static
/// modifier, a parameter list) whose body opens with a brace on the next lines at the same indentation,
/// up to the brace that closes it there. Types, properties, expression-bodied members and lambdas are not methods.
/// </summary>
public partial class MethodLengthTests
{
    private const int MaxLines = 60;

    [Fact]
    public void No_Method_In_Src_Is_Over_60_Lines()
    {
        var longOnes = new List<string>();
        foreach (var file in Directory.EnumerateFiles(NamespaceCycleTests.SourceRoot(), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var m = Signature().Match(lines[i]);
                if (!m.Success || TypeDeclaration().IsMatch(lines[i]) || lines[i].Contains("=>", StringComparison.Ordinal) || lines[i].Contains("{ get", StringComparison.Ordinal))
                {
                    continue;
                }

                var indent = m.Groups["indent"].Value;
                var open = Array.FindIndex(lines, i, Math.Min(8, lines.Length - i), l => l == indent + "{");
                if (open < 0 || lines.Skip(i).Take(open - i).Any(l => l.TrimEnd().EndsWith(';')))
                {
                    continue;
                }

                var close = Array.FindIndex(lines, open + 1, l => l == indent + "}");
                if (close < 0)
                {
                    continue;
                }

                var length = close - i + 1;
                if (length > MaxLines)
                {
                    longOnes.Add($"{Path.GetRelativePath(NamespaceCycleTests.SourceRoot(), file)}:{i + 1} {lines[i].Trim()} ({length} lines)");
                }

                i = close;
            }
        }

        string.Join('\n', longOnes).Should().BeEmpty($"no method in src is over {MaxLines} lines");
    }

    [GeneratedRegex(@"^(?<indent>\s+)(public|private|internal|protected|static)\b[^=;{]*\(")]
    private static partial Regex Signature();

    [GeneratedRegex(@"\b(class|record|struct|interface|enum)\b[^(]*($|\(|:|<)")]
    private static partial Regex TypeDeclaration();
}

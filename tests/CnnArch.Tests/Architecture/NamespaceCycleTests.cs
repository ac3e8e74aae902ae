using System.Text.RegularExpressions;

namespace CnnArch.Tests.Architecture;

/// <summary>
/// The library's namespaces depend on each other in one direction only: a namespace that reaches back
/// into one that depends on it is a cycle, found here from the sources (every using directive and every
/// qualified reference, CnnArch.X. or X. from inside CnnArch).
/// </summary>
public partial class NamespaceCycleTests
{
    internal static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CnnArch.sln")))
            {
                return Path.Combine(dir.FullName, "src");
            }
        }

        throw new InvalidOperationException("The repository's src folder is not above the test's folder.");
    }

    /// <summary>Namespace to the namespaces it uses, over the files of one project folder.</summary>
    internal static Dictionary<string, HashSet<string>> Dependencies(string project)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(SourceRoot(), project), "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            // Comments (doc comments too) name types without depending on them.
            var text = LineComment().Replace(File.ReadAllText(file), string.Empty);
            var namespaces = NamespaceDeclaration().Matches(text).Select(m => m.Groups["ns"].Value).ToList();
            foreach (var ns in namespaces)
            {
                var uses = graph.TryGetValue(ns, out var set) ? set : graph[ns] = [];
                var body = text;
                foreach (Match m in Using().Matches(body))
                {
                    uses.Add(m.Groups["ns"].Value);
                }

                foreach (Match m in Qualified().Matches(body))
                {
                    uses.Add("CnnArch." + m.Groups["ns"].Value);
                }
            }
        }

        foreach (var (ns, uses) in graph)
        {
            uses.RemoveWhere(u => u == ns || !graph.ContainsKey(u));
        }

        return graph;
    }

    [Fact]
    public void The_Library_Has_No_Namespace_Cycle()
    {
        var graph = Dependencies("CnnArch");

        var cycles = graph.SelectMany(p => p.Value.Where(u => Reaches(graph, u, p.Key)).Select(u => $"{p.Key} -> {u} -> ... -> {p.Key}")).ToList();

        cycles.Should().BeEmpty(string.Join("; ", cycles));
        graph.Keys.Should().Contain(["CnnArch", "CnnArch.Layers", "CnnArch.Graph", "CnnArch.Analysis", "CnnArch.Reporting"], "the scan must see the library's namespaces, or it tests nothing");
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> graph, string from, string to)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([from]);
        while (stack.TryPop(out var ns))
        {
            if (ns == to)
            {
                return true;
            }

            if (seen.Add(ns) && graph.TryGetValue(ns, out var next))
            {
                foreach (var n in next)
                {
                    stack.Push(n);
                }
            }
        }

        return false;
    }

    [GeneratedRegex(@"^\s*//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    [GeneratedRegex(@"^\s*namespace\s+(?<ns>CnnArch(\.\w+)*)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*using\s+(\w+\s*=\s*)?(?<ns>CnnArch(\.\w+)*)\s*;", RegexOptions.Multiline)]
    private static partial Regex Using();

    [GeneratedRegex(@"(?<![\w.])(CnnArch\.)?(?<ns>Analysis|Graph|Layers|Memory|Performance|Presets|Reporting|Spec|Design|Studies)\.[A-Z]\w*")]
    private static partial Regex Qualified();
}

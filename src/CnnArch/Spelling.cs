namespace CnnArch;

/// <summary>Closest names to a mistyped one, for "did you mean" in every error: presets, options, spec settings.</summary>
internal static class Spelling
{
    /// <summary>The names nearest <paramref name="typed"/> (ignoring case), nearest first, ties in name order.</summary>
    public static IEnumerable<string> Nearest(string typed, IEnumerable<string> names)
    {
        var lower = typed.ToLowerInvariant();
        return names.Select(n => (Name: n, Distance: Distance(lower, n.ToLowerInvariant())))
            .OrderBy(p => p.Distance).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Name);
    }

    /// <summary>The name nearest <paramref name="typed"/> when at most <paramref name="maxEdits"/> edits away, else null.</summary>
    public static string? Closest(string typed, IEnumerable<string> names, int maxEdits = 2) =>
        Nearest(typed, names).FirstOrDefault(n => Distance(typed.ToLowerInvariant(), n.ToLowerInvariant()) <= maxEdits);

    /// <summary>Levenshtein distance: insertions, deletions and substitutions, one row at a time.</summary>
    public static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}

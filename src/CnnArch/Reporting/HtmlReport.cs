using System.Reflection;
using System.Text;
using CnnArch.Analysis;

namespace CnnArch.Reporting;

/// <summary>
/// A report as one self-contained HTML page to open in a browser: the network drawn as a graph (laid
/// out by dagre, inlined with its licence), blocks that collapse, a tooltip with each layer's numbers,
/// the totals, the per-layer shares and a sortable, filterable table. The data is the JSON report
/// (<see cref="JsonReport"/>) embedded once, so the page and the JSON cannot disagree. Nothing is
/// fetched: the page opens offline.
/// </summary>
public static class HtmlReport
{
    private static readonly Lazy<string[]> Template = new(() => Split(Resource("report.html")));

    /// <summary>The page for one report, every layer, with what <paramref name="options"/> adds to the JSON (import notes, one epoch, latency, which can colour the graph).</summary>
    public static string Write(AnalysisReport report, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Page($"{report.Model}: CnnArch report", JsonReport.Write(report, (options ?? ReportOptions.Default) with { Depth = null }));
    }

    /// <summary>The page of a comparison: each model's report side by side, with its published top-1 and predicted latency when the comparison has them.</summary>
    public static string Write(Studies.Comparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var reports = comparison.Reports;
        return Write(reports, [.. reports.Select((_, i) => new ReportOptions
        {
            Top1 = i < comparison.Rows.Length ? comparison.Rows[i].Top1 : null,
            Latency = i < comparison.Latency.Length ? comparison.Latency[i] : null,
        })]);
    }

    /// <summary>One page for several reports side by side (the data is a JSON array of their reports), with a table that relates them to the first.</summary>
    public static string Write(IReadOnlyList<AnalysisReport> reports) => Write(reports, []);

    private static string Write(IReadOnlyList<AnalysisReport> reports, IReadOnlyList<ReportOptions> options)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            throw new ArgumentException("A page needs at least one report.", nameof(reports));
        }

        var json = new StringBuilder("[");
        for (var i = 0; i < reports.Count; i++)
        {
            json.Append(i == 0 ? "\n" : ",\n").Append(JsonReport.Write(reports[i], (i < options.Count ? options[i] : ReportOptions.Default) with { Depth = null }));
        }

        return Page($"{string.Join(" vs ", reports.Select(r => r.Model))}: CnnArch comparison", json.Append("\n]").ToString());
    }

    /// <summary>The JSON embedded in a page this class wrote, as the JSON report wrote it.</summary>
    /// <exception cref="FormatException">The text is not such a page.</exception>
    public static string ExtractJson(string page)
    {
        ArgumentNullException.ThrowIfNull(page);
        const string Open = "<script id=\"report\" type=\"application/json\">";
        var start = page.IndexOf(Open, StringComparison.Ordinal);
        var end = start < 0 ? -1 : page.IndexOf("</script>", start, StringComparison.Ordinal);
        return start < 0 || end < 0
            ? throw new FormatException("Not a CnnArch HTML report: no embedded report data.")
            : page[(start + Open.Length)..end].Replace("<\\/", "</", StringComparison.Ordinal).Replace("<\\u0021--", "<!--", StringComparison.Ordinal);
    }

    private static string Page(string title, string json)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["TITLE"] = System.Net.WebUtility.HtmlEncode(title),
            ["CSS"] = Resource("report.css"),
            ["DAGRE_NOTICE"] = "dagre " + Resource("dagre.version").Trim() + " (https://github.com/dagrejs/dagre), inlined from its npm package.\n" + Resource("dagre.LICENSE").Replace("*/", "* /", StringComparison.Ordinal),
            ["DAGRE"] = Resource("dagre.min.js"),
            ["JS"] = Resource("report.js"),
            // Inside <script>, only "</" (and "<!--") could end or confuse the element; both have JSON escapes.
            ["DATA"] = json.Replace("</", "<\\/", StringComparison.Ordinal).Replace("<!--", "<\\u0021--", StringComparison.Ordinal),
        };
        var page = new StringBuilder();
        var parts = Template.Value;
        for (var i = 0; i < parts.Length; i++)
        {
            page.Append(i % 2 == 0 ? parts[i] : values[parts[i]]);
        }

        return page.ToString();
    }

    // The template split at {{NAME}}: even entries are text, odd ones names, so no value is scanned for placeholders.
    private static string[] Split(string template)
    {
        var parts = new List<string>();
        var at = 0;
        while (true)
        {
            var open = template.IndexOf("{{", at, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add(template[at..]);
                return [.. parts];
            }

            var close = template.IndexOf("}}", open, StringComparison.Ordinal);
            parts.Add(template[at..open]);
            parts.Add(template[(open + 2)..close]);
            at = close + 2;
        }
    }

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("CnnArch.Reporting.Html." + name)
            ?? throw new InvalidOperationException($"The HTML report's resource {name} is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

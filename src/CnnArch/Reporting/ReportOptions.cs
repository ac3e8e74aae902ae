using System.Collections.Immutable;
using CnnArch.Analysis;

namespace CnnArch.Reporting;

/// <summary>
/// What an analysis report shows beyond its rows, read by every writer of an <see cref="AnalysisReport"/>
/// (text, Markdown, CSV, JSON, HTML): how deep, and for tables which columns, flat or as a tree, shapes
/// with the batch or not; and what goes under the table: one epoch's training compute, a model file's
/// import notes, a latency prediction.
/// </summary>
public sealed record ReportOptions
{
    /// <summary>The default: the default columns, every layer, flat, shapes without the batch.</summary>
    public static ReportOptions Default { get; } = new();

    /// <summary>The columns, in order; default <see cref="ReportColumn.Default"/>.</summary>
    public ImmutableArray<ReportColumn> Columns { get; init; } = ReportColumn.Default;

    /// <summary>
    /// Flat: blocks nested deeper than this collapse into one row of their sums. Tree: the tree is shown
    /// to this depth, a block at the depth as one row. Null or 0 shows every layer.
    /// </summary>
    public int? Depth { get; init; }

    /// <summary>Shapes with the batch first, as torchinfo's [1, 64, 56, 56].</summary>
    public bool BatchDim { get; init; }

    /// <summary>
    /// A tree as torchinfo's: every block as a row of its own totals, its children under it, indented
    /// with ├─ and └─ and named relative to the block.
    /// </summary>
    public bool Tree { get; init; }

    /// <summary>Samples in the training set: the footer adds one epoch's training compute. Null leaves it out.</summary>
    public long? DatasetSize { get; init; }

    /// <summary>A model file's import notes (ONNX opset, stored elements, unknown operators); null for a preset or spec.</summary>
    public Graph.ImportSummary? Import { get; init; }

    /// <summary>The predicted latency of the same network: a summary line under tables, a <c>latency</c> object in JSON and HTML.</summary>
    public Performance.LatencyReport? Latency { get; init; }

    /// <summary>The model's published ImageNet top-1 (%): a <c>top1</c> value in JSON and HTML (the compare page shows it); null leaves it out.</summary>
    public double? Top1 { get; init; }

    /// <summary>Exact integers for MACs and FLOPs and memory in KB (Markdown), instead of units.</summary>
    internal bool Exact { get; init; }

    internal string Shape(AnalysisReport report, TensorShape shape) =>
        BatchDim ? $"[{string.Join(", ", shape.Dims.Prepend(report.Batch))}]" : shape.ToString();
}

/// <summary>The rows of a table report with their labels: flat, or a tree with its containers.</summary>
public static class ReportRows
{
    /// <summary>Each row to show and its label (the path, or the tree's indented name); auxiliary rows are marked "(aux)".</summary>
    public static IReadOnlyList<(LayerReport Row, string Label)> Of(AnalysisReport report, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Tree)
        {
            return [.. report.Collapsed(options.Depth).Select(r => (r, Aux(r, r.Path)))];
        }

        var rows = new List<(LayerReport, string)>();
        Emit(report, BuildTree(report), "", "", options.Depth is > 0 ? options.Depth.Value : int.MaxValue, 1, rows);
        return rows;
    }

    private static string Aux(LayerReport row, string label) => row.IsAuxiliary ? label + " (aux)" : label;

    private sealed class TreeItem(Graph.Scope? scope, int node)
    {
        public Graph.Scope? Scope { get; } = scope;

        public int Node { get; } = node;

        public List<TreeItem> Children { get; } = [];
    }

    // Nests scopes and nodes in one pass with a stack: scopes sorted by start, outermost first.
    private static List<TreeItem> BuildTree(AnalysisReport report)
    {
        var roots = new List<TreeItem>();
        var stack = new Stack<TreeItem>();
        var scopes = report.Scopes.OrderBy(s => s.FirstNode).ThenByDescending(s => s.LastNode).ThenBy(s => s.Depth).ToList();
        var next = 0;
        for (var i = 0; i < report.Layers.Length; i++)
        {
            while (stack.Count > 0 && stack.Peek().Scope!.LastNode < i)
            {
                stack.Pop();
            }

            for (; next < scopes.Count && scopes[next].FirstNode <= i; next++)
            {
                if (scopes[next].FirstNode < i || scopes[next].LastNode < i)
                {
                    continue; // A malformed range: its nodes stay where they are.
                }

                var open = new TreeItem(scopes[next], -1);
                (stack.Count > 0 ? stack.Peek().Children : roots).Add(open);
                stack.Push(open);
            }

            (stack.Count > 0 ? stack.Peek().Children : roots).Add(new TreeItem(null, i));
        }

        return roots;
    }

    private static void Emit(AnalysisReport report, List<TreeItem> items, string parentPath, string indent, int maxDepth, int level, List<(LayerReport, string)> rows)
    {
        for (var k = 0; k < items.Count; k++)
        {
            var item = items[k];
            var last = k == items.Count - 1;
            var branch = indent + (last ? "└─" : "├─");
            if (item.Scope is { } scope)
            {
                var row = report.BlockRow(scope);
                rows.Add((row, Aux(row, branch + Relative(scope.Path, parentPath))));
                if (level < maxDepth)
                {
                    Emit(report, item.Children, scope.Path, indent + (last ? "  " : "│ "), maxDepth, level + 1, rows);
                }
            }
            else
            {
                var row = report.Layers[item.Node];
                rows.Add((row, Aux(row, branch + Relative(row.Path, parentPath))));
            }
        }
    }

    private static string Relative(string path, string parent) =>
        parent.Length > 0 && path.Length > parent.Length && path.StartsWith(parent, StringComparison.Ordinal) && path[parent.Length] == '.'
            ? path[(parent.Length + 1)..]
            : path.Length > 0 ? path : "(network)";
}

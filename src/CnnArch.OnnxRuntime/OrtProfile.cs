using System.Text.Json;

namespace CnnArch.OnnxRuntime;

/// <summary>One kernel's times over the timed runs, read from ONNX Runtime's profile.</summary>
internal sealed record ProfiledNode(string Name, string OpType, List<double> Milliseconds);

/// <summary>
/// Reads the profile ONNX Runtime writes (Chrome trace events): each run is a <c>"model_run"</c> event of
/// category Session, and each kernel executed in it a <c>"NAME_kernel_time"</c> event of category Node whose
/// <c>args.op_name</c> is its operator. Durations are in microseconds.
/// </summary>
internal static class OrtProfile
{
    private const string KernelSuffix = "_kernel_time";

    /// <summary>The kernels of the runs after the first <paramref name="skip"/>, in the order they first ran.</summary>
    public static List<ProfiledNode> Read(string json, int skip)
    {
        using var document = JsonDocument.Parse(json);
        var runs = new List<(long Start, long End)>();
        var kernels = new List<(long Ts, long Dur, string Name, string Op)>();
        foreach (var e in document.RootElement.EnumerateArray())
        {
            var category = Text(e, "cat");
            var name = Text(e, "name");
            if (category == "Session" && name == "model_run")
            {
                var ts = Number(e, "ts");
                runs.Add((ts, ts + Number(e, "dur")));
            }
            else if (category == "Node" && name.EndsWith(KernelSuffix, StringComparison.Ordinal))
            {
                var op = e.TryGetProperty("args", out var args) ? Text(args, "op_name") : string.Empty;
                kernels.Add((Number(e, "ts"), Number(e, "dur"), name[..^KernelSuffix.Length], op));
            }
        }

        runs.Sort();
        var timed = runs.Skip(skip).ToList();
        var nodes = new Dictionary<string, ProfiledNode>(StringComparer.Ordinal);
        var order = new List<ProfiledNode>();
        foreach (var (ts, dur, name, op) in kernels.OrderBy(k => k.Ts))
        {
            if (!timed.Any(r => ts >= r.Start && ts <= r.End))
            {
                continue;
            }

            if (!nodes.TryGetValue(name, out var node))
            {
                nodes[name] = node = new ProfiledNode(name, op, []);
                order.Add(node);
            }

            node.Milliseconds.Add(dur / 1000.0);
        }

        return order;
    }

    private static string Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? string.Empty : string.Empty;

    private static long Number(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}

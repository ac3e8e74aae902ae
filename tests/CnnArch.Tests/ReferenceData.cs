using System.Text.Json;
using System.Text.RegularExpressions;

namespace CnnArch.Tests;

/// <summary>One leaf module of a reference model, as PyTorch reported it.</summary>
internal sealed record ReferenceLayer(string Name, string Type, int[] Output, long Params, JsonElement Attrs)
{
    /// <summary>The layer's own multiply-adds (conv and linear, bias not counted), where the reference records them; null in the older files.</summary>
    public long? Macs { get; init; }

    /// <summary>The output as recorded, batch (1) or what the model folded into the batch included: MViT's pooling convs see batch x heads first.</summary>
    public int[] RecordedOutput { get; init; } = [];
}

/// <summary>A model measured from PyTorch (Reference/models/NAME.json).</summary>
internal sealed record ReferenceModel(string Model, int[] Input, long Params, long Buffers, long Macs, long FlopCounterModeFlops, IReadOnlyList<ReferenceLayer> Layers)
{
    /// <summary>The sum of the per-module multiply-adds forward hooks saw (leaf conv and linear modules), where the reference records it.</summary>
    public long? HookedMacs { get; init; }

    /// <summary>The model's output shape without the batch dimension, where the reference records it.</summary>
    public int[]? Output { get; init; }

    public static ReferenceModel Load(string name) => Parse(JsonDocument.Parse(File.ReadAllText(ReferenceData.PathOf("models", name + ".json"))).RootElement);

    public static ReferenceModel LoadAt227(string name) =>
        Parse(JsonDocument.Parse(File.ReadAllText(ReferenceData.PathOf("models", name + ".json"))).RootElement.GetProperty("at_227"));

    private static ReferenceModel Parse(JsonElement root) => new(
        root.GetProperty("model").GetString()!,
        Dims(root.GetProperty("input"))[1..],
        root.GetProperty("params").GetInt64(),
        root.GetProperty("buffers").GetInt64(),
        root.GetProperty("macs").GetInt64(),
        root.GetProperty("flop_counter_mode_flops").GetInt64(),
        [.. root.GetProperty("layers").EnumerateArray().Select(l => new ReferenceLayer(
            l.GetProperty("name").GetString()!,
            l.GetProperty("type").GetString()!,
            Dims(l.GetProperty("output"))[1..],
            l.GetProperty("params").GetInt64(),
            l.GetProperty("attrs"))
        {
            Macs = l.TryGetProperty("macs", out var macs) ? macs.GetInt64() : null,
            RecordedOutput = Dims(l.GetProperty("output")),
        })])
    {
        HookedMacs = root.TryGetProperty("hooked_macs", out var hooked) ? hooked.GetInt64() : null,
        Output = root.TryGetProperty("output", out var output) ? Dims(output)[1..] : null,
    };

    private static int[] Dims(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];
}

/// <summary>Paths into the copied reference data, and readers for its Markdown tables.</summary>
internal static partial class ReferenceData
{
    public static string PathOf(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Reference", .. parts]);

    /// <summary>The rows of the first Markdown table under the heading that starts with <paramref name="heading"/>.</summary>
    public static IReadOnlyList<string[]> PublishedTable(string heading)
    {
        var lines = File.ReadAllLines(PathOf("published.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("## " + heading, StringComparison.Ordinal));
        if (start < 0)
        {
            throw new InvalidOperationException($"published.md has no heading '{heading}'.");
        }

        return [.. lines.Skip(start + 1)
            .SkipWhile(l => !l.StartsWith('|'))
            .TakeWhile(l => l.StartsWith('|'))
            .Skip(2)
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray())];
    }

    /// <summary>The leading number of a table cell: "419,904 (K*K per output)" -> 419904.</summary>
    public static double Number(string cell) => double.Parse(LeadingNumber().Match(cell).Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^[\d,]+(\.\d+)?")]
    private static partial Regex LeadingNumber();
}

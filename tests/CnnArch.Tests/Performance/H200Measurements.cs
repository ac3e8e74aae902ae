using System.Text.Json;
using CnnArch.Performance;

namespace CnnArch.Tests.Performance;

/// <summary>The H200 measurements (Reference/gpu, copied from shared/reference), as calibration samples.</summary>
internal static class H200Measurements
{
    private static string Path(string file) => System.IO.Path.Combine(AppContext.BaseDirectory, "Reference", "gpu", file);

    public static readonly Lazy<IReadOnlyList<ConvMeasurement>> Convs = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path("h200-convs.json")));
        return [.. doc.RootElement.GetProperty("convs").EnumerateArray().Select(c =>
        {
            int[] Pair(string name) => [.. c.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];
            var (k, s, p) = (Pair("k"), Pair("s"), Pair("p"));
            return new ConvMeasurement(
                c.GetProperty("cin").GetInt32(), c.GetProperty("h").GetInt32(), c.GetProperty("w").GetInt32(), c.GetProperty("cout").GetInt32(),
                new SpatialSize(k[0], k[1]), new SpatialSize(s[0], s[1]), SpatialPadding.Symmetric(p[0], p[1]), c.GetProperty("groups").GetInt32(), c.GetProperty("bias").GetBoolean(),
                c.GetProperty("batch").GetInt32(), c.GetProperty("dtype").GetString() == "bfloat16" ? DataType.Bf16 : DataType.Fp32, c.GetProperty("ms").GetDouble());
        })];
    });

    /// <summary>The family of each convolution: the families of the models it comes from (for holding it out with them).</summary>
    public static readonly Lazy<IReadOnlyList<string[]>> ConvFamilies = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path("h200-convs.json")));
        return [.. doc.RootElement.GetProperty("convs").EnumerateArray().Select(c => c.GetProperty("models").EnumerateArray().Select(m => Family(m.GetString()!.Replace("timm:", "timm_", StringComparison.Ordinal))).Distinct().ToArray())];
    });

    public static readonly Lazy<IReadOnlyList<ModelMeasurement>> Models = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path("h200-models.json")));
        var list = new List<ModelMeasurement>();
        foreach (var model in doc.RootElement.GetProperty("models").EnumerateObject())
        {
            var network = Catalog.Create(Preset(model.Name));
            foreach (var l in model.Value.GetProperty("latency").EnumerateArray())
            {
                list.Add(new ModelMeasurement(model.Name, Family(model.Name), network, l.GetProperty("batch").GetInt32(),
                    l.GetProperty("dtype").GetString() == "bf16" ? DataType.Bf16 : DataType.Fp32, l.GetProperty("median_ms").GetDouble()));
            }
        }

        return list;
    });

    public static string Preset(string model) => model switch
    {
        "timm_mobilenetv1_100" => "mobilenet_v1",
        "timm_seresnet50" => "se_resnet50",
        _ => model,
    };

    public static string Family(string model) => model switch
    {
        _ when model.StartsWith("vgg", StringComparison.Ordinal) => "vgg",
        _ when model.StartsWith("resnext", StringComparison.Ordinal) => "resnext",
        _ when model.StartsWith("resnet", StringComparison.Ordinal) || model.StartsWith("wide_resnet", StringComparison.Ordinal) => "resnet",
        _ when model.Contains("mobilenet", StringComparison.Ordinal) => "mobilenet",
        "timm_seresnet50" => "senet",
        _ => model,
    };
}

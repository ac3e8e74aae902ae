using System.CommandLine;
using System.Globalization;
using CnnArch.Fuzz;

// A long fuzz campaign: dotnet run -c Release --project tests/CnnArch.Fuzz -- --minutes 30 --out fuzz-failures
var onnx = new Option<int>("--onnx") { Description = "ONNX cases (mutated exports and built graphs).", DefaultValueFactory = _ => 100_000 };
var spec = new Option<int>("--spec") { Description = "Spec-file cases (mutated and generated documents).", DefaultValueFactory = _ => 50_000 };
var api = new Option<int>("--api") { Description = "Networks built through the public API.", DefaultValueFactory = _ => 20_000 };
var cases = new Option<int?>("--cases") { Description = "Total cases, split 10:5:2 over ONNX, spec and API (overrides the three above)." };
var minutes = new Option<double?>("--minutes") { Description = "Stop after this long, each kind getting its share." };
var seed = new Option<ulong>("--seed") { Description = "The seed; the same seed gives the same cases.", DefaultValueFactory = _ => 20261128 };
var output = new Option<string>("--out") { Description = "Folder for failing inputs (with a .log each).", DefaultValueFactory = _ => "fuzz-failures" };
var seeds = new Option<string>("--seeds") { Description = "Folder of ONNX models to mutate.", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "seeds", "onnx") };
var root = new RootCommand("CnnArch fuzz campaign: every input through the whole library; exit 0 when nothing failed.") { onnx, spec, api, cases, minutes, seed, output, seeds };
root.SetAction(parsed =>
{
    var total = parsed.GetValue(cases);
    var options = new CampaignOptions(
        total is { } t ? t * 10 / 17 : parsed.GetValue(onnx),
        total is { } u ? u * 5 / 17 : parsed.GetValue(spec),
        total is { } v ? v * 2 / 17 : parsed.GetValue(api),
        parsed.GetValue(minutes) is { } m ? TimeSpan.FromMinutes(m) : null,
        parsed.GetValue(seed),
        parsed.GetValue(output),
        parsed.GetValue(seeds)!);
    Console.WriteLine($"seed {options.Seed.ToString(CultureInfo.InvariantCulture)}: {options.OnnxCases:N0} ONNX, {options.SpecCases:N0} spec, {options.ApiCases:N0} API cases; failures to {options.FailureFolder}");
    var summaries = Campaign.Run(options, Console.Out);
    foreach (var s in summaries)
    {
        Console.WriteLine(s);
    }

    return summaries.Any(s => s.Failures > 0) ? 1 : 0;
});
return root.Parse(args).Invoke();

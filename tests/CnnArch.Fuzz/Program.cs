using System.CommandLine;
using System.Globalization;
using System.Text;
using CnnArch.Fuzz;

// A long fuzz campaign: dotnet run -c Release --project tests/CnnArch.Fuzz -- --minutes 30 --out fuzz-failures
var onnx = new Option<int>("--onnx") { Description = "ONNX cases (mutated exports and built graphs).", DefaultValueFactory = _ => 100_000 };
var spec = new Option<int>("--spec") { Description = "Spec-file cases (mutated and generated documents).", DefaultValueFactory = _ => 50_000 };
var api = new Option<int>("--api") { Description = "Networks built through the public API.", DefaultValueFactory = _ => 20_000 };
var cli = new Option<int>("--cli") { Description = "Command lines of cnnarch, run in process (after the hand-picked ones).", DefaultValueFactory = _ => 20_000 };
var cases = new Option<int?>("--cases") { Description = "Total cases, split 10:5:2:2 over ONNX, spec, API and command lines (overrides the four above)." };
var minutes = new Option<double?>("--minutes") { Description = "Stop after this long, each kind getting its share." };
var seed = new Option<ulong>("--seed") { Description = "The seed; the same seed gives the same cases.", DefaultValueFactory = _ => 20261128 };
var output = new Option<string>("--out") { Description = "Folder for failing inputs (with a .log each).", DefaultValueFactory = _ => "fuzz-failures" };
var seeds = new Option<string>("--seeds") { Description = "Folder of ONNX models to mutate.", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "seeds", "onnx") };
var start = new Option<int>("--start") { Description = "Generate but do not run the first N cases of each kind (resumes a campaign a hang ended; the hand-picked command lines are left out too)." };
var skip = new Option<string[]>("--skip") { Description = "A regular expression (repeatable): command lines whose text (arguments one a line) matches are generated but not run (known hangs)." };
var replay = new Option<string?>("--replay") { Description = "Run one saved input (.args, .json, .onnx, .txt) and print how it ended; exit 0 when it passes." };
var slice = new Option<int?>("--slice") { Description = "Run the first N command lines of FuzzSliceTests' fixed-seed slice (no time limit, as the test) and list every failure, with the time it took." };
var root = new RootCommand("CnnArch fuzz campaign: every input through the whole library; exit 0 when nothing failed.") { onnx, spec, api, cli, cases, minutes, seed, output, seeds, start, skip, replay, slice };
root.SetAction(parsed =>
{
    if (parsed.GetValue(replay) is { } file)
    {
        var bytes = File.ReadAllBytes(file);
        var fuzzCase = Path.GetExtension(file) switch
        {
            ".onnx" => new FuzzCase(CaseKind.Onnx, file, bytes),
            ".json" => new FuzzCase(CaseKind.Spec, file, bytes),
            ".args" => CliCases.Parse(Encoding.UTF8.GetString(bytes), file),
            _ => ApiCases.Parse(File.ReadAllText(file)),
        };
        var outcome = Harness.Run(fuzzCase);
        Console.WriteLine($"{outcome.Verdict} in {outcome.Elapsed.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture)} ms, {outcome.AllocatedBytes:N0} bytes\nclass: {outcome.Class}\n{outcome.Detail}");
        return outcome.IsFailure ? 1 : 0;
    }

    if (parsed.GetValue(slice) is { } n)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var failed = 0;
        for (var i = 0; i < n; i++)
        {
            var pcg = new CsCheck.PCG(1, parsed.GetValue(seed) + (ulong)i);
            var fuzzCase = CliCases.Cases.Generate(pcg, null, out _);
            var outcome = Harness.Run(fuzzCase, checkTime: false);
            if (outcome.IsFailure)
            {
                failed++;
                var line = string.Join(' ', CliCases.Read(fuzzCase.Bytes).Args.Select(CliCases.Escape));
                Console.WriteLine($"case {i}: {outcome.Class}\n  {(line.Length > 300 ? line[..300] + "…" : line)}");
            }
        }

        Console.WriteLine($"{n} command lines of the slice in {clock.Elapsed.TotalSeconds:N1} s, {failed} failures");
        return failed > 0 ? 1 : 0;
    }

    var total = parsed.GetValue(cases);
    var options = new CampaignOptions(
        total is { } t ? t * 10 / 19 : parsed.GetValue(onnx),
        total is { } u ? u * 5 / 19 : parsed.GetValue(spec),
        total is { } v ? v * 2 / 19 : parsed.GetValue(api),
        parsed.GetValue(minutes) is { } m ? TimeSpan.FromMinutes(m) : null,
        parsed.GetValue(seed),
        parsed.GetValue(output),
        parsed.GetValue(seeds)!,
        total is { } w ? w * 2 / 19 : parsed.GetValue(cli),
        parsed.GetValue(start),
        parsed.GetValue(skip) ?? []);
    Console.WriteLine($"seed {options.Seed.ToString(CultureInfo.InvariantCulture)}: {options.OnnxCases:N0} ONNX, {options.SpecCases:N0} spec, {options.ApiCases:N0} API cases, {options.CliCases:N0} command lines; failures to {options.FailureFolder}");
    var summaries = Campaign.Run(options, Console.Out);
    foreach (var s in summaries)
    {
        Console.WriteLine(s);
    }

    return summaries.Any(s => s.Failures > 0) ? 1 : 0;
});
return root.Parse(args).Invoke();

using System.CommandLine;
using System.Globalization;
using CnnArch.Studies;
using CnnArch.Spec;
using ScottPlot;
using Spectre.Console;

namespace CnnArch.Cli;

/// <summary>search: budgeted sampling of a design space, its Pareto frontier and cost distributions.</summary>
internal static class SearchCommand
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private static readonly double[] Quantiles = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1];

    public static Command Create(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var space = new Argument<string>("space") { Description = "A built-in design space (regnet, mobilenet) or a JSON file describing one (see docs/design.md)." };
        var samples = new Option<int>("--samples", "-n") { Description = "Candidates to draw.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Sampler seed: the same seed gives the same output.", DefaultValueFactory = _ => 0 };
        var budgets = new Option<string[]>("--budget") { Description = "An upper bound (repeatable): macs<=400M, params<=5M, memory<=100MB, train-memory<=24GB@64.", HelpName = "cost<=amount" };
        var maximize = new Option<string[]>("--maximize") { Description = "A cost the frontier maximizes (repeatable; default macs, the compute spent).", HelpName = "cost" };
        var minimize = new Option<string[]>("--minimize") { Description = "A cost the frontier minimizes (repeatable; default memory).", HelpName = "cost" };
        var top = new Option<int>("--top") { Description = "Frontier rows shown in the table (all in csv and json).", DefaultValueFactory = _ => 20 };
        var format = CliOptions.Format("Output format.", "table", "json", "csv");
        var output = CliOptions.Output();
        var export = new Option<string?>("--export") { Description = "Write every frontier candidate as a spec file into this folder (cnnarch analyze reads them).", HelpName = "folder" };
        var plot = new Option<string?>("--plot") { Description = "Scatter of the feasible candidates with the frontier (first maximized against first minimized cost), .png or .svg.", HelpName = "file" };
        var command = new Command("search",
            "Sample a design space under budgets: the Pareto frontier of the chosen costs and each cost's distribution (EDF). Predicts cost, not accuracy.\n" +
            "Example: cnnarch search regnet --samples 100000 --budget macs<=400M --budget params<=5M")
        {
            space, samples, seed, budgets, maximize, minimize, top, format, output, export, plot,
        };
        command.SetAction(result => CliApp.Guarded(stderr, () =>
        {
            var options = new SearchOptions
            {
                Samples = result.GetValue(samples) is var n and > 0 ? n : throw new ArgumentException("--samples must be positive."),
                Seed = result.GetValue(seed),
                Budgets = [.. (result.GetValue(budgets) ?? []).Select(Budget.Parse)],
                Maximize = result.GetValue(maximize) is { Length: > 0 } max ? [.. max.Select(DesignCost.Parse)] : [new DesignCost(CostKind.Macs)],
                Minimize = result.GetValue(minimize) is { Length: > 0 } min ? [.. min.Select(DesignCost.Parse)] : [new DesignCost(CostKind.Memory)],
            };
            var searched = Search.Run(DesignSpace.Load(result.GetRequiredValue(space)), options);
            if (result.GetValue(export) is { } folder)
            {
                Directory.CreateDirectory(folder);
                foreach (var c in searched.Frontier)
                {
                    var name = $"{searched.Space.Name}_{c.Index}";
                    SpecWriter.Save(searched.Space.Build(c.Values, name), Path.Combine(folder, name + ".json"));
                }
            }

            if (result.GetValue(plot) is { } file)
            {
                Plot(searched, file);
            }

            CliApp.Write(stdout, isTerminal, result.GetValue(output), (writer, fancy) => Write(writer, fancy, result.GetValue(format)!, searched, result.GetValue(top), result.GetValue(export)));
        }));
        return command;
    }

    private static string Amount(DesignCost cost, long value) => cost.IsBytes ? Units.Bytes(value) : Units.Count(value);

    private static void Write(TextWriter writer, bool fancy, string format, SearchResult r, int top, string? exported)
    {
        var s = r.Space;
        switch (format)
        {
            case "json":
                writer.WriteLine(JsonText.Object(w =>
                {
                    w.WriteString("space", s.Name);
                    w.WriteNumber("samples", r.Options.Samples);
                    w.WriteNumber("seed", r.Options.Seed);
                    w.WriteNumber("feasible", r.Feasible.Length);
                    w.WriteStartArray("budgets");
                    foreach (var b in r.Options.Budgets)
                    {
                        w.WriteStartObject();
                        w.WriteString("cost", b.Cost.Name);
                        w.WriteNumber("limit", b.Limit);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("frontier");
                    foreach (var c in r.Frontier)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("index", c.Index);
                        w.WriteStartObject("parameters");
                        for (var i = 0; i < s.Parameters.Length; i++)
                        {
                            w.WriteNumber(s.Parameters[i].Name, c.Values[i]);
                        }

                        w.WriteEndObject();
                        for (var k = 0; k < r.Costs.Length; k++)
                        {
                            w.WriteNumber(r.Costs[k].Name, c.Costs[k]);
                        }

                        if (c.Preset is not null)
                        {
                            w.WriteString("preset", c.Preset);
                        }

                        if (c.Top1 is { } top1)
                        {
                            w.WriteNumber("top1", top1);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteStartObject("edf");
                    for (var k = 0; k < r.Costs.Length; k++)
                    {
                        w.WriteStartArray(r.Costs[k].Name);
                        for (var q = 0; q <= 20; q++)
                        {
                            w.WriteStartObject();
                            w.WriteNumber("quantile", q / 20.0);
                            w.WriteNumber("value", r.Quantile(k, q / 20.0));
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    }

                    w.WriteEndObject();
                    w.WriteString("note", "Costs only: search predicts cost, not accuracy; top-1 appears only where a candidate equals a preset with published weights.");
                }));
                break;
            case "csv":
                writer.Write(string.Join(',', ["index", .. s.Parameters.Select(p => p.Name), .. r.Costs.Select(c => c.Name), "preset", "top1"]) + "\n");
                foreach (var c in r.Frontier)
                {
                    writer.Write(string.Join(',', [c.Index.ToString(C), .. c.Values.Select(v => v.ToString("R", C)), .. c.Costs.Select(v => v.ToString(C)), c.Preset ?? string.Empty, c.Top1?.ToString("R", C) ?? string.Empty]) + "\n");
                }

                break;
            default:
                var console = CliApp.CreateConsole(writer, fancy);
                var seconds = r.Elapsed.TotalSeconds;
                var path = !s.HasFastPath ? "full build and analysis" : r.Costs.All(c => c.Kind != CostKind.TrainMemory) ? "cost-only fast path" : "closed-form costs, memory model for training memory";
                var budgets = r.Options.Budgets.IsEmpty ? "no budget" : string.Join(", ", r.Options.Budgets.Select(b => $"{b.Cost.Name} <= {Amount(b.Cost, (long)b.Limit)}"));
                console.WriteLine($"Searched {s.Name}: {r.Options.Samples:N0} candidates (seed {r.Options.Seed}) in {seconds:0.###} s ({r.Options.Samples / Math.Max(seconds, 1e-9):N0}/s, {path}); {r.Feasible.Length:N0} within {budgets}.");
                var objectives = string.Join(", ", r.Options.Maximize.Select(c => "max " + c.Name).Concat(r.Options.Minimize.Select(c => "min " + c.Name)));
                console.WriteLine($"Pareto frontier ({objectives}): {r.Frontier.Length} candidates{(r.Frontier.Length > top ? $", first {top} shown" : string.Empty)}.");
                var table = new Table().Border(fancy ? TableBorder.Rounded : TableBorder.Ascii);
                table.AddColumn(new TableColumn("#").RightAligned());
                table.AddColumn("Candidate");
                foreach (var cost in r.Costs)
                {
                    table.AddColumn(new TableColumn(cost.Name).RightAligned());
                }

                table.AddColumn("Preset (top-1)");
                foreach (var c in r.Frontier.Take(top))
                {
                    table.AddRow([.. new[] { c.Index.ToString(C), s.Describe(c.Values) }
                        .Concat(c.Costs.Select((v, k) => Amount(r.Costs[k], v)))
                        .Append(c.Preset is null ? "-" : $"{c.Preset} ({c.Top1?.ToString("0.0", C) ?? "-"})")
                        .Select(Markup.Escape)]);
                }

                console.Write(table);
                var edf = new Table().Border(fancy ? TableBorder.Rounded : TableBorder.Ascii);
                edf.AddColumn("EDF of feasible");
                foreach (var q in Quantiles)
                {
                    edf.AddColumn(new TableColumn(q switch { 0 => "min", 1 => "max", _ => $"{q * 100:0}%" }).RightAligned());
                }

                for (var k = 0; k < r.Costs.Length; k++)
                {
                    edf.AddRow([.. Quantiles.Select(q => Amount(r.Costs[k], r.Quantile(k, q))).Prepend(r.Costs[k].Name).Select(Markup.Escape)]);
                }

                console.Write(edf);
                if (exported is not null)
                {
                    console.WriteLine($"Spec files of the {r.Frontier.Length} frontier candidates written to {exported} ({s.Name}_INDEX.json).");
                }

                console.WriteLine("Search predicts cost, not accuracy: top-1 is shown only where a candidate equals a preset with published weights. MACs and memory in torchvision's convention, batch 1; train-memory at its @batch (SGD with momentum, fp32).");
                break;
        }
    }

    private static void Plot(SearchResult r, string file)
    {
        var x = r.Costs.IndexOf(r.Options.Maximize[0]);
        var y = r.Options.Minimize.IsEmpty ? x : r.Costs.IndexOf(r.Options.Minimize[0]);
        var plot = new Plot();
        double Scale(int k, long v) => r.Costs[k].IsBytes ? v / 1048576.0 : v / 1e6;
        var all = plot.Add.ScatterPoints(r.Feasible.Select(c => Scale(x, c.Costs[x])).ToArray(), r.Feasible.Select(c => Scale(y, c.Costs[y])).ToArray());
        all.MarkerSize = 3;
        all.LegendText = $"feasible ({r.Feasible.Length:N0})";
        var front = r.Frontier.OrderBy(c => c.Costs[x]).ToList();
        var line = plot.Add.Scatter(front.Select(c => Scale(x, c.Costs[x])).ToArray(), front.Select(c => Scale(y, c.Costs[y])).ToArray());
        line.MarkerSize = 7;
        line.LegendText = $"Pareto frontier ({front.Count})";
        plot.ShowLegend();
        string Unit(int k) => r.Costs[k].IsBytes ? "MB" : "M";
        plot.Title($"{r.Space.Name}: {r.Options.Samples:N0} samples, seed {r.Options.Seed}");
        plot.XLabel($"{r.Costs[x].Name} ({Unit(x)})");
        plot.YLabel($"{r.Costs[y].Name} ({Unit(y)})");
        Charts.Save(plot, file, 1000, 700);
    }
}

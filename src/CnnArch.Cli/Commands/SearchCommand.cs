using System.CommandLine;
using CnnArch.Spec;
using CnnArch.Studies;
using ScottPlot;

namespace CnnArch.Cli.Commands;

/// <summary><c>cnnarch search</c>: budgeted sampling of a design space, its Pareto frontier and cost distributions.</summary>
internal static class SearchCommand
{
    /// <summary>The most spec files --export writes.</summary>
    private const int MaxExported = 1000;

    public static Command Create(CliContext cli)
    {
        var space = new Argument<string>("space") { Description = "A built-in design space (regnet, mobilenet) or a JSON file describing one (see docs/design.md)." };
        var samples = CliOptions.Number("--samples", "Candidates to draw.", 1000, 1, SearchOptions.MaxSamples, "-n");
        var seed = CliOptions.Number("--seed", "Sampler seed: the same seed gives the same output.", 0, int.MinValue, int.MaxValue);
        var budgets = new Option<string[]>("--budget") { Description = "An upper bound (repeatable): macs:400M, params:5M, memory:100MB, train-memory:24GB@64 (also macs=400M, or 'macs<=400M' in quotes: a shell reads < as a redirection).", HelpName = "cost:amount" };
        var maximize = new Option<string[]>("--maximize") { Description = "A cost the frontier maximizes (repeatable; default macs, the compute spent).", HelpName = "cost" };
        var minimize = new Option<string[]>("--minimize") { Description = "A cost the frontier minimizes (repeatable; default memory).", HelpName = "cost" };
        var top = CliOptions.Number("--top", "Frontier rows shown in the table (all in csv and json).", 20, 1, int.MaxValue);
        var format = CliOptions.Format("Output format.", OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv);
        var output = CliOptions.Output();
        var export = new Option<string?>("--export") { Description = $"Write every frontier candidate (at most {MaxExported:N0}) as a spec file into this folder (cnnarch analyze reads them).", HelpName = "folder" };
        var plot = new Option<string?>("--plot") { Description = "Scatter of the feasible candidates with the frontier (first maximized against first minimized cost), .png or .svg.", HelpName = "file" };
        var command = new Command("search",
            "Sample a design space under budgets: the Pareto frontier of the chosen costs and each cost's distribution (EDF). Predicts cost, not accuracy.\n" +
            "Example: cnnarch search regnet --samples 100000 --budget macs:400M --budget params:5M")
        {
            space, samples, seed, budgets, maximize, minimize, top, format, output, export, plot,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var options = new SearchOptions
            {
                Samples = result.GetValue(samples),
                Seed = result.GetValue(seed),
                Budgets = [.. (result.GetValue(budgets) ?? []).Select(Budget.Parse)],
                Maximize = result.GetValue(maximize) is { Length: > 0 } max ? [.. max.Select(DesignCost.Parse)] : [new DesignCost(CostKind.Macs)],
                Minimize = result.GetValue(minimize) is { Length: > 0 } min ? [.. min.Select(DesignCost.Parse)] : [new DesignCost(CostKind.Memory)],
            };
            var searched = Search.Run(DesignSpace.Load(result.GetRequiredValue(space)), options);
            if (result.GetValue(export) is { } folder)
            {
                Export(searched, folder);
            }

            if (result.GetValue(plot) is { } file)
            {
                Plot(searched, file);
            }

            cli.Emit(result.GetValue(output), fancy => result.GetValue(format) switch
            {
                OutputFormat.Json => JsonReport.Write(searched) + "\n",
                OutputFormat.Csv => CsvReport.Write(searched),
                _ => CliContext.Text(TextReport.Document(searched, result.GetValue(top), result.GetValue(export)), fancy),
            });
        }));
        return command;
    }

    private static void Export(SearchResult searched, string folder)
    {
        if (searched.Frontier.Length > MaxExported)
        {
            throw new ArgumentException($"--export writes at most {MaxExported:N0} spec files and the frontier has {searched.Frontier.Length:N0} candidates; add a --budget or an objective that orders them.");
        }

        Directory.CreateDirectory(folder);
        foreach (var c in searched.Frontier)
        {
            var name = $"{searched.Space.Name}_{c.Index}";
            SpecWriter.Save(searched.Space.Build(c.Values, name), Path.Combine(folder, name + ".json"));
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

using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using CnnArch.Analysis;
using CnnArch.Studies;
using CnnArch.Presets;
using Spectre.Console;

namespace CnnArch.Cli;

/// <summary>design solve, design block, design scale: the lecture's design arithmetic for any preset.</summary>
internal static class DesignCommands
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static Command Design(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var design = new Command("design",
            "Design under a budget: solve for an equal-cost parameter, a block's cost polynomial, scaling to a budget.\n" +
            "Example: cnnarch design solve resnext50_32x4d --vary width_per_group --each groups=2,4,8,32 --match resnet50 --on macs");
        design.Add(Solve(stdout, stderr, isTerminal));
        design.Add(BlockCommand(stdout, stderr, isTerminal));
        design.Add(ScaleCommand(stdout, stderr, isTerminal));
        return design;
    }

    private static Command Solve(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var model = new Argument<string>("preset") { Description = "The preset whose parameter is solved for (see 'cnnarch list')." };
        var vary = new Option<string>("--vary") { Description = "The numeric parameter to solve for: anything --set takes, or resolution.", Required = true, HelpName = "parameter" };
        var each = new Option<string?>("--each") { Description = "Solve once per value of another parameter: groups=2,4,8,32.", HelpName = "name=v1,v2" };
        var match = new Option<string?>("--match") { Description = "The reference preset whose cost is matched.", HelpName = "preset" };
        var target = new Option<string?>("--target") { Description = "A cost to match instead of a reference: 2G, 5M, 8GB.", HelpName = "amount" };
        var on = new Option<string>("--on") { Description = "The cost: macs, params, memory (activations), train-memory@BATCH.", DefaultValueFactory = _ => "macs", HelpName = "cost" };
        var set = CliOptions.Set();
        var within = new Option<string?>("--within") { Description = "Count only the layers under this module path in both networks (layer1.1: one block, the lecture's arithmetic).", HelpName = "path" };
        var convention = ConventionOption();
        var format = CliOptions.Format("Output format.", "table", "json", "csv");
        var output = CliOptions.Output();
        var command = new Command("solve",
            "The value of one preset parameter at which a cost equals a reference network's (or a number); integer neighbours with exact costs.\n" +
            "Example: cnnarch design solve resnext50_32x4d --vary width_per_group --each groups=2,4,8,32 --match resnet50 --on macs")
        {
            model, vary, each, match, target, on, set, within, convention, format, output,
        };
        command.SetAction(result => CliApp.Guarded(stderr, () =>
        {
            var cost = DesignCost.Parse(result.GetRequiredValue(on)) with { Scope = result.GetValue(within) };
            var costModel = Conventions.Get(result.GetRequiredValue(convention));
            var given = Settings(result.GetValue(set) ?? []);
            var (reference, goal) = (result.GetValue(match), result.GetValue(target)) switch
            {
                ({ } m, null) => (m, (double)EqualCostSolver.CostOf(m, cost, convention: costModel)),
                (null, { } t) => ((string?)null, cost.ParseAmount(t)),
                _ => throw new ArgumentException("Give exactly one of --match PRESET and --target AMOUNT."),
            };
            var (eachName, eachValues) = ParseEach(result.GetValue(each));
            var runs = eachName is null
                ? [EqualCostSolver.Solve(result.GetRequiredValue(model), result.GetRequiredValue(vary), goal, cost, given, costModel)]
                : eachValues.Select(v => EqualCostSolver.Solve(result.GetRequiredValue(model), result.GetRequiredValue(vary), goal, cost, given.SetItem(eachName, v), costModel)).ToList();
            CliApp.Write(stdout, isTerminal, result.GetValue(output), (writer, fancy) => WriteSolutions(writer, fancy, result.GetValue(format)!, runs, eachName, reference, goal, costModel));
        }));
        return command;
    }

    private static void WriteSolutions(TextWriter writer, bool fancy, string format, IReadOnlyList<EqualCostSolution> runs, string? eachName, string? reference, double goal, CostModel convention)
    {
        var first = runs[0];
        string Amount(double v) => first.Cost.IsBytes ? Units.Bytes((long)v) : Units.Count((long)v);
        switch (format)
        {
            case "json":
                writer.WriteLine(JsonText.Object(w =>
                {
                    w.WriteString("preset", first.Preset);
                    w.WriteString("parameter", first.Parameter);
                    w.WriteString("cost", first.Cost.Name);
                    w.WriteString("convention", convention.Name);
                    if (reference is not null)
                    {
                        w.WriteString("match", reference);
                    }

                    w.WriteNumber("target", goal);
                    w.WriteStartArray("solutions");
                    foreach (var r in runs)
                    {
                        w.WriteStartObject();
                        if (eachName is not null)
                        {
                            w.WriteString(eachName, r.Fixed[eachName]);
                        }

                        w.WriteNumber("continuous", r.Continuous);
                        w.WriteNumber("nearest", r.Nearest.Value);
                        w.WriteStartArray("neighbours");
                        foreach (var n in r.Neighbours)
                        {
                            w.WriteStartObject();
                            w.WriteNumber("value", n.Value);
                            w.WriteNumber("cost", n.Cost);
                            w.WriteNumber("ratio", n.Ratio);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }));
                break;
            case "csv":
                writer.Write((eachName is null ? string.Empty : eachName + ",") + $"{first.Parameter}_continuous,{first.Parameter},{first.Cost.Name},ratio,nearest\n");
                foreach (var r in runs)
                {
                    foreach (var n in r.Neighbours)
                    {
                        writer.Write(string.Create(C, $"{(eachName is null ? string.Empty : r.Fixed[eachName] + ",")}{r.Continuous:0.####},{n.Value:R},{n.Cost},{n.Ratio:0.####},{(n == r.Nearest ? "true" : "false")}\n"));
                    }
                }

                break;
            default:
                var console = CliApp.CreateConsole(writer, fancy);
                var against = reference is null ? Amount(goal) : $"{reference} ({Amount(goal)})";
                var scope = first.Cost.Scope is null ? string.Empty : $" (layers under {first.Cost.Scope} only)";
                console.WriteLine($"{first.Preset}: {first.Parameter} at which {first.Cost.Name}{scope} equals {against}, convention {convention.Name}");
                var table = new Table().Border(fancy ? TableBorder.Rounded : TableBorder.Ascii);
                if (eachName is not null)
                {
                    table.AddColumn(new TableColumn(eachName).RightAligned());
                }

                foreach (var title in new[] { "continuous", first.Parameter, first.Cost.Name, "x target", "other neighbour", first.Cost.Name, "x target" })
                {
                    table.AddColumn(new TableColumn(title).RightAligned());
                }

                foreach (var r in runs)
                {
                    var other = r.Neighbours.FirstOrDefault(n => n != r.Nearest);
                    var cells = new List<string>();
                    if (eachName is not null)
                    {
                        cells.Add(r.Fixed[eachName]);
                    }

                    cells.AddRange([
                        r.Continuous.ToString("0.00", C), r.Nearest.Value.ToString("R", C), Amount(r.Nearest.Cost), r.Nearest.Ratio.ToString("0.000", C) + "x",
                        other?.Value.ToString("R", C) ?? "-", other is null ? "-" : Amount(other.Cost), other is null ? "-" : other.Ratio.ToString("0.000", C) + "x"]);
                    table.AddRow([.. cells.Select(Markup.Escape)]);
                }

                console.Write(table);
                console.WriteLine(first.IsInteger
                    ? "Continuous: the root of the costs interpolated between integers (Brent's method); the integers either side are built and counted exactly."
                    : "Continuous: the root found by Brent's method on the exact cost; neighbours are that root to two decimals either side.");
                break;
        }
    }

    private static Command BlockCommand(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var name = new Argument<string[]>("blocks") { Description = "Built-in blocks (default: all): " + string.Join(", ", BlockCosts.Known.Select(b => b.Name)) + ".", Arity = ArgumentArity.ZeroOrMore };
        var convention = ConventionOption();
        var format = CliOptions.Format("Output format.", "table", "json", "csv");
        var output = CliOptions.Output();
        var command = new Command("block",
            "A block's MACs, parameters and activation memory as polynomials in its width C and map size H x W, fitted to exact counts at several sizes.\n" +
            "Example: cnnarch design block bottleneck depthwise_separable")
        {
            name, convention, format, output,
        };
        command.SetAction(result => CliApp.Guarded(stderr, () =>
        {
            var names = result.GetValue(name) is { Length: > 0 } given ? given : [.. BlockCosts.Known.Select(b => b.Name)];
            var costModel = Conventions.Get(result.GetRequiredValue(convention));
            DesignCost[] costs = [new(CostKind.Macs), new(CostKind.Params), new(CostKind.Memory)];
            var rows = names.Select(BlockCosts.Get).Select(b => (Block: b, Fits: costs.Select(c => BlockCosts.Fit(b, c, costModel)).ToArray())).ToList();
            CliApp.Write(stdout, isTerminal, result.GetValue(output), (writer, fancy) =>
            {
                switch (result.GetValue(format))
                {
                    case "json":
                        writer.WriteLine(JsonText.Object(w =>
                        {
                            w.WriteString("convention", costModel.Name);
                            w.WriteStartArray("blocks");
                            foreach (var (block, fits) in rows)
                            {
                                w.WriteStartObject();
                                w.WriteString("block", block.Name);
                                for (var i = 0; i < costs.Length; i++)
                                {
                                    w.WriteStartObject(costs[i].Name);
                                    w.WriteString("polynomial", fits[i].ToString());
                                    w.WriteBoolean("exact", fits[i].IsExact);
                                    w.WriteStartArray("terms");
                                    foreach (var t in fits[i].Terms)
                                    {
                                        w.WriteStartObject();
                                        w.WriteNumber("cPower", t.CPower);
                                        w.WriteNumber("hwPower", t.HwPower);
                                        w.WriteNumber("coefficient", t.Coefficient);
                                        w.WriteEndObject();
                                    }

                                    w.WriteEndArray();
                                    w.WriteEndObject();
                                }

                                w.WriteEndObject();
                            }

                            w.WriteEndArray();
                        }));
                        break;
                    case "csv":
                        writer.Write("block,macs,params,memory_bytes,exact\n");
                        foreach (var (block, fits) in rows)
                        {
                            writer.Write($"{block.Name},{fits[0]},{fits[1]},{fits[2]},{(fits.All(f => f.IsExact) ? "true" : "false")}\n");
                        }

                        break;
                    default:
                        var table = new Table().Border(fancy ? TableBorder.Rounded : TableBorder.Ascii);
                        foreach (var title in new[] { "Block", "Input", "MACs", "Params", "Activation bytes" })
                        {
                            table.AddColumn(title);
                        }

                        foreach (var (block, fits) in rows)
                        {
                            var input = block.InputChannels(2) == 2 ? "C x H x W" : $"{block.InputChannels(2) / 2}C x H x W";
                            table.AddRow([.. new[] { block.Name, input, Exactly(fits[0]), Exactly(fits[1]), Exactly(fits[2]) }.Select(Markup.Escape)]);
                        }

                        var console = CliApp.CreateConsole(writer, fancy);
                        console.Write(table);
                        console.WriteLine($"Fitted to exact counts at 10 sizes (C 8-40, H = W 4-8) and checked at 3 others; convention {costModel.Name}. '~' marks a fit that missed a check.");
                        break;
                }
            });
        }));
        return command;

        static string Exactly(CostPolynomial p) => p.IsExact ? p.ToString() : "~ " + p;
    }

    private static Command ScaleCommand(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        var model = new Argument<string>("preset") { Description = "The preset to scale (compound scaling needs width and depth parameters: efficientnet_b0)." };
        var budget = new Option<string?>("--budget") { Description = "The budget to fill: macs=2G, params<=10M, train-memory<=8GB@32.", HelpName = "cost=amount" };
        var mode = new Option<string>("--mode") { Description = "What to scale.", DefaultValueFactory = _ => "compound" };
        mode.AcceptOnlyFromAmong("width", "depth", "resolution", "compound");
        var phi = new Option<string?>("--phi") { Description = "Instead of a budget: compound-scale by these phi (1,2,3 or 1:7) and compare with EfficientNet B1-B7's published coefficients.", HelpName = "list" };
        var alpha = new Option<double>("--alpha") { Description = "Compound depth base.", DefaultValueFactory = _ => 1.2 };
        var beta = new Option<double>("--beta") { Description = "Compound width base.", DefaultValueFactory = _ => 1.1 };
        var gamma = new Option<double>("--gamma") { Description = "Compound resolution base.", DefaultValueFactory = _ => 1.15 };
        var set = CliOptions.Set();
        var depth = CliOptions.Depth("Collapse blocks nested deeper than N in the scaled network's report (default 2).");
        var convention = ConventionOption();
        var command = new Command("scale",
            "Scale width, depth or resolution, alone or compoundly (EfficientNet's phi), to the largest network within a budget, and print its report.\n" +
            "Example: cnnarch design scale efficientnet_b0 --budget macs=2G    or    cnnarch design scale efficientnet_b0 --phi 1:7")
        {
            model, budget, mode, phi, alpha, beta, gamma, set, depth, convention,
        };
        command.SetAction(result => CliApp.Guarded(stderr, () =>
        {
            var preset = result.GetRequiredValue(model);
            var k = new CompoundCoefficients(result.GetValue(alpha), result.GetValue(beta), result.GetValue(gamma));
            var costModel = Conventions.Get(result.GetRequiredValue(convention));
            var given = Settings(result.GetValue(set) ?? []);
            var console = CliApp.CreateConsole(stdout, isTerminal);
            if (result.GetValue(phi) is { } phis)
            {
                var values = ParsePhi(phis);
                var table = new Table().Border(isTerminal ? TableBorder.Rounded : TableBorder.Ascii);
                foreach (var title in new[] { "phi", "rule width", "rule depth", "rule res", "rule MACs", "published", "width", "depth", "res", "MACs" })
                {
                    table.AddColumn(new TableColumn(title).RightAligned());
                }

                foreach (var p in values)
                {
                    var rule = Scaling.Compound(preset, p, k, given, convention: costModel);
                    var cells = new List<string> { p.ToString(C), rule.Settings["width"], rule.Settings["depth"], rule.Input.Resolution.ToString(C), Units.Count(rule.Cost) };
                    if (p >= 0 && p < EfficientNets.Variants.Length)
                    {
                        var v = EfficientNets.Variants[p];
                        var published = new DesignCost(CostKind.Macs).Measure(EfficientNets.B(p), convention: costModel);
                        cells.AddRange([$"efficientnet_b{p}", v.Width.ToString(C), v.Depth.ToString(C), v.Resolution.ToString(C), Units.Count(published)]);
                    }
                    else
                    {
                        cells.AddRange(["-", "-", "-", "-", "-"]);
                    }

                    table.AddRow([.. cells.Select(Markup.Escape)]);
                }

                console.Write(table);
                console.WriteLine($"Rule: depth x {k.Alpha}^phi, width x {k.Beta}^phi, resolution x {k.Gamma}^phi from {preset}'s own values. Published: torchvision's efficientnet_bN coefficients at its evaluation crop.");
                return;
            }

            var limit = Budget.Parse(result.GetValue(budget) ?? throw new ArgumentException("Give --budget (macs=2G) or --phi (1:7)."));
            var scaleMode = Enum.Parse<ScaleMode>(result.GetRequiredValue(mode), ignoreCase: true);
            var scaled = Scaling.Scale(preset, limit, scaleMode, given, k, costModel);
            var what = scaleMode == ScaleMode.Compound
                ? $"phi = {scaled.Phi.ToString("0.###", C)} (alpha {k.Alpha}, beta {k.Beta}, gamma {k.Gamma})"
                : $"{(scaleMode == ScaleMode.Resolution ? "resolution" : scaleMode.ToString().ToLowerInvariant())} = {scaled.Phi.ToString("R", C)}";
            var settings = string.Join(", ", scaled.Settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));
            var amount = limit.Cost.IsBytes ? Units.Bytes(scaled.Cost) : Units.Count(scaled.Cost);
            console.WriteLine($"{scaled.Preset} scaled by {scaleMode.ToString().ToLowerInvariant()}: {what}; input {scaled.Input}; {limit.Cost.Name} {amount} ({Units.Exact(scaled.Cost)}) within {limit.Cost.Name} <= {(limit.Cost.IsBytes ? Units.Bytes((long)limit.Limit) : Units.Count((long)limit.Limit))}");
            if (settings.Length > 0)
            {
                console.WriteLine($"--set {settings.Replace(", ", " --set ", StringComparison.Ordinal)}");
            }

            var report = Analyzer.Analyze(scaled.Network, new AnalysisOptions { Input = scaled.Input, Convention = costModel });
            TableRenderer.Render(report, console, isTerminal, new TableOptions { Depth = result.GetValue(depth) ?? 2 });
        }));
        return command;
    }

    private static int[] ParsePhi(string text)
    {
        var bad = new FormatException($"--phi takes whole numbers: a list like 1,2,3 or a range like 1:7; got '{text}'.");
        int Int(string t) => int.TryParse(t.Trim(), NumberStyles.AllowLeadingSign, C, out var v) && Math.Abs(v) <= 20 ? v : throw bad;
        var range = text.Split(':');
        return range.Length switch
        {
            1 => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Int)],
            2 when Int(range[0]) <= Int(range[1]) => [.. Enumerable.Range(Int(range[0]), Int(range[1]) - Int(range[0]) + 1)],
            _ => throw bad,
        };
    }

    internal static Option<string> ConventionOption()
    {
        var convention = new Option<string>("--convention", "-c") { Description = "Counting convention of MACs and activations.", DefaultValueFactory = _ => "torchvision" };
        convention.AcceptOnlyFromAmong([.. Conventions.All.Select(c => c.Name)]);
        return convention;
    }

    internal static ImmutableDictionary<string, string> Settings(string[] settings)
    {
        var values = ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in settings)
        {
            var eq = s.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == s.Length - 1)
            {
                throw new ArgumentException($"--set takes name=value, got '{s}'.");
            }

            values = values.SetItem(s[..eq].Trim(), s[(eq + 1)..].Trim());
        }

        return values;
    }

    private static (string? Name, string[] Values) ParseEach(string? text)
    {
        if (text is null)
        {
            return (null, []);
        }

        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var values = eq > 0 ? text[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        return eq > 0 && values.Length > 0
            ? (text[..eq].Trim(), values)
            : throw new ArgumentException($"--each takes name=v1,v2,..., got '{text}'.");
    }
}

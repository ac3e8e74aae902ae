using System.CommandLine;
using System.Globalization;
using CnnArch.Analysis;
using CnnArch.Onnx;
using CnnArch.Studies;

namespace CnnArch.Cli.Commands;

/// <summary>design solve, design block, design scale: the lecture's design arithmetic for any preset.</summary>
internal static class DesignCommands
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static Command Create(CliContext cli)
    {
        var design = new Command("design",
            "Design under a budget: solve for an equal-cost parameter, a block's cost polynomial, scaling to a budget.\n" +
            "Example: cnnarch design solve resnext50_32x4d --vary width_per_group --each groups=2,4,8,32 --match resnet50 --on macs");
        design.Add(Solve(cli));
        design.Add(Block(cli));
        design.Add(Scale(cli));
        return design;
    }

    private static Option<CostModel> Convention() => CliOptions.Convention(Conventions.TorchVision, "Counting convention of MACs and activations.");

    private static Command Solve(CliContext cli)
    {
        var model = new Argument<string>("preset") { Description = "The preset whose parameter is solved for (see 'cnnarch list')." };
        var vary = new Option<string>("--vary") { Description = "The numeric parameter to solve for: anything --set takes, or resolution.", Required = true, HelpName = "parameter" };
        var each = new Option<string?>("--each") { Description = "Solve once per value of another parameter: groups=2,4,8,32.", HelpName = "name=v1,v2" };
        var match = new Option<string?>("--match") { Description = "The reference preset whose cost is matched.", HelpName = "preset" };
        var target = new Option<string?>("--target") { Description = "A cost to match instead of a reference: 2G, 5M, 8GB.", HelpName = "amount" };
        var on = new Option<string>("--on") { Description = "The cost: macs, params, memory (activations), train-memory@BATCH.", DefaultValueFactory = _ => "macs", HelpName = "cost" };
        var set = CliOptions.Set();
        var within = new Option<string?>("--within") { Description = "Count only the layers under this module path in both networks (layer1.1: one block, the lecture's arithmetic).", HelpName = "path" };
        var convention = Convention();
        var format = CliOptions.Format("Output format.", OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv);
        var output = CliOptions.Output();
        var pick = CliOptions.Choice<SolutionPick?>(
            "--pick", "The answer among the integers either side: within (the largest whose cost is at most the target: a budget fits; the default with --target), nearest (the default with --match), at-least.",
            [("nearest", SolutionPick.Nearest), ("within", SolutionPick.Within), ("at-least", SolutionPick.AtLeast)], null);
        var command = new Command("solve",
            "The value of one preset parameter at which a cost equals a reference network's (or a number); integer neighbours with exact costs.\n" +
            "Example: cnnarch design solve resnext50_32x4d --vary width_per_group --each groups=2,4,8,32 --match resnet50 --on macs")
        {
            model, vary, each, match, target, on, set, within, convention, format, output, pick,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var cost = DesignCost.Parse(result.GetRequiredValue(on)) with { Scope = result.GetValue(within) };
            var (reference, amount) = (result.GetValue(match), result.GetValue(target));
            if ((reference is null) == (amount is null))
            {
                throw new ArgumentException("Give exactly one of --match PRESET and --target AMOUNT.");
            }

            var study = EqualCostStudy.Run(
                result.GetRequiredValue(model), result.GetRequiredValue(vary), cost, reference, amount is null ? null : cost.ParseAmount(amount),
                ModelLoader.Settings(result.GetValue(set) ?? []), ParseEach(result.GetValue(each)), result.GetValue(convention), result.GetValue(pick));
            cli.Emit(result.GetValue(output), fancy => result.GetValue(format) switch
            {
                OutputFormat.Json => JsonReport.Write(study) + "\n",
                OutputFormat.Csv => CsvReport.Write(study),
                _ => CliContext.Text(TextReport.Document(study), fancy),
            });
        }));
        return command;
    }

    private static Command Block(CliContext cli)
    {
        var name = new Argument<string[]>("blocks") { Description = "Built-in blocks (default: all): " + string.Join(", ", BlockCosts.Known.Select(b => b.Name)) + ".", Arity = ArgumentArity.ZeroOrMore };
        var convention = Convention();
        var format = CliOptions.Format("Output format.", OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv);
        var output = CliOptions.Output();
        var command = new Command("block",
            "A block's MACs, parameters and activation memory as polynomials in its width C and map size H x W, fitted to exact counts at several sizes.\n" +
            "Example: cnnarch design block bottleneck depthwise_separable")
        {
            name, convention, format, output,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var blocks = BlockCostTable.Of(result.GetValue(name), result.GetValue(convention));
            cli.Emit(result.GetValue(output), fancy => result.GetValue(format) switch
            {
                OutputFormat.Json => JsonReport.Write(blocks) + "\n",
                OutputFormat.Csv => CsvReport.Write(blocks),
                _ => CliContext.Text(TextReport.Document(blocks), fancy),
            });
        }));
        return command;
    }

    private static Command Scale(CliContext cli)
    {
        var model = new Argument<string>("preset") { Description = "The preset to scale (compound scaling needs width and depth parameters: efficientnet_b0)." };
        var budget = new Option<string?>("--budget") { Description = "The budget to fill: macs:2G, params:10M, train-memory:8GB@32 (also macs=2G, or 'macs<=2G' in quotes: a shell reads < as a redirection).", HelpName = "cost=amount" };
        var mode = CliOptions.Choice("--mode", "What to scale.", Enum.GetValues<ScaleMode>().Select(m => (m.ToString().ToLowerInvariant(), m)), ScaleMode.Compound);
        var phi = new Option<string?>("--phi") { Description = "Instead of a budget: compound-scale by these phi (1,2,3 or 1:7) and compare with EfficientNet B1-B7's published coefficients.", HelpName = "list" };
        var alpha = CliOptions.Real("--alpha", "Compound depth base.", 1.2, 1, 4);
        var beta = CliOptions.Real("--beta", "Compound width base.", 1.1, 1, 4);
        var gamma = CliOptions.Real("--gamma", "Compound resolution base.", 1.15, 1, 4);
        var set = CliOptions.Set();
        var depth = CliOptions.Depth("Collapse blocks nested deeper than N in the scaled network's report (default 2).");
        var convention = Convention();
        var command = new Command("scale",
            "Scale width, depth or resolution, alone or compoundly (EfficientNet's phi), to the largest network within a budget, and print its report.\n" +
            "Example: cnnarch design scale efficientnet_b0 --budget macs=2G    or    cnnarch design scale efficientnet_b0 --phi 1:7")
        {
            model, budget, mode, phi, alpha, beta, gamma, set, depth, convention,
        };
        command.SetAction(result => CliApp.Guarded(cli.Stderr, () =>
        {
            var preset = result.GetRequiredValue(model);
            var k = new CompoundCoefficients(result.GetValue(alpha), result.GetValue(beta), result.GetValue(gamma));
            var costModel = result.GetValue(convention)!;
            var given = ModelLoader.Settings(result.GetValue(set) ?? []);
            if (result.GetValue(phi) is { } phis)
            {
                var table = CompoundTable.Of(preset, ParsePhi(phis), k, given, costModel);
                cli.Emit(null, fancy => CliContext.Text(TextReport.Document(table), fancy));
                return;
            }

            var limit = Budget.Parse(result.GetValue(budget) ?? throw new ArgumentException("Give --budget (macs=2G) or --phi (1:7)."));
            var scaled = Scaling.Scale(preset, limit, result.GetValue(mode), given, k, costModel);
            var report = Analyzer.Analyze(scaled.Network, new AnalysisOptions { Input = scaled.Input, Convention = costModel });
            cli.Emit(null, fancy => CliContext.Text(TextReport.Document(scaled, report, new ReportOptions { Depth = result.GetValue(depth) ?? 2 }), fancy));
        }));
        return command;
    }

    private static int[] ParsePhi(string text)
    {
        var bad = new FormatException($"--phi takes whole numbers from -20 to 20: a list like 1,2,3 or a range like 1:7; got '{text}'.");
        int Int(string t) => int.TryParse(t.Trim(), NumberStyles.AllowLeadingSign, C, out var v) && Math.Abs(v) <= 20 ? v : throw bad;
        var range = text.Split(':');
        int[] values = range.Length switch
        {
            1 => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Int)],
            2 when Int(range[0]) <= Int(range[1]) => [.. Enumerable.Range(Int(range[0]), Int(range[1]) - Int(range[0]) + 1)],
            _ => throw bad,
        };
        return values.Length > 0 ? values : throw bad;
    }

    private static (string Name, IReadOnlyList<string> Values)? ParseEach(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var values = eq > 0 ? text[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        return eq > 0 && values.Length > 0
            ? (text[..eq].Trim(), values)
            : throw new ArgumentException($"--each takes name=v1,v2,..., got '{text}'.");
    }
}

using System.Collections.Immutable;
using CnnArch.Graph;

namespace CnnArch.Analysis;

/// <summary>Walks a network in execution order: shapes first, then each node's costs by the convention.</summary>
public static class Analyzer
{
    /// <summary>Analyses <paramref name="network"/> with <paramref name="options"/> (default: <see cref="AnalysisOptions.Default"/>).</summary>
    /// <exception cref="InvalidNetworkException">A layer does not fit its inputs, or a count overflows; the message names the layer.</exception>
    /// <exception cref="ArgumentException">No input shape was given and the network has no default.</exception>
    public static AnalysisReport Analyze(Network network, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= AnalysisOptions.Default;
        var input = options.Input ?? network.DefaultInput
            ?? throw new ArgumentException($"Network '{network.Name}' has no default input: give one in the options.", nameof(options));
        var shapes = InferShapes(network, input);
        var fields = ReceptiveFields.Compute(network, input, shapes);
        var bytesPerElement = options.DataType.BytesPerElement();
        var rows = ImmutableArray.CreateBuilder<LayerReport>(network.Nodes.Length);
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        var feedsOutput = FeedsOutput(network);
        var frozen = Backward.FrozenNodes(network, options.Frozen);

        // A value needs a gradient when it comes from a trainable layer or from a value that needs one;
        // the network's input does not, so the first layer computes no input gradient.
        var needsGradient = new bool[network.Nodes.Length];

        foreach (var node in network.Nodes)
        {
            try
            {
                var inputs = node.Inputs.Select(t => t.IsNetworkInput ? input : shapes[t.Id]).ToImmutableArray();
                var output = shapes[node.Index];
                var cost = options.Convention.Count(node.Layer, new CostContext(inputs, output));
                if (cost is null)
                {
                    diagnostics.Add(new Diagnostic(node.Path, $"No rule for {node.Layer.Kind} in the '{options.Convention.Name}' convention: its operations are not counted."));
                }

                var parameters = node.Layer.Parameters(inputs);
                var trainable = parameters > 0 && !frozen[node.Index];
                var gradientInputs = node.Inputs.Where(t => !t.IsNetworkInput && needsGradient[t.Id]).Distinct().Count();
                needsGradient[node.Index] = trainable || gradientInputs > 0;
                var rule = Backward.RuleFor(node.Layer);
                var row = new LayerReport
                {
                    Path = node.Path,
                    Kind = node.Layer.Kind,
                    Inputs = inputs,
                    Output = output,
                    Sources = [.. node.Inputs.Select(t => t.Id)],
                    Window = LayerWindow.Of(node.Layer),
                    Parameters = parameters,
                    IsFrozen = parameters > 0 && frozen[node.Index],
                    BackwardMacs = checked(Backward.Count(rule, cost?.Macs ?? 0, gradientInputs, trainable) * options.Batch),
                    BackwardFlops = checked(Backward.Count(rule, cost?.Flops ?? 0, gradientInputs, trainable) * options.Batch),
                    Buffers = node.Layer.Buffers(inputs),
                    Macs = checked((cost?.Macs ?? 0) * options.Batch),
                    Flops = checked((cost?.Flops ?? 0) * options.Batch),
                    ActivationBytes = checked(output.Elements * options.Batch * bytesPerElement),
                    IsModule = node.IsModule,
                    IsCounted = cost is not null,
                    IsAuxiliary = !feedsOutput[node.Index],
                    ReceptiveField = fields[node.Index],
                };
                rows.Add(row);
            }
            catch (OverflowException ex)
            {
                throw new InvalidNetworkException(node.Path, $"a count overflows 64 bits at batch {options.Batch} (input {input}).", ex);
            }
        }

        var layers = rows.MoveToImmutable();
        Totals totals, auxiliary;
        try
        {
            totals = Totals.Of(layers.Where(l => !l.IsAuxiliary));
            auxiliary = Totals.Of(layers.Where(l => l.IsAuxiliary));
        }
        catch (OverflowException ex)
        {
            throw new InvalidNetworkException(network.Name, $"a total overflows 64 bits at batch {options.Batch} (input {input}).", ex);
        }

        return new AnalysisReport
        {
            Model = network.Name,
            Input = input,
            Batch = options.Batch,
            DataType = options.DataType,
            Convention = options.Convention,
            Layers = layers,
            Output = network.Output.IsNetworkInput ? input : shapes[network.Output.Id],
            Totals = totals,
            AuxiliaryTotals = auxiliary,
            Diagnostics = diagnostics.ToImmutable(),
            Scopes = network.Scopes,
        };
    }

    // A node feeds the output when the output is reachable from it; the others are training-only heads.
    private static bool[] FeedsOutput(Network network)
    {
        var feeds = new bool[network.Nodes.Length];
        if (!network.Output.IsNetworkInput)
        {
            feeds[network.Output.Id] = true;
        }

        for (var i = network.Nodes.Length - 1; i >= 0; i--)
        {
            if (!feeds[i])
            {
                continue;
            }

            foreach (var input in network.Nodes[i].Inputs.Where(t => !t.IsNetworkInput))
            {
                feeds[input.Id] = true;
            }
        }

        return feeds;
    }

    /// <summary>The output shape of every node, indexed as <see cref="Network.Nodes"/>.</summary>
    /// <exception cref="InvalidNetworkException">A layer does not fit its inputs; the message names the layer and the numbers.</exception>
    public static ImmutableArray<TensorShape> InferShapes(Network network, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(network);
        var shapes = new TensorShape[network.Nodes.Length];
        foreach (var node in network.Nodes)
        {
            var inputs = node.Inputs.Select(t => t.IsNetworkInput ? input : shapes[t.Id]).ToArray();
            try
            {
                shapes[node.Index] = node.Layer.InferShape(inputs);
            }
            catch (InvalidNetworkException ex)
            {
                throw ex.At(node.Path);
            }
            catch (OverflowException ex)
            {
                throw new InvalidNetworkException(node.Path, $"a size overflows (inputs {string.Join(", ", inputs)}).", ex);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new InvalidNetworkException(node.Path, $"{node.Layer.Kind} gives an invalid shape from {string.Join(", ", inputs)}: {ex.Message.Split(Environment.NewLine)[0]}", ex);
            }
        }

        return [.. shapes];
    }
}

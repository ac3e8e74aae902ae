using System.Collections.Immutable;
using System.Runtime.InteropServices;
using CnnArch.Graph;

namespace CnnArch.Analysis;

/// <summary>Walks a network in execution order: shapes first, then each node's costs by the convention.</summary>
public static class Analyzer
{
    /// <summary>Analyses <paramref name="network"/> with <paramref name="options"/> (default: <see cref="AnalysisOptions.Default"/>).</summary>
    /// <remarks>
    /// One walk in execution order carries each node's shape, receptive field, counts and backward
    /// pass together; a node's input shapes are gathered once into the array the report keeps.
    /// </remarks>
    /// <exception cref="InvalidNetworkException">A layer does not fit its inputs, or a count overflows; the message names the layer.</exception>
    /// <exception cref="ArgumentException">No input shape was given and the network has no default.</exception>
    public static AnalysisReport Analyze(Network network, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= AnalysisOptions.Default;
        var input = options.Input ?? network.DefaultInput
            ?? throw new ArgumentException($"Network '{network.Name}' has no default input: give one in the options.", nameof(options));
        var nodes = network.Nodes;
        var n = nodes.Length;
        var shapes = new TensorShape[n];
        var fields = new ReceptiveField[n];
        var rows = new LayerReport[n];
        var needsGradient = new bool[n];
        var feedsOutput = FeedsOutput(network);
        var frozen = options.Frozen.IsDefaultOrEmpty ? null : Backward.FrozenNodes(network, options.Frozen);
        var bytesPerElement = options.DataType.BytesPerElement();
        var batch = options.Batch;
        var convention = options.Convention;
        var pixel = ReceptiveField.Of(input);
        TensorShape[]? single = null;
        ImmutableArray<Diagnostic>.Builder? diagnostics = null;
        TotalsBuilder totals = default, auxiliary = default;

        for (var i = 0; i < n; i++)
        {
            var node = nodes[i];
            var sources = node.Inputs;
            TensorShape[] inputs;
            if (sources.Length == 1)
            {
                // A chain of layers that keep their input's shape (BN, ReLU) reads one shape: its rows share the array.
                var shape = sources[0].IsNetworkInput ? input : shapes[sources[0].Id];
                inputs = single is not null && single[0].Dims == shape.Dims ? single : single = [shape];
            }
            else
            {
                inputs = new TensorShape[sources.Length];
                for (var k = 0; k < sources.Length; k++)
                {
                    inputs[k] = sources[k].IsNetworkInput ? input : shapes[sources[k].Id];
                }
            }

            var gradientInputs = 0;
            for (var k = 0; k < sources.Length; k++)
            {
                var t = sources[k];
                if (!t.IsNetworkInput && needsGradient[t.Id] && IndexOf(sources, t, k) == k)
                {
                    gradientInputs++;
                }
            }

            var output = Shape(node, inputs);
            shapes[i] = output;
            fields[i] = ReceptiveFields.Next(node, inputs, output, fields, pixel);
            try
            {
                var layer = node.Layer;
                var cost = convention.Count(layer, new CostContext(inputs, output));
                if (cost is null)
                {
                    (diagnostics ??= ImmutableArray.CreateBuilder<Diagnostic>()).Add(new Diagnostic(node.Path, $"No rule for {layer.Kind} in the '{convention.Name}' convention: its operations are not counted."));
                }

                var layerParameters = layer.Parameters(inputs);
                var isFrozen = layerParameters > 0 && frozen is not null && frozen[i];
                var trainable = layerParameters > 0 && !isFrozen;
                needsGradient[i] = trainable || gradientInputs > 0;
                var rule = layer.Backward;
                var row = new LayerReport
                {
                    Path = node.Path,
                    Kind = layer.Kind,
                    Layer = layer,
                    Inputs = ImmutableCollectionsMarshal.AsImmutableArray(inputs),
                    Output = output,
                    Sources = node.InputIds,
                    Window = layer.Window,
                    Parameters = layerParameters,
                    IsFrozen = isFrozen,
                    BackwardMacs = checked(Backward.Count(rule, cost?.Macs ?? 0, gradientInputs, trainable) * batch),
                    BackwardFlops = checked(Backward.Count(rule, cost?.Flops ?? 0, gradientInputs, trainable) * batch),
                    Buffers = layer.Buffers(inputs),
                    Macs = checked((cost?.Macs ?? 0) * batch),
                    Flops = checked((cost?.Flops ?? 0) * batch),
                    ActivationBytes = checked(output.Elements * batch * bytesPerElement),
                    IsModule = node.IsModule,
                    IsCounted = cost is not null,
                    IsAuxiliary = !feedsOutput[i],
                    ReceptiveField = fields[i],
                };
                rows[i] = row;
                try
                {
                    if (row.IsAuxiliary)
                    {
                        auxiliary.Add(row);
                    }
                    else
                    {
                        totals.Add(row);
                    }
                }
                catch (OverflowException ex)
                {
                    throw new InvalidNetworkException(network.Name, $"a total overflows 64 bits at batch {batch} (input {input}).", ex);
                }
            }
            catch (OverflowException ex)
            {
                throw new InvalidNetworkException(node.Path, $"a count overflows 64 bits at batch {batch} (input {input}).", ex);
            }
        }

        var report = new AnalysisReport
        {
            Model = network.Name,
            Input = input,
            Batch = batch,
            DataType = options.DataType,
            Convention = convention,
            Layers = ImmutableCollectionsMarshal.AsImmutableArray(rows),
            Output = network.Output.IsNetworkInput ? input : shapes[network.Output.Id],
            Totals = totals.ToTotals(),
            AuxiliaryTotals = auxiliary.ToTotals(),
            Diagnostics = diagnostics?.ToImmutable() ?? [],
            Scopes = network.Scopes,
        };
        CheckDerivedTotals(report, bytesPerElement);
        return report;
    }

    // Every figure a renderer derives from the totals (the training step, torchinfo's sizes) fits 64 bits,
    // checked here once, so no report fails after its first line is out.
    private static void CheckDerivedTotals(AnalysisReport report, int bytesPerElement)
    {
        try
        {
            var training = report.Training();
            _ = training.StepMacs;
            _ = training.StepFlops;
            long withParameters = 0;
            foreach (var row in report.Layers)
            {
                if (!row.IsAuxiliary && row.Parameters > 0)
                {
                    withParameters = checked(withParameters + row.ActivationBytes);
                }
            }

            var input = checked(report.Input.Elements * report.Batch * bytesPerElement);
            _ = checked(input + (2 * withParameters) + (report.Totals.Parameters * bytesPerElement));
        }
        catch (OverflowException ex)
        {
            throw new InvalidNetworkException(report.Model, $"the training step or the memory sizes of the totals overflow 64 bits at batch {report.Batch} (input {report.Input}).", ex);
        }
    }

    // The first position of t among the first `before + 1` sources (so a tensor read twice counts once).
    private static int IndexOf(ImmutableArray<Tensor> sources, Tensor t, int before)
    {
        for (var k = 0; k < before; k++)
        {
            if (sources[k] == t)
            {
                return k;
            }
        }

        return before;
    }

    // A node's output shape, with the layer's path on any error.
    private static TensorShape Shape(Node node, TensorShape[] inputs)
    {
        try
        {
            return node.Layer.InferShape(inputs);
        }
        catch (InvalidNetworkException ex)
        {
            throw ex.At(node.Path);
        }
        catch (OverflowException ex)
        {
            throw new InvalidNetworkException(node.Path, $"a size overflows (inputs {string.Join(", ", inputs)}).", ex);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidNetworkException(node.Path, $"{node.Layer.Kind} gives an invalid shape from {string.Join(", ", inputs)}: {ex.Message.Split(Environment.NewLine)[0].Split(" (Parameter '", 2)[0]}", ex);
        }
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

            foreach (var input in network.Nodes[i].Inputs)
            {
                if (!input.IsNetworkInput)
                {
                    feeds[input.Id] = true;
                }
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
            shapes[node.Index] = Shape(node, inputs);
        }

        return [.. shapes];
    }
}

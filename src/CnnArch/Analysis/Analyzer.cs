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
        var walk = new Walk(network, options, input);
        for (var i = 0; i < walk.Count; i++)
        {
            walk.Visit(i);
        }

        var report = walk.ToReport();
        CheckDerivedTotals(report, walk.BytesPerElement);
        return report;
    }

    // One Analyze call's walk: what each node leaves for the nodes that read it (shape, receptive
    // field, whether it needs a gradient), the rows, and the running totals. A ref struct on Analyze's
    // stack: one per call, no allocation of its own.
    private ref struct Walk
    {
        private readonly Network _network;
        private readonly AnalysisOptions _options;
        private readonly ImmutableArray<Node> _nodes;
        private readonly TensorShape _input;
        private readonly TensorShape[] _shapes;
        private readonly ReceptiveField[] _fields;
        private readonly LayerReport[] _rows;
        private readonly bool[] _needsGradient;
        private readonly bool[] _feedsOutput;
        private readonly bool[]? _frozen;
        private readonly int _batch;
        private readonly CostModel _convention;
        private readonly ReceptiveField _pixel;
        private TensorShape[]? _single;
        private ImmutableArray<Diagnostic>.Builder? _diagnostics;
        private TotalsBuilder _totals, _auxiliary;

        public Walk(Network network, AnalysisOptions options, TensorShape input)
        {
            _network = network;
            _options = options;
            _nodes = network.Nodes;
            _input = input;
            var n = _nodes.Length;
            _shapes = new TensorShape[n];
            _fields = new ReceptiveField[n];
            _rows = new LayerReport[n];
            _needsGradient = new bool[n];
            _feedsOutput = FeedsOutput(network);
            _frozen = options.Frozen.IsDefaultOrEmpty ? null : Backward.FrozenNodes(network, options.Frozen);
            BytesPerElement = options.DataType.BytesPerElement();
            _batch = options.Batch;
            _convention = options.Convention;
            _pixel = ReceptiveField.Of(input);
        }

        // The number of nodes to visit.
        public int Count => _nodes.Length;

        // The size of one activation or weight element in the options' data type.
        public int BytesPerElement { get; }

        // Node i's shape, receptive field, row and share of the totals; its inputs are visited already.
        public void Visit(int i)
        {
            var node = _nodes[i];
            var inputs = InputShapes(node.Inputs);
            var gradientInputs = GradientInputs(node.Inputs);
            var output = Shape(node, inputs);
            _shapes[i] = output;
            _fields[i] = ReceptiveFields.Next(node, inputs, output, _fields, _pixel);
            try
            {
                var row = Row(i, node, inputs, output, gradientInputs);
                _rows[i] = row;
                AddToTotals(row);
            }
            catch (OverflowException ex)
            {
                throw new InvalidNetworkException(node.Path, $"a count overflows 64 bits at batch {_batch} (input {_input}).", ex);
            }
        }

        // The report of the whole walk, once every node is visited.
        public AnalysisReport ToReport() => new()
        {
            Model = _network.Name,
            Input = _input,
            Batch = _batch,
            DataType = _options.DataType,
            Convention = _convention,
            Layers = ImmutableCollectionsMarshal.AsImmutableArray(_rows),
            Output = _network.Output.IsNetworkInput ? _input : _shapes[_network.Output.Id],
            Totals = _totals.ToTotals(),
            AuxiliaryTotals = _auxiliary.ToTotals(),
            Diagnostics = _diagnostics?.ToImmutable() ?? [],
            Scopes = _network.Scopes,
        };

        // The shapes a node reads, in the array its row keeps.
        private TensorShape[] InputShapes(ImmutableArray<Tensor> sources)
        {
            if (sources.Length == 1)
            {
                // A chain of layers that keep their input's shape (BN, ReLU) reads one shape: its rows share the array.
                var shape = sources[0].IsNetworkInput ? _input : _shapes[sources[0].Id];
                return _single is not null && _single[0].Dims == shape.Dims ? _single : _single = [shape];
            }

            var inputs = new TensorShape[sources.Length];
            for (var k = 0; k < sources.Length; k++)
            {
                inputs[k] = sources[k].IsNetworkInput ? _input : _shapes[sources[k].Id];
            }

            return inputs;
        }

        // How many distinct inputs of a node need a gradient (a tensor read twice counts once).
        private int GradientInputs(ImmutableArray<Tensor> sources)
        {
            var gradientInputs = 0;
            for (var k = 0; k < sources.Length; k++)
            {
                var t = sources[k];
                if (!t.IsNetworkInput && _needsGradient[t.Id] && IndexOf(sources, t, k) == k)
                {
                    gradientInputs++;
                }
            }

            return gradientInputs;
        }

        // Node i's row: its counts by the convention (a diagnostic when it has no rule) and its backward pass.
        private LayerReport Row(int i, Node node, TensorShape[] inputs, TensorShape output, int gradientInputs)
        {
            var layer = node.Layer;
            var cost = _convention.Count(layer, new CostContext(inputs, output));
            if (cost is null)
            {
                (_diagnostics ??= ImmutableArray.CreateBuilder<Diagnostic>()).Add(new Diagnostic(node.Path, $"No rule for {layer.Kind} in the '{_convention.Name}' convention: its operations are not counted."));
            }

            var layerParameters = layer.Parameters(inputs);
            var isFrozen = layerParameters > 0 && _frozen is not null && _frozen[i];
            var trainable = layerParameters > 0 && !isFrozen;
            _needsGradient[i] = trainable || gradientInputs > 0;
            var rule = layer.Backward;
            var batch = _batch;
            return new LayerReport
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
                ActivationBytes = checked(output.Elements * batch * BytesPerElement),
                IsModule = node.IsModule,
                IsCounted = cost is not null,
                IsAuxiliary = !_feedsOutput[i],
                ReceptiveField = _fields[i],
            };
        }

        // Adds a row to the totals it belongs to (the auxiliary heads' apart); an overflow names the network.
        private void AddToTotals(LayerReport row)
        {
            try
            {
                if (row.IsAuxiliary)
                {
                    _auxiliary.Add(row);
                }
                else
                {
                    _totals.Add(row);
                }
            }
            catch (OverflowException ex)
            {
                throw new InvalidNetworkException(_network.Name, $"a total overflows 64 bits at batch {_batch} (input {_input}).", ex);
            }
        }
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

    // A node feeds the output when an output is reachable from it; the others are training-only heads.
    private static bool[] FeedsOutput(Network network)
    {
        var feeds = new bool[network.Nodes.Length];
        foreach (var output in network.OtherOutputs.Add(network.Output))
        {
            if (!output.IsNetworkInput)
            {
                feeds[output.Id] = true;
            }
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

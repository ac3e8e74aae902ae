using System.Collections.Immutable;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Memory;

/// <summary>
/// Estimates memory by walking the graph at the level of storages: a tensor stays alive until its last
/// consumer has run; in-place operations and views share their input's storage; training keeps what
/// each layer saves for backward (<see cref="Layer.Memory"/>) until that layer's backward has run.
/// </summary>
public static class MemoryAnalyzer
{
    /// <summary>Estimates inference and training memory of <paramref name="network"/>.</summary>
    /// <exception cref="InvalidNetworkException">The network is invalid for the input, or a size overflows.</exception>
    public static MemoryReport Analyze(Network network, MemoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new MemoryOptions();
        var input = options.Input ?? network.DefaultInput
            ?? throw new ArgumentException($"Network '{network.Name}' has no default input: give one in the options.", nameof(options));
        var shapes = Analyzer.InferShapes(network, input);
        try
        {
            return Estimate(network, input, shapes, options);
        }
        catch (OverflowException ex)
        {
            throw new InvalidNetworkException(network.Name, $"a memory size overflows 64 bits at batch {options.Batch}.", ex);
        }
    }

    /// <summary>
    /// The largest batch whose peak fits in <paramref name="budgetBytes"/>: the training peak (everything,
    /// optimizer state included) when <paramref name="training"/>, else weights, input and inference peak.
    /// Returns 0 when not even one sample fits.
    /// </summary>
    /// <remarks>
    /// Shapes do not depend on the batch, so they are inferred once; only the memory asked for is
    /// estimated. Memory is linear in the batch but for the allocator's rounding, so the batch is solved
    /// from the totals at 1 and 65 samples, then corrected by exact estimates around that answer (a few,
    /// against some 30 for a bisection from scratch).
    /// </remarks>
    public static int LargestBatch(Network network, long budgetBytes, MemoryOptions? options = null, bool training = true)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new MemoryOptions();
        var input = options.Input ?? network.DefaultInput
            ?? throw new ArgumentException($"Network '{network.Name}' has no default input: give one in the options.", nameof(options));
        var shapes = Analyzer.InferShapes(network, input);
        long TotalAt(long batch)
        {
            try
            {
                return Total(Estimate(network, input, shapes, options with { Batch = (int)batch }, training), training);
            }
            catch (OverflowException)
            {
                return long.MaxValue;
            }
        }

        bool Fits(long batch) => TotalAt(batch) <= budgetBytes;
        var one = TotalAt(1);
        if (one > budgetBytes)
        {
            return 0;
        }

        // The slope over 64 samples: the allocator's 512-byte rounding of small tensors blurs it at one.
        const int Far = 65;
        var slope = (TotalAt(Far) - one) / (double)(Far - 1);
        var guess = slope <= 0 ? int.MaxValue : (long)Math.Clamp(1 + Math.Floor((budgetBytes - one) / slope), 1, int.MaxValue);
        return LargestFitting(guess, Fits);
    }

    // The largest batch that fits, searched from a guess (1 fits): gallop from the guess to a batch that
    // fits and one that does not, then bisect between them.
    private static int LargestFitting(long guess, Func<long, bool> fits)
    {
        long lo, hi;
        if (fits(guess))
        {
            // Gallop up from the guess until a batch does not fit.
            (lo, hi) = (guess, guess);
            for (long step = 1; hi < int.MaxValue; step *= 2)
            {
                hi = Math.Min(int.MaxValue, lo + step);
                if (!fits(hi))
                {
                    break;
                }

                lo = hi;
            }

            if (lo == int.MaxValue)
            {
                return int.MaxValue;
            }
        }
        else
        {
            // Gallop down from the guess until a batch fits (1 does).
            (lo, hi) = (guess, guess);
            for (long step = 1; lo > 1; step *= 2)
            {
                lo = Math.Max(1, hi - step);
                if (fits(lo))
                {
                    break;
                }

                hi = lo;
            }
        }

        // Now lo fits and hi does not: bisect between them.
        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            (lo, hi) = fits(mid) ? (mid, hi) : (lo, mid);
        }

        return (int)lo;
    }

    /// <summary>The largest batch of <paramref name="network"/> that fits in <paramref name="budget"/> (see <see cref="LargestBatch"/>).</summary>
    public static MemoryFit Fit(Network network, ByteSize budget, MemoryOptions? options = null, bool training = true) =>
        new(budget, training, LargestBatch(network, budget.Bytes, options, training));

    /// <summary>The total a device must hold: training peak, or weights + buffers + input + inference peak.</summary>
    public static long Total(MemoryReport report, bool training)
    {
        ArgumentNullException.ThrowIfNull(report);
        return training
            ? report.Training.PeakBytes
            : checked(report.ParameterBytes + report.BufferBytes + report.InputBytes + report.Inference.PeakBytes);
    }

    private static MemoryReport Estimate(Network network, TensorShape input, ImmutableArray<TensorShape> shapes, MemoryOptions o, bool withTraining = true)
    {
        var nodes = network.Nodes;
        var n = nodes.Length;
        var actBytes = o.DataType.BytesPerElement();
        var weightBytes = o.Weights.BytesPerElement();
        long Round(long bytes) => bytes == 0 ? 0 : checked((bytes + o.AllocationGranularity - 1) / o.AllocationGranularity * o.AllocationGranularity);
        long TensorBytes(TensorShape s) => Round(checked(s.Elements * o.Batch * actBytes));

        // Value v: 0 is the network input, i + 1 the output of node i.
        static int Value(Tensor t) => t.Id + 1;
        var shapeOf = ValueShapes(input, shapes);
        var inputsOf = nodes.Select(node => node.Inputs.Select(Value).ToArray()).ToArray();
        var outputValue = Value(network.Output);
        var (parameterBytes, bufferBytes, behaviors) = LayerSizes(nodes, inputsOf, shapeOf, shapes, weightBytes);

        // Frozen parameters get no gradient and no optimizer state.
        var frozen = Analysis.Backward.FrozenNodes(network, o.Frozen);
        var trainableBytes = parameterBytes.Select((b, i) => frozen[i] ? 0 : b).ToArray();
        long Workspace(int i) => Round(checked(behaviors[i].WorkspaceElements * o.Batch * actBytes));
        var inference = Inference(network, behaviors, inputsOf, outputValue, shapeOf, TensorBytes, Workspace);
        var (training, saved) = withTraining
            ? Training(network, behaviors, inputsOf, outputValue, shapeOf, trainableBytes, TensorBytes, Round, actBytes, o.Batch, Workspace)
            : (new TrainingMemory(0, 0, 0, string.Empty, false, 0, 0, 0), new long[n]);

        var totalParams = parameterBytes.Sum();
        var totalBuffers = bufferBytes.Sum();
        var inputBytes = TensorBytes(input);
        var optimizerState = checked(trainableBytes.Sum() * o.Optimizer.StatePerParameter());
        var layers = ImmutableArray.CreateBuilder<LayerMemory>(n);
        for (var i = 0; i < n; i++)
        {
            layers.Add(new LayerMemory(nodes[i].Path, nodes[i].Layer.Kind, TensorBytes(shapes[i]), !behaviors[i].AliasesInputAtInference,
                parameterBytes[i], bufferBytes[i], saved[i]) { WorkspaceBytes = Workspace(i) });
        }

        return new MemoryReport
        {
            Model = network.Name,
            Input = input,
            Options = o,
            ParameterBytes = totalParams,
            BufferBytes = totalBuffers,
            InputBytes = inputBytes,
            Inference = inference,
            Training = training with
            {
                OptimizerStateBytes = optimizerState,
                PeakBytes = checked(totalParams + totalBuffers + inputBytes + optimizerState + training.ForwardBackwardPeakBytes),
            },
            Layers = layers.MoveToImmutable(),
            Uncounted = [.. nodes.Where((_, i) => !behaviors[i].IsKnown).Select(node => node.Path)],
        };
    }

    // The shape of every value: 0 is the network input, i + 1 the output of node i.
    private static TensorShape[] ValueShapes(TensorShape input, ImmutableArray<TensorShape> shapes)
    {
        var shapeOf = new TensorShape[shapes.Length + 1];
        shapeOf[0] = input;
        for (var i = 0; i < shapes.Length; i++)
        {
            shapeOf[i + 1] = shapes[i];
        }

        return shapeOf;
    }

    // Per node: the bytes of its parameters (in the weights' type) and of its buffers (fp32), and how it uses memory.
    private static (long[] Parameters, long[] Buffers, MemoryBehavior[] Behaviors) LayerSizes(
        ImmutableArray<Node> nodes, int[][] inputsOf, TensorShape[] shapeOf, ImmutableArray<TensorShape> shapes, int weightBytes)
    {
        var n = nodes.Length;
        var parameterBytes = new long[n];
        var bufferBytes = new long[n];
        var behaviors = new MemoryBehavior[n];
        for (var i = 0; i < n; i++)
        {
            var ins = inputsOf[i].Select(v => shapeOf[v]).ToArray();
            parameterBytes[i] = checked(nodes[i].Layer.Parameters(ins) * weightBytes);
            bufferBytes[i] = checked(nodes[i].Layer.Buffers(ins) * 4);
            behaviors[i] = nodes[i].Layer.Memory(ins, shapes[i]);
        }

        return (parameterBytes, bufferBytes, behaviors);
    }

    // Storage of every value: a new one per allocating node, the input's for in-place ops and views.
    private static int[] Storages(MemoryBehavior[] behaviors, int[][] inputsOf, bool training)
    {
        var storage = new int[behaviors.Length + 1];
        for (var i = 0; i < behaviors.Length; i++)
        {
            var aliases = training ? behaviors[i].AliasesInputInTraining : behaviors[i].AliasesInputAtInference;
            storage[i + 1] = aliases && inputsOf[i].Length > 0 ? storage[inputsOf[i][0]] : i + 1;
        }

        return storage;
    }

    private static InferenceMemory Inference(Network network, MemoryBehavior[] behaviors, int[][] inputsOf, int outputValue, TensorShape[] shapeOf, Func<TensorShape, long> bytes, Func<int, long> workspace)
    {
        var nodes = network.Nodes;
        var n = nodes.Length;
        var storage = Storages(behaviors, inputsOf, training: false);
        var lastUse = LastUses(network, inputsOf, storage, outputValue);
        var freedAfter = FreedAfter(lastUse, n);
        long live = 0, peak = 0, sum = 0;
        var peakLayer = n > 0 ? nodes[0].Path : string.Empty;
        for (var i = 0; i < n; i++)
        {
            if (storage[i + 1] == i + 1)
            {
                var size = bytes(shapeOf[i + 1]);
                live = checked(live + size);
                sum = checked(sum + size);
            }

            var during = checked(live + workspace(i));
            if (during > peak)
            {
                (peak, peakLayer) = (during, nodes[i].Path);
            }

            foreach (var s in freedAfter[i])
            {
                live -= bytes(shapeOf[s]);
            }
        }

        return new InferenceMemory(peak, peakLayer, sum);
    }

    // The last node that reads each storage (the network output's is kept to the end); the input's is never freed.
    private static int[] LastUses(Network network, int[][] inputsOf, int[] storage, int outputValue)
    {
        var nodes = network.Nodes;
        var lastUse = new int[nodes.Length + 1];
        Array.Fill(lastUse, -1);
        for (var v = 1; v <= nodes.Length; v++)
        {
            lastUse[storage[v]] = Math.Max(lastUse[storage[v]], v - 1);
        }

        for (var i = 0; i < nodes.Length; i++)
        {
            foreach (var v in inputsOf[i])
            {
                lastUse[storage[v]] = Math.Max(lastUse[storage[v]], i);
            }
        }

        // Eager execution: a block's caller holds the block's input until the block returns.
        foreach (var scope in network.Scopes)
        {
            var v = scope.Input.Id + 1;
            lastUse[storage[v]] = Math.Max(lastUse[storage[v]], scope.LastNode);
        }

        lastUse[storage[outputValue]] = int.MaxValue;
        lastUse[0] = int.MaxValue;
        return lastUse;
    }

    // Storages by the node after which they are last used: one pass, not a scan per node.
    private static List<int>[] FreedAfter(int[] lastUse, int nodes)
    {
        var freed = new List<int>[nodes];
        for (var i = 0; i < nodes; i++)
        {
            freed[i] = [];
        }

        for (var s = 1; s < lastUse.Length; s++)
        {
            if (lastUse[s] >= 0 && lastUse[s] < nodes)
            {
                freed[lastUse[s]].Add(s);
            }
        }

        return freed;
    }

    private static (TrainingMemory Memory, long[] SavedPerLayer) Training(
        Network network, MemoryBehavior[] behaviors, int[][] inputsOf, int outputValue, TensorShape[] shapeOf, long[] parameterBytes,
        Func<TensorShape, long> bytes, Func<long, long> round, int actBytes, int batch, Func<int, long> workspace)
    {
        var nodes = network.Nodes;
        var walk = new TrainingWalk(network, behaviors, inputsOf, shapeOf, parameterBytes, bytes, workspace, outputValue);
        var savedPerLayer = walk.Save(round, actBytes, batch);
        walk.Forward();
        var saved = walk.SavedBytes();
        var heldAfterForward = walk.Live;
        var gradients = walk.Backward(outputValue);
        var memory = new TrainingMemory(saved, heldAfterForward, walk.Peak, nodes.Length > 0 ? nodes[walk.PeakNode].Path : string.Empty, walk.PeakInBackward, gradients, 0, 0);
        return (memory, savedPerLayer);
    }

    // What the training walk knows of one value (0 the network input, i + 1 the output of node i). A
    // storage is the value that allocated it, and a gradient buffer the value that owns it, so the counts
    // of storages and buffers live here too.
    private struct TrainingValue
    {
        // As a gradient buffer: its size.
        public long GradSize;

        // As a storage: the recorded nodes whose backward still needs it.
        public int Savers;

        // The value whose gradient buffer holds its gradient (0: none yet).
        public int GradOwner;

        // As a gradient buffer: how many values it still holds the gradient of.
        public int GradRefs;

        // Autograd records the node that makes it: the node has parameters or reads such a value.
        public bool RequiresGrad;

        // Some node reads it.
        public bool IsRead;

        // As a storage: already counted in a layer's saved bytes.
        public bool EverSaved;
    }

    // What a recorded node keeps for its backward: the storages it saves, and its extra saved bytes.
    private readonly record struct TrainingLayer(long Extras, List<int> SavedBy);

    // One training estimate: which nodes autograd records, what they save, then the forward pass and the
    // backward pass in reverse, following the live bytes and their peak.
    private sealed class TrainingWalk
    {
        private readonly int _n;
        private readonly MemoryBehavior[] _behaviors;
        private readonly int[][] _inputsOf;
        private readonly TensorShape[] _shapeOf;
        private readonly long[] _parameterBytes;
        private readonly Func<TensorShape, long> _bytes;
        private readonly Func<int, long> _workspace;
        private readonly int[] _storage;
        private readonly int[] _lastUse;
        private readonly List<int>[] _freedAfter;
        private readonly TrainingValue[] _values;
        private readonly TrainingLayer[] _layers;

        public TrainingWalk(
            Network network, MemoryBehavior[] behaviors, int[][] inputsOf, TensorShape[] shapeOf, long[] parameterBytes,
            Func<TensorShape, long> bytes, Func<int, long> workspace, int outputValue)
        {
            _n = network.Nodes.Length;
            (_behaviors, _inputsOf, _shapeOf, _parameterBytes, _bytes, _workspace) = (behaviors, inputsOf, shapeOf, parameterBytes, bytes, workspace);
            _storage = Storages(behaviors, inputsOf, training: true);
            _lastUse = LastUses(network, inputsOf, _storage, outputValue);
            _freedAfter = FreedAfter(_lastUse, _n);
            _values = new TrainingValue[_n + 1];
            _layers = new TrainingLayer[_n];
            for (var i = 0; i < _n; i++)
            {
                _values[i + 1].RequiresGrad = _parameterBytes[i] > 0 || AnyRequiresGrad(inputsOf[i]);
                foreach (var v in inputsOf[i])
                {
                    _values[v].IsRead = true;
                }
            }
        }

        // The bytes alive now.
        public long Live { get; private set; }

        // The most bytes alive at once so far.
        public long Peak { get; private set; }

        // The node the peak was reached at.
        public int PeakNode { get; private set; }

        // Whether the peak was reached in the backward pass.
        public bool PeakInBackward { get; private set; }

        // What each recorded node saves for backward: the storages of the inputs and output its rule keeps
        // (each counted in the bytes of the first node to save it), and its extras. The saved bytes per layer.
        public long[] Save(Func<long, long> round, int actBytes, int batch)
        {
            var savedPerLayer = new long[_n];
            for (var i = 0; i < _n; i++)
            {
                if (!_values[i + 1].RequiresGrad)
                {
                    continue;
                }

                var rule = _behaviors[i];
                var savedBy = new List<int>();
                var inputs = _inputsOf[i];
                for (var k = 0; k < inputs.Length; k++)
                {
                    if (rule.SavesInput(k))
                    {
                        savedPerLayer[i] += SaveStorage(savedBy, inputs[k]);
                    }
                }

                if (rule.SavesOutput)
                {
                    savedPerLayer[i] += SaveStorage(savedBy, i + 1);
                }

                var extras = checked(round(rule.SavedExtraBytes * batch) + round(rule.SavedExtraElements * batch * actBytes));
                _layers[i] = new TrainingLayer(extras, savedBy);
                savedPerLayer[i] += extras;
            }

            return savedPerLayer;
        }

        // Forward: allocate outputs and extras; free what no later layer reads and no backward needs.
        public void Forward()
        {
            for (var i = 0; i < _n; i++)
            {
                if (_storage[i + 1] == i + 1)
                {
                    Live = checked(Live + _bytes(_shapeOf[i + 1]));
                }

                Live = checked(Live + _layers[i].Extras);
                if (Live + _workspace(i) > Peak)
                {
                    (Peak, PeakNode) = (Live + _workspace(i), i);
                }

                foreach (var s in _freedAfter[i])
                {
                    if (_values[s].Savers == 0)
                    {
                        Live -= _bytes(_shapeOf[s]);
                    }
                }
            }
        }

        // The bytes saved for backward: the storages some node saves, and every node's extras.
        public long SavedBytes()
        {
            long storages = 0, extras = 0;
            for (var s = 1; s <= _n; s++)
            {
                if (_values[s].Savers > 0)
                {
                    storages = checked(storages + _bytes(_shapeOf[s]));
                }
            }

            foreach (var layer in _layers)
            {
                extras = checked(extras + layer.Extras);
            }

            return storages + extras;
        }

        // Backward, in reverse: each recorded node turns its output's gradient into its inputs' gradients
        // (a new buffer, or the same one for additions, concatenations and views), adds its parameters'
        // gradients, then releases its output gradient, its extras and its saved tensors. The parameters' gradient bytes.
        public long Backward(int outputValue)
        {
            SeedGradients(outputValue);
            long gradients = 0;
            for (var i = _n - 1; i >= 0; i--)
            {
                var v = i + 1;
                if (!_values[v].RequiresGrad || _values[_values[v].GradOwner].GradRefs == 0)
                {
                    continue;
                }

                var transient = InputGradients(i);
                Live = checked(Live + _parameterBytes[i]);
                gradients = checked(gradients + _parameterBytes[i]);
                if (Live + transient > Peak)
                {
                    (Peak, PeakNode, PeakInBackward) = (Live + transient, i, true);
                }

                Release(i);
            }

            return gradients;
        }

        // A node saves value v's storage (once, and never the network input's): the storage's bytes when no
        // node saved it before, else 0.
        private long SaveStorage(List<int> savedBy, int v)
        {
            var s = _storage[v];
            if (s == 0 || savedBy.Contains(s))
            {
                return 0;
            }

            savedBy.Add(s);
            _values[s].Savers++;
            if (_values[s].EverSaved)
            {
                return 0;
            }

            _values[s].EverSaved = true;
            return _bytes(_shapeOf[s]);
        }

        // Whether any of these values requires grad.
        private bool AnyRequiresGrad(int[] values)
        {
            foreach (var v in values)
            {
                if (_values[v].RequiresGrad)
                {
                    return true;
                }
            }

            return false;
        }

        // The gradient of each terminal value (the output, and what no node reads) that requires grad: a buffer of its own.
        private void SeedGradients(int outputValue)
        {
            for (var v = 1; v <= _n; v++)
            {
                var terminal = _values[v].RequiresGrad && (v == outputValue || !_values[v].IsRead);
                if (terminal)
                {
                    _values[v].GradSize = _bytes(_shapeOf[v]);
                    Live = checked(Live + _values[v].GradSize);
                    Hold(v, v);
                }
            }
        }

        // Node i's inputs get their gradients: added into a buffer they hold already (a transient the size of
        // the input meanwhile), the output's buffer passed through, or a new buffer. The transient bytes.
        private long InputGradients(int i)
        {
            var owner = _values[i + 1].GradOwner;
            var passThrough = _behaviors[i].PassesGradient;
            long transient = 0;
            foreach (var u in _inputsOf[i].Distinct())
            {
                if (!_values[u].RequiresGrad)
                {
                    continue;
                }

                if (_values[_values[u].GradOwner].GradRefs > 0 && _values[u].GradOwner != 0)
                {
                    transient = checked(transient + _bytes(_shapeOf[u]));
                }
                else if (passThrough)
                {
                    Hold(u, owner);
                }
                else
                {
                    _values[u].GradSize = _bytes(_shapeOf[u]);
                    Live = checked(Live + _values[u].GradSize);
                    Hold(u, u);
                }
            }

            return transient;
        }

        // Node i's backward is done: its output's gradient buffer (once it holds no other value's), its extras
        // and the storages no other backward still needs are freed.
        private void Release(int i)
        {
            var owner = _values[i + 1].GradOwner;
            if (--_values[owner].GradRefs == 0)
            {
                Live -= _values[owner].GradSize;
            }

            Live -= _layers[i].Extras;
            foreach (var s in _layers[i].SavedBy)
            {
                if (--_values[s].Savers == 0 && _lastUse[s] != int.MaxValue)
                {
                    Live -= _bytes(_shapeOf[s]);
                }
            }
        }

        // Value v's gradient is held in owner's buffer.
        private void Hold(int v, int owner)
        {
            _values[v].GradOwner = owner;
            _values[owner].GradRefs++;
        }
    }
}

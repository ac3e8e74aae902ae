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
        long lo, hi;
        if (Fits(guess))
        {
            // Gallop up from the guess until a batch does not fit.
            (lo, hi) = (guess, guess);
            for (long step = 1; hi < int.MaxValue; step *= 2)
            {
                hi = Math.Min(int.MaxValue, lo + step);
                if (!Fits(hi))
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
                if (Fits(lo))
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
            (lo, hi) = Fits(mid) ? (mid, hi) : (lo, mid);
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
        var shapeOf = new TensorShape[n + 1];
        shapeOf[0] = input;
        for (var i = 0; i < n; i++)
        {
            shapeOf[i + 1] = shapes[i];
        }

        var inputsOf = nodes.Select(node => node.Inputs.Select(Value).ToArray()).ToArray();
        var outputValue = Value(network.Output);
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
        var n = nodes.Length;
        var storage = Storages(behaviors, inputsOf, training: true);
        var lastUse = LastUses(network, inputsOf, storage, outputValue);
        var freedAfter = FreedAfter(lastUse, n);

        // Autograd records a node only when its output requires grad: it has parameters or reads such an output.
        var requiresGrad = new bool[n + 1];
        for (var i = 0; i < n; i++)
        {
            requiresGrad[i + 1] = parameterBytes[i] > 0 || inputsOf[i].Any(v => requiresGrad[v]);
        }

        var savers = new int[n + 1];
        var extras = new long[n];
        var savedBy = new List<int>[n];
        var savedPerLayer = new long[n];
        var everSaved = new bool[n + 1];
        for (var i = 0; i < n; i++)
        {
            savedBy[i] = [];
            if (!requiresGrad[i + 1])
            {
                continue;
            }

            var rule = behaviors[i];
            var values = inputsOf[i].Where((_, k) => rule.SavesInput(k)).Concat(rule.SavesOutput ? [i + 1] : []);
            foreach (var s in values.Select(v => storage[v]).Where(s => s != 0).Distinct())
            {
                savedBy[i].Add(s);
                savers[s]++;
                if (!everSaved[s])
                {
                    everSaved[s] = true;
                    savedPerLayer[i] += bytes(shapeOf[s]);
                }
            }

            extras[i] = checked(round(rule.SavedExtraBytes * batch) + round(rule.SavedExtraElements * batch * actBytes));
            savedPerLayer[i] += extras[i];
        }

        // Forward: allocate outputs and extras; free what no later layer reads and no backward needs.
        long live = 0, peak = 0;
        var peakNode = 0;
        var peakInBackward = false;
        var alive = new bool[n + 1];
        for (var i = 0; i < n; i++)
        {
            if (storage[i + 1] == i + 1)
            {
                alive[i + 1] = true;
                live = checked(live + bytes(shapeOf[i + 1]));
            }

            live = checked(live + extras[i]);
            if (live + workspace(i) > peak)
            {
                (peak, peakNode) = (live + workspace(i), i);
            }

            foreach (var s in freedAfter[i].Where(s => savers[s] == 0))
            {
                alive[s] = false;
                live -= bytes(shapeOf[s]);
            }
        }

        var saved = Enumerable.Range(1, n).Where(s => savers[s] > 0).Sum(s => bytes(shapeOf[s])) + extras.Sum();
        var heldAfterForward = live;

        // Backward, in reverse: each recorded node turns its output's gradient into its inputs' gradients
        // (a new buffer, or the same one for additions, concatenations and views), adds its parameters'
        // gradients, then releases its output gradient, its extras and its saved tensors.
        var gradRefs = new int[n + 1];
        var gradOwner = new int[n + 1];
        var gradSize = new long[n + 1];
        void Hold(int v, int owner)
        {
            gradOwner[v] = owner;
            gradRefs[owner]++;
        }

        var consumed = new bool[n + 1];
        foreach (var v in inputsOf.SelectMany(ins => ins))
        {
            consumed[v] = true;
        }

        for (var v = 1; v <= n; v++)
        {
            var terminal = requiresGrad[v] && (v == outputValue || !consumed[v]);
            if (terminal)
            {
                gradSize[v] = bytes(shapeOf[v]);
                live = checked(live + gradSize[v]);
                Hold(v, v);
            }
        }

        long gradients = 0;
        for (var i = n - 1; i >= 0; i--)
        {
            var v = i + 1;
            if (!requiresGrad[v] || gradRefs[gradOwner[v]] == 0)
            {
                continue;
            }

            var passThrough = behaviors[i].PassesGradient;
            long transient = 0;
            foreach (var u in inputsOf[i].Distinct().Where(u => requiresGrad[u]))
            {
                if (gradRefs[gradOwner[u]] > 0 && gradOwner[u] != 0)
                {
                    transient = checked(transient + bytes(shapeOf[u]));
                }
                else if (passThrough)
                {
                    Hold(u, gradOwner[v]);
                }
                else
                {
                    gradSize[u] = bytes(shapeOf[u]);
                    live = checked(live + gradSize[u]);
                    Hold(u, u);
                }
            }

            live = checked(live + parameterBytes[i]);
            gradients = checked(gradients + parameterBytes[i]);
            if (live + transient > peak)
            {
                (peak, peakNode, peakInBackward) = (live + transient, i, true);
            }

            if (--gradRefs[gradOwner[v]] == 0)
            {
                live -= gradSize[gradOwner[v]];
            }

            live -= extras[i];
            foreach (var s in savedBy[i])
            {
                if (--savers[s] == 0 && lastUse[s] != int.MaxValue)
                {
                    live -= bytes(shapeOf[s]);
                }
            }
        }

        var memory = new TrainingMemory(saved, heldAfterForward, peak, n > 0 ? nodes[peakNode].Path : string.Empty, peakInBackward, gradients, 0, 0);
        return (memory, savedPerLayer);
    }
}

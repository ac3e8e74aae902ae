using CnnArch.Graph;
using CnnArch.Layers;
using Google.Protobuf;
using Onnx;

namespace CnnArch.Onnx;

/// <summary>
/// Imports an ONNX model as a CnnArch <see cref="Network"/>. Only initializer dims are read: weights in
/// external data are never opened (their paths are untrusted input). Shapes are inferred by CnnArch,
/// folding the shape arithmetic exporters emit (Shape, Gather, Concat, ... feeding Reshape).
/// </summary>
public static partial class OnnxImporter
{
    private const int MaxFileBytes = int.MaxValue;

    /// <summary>Imports the model at <paramref name="path"/>.</summary>
    /// <exception cref="OnnxFormatException">The file is not a model that can be imported; the message says why and where.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidNetworkException">The model reads, but its shapes do not fit (a layer's input against its weights, a join of unequal tensors) or a count overflows; the message names the node.</exception>
    public static OnnxImport Load(string path, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"No file '{path}'.", path);
        }

        if (info.Length > MaxFileBytes)
        {
            throw new OnnxFormatException($"'{path}' is {info.Length} bytes, more than a protobuf model can hold.");
        }

        // A device or a pipe reports no length (/dev/zero never ends): read it up to a cap.
        using var stream = info.OpenRead();
        return Load(stream, Path.GetFileNameWithoutExtension(path), options, source: path, info.Length > 0 ? MaxFileBytes : MaxStreamedBytes);
    }

    /// <summary>The most bytes read from a file that does not tell its length (a device, a pipe): 256 MiB.</summary>
    public const int MaxStreamedBytes = 256 << 20;

    /// <summary>Imports a model from <paramref name="stream"/>, naming the network <paramref name="name"/>.</summary>
    /// <exception cref="OnnxFormatException">The data is not a model that can be imported.</exception>
    /// <exception cref="InvalidNetworkException">The model reads, but its shapes do not fit or a count overflows.</exception>
    public static OnnxImport Load(Stream stream, string name, OnnxImportOptions? options = null) => Load(stream, name, options, name, MaxFileBytes);

    private static OnnxImport Load(Stream stream, string name, OnnxImportOptions? options, string source, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new OnnxImportOptions();
        ModelProto model;
        try
        {
            // Parse from memory, so that a length field beyond the data fails at once instead of allocating.
            var bytes = BoundedRead.ReadAll(stream, maxBytes, () => new OnnxFormatException($"'{source}' holds more than {maxBytes:N0} bytes before its end: not a model CnnArch reads."));
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OnnxFormatException($"'{source}' is not a valid ONNX file (truncated or corrupt): {ex.Message.Split("  ")[0]}", ex);
        }

        if (model.Graph is null || model.Graph.Node.Count == 0)
        {
            throw new OnnxFormatException($"'{source}' holds no graph: it is empty, truncated or not an ONNX model.");
        }

        var opset = model.OpsetImport.Where(o => string.IsNullOrEmpty(o.Domain) || o.Domain == "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();
        // CnnArch's own exports name scopes by the layers' paths exactly; PyTorch's add _N to a module's second call.
        var exactScopes = model.ProducerName == ExportWriter.Producer;
        return new Importer(model.Graph, string.IsNullOrWhiteSpace(name) ? "model" : name, opset, options, exactScopes).Run();
    }

    private sealed partial class Importer(GraphProto graph, string name, long opset, OnnxImportOptions options, bool exactScopes)
    {
        private bool ExactScopes => exactScopes;

        private long Opset => opset;

        private OnnxImportOptions Options => options;

        private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
        private readonly NetworkBuilder _builder = new(name);
        private readonly List<UnknownOperator> _unknown = [];
        private readonly HashSet<string> _parameterInitializers = new(StringComparer.Ordinal);
        private readonly HashSet<string> _bufferInitializers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (NodeProto Node, int Index)> _unproduced = new(StringComparer.Ordinal);
        private Activation? _input;

        public OnnxImport Run()
        {
            foreach (var init in graph.Initializer)
            {
                try
                {
                    var value = Proto.Read(init, $"Initializer '{init.Name}'", options.MaxConstantElements, init.Name);
                    _values[init.Name] = value.IsFloat ? value with { Learned = init.Name } : value;
                }
                catch (OverflowException ex)
                {
                    throw new OnnxFormatException($"Initializer '{init.Name}' holds a value or size that cannot be represented.", ex);
                }
            }

            var input = ReadInput();
            foreach (var node in TopologicalOrder())
            {
                Import(node);
            }

            var outputName = graph.Output.FirstOrDefault()?.Name ?? throw new OnnxFormatException($"Graph '{name}' declares no output.");
            if (!_values.TryGetValue(outputName, out var output) || output is not Activation result)
            {
                throw new OnnxFormatException($"Graph output '{outputName}' is not computed from the input.");
            }

            long Elements(IEnumerable<string> names)
            {
                long sum = 0;
                foreach (var n in names)
                {
                    var add = ((ConstantValue)_values[n]).Elements;
                    sum = sum > long.MaxValue - add
                        ? throw new OnnxFormatException($"Graph '{name}' stores more parameter elements than can be counted (at initializer '{n}').")
                        : sum + add;
                }

                return sum;
            }

            var network = _builder.Build(result.Tensor, input);
            return new OnnxImport
            {
                Network = network.WithScopes(NodePaths.Scopes(network)),
                Opset = opset,
                UnknownOperators = [.. _unknown],
                UniqueParameterElements = Elements(_parameterInitializers),
                UniqueBufferElements = Elements(_bufferInitializers),
            };
        }

        private TensorShape ReadInput()
        {
            var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
            if (inputs.Count != 1)
            {
                throw new OnnxFormatException($"Graph '{name}' has {inputs.Count} inputs; CnnArch analyses networks with one input image.");
            }

            var info = inputs[0];
            var dims = info.Type?.TensorType?.Shape?.Dim.Select(d => d.HasDimValue ? d.DimValue : -1).ToArray() ?? [];
            TensorShape shape;
            if (options.Input is { } given)
            {
                shape = given;
            }
            else if (dims.Length >= 2 && dims.Skip(1).All(d => d >= 1 && d <= int.MaxValue))
            {
                shape = TensorShape.Of([.. dims.Skip(1).Select(d => (int)d)]);
            }
            else
            {
                throw new OnnxFormatException($"Input '{info.Name}' has dimensions [{string.Join(",", dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]: give the input size (C x H x W) to import it.");
            }

            _input = new Activation(_builder.Input, shape);
            _values[info.Name] = _input;
            return shape;
        }

        // Kahn's algorithm, always taking the earliest ready node in file order: the file's order (the
        // exporter's execution order) is kept whenever it is valid. What never becomes ready is a cycle
        // or a value nothing provides.
        private List<NodeProto> TopologicalOrder()
        {
            var nodes = graph.Node;
            var available = new HashSet<string>(_values.Keys, StringComparer.Ordinal) { string.Empty };
            var producer = Producers(nodes, available);
            var waiting = new int[nodes.Count];
            var ready = new PriorityQueue<int, int>();
            var consumers = Consumers(nodes, available, waiting, ready);
            var order = new List<NodeProto>(nodes.Count);
            while (ready.TryDequeue(out var i, out _))
            {
                order.Add(nodes[i]);
                foreach (var output in nodes[i].Output)
                {
                    if (output.Length == 0 || !consumers.TryGetValue(output, out var list))
                    {
                        continue;
                    }

                    foreach (var consumer in list)
                    {
                        if (--waiting[consumer] == 0)
                        {
                            ready.Enqueue(consumer, consumer);
                        }
                    }
                }
            }

            if (order.Count < nodes.Count)
            {
                throw Unordered(nodes, available, producer, waiting, order);
            }

            return order;
        }

        // The node that produces each value; a value produced twice, or also given as an input or initializer, is an error.
        private static Dictionary<string, int> Producers(Google.Protobuf.Collections.RepeatedField<NodeProto> nodes, HashSet<string> available)
        {
            var producer = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < nodes.Count; i++)
            {
                foreach (var output in nodes[i].Output)
                {
                    if (output.Length == 0)
                    {
                        continue;
                    }

                    if (!producer.TryAdd(output, i) || available.Contains(output))
                    {
                        throw new OnnxFormatException($"Value '{output}' is produced twice (node '{nodes[i].Name}'): not a valid ONNX graph.");
                    }
                }
            }

            return producer;
        }

        // The nodes that read each value not yet available; counts each node's distinct missing inputs in
        // `waiting` and queues the nodes that miss none, in file order.
        private static Dictionary<string, List<int>> Consumers(Google.Protobuf.Collections.RepeatedField<NodeProto> nodes, HashSet<string> available, int[] waiting, PriorityQueue<int, int> ready)
        {
            var consumers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (var i = 0; i < nodes.Count; i++)
            {
                var inputs = nodes[i].Input;
                for (var j = 0; j < inputs.Count; j++)
                {
                    var input = inputs[j];
                    if (available.Contains(input) || IndexOf(inputs, input) < j)
                    {
                        continue;
                    }

                    waiting[i]++;
                    if (!consumers.TryGetValue(input, out var list))
                    {
                        consumers[input] = list = [];
                    }

                    list.Add(i);
                }

                if (waiting[i] == 0)
                {
                    ready.Enqueue(i, i);
                }
            }

            return consumers;
        }

        // Why some nodes never became ready: the first of them depends on itself (a cycle) or reads a value nothing provides.
        private static OnnxFormatException Unordered(Google.Protobuf.Collections.RepeatedField<NodeProto> nodes, HashSet<string> available, Dictionary<string, int> producer, int[] waiting, List<NodeProto> order)
        {
            var stuck = Enumerable.Range(0, nodes.Count).First(i => waiting[i] > 0);
            var missing = nodes[stuck].Input.First(x => !available.Contains(x) && (!producer.TryGetValue(x, out var p) || waiting[p] > 0 || !order.Contains(nodes[p])));
            return producer.ContainsKey(missing)
                ? new OnnxFormatException($"The graph has a cycle: node '{nodes[stuck].Name}' ({nodes[stuck].OpType}) depends on its own output through '{missing}'.")
                : new OnnxFormatException($"Node '{nodes[stuck].Name}' ({nodes[stuck].OpType}) reads '{missing}', which no node, input or initializer provides.");
        }

        // The first index of a value among a node's inputs (a node may read one value twice: Mul(x, x)).
        private static int IndexOf(Google.Protobuf.Collections.RepeatedField<string> inputs, string value)
        {
            for (var k = 0; k < inputs.Count; k++)
            {
                if (inputs[k] == value)
                {
                    return k;
                }
            }

            return -1;
        }

        private void Import(NodeProto node)
        {
            Arity.Check(node, opset);
            var context = new OpContext(this, node);
            Value[] outputs;
            try
            {
                outputs = context.Inputs.Where(v => v is not null).All(v => v is ConstantValue) && node.Input.Count > 0 && TryFold(context, out var folded)
                    ? folded
                    : Operators.TryGetValue(node.OpType, out var op) ? op(context) : Unknown(context);
            }
            catch (InvalidNetworkException ex)
            {
                // A layer that does not fit its input is an invalid network, whatever it was read from:
                // the same error (and exit code) as a preset or a spec file at that input.
                throw new InvalidNetworkException(context.Path, $"{ex.Problem} (ONNX node '{node.Name}', {node.OpType})", ex);
            }
            catch (OverflowException ex)
            {
                // As shape inference of a preset or spec: a size beyond 64 bits makes the network invalid at this input.
                throw new InvalidNetworkException(context.Path, $"a size overflows (ONNX node '{node.Name}', {node.OpType}).", ex);
            }
            catch (ArgumentException ex)
            {
                throw new OnnxFormatException($"Node '{node.Name}' ({node.OpType}): {ex.Message.Split(" (Parameter", 2)[0]}", ex);
            }

            for (var i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i].Length > 0 && i < outputs.Length)
                {
                    _values[node.Output[i]] = outputs[i];
                }
                else if (node.Output[i].Length > 0)
                {
                    _unproduced[node.Output[i]] = (node, i);
                }
            }
        }

        /// <summary>The value named <paramref name="input"/>, which <paramref name="reader"/> reads.</summary>
        private Value Read(string input, NodeProto reader) =>
            _values.TryGetValue(input, out var value) ? value
            : _unproduced.TryGetValue(input, out var producer)
                ? throw new OnnxFormatException($"Node '{reader.Name}' ({reader.OpType}) reads '{input}', output {producer.Index} of node '{producer.Node.Name}' ({producer.Node.OpType}), which that operator does not compute.")
                : throw new OnnxFormatException($"Node '{reader.Name}' ({reader.OpType}) reads '{input}', which nothing computes.");

        private Value[] Unknown(OpContext c)
        {
            var activations = c.Inputs.OfType<Activation>().ToArray();
            if (activations.Length == 0)
            {
                // Arithmetic on constants that cannot be folded: its result stays unknown.
                return [.. c.Node.Output.Select(_ => (Value)new ConstantValue([], null, false, null))];
            }

            var path = c.Path;
            _unknown.Add(new UnknownOperator(c.Node.Name, c.Node.OpType, path));
            var result = c.Emit(new Opaque { Operator = c.Node.OpType }, activations);
            return [.. c.Node.Output.Select(_ => (Value)result)];
        }

        private sealed class OpContext(Importer importer, NodeProto node)
        {
            public Importer Importer => importer;

            public NodeProto Node { get; } = node;

            public Value?[] Inputs { get; } = [.. node.Input.Select(i => i.Length == 0 ? null : importer.Read(i, node))];

            public long Opset => importer.Opset;

            public int MaxConstantElements => importer.Options.MaxConstantElements;

            public string Path => field ??= NodePaths.Of(Node.Name, Node.OpType, Node.Output.Count > 0 ? Node.Output[0] : "", importer.ExactScopes);

            public Activation X => Inputs.Length > 0 && Inputs[0] is Activation a ? a : throw new OnnxFormatException($"Node '{Node.Name}' ({Node.OpType}) expects a computed tensor as its first input.");

            public ConstantValue? Constant(int index) => index < Inputs.Length ? Inputs[index] as ConstantValue : null;

            public ConstantValue RequiredConstant(int index, string what) =>
                Constant(index) ?? throw new OnnxFormatException($"Node '{Node.Name}' ({Node.OpType}) needs its {what} (input {index}) to be a constant.");

            /// <summary>Counts the initializer behind a constant input as this layer's parameters (or buffers).</summary>
            public void Consumes(int index, bool buffer = false)
            {
                if (Constant(index) is { Initializer: { } init })
                {
                    (buffer ? importer._bufferInitializers : importer._parameterInitializers).Add(init);
                }
            }

            /// <summary>Adds the node's layer; its output is batchless when an input is.</summary>
            public Activation Emit(Layer layer, params Activation[] inputs) => Emit(layer, inputs.Any(a => a.Batchless), inputs);

            public Activation Emit(Layer layer, bool batchless, params Activation[] inputs)
            {
                var shape = layer.InferShape([.. inputs.Select(a => a.Shape)]);
                Tensor[] tensors = [.. inputs.Select(a => a.Tensor)];
                var tensor = NodePaths.IsFunctional(Node.OpType)
                    ? importer._builder.AddFunctional(Path, layer, tensors)
                    : importer._builder.Add(Path, layer, tensors);
                return new Activation(tensor, shape, batchless);
            }

            /// <summary>
            /// A negative ONNX axis counts from the end; returns the axis of <paramref name="x"/>'s shape: ONNX
            /// axis - 1, the batch axis being no axis of it (a batchless tensor's axes are its shape's).
            /// </summary>
            public int Axis(long onnxAxis, Activation x)
            {
                var (rank, first) = (x.OnnxRank, x.Batchless ? 0 : 1);
                var a = onnxAxis < 0 ? onnxAxis + rank : onnxAxis;
                return a >= first && a < rank ? (int)a - first
                    : throw new OnnxFormatException($"Node '{Node.Name}' ({Node.OpType}) works along axis {onnxAxis}: the batch axis, or outside a rank-{rank} tensor.");
            }
        }
    }
}

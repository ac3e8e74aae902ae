using System.Collections.Immutable;
using CnnArch.Layers;

namespace CnnArch.Graph;

/// <summary>A handle to a value in a network being built: the network's input or a node's output.</summary>
/// <param name="Id">-1 for the network input, else the index of the node that produces it.</param>
public readonly record struct Tensor(int Id)
{
    /// <summary>The network's input.</summary>
    public static Tensor NetworkInput { get; } = new(-1);

    /// <summary>True for the network's input.</summary>
    public bool IsNetworkInput => Id < 0;
}

/// <summary>One node of a network: a layer applied to earlier values.</summary>
/// <param name="Index">Position in execution order.</param>
/// <param name="Path">Stable dotted path (<c>layer1.0.conv1</c>); a module called twice keeps its path.</param>
/// <param name="Layer">The operation.</param>
/// <param name="Inputs">What it reads: the network input or earlier nodes' outputs.</param>
/// <param name="IsModule">False for functional calls and joins (<c>torch.flatten</c>, the residual add).</param>
public sealed record Node(int Index, string Path, Layer Layer, ImmutableArray<Tensor> Inputs, bool IsModule)
{
    /// <summary>What it reads: the network input or earlier nodes' outputs (a new value keeps <see cref="InputIds"/> in step).</summary>
    public ImmutableArray<Tensor> Inputs
    {
        get;
        init
        {
            field = value;
            InputIds = [.. value.Select(t => t.Id)];
        }
    } = Inputs;

    /// <summary>The ids of <see cref="Inputs"/> (-1 for the network input), made with them for reports to share.</summary>
    internal ImmutableArray<int> InputIds { get; private set; } = [.. Inputs.Select(t => t.Id)];
}

/// <summary>
/// A block as it was built: its path, the nodes it expanded into (a contiguous range in execution
/// order), the value it read, and how deeply it is nested (a top-level block has depth 1).
/// </summary>
/// <param name="Path">The block's path (<c>layer1.0</c>).</param>
/// <param name="FirstNode">Index of its first node.</param>
/// <param name="LastNode">Index of its last node.</param>
/// <param name="Input">The value it read; an eager framework keeps it referenced until the block returns.</param>
/// <param name="Depth">Nesting depth, 1 for a block applied to the network itself.</param>
/// <param name="Kind">The block's kind: Sequential, Residual, Inception, SqueezeExcitation, or Block for a generic scope.</param>
public sealed record Scope(string Path, int FirstNode, int LastNode, Tensor Input, int Depth, string Kind = "Block");

/// <summary>
/// An immutable directed acyclic graph of layers in execution order, built by
/// <see cref="NetworkBuilder"/>. Every node reads only the input or earlier nodes, so the order is a
/// topological order and cycles cannot be expressed.
/// </summary>
public sealed class Network
{
    internal Network(string name, ImmutableArray<Node> nodes, Tensor output, TensorShape? defaultInput, ImmutableArray<Scope> scopes)
    {
        Name = name;
        Nodes = nodes;
        Output = output;
        DefaultInput = defaultInput;
        Scopes = scopes;
    }

    /// <summary>The blocks the network was built from, outermost first within each range.</summary>
    public ImmutableArray<Scope> Scopes { get; }

    /// <summary>The model's name, as reports show it.</summary>
    public string Name { get; }

    /// <summary>Every node in execution order.</summary>
    public ImmutableArray<Node> Nodes { get; }

    /// <summary>The value the network returns.</summary>
    public Tensor Output { get; }

    /// <summary>
    /// Values the network hands on besides <see cref="Output"/>: a part of a network cut across parallel
    /// branches (two Inception branches) returns every branch the rest of the network reads. A node
    /// that reaches neither is a training-only head (auxiliary).
    /// </summary>
    public ImmutableArray<Tensor> OtherOutputs { get; private init; } = [];

    /// <summary>The input the network was designed for (3x224x224 for most ImageNet models), if any.</summary>
    public TensorShape? DefaultInput { get; }

    /// <summary>A network that applies <paramref name="module"/> to its input.</summary>
    public static Network Create(string name, Module module, TensorShape? defaultInput = null)
    {
        var builder = new NetworkBuilder(name);
        var output = builder.Add(string.Empty, module, builder.Input);
        return builder.Build(output, defaultInput);
    }

    /// <summary>A copy with another name.</summary>
    public Network WithName(string name) => new(Guard.Name(name, nameof(name)), Nodes, Output, DefaultInput, Scopes) { OtherOutputs = OtherOutputs };

    // A copy that also returns these values (a part of a network: what the rest of it reads).
    internal Network WithOtherOutputs(IEnumerable<Tensor> outputs) => new(Name, Nodes, Output, DefaultInput, Scopes) { OtherOutputs = [.. outputs] };

    /// <summary>
    /// A copy with the given block structure (an importer that learns modules from node names adds them
    /// after the nodes): each scope a contiguous node range, nested by depth.
    /// </summary>
    /// <exception cref="ArgumentException">A scope's range lies outside the network.</exception>
    public Network WithScopes(IEnumerable<Scope> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var list = scopes.ToImmutableArray();
        var bad = list.FirstOrDefault(s => s.FirstNode < 0 || s.LastNode < s.FirstNode || s.LastNode >= Nodes.Length || s.Depth < 1);
        return bad is null ? new(Name, Nodes, Output, DefaultInput, list) { OtherOutputs = OtherOutputs }
            : throw new ArgumentException($"Scope '{bad.Path}' covers nodes {bad.FirstNode} to {bad.LastNode} at depth {bad.Depth}, outside the network's {Nodes.Length} nodes.", nameof(scopes));
    }

    /// <summary>One line: the name, the nodes, the blocks and the default input.</summary>
    public override string ToString() =>
        $"{Name}: {Nodes.Length} nodes in {Scopes.Length} blocks, input {DefaultInput?.ToString() ?? "not set"}";

    /// <summary>A copy with another default input.</summary>
    public Network WithDefaultInput(TensorShape input) => new(Name, Nodes, Output, input, Scopes) { OtherOutputs = OtherOutputs };
}

/// <summary>
/// The mutable builder of a <see cref="Network"/>: add layers or blocks to values, then build.
/// </summary>
/// <example>
/// <code>
/// var b = new NetworkBuilder("tiny");
/// var x = b.Add("conv", new Conv2d { OutChannels = 16, Kernel = 3, Padding = 1 }, b.Input);
/// x = b.Add("relu", new ReLU(), x);
/// var net = b.Build(x, TensorShape.Chw(3, 32, 32));
/// </code>
/// </example>
public sealed class NetworkBuilder
{
    private readonly List<Node> _nodes = [];
    private readonly List<Scope> _scopes = [];
    private int _depth;

    /// <summary>Starts an empty network named <paramref name="name"/>.</summary>
    public NetworkBuilder(string name) => Name = Guard.Name(name, nameof(name));

    /// <summary>The network's name.</summary>
    public string Name { get; }

    /// <summary>The network's input value.</summary>
    public Tensor Input => Tensor.NetworkInput;

    /// <summary>
    /// Applies <paramref name="module"/> at <paramref name="path"/>. A layer becomes one node that
    /// reads all <paramref name="inputs"/>; a block expands into its nodes and reads exactly one input.
    /// </summary>
    /// <returns>The module's output value.</returns>
    public Tensor Add(string path, Module module, params ReadOnlySpan<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        switch (module)
        {
            case Layer layer:
                return AddNode(path, layer, isModule: true, inputs);
            case Functional functional when inputs.Length == 1:
                // A functional call is no module: no scope.
                Check(inputs[0], path);
                return functional.Expand(this, path, inputs[0]);
            case Block root when path.Length == 0 && inputs.Length == 1:
                // The network's own root block has no path: its children are the top level.
                Check(inputs[0], path);
                return root.Expand(this, path, inputs[0]);
            case Block block when inputs.Length == 1:
                return AddScope(path, block.GetType().Name, inputs[0], x => block.Expand(this, path, x));
            case Block:
                throw new InvalidNetworkException(path, $"a {module.GetType().Name} block reads one input, got {inputs.Length}.");
            default:
                throw new ArgumentException($"Unknown module type {module.GetType().Name}.", nameof(module));
        }
    }

    /// <summary>
    /// Adds the nodes <paramref name="body"/> adds as one block (a scope) at <paramref name="path"/>, reading
    /// <paramref name="input"/>: the form imported graphs and spec files use for blocks with any wiring.
    /// </summary>
    /// <returns>What <paramref name="body"/> returns: the block's output.</returns>
    public Tensor AddScope(string path, string kind, Tensor input, Func<Tensor, Tensor> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Guard.Name(path, nameof(path));
        Check(input, path);
        var first = _nodes.Count;
        var scope = _scopes.Count;
        _scopes.Add(null!);
        _depth++;
        try
        {
            var output = body(input);
            _scopes[scope] = new Scope(path, first, _nodes.Count - 1, input, _depth, Guard.Name(kind, nameof(kind)));
            return output;
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary>
    /// Applies <paramref name="layer"/> as a function call rather than a module (<c>torch.flatten</c>,
    /// <c>x + y</c>): a node like any other that reports mark as no module of the source framework.
    /// </summary>
    /// <returns>The layer's output value.</returns>
    public Tensor AddFunctional(string path, Layer layer, params ReadOnlySpan<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(path);
        return AddNode(path, layer, isModule: false, inputs);
    }

    /// <summary>Builds the immutable network that returns <paramref name="output"/>.</summary>
    public Network Build(Tensor output, TensorShape? defaultInput = null)
    {
        Check(output, "output");
        // A block that added no node (an empty Sequential) has no range to speak of.
        return new Network(Name, [.. _nodes], output, defaultInput, [.. _scopes.Where(s => s is not null && s.LastNode >= s.FirstNode)]);
    }

    internal Tensor AddNode(string path, Layer layer, bool isModule, params ReadOnlySpan<Tensor> inputs)
    {
        var name = string.IsNullOrEmpty(path) ? layer.Kind : path;
        if (inputs.Length < layer.MinInputs || inputs.Length > layer.MaxInputs)
        {
            var expected = layer.MinInputs == layer.MaxInputs ? $"{layer.MinInputs}" : $"at least {layer.MinInputs}";
            throw new InvalidNetworkException(name, $"{layer.Kind} takes {expected} input(s), got {inputs.Length}.");
        }

        foreach (var input in inputs)
        {
            Check(input, name);
        }

        _nodes.Add(new Node(_nodes.Count, name, layer, [.. inputs], isModule));
        return new Tensor(_nodes.Count - 1);
    }

    internal static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    private void Check(Tensor t, string path)
    {
        if (t.Id >= _nodes.Count || t.Id < -1)
        {
            throw new InvalidNetworkException(path, $"reads value {t.Id}, which this network does not have.");
        }
    }
}

namespace CnnArch.Layers;

/// <summary>
/// Anything a network is built from: a <see cref="Layer"/> (one node of the graph) or a block
/// (<c>CnnArch.Graph.Block</c>: a composite that expands into several nodes and their joins).
/// </summary>
public abstract record Module;

/// <summary>
/// One node of the network graph, and everything CnnArch knows about its kind in one place: its
/// output shape, parameters and buffers, sliding window, receptive-field step, backward rule, memory
/// behaviour and latency class. Each is abstract here, so a new kind that leaves one out does not
/// build; what a layer costs in a counting convention is the business of a cost model
/// (<c>CnnArch.Analysis.CostModel</c>), a table beside the kinds.
/// </summary>
public abstract record Layer : Module
{
    /// <summary>The kind shown in reports: PyTorch's class name where one exists (Conv2d, ReLU, Hardswish).</summary>
    public virtual string Kind => GetType().Name;

    /// <summary>How many inputs the layer takes at least (1 for all but joins).</summary>
    public virtual int MinInputs => 1;

    /// <summary>How many inputs the layer takes at most (1 for all but joins).</summary>
    public virtual int MaxInputs => 1;

    /// <summary>True when the layer may write its output over its input (an in-place ReLU).</summary>
    public virtual bool IsInPlace => false;

    /// <summary>The output shape for these input shapes.</summary>
    /// <exception cref="InvalidNetworkException">The inputs do not fit the layer; the message gives the numbers.</exception>
    public abstract TensorShape InferShape(IReadOnlyList<TensorShape> inputs);

    /// <summary>Trainable parameters (weights, biases, affine scales) for these inputs.</summary>
    public abstract long Parameters(IReadOnlyList<TensorShape> inputs);

    /// <summary>Non-trainable state (BatchNorm's running mean, variance and step counter) for these inputs.</summary>
    public abstract long Buffers(IReadOnlyList<TensorShape> inputs);

    /// <summary>Kernel, stride, padding, dilation and groups of a convolution or pool; null for layers without a sliding window.</summary>
    public abstract LayerWindow? Window { get; }

    /// <summary>
    /// The receptive field of this layer's output, given <paramref name="field"/>, the field of its
    /// (widest) input, and <paramref name="input"/>, the shape of its first input: a window widens it,
    /// a global pool or flatten sees the whole map, an element-wise layer keeps it.
    /// </summary>
    public abstract ReceptiveField FieldAfter(ReceptiveField field, TensorShape input);

    /// <summary>How its backward pass is counted from its forward count.</summary>
    public abstract BackwardRule Backward { get; }

    /// <summary>Whether its output has storage of its own, what it keeps for backward, and its workspace, one sample.</summary>
    public abstract MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output);

    /// <summary>How it runs on a device, for the latency model; null only for an operation CnnArch has no model of.</summary>
    public abstract KernelClass? LatencyClass(TensorShape input);

    /// <summary>Throws the standard error for a layer whose input does not fit.</summary>
    protected static InvalidNetworkException Invalid(string problem) => new(null, problem);

    /// <summary>The single input, which must be a feature map of <paramref name="spatialRank"/> spatial axes (C x L, C x H x W or C x D x H x W).</summary>
    protected TensorShape FeatureMap(IReadOnlyList<TensorShape> inputs, int spatialRank)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        return x.IsMap(spatialRank) ? x : throw Invalid($"{Kind} needs a {MapForm(spatialRank)} input, got {x}.");
    }

    /// <summary>How a feature map of <paramref name="spatialRank"/> spatial axes is written: C x L, C x H x W, C x D x H x W.</summary>
    protected internal static string MapForm(int spatialRank) => spatialRank switch
    {
        1 => "C x L",
        2 => "C x H x W",
        3 => "C x D x H x W",
        _ => $"C x {spatialRank} spatial axes",
    };
}

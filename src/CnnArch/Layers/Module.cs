namespace CnnArch.Layers;

/// <summary>
/// Anything a network is built from: a <see cref="Layer"/> (one node of the graph) or a
/// <see cref="Block"/> (a composite that expands into several nodes and their joins).
/// </summary>
public abstract record Module;

/// <summary>
/// One node of the network graph. A layer knows its output shape and its own parameters given its
/// input shapes; how much it costs is the business of a <see cref="Analysis.CostModel"/>.
/// </summary>
public abstract record Layer : Module
{
    /// <summary>The kind shown in reports: PyTorch's class name where one exists (Conv2d, ReLU, Hardswish).</summary>
    public virtual string Kind => GetType().Name;

    /// <summary>How many inputs the layer takes at least (1 for all but joins).</summary>
    public virtual int MinInputs => 1;

    /// <summary>How many inputs the layer takes at most (1 for all but joins).</summary>
    public virtual int MaxInputs => 1;

    /// <summary>The output shape for these input shapes.</summary>
    /// <exception cref="InvalidNetworkException">The inputs do not fit the layer; the message gives the numbers.</exception>
    public abstract TensorShape InferShape(IReadOnlyList<TensorShape> inputs);

    /// <summary>Trainable parameters (weights, biases, BatchNorm affine) for these inputs.</summary>
    public virtual long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <summary>Non-trainable state (BatchNorm running mean, variance and step counter).</summary>
    public virtual long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <summary>True when the layer may write its output over its input (an in-place ReLU).</summary>
    public virtual bool IsInPlace => false;

    /// <summary>Throws the standard error for a layer whose input does not fit.</summary>
    protected static InvalidNetworkException Invalid(string problem) => new(null, problem);

    /// <summary>The single input, which must be a C x H x W feature map.</summary>
    protected TensorShape FeatureMap(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        return x.IsFeatureMap ? x : throw Invalid($"{Kind} needs a C x H x W input, got {x}.");
    }
}

/// <summary>A layer that leaves the shape as it is: activations, normalisations, dropout, identity.</summary>
public abstract record ShapePreservingLayer : Layer
{
    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs[0];
    }
}

namespace CnnArch.Layers;

/// <summary>
/// An element-wise non-linearity: the output has the input's shape and field, it has no parameters,
/// its backward computes the input's gradient, and it runs as an element-wise kernel. What it keeps
/// for backward differs by kind (<see cref="Layer.Memory"/>).
/// </summary>
public abstract record Activation : Layer
{
    /// <summary>Whether the output overwrites the input (PyTorch's <c>inplace=True</c>); default false.</summary>
    public bool Inplace { get; init; }

    /// <inheritdoc/>
    public override bool IsInPlace => Inplace;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs[0];
    }

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <inheritdoc/>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

    /// <inheritdoc/>
    public override BackwardRule Backward => BackwardRule.InputGradient;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Elementwise;

    /// <summary>
    /// What an activation whose backward needs its input keeps: the input; in place, it overwrites the
    /// input only at inference (in training PyTorch keeps the input apart, as measured for ReLU6 on an H200).
    /// </summary>
    protected MemoryBehavior SavingItsInput => MemoryBehavior.SavingInput with { AliasesInputAtInference = Inplace };

    /// <summary>What an activation whose backward needs only its output keeps: the output.</summary>
    protected MemoryBehavior SavingItsOutput => MemoryBehavior.SavingOutput with { AliasesInputAtInference = Inplace };
}

/// <summary>max(0, x).</summary>
public sealed record ReLU : Activation
{
    /// <summary>Saves its output; in place it really shares its input's storage, in training too, since its backward needs only the output.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        SavingItsOutput with { AliasesInputInTraining = Inplace };
}

/// <summary>min(max(0, x), 6): MobileNet's activation.</summary>
public sealed record ReLU6 : Activation
{
    /// <summary>Saves its input (hardtanh_backward).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => SavingItsInput;
}

/// <summary>1 / (1 + e^-x).</summary>
public sealed record Sigmoid : Activation
{
    /// <summary>Saves its output (sigmoid_backward).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => SavingItsOutput;
}

/// <summary>relu6(x + 3) / 6: MobileNetV3's gate.</summary>
public sealed record HardSigmoid : Activation
{
    /// <inheritdoc/>
    public override string Kind => "Hardsigmoid";

    /// <summary>Saves its input.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => SavingItsInput;
}

/// <summary>x * relu6(x + 3) / 6: MobileNetV3's activation.</summary>
public sealed record HardSwish : Activation
{
    /// <inheritdoc/>
    public override string Kind => "Hardswish";

    /// <summary>Saves its input.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => SavingItsInput;
}

/// <summary>x * sigmoid(x), also called swish.</summary>
public sealed record SiLU : Activation
{
    /// <summary>Saves its input.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => SavingItsInput;
}

/// <summary>x for x &gt; 0, else slope * x.</summary>
public sealed record LeakyReLU : Activation
{
    /// <summary>The negative slope; default 0.01.</summary>
    public double NegativeSlope { get; init; } = 0.01;

    /// <summary>Saves its input.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => SavingItsInput;
}

/// <summary>
/// x for x &gt; 0, else a * x with a learned slope a (He et al. 2015), as <c>nn.PReLU</c>: one slope for
/// every channel (the default) or one per channel.
/// </summary>
public sealed record PReLU : Activation
{
    /// <summary>Learned slopes: 1 (shared, PyTorch's default) or the number of channels.</summary>
    public int NumParameters { get; init => field = Guard.Positive(value, nameof(NumParameters)); } = 1;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var x = base.InferShape(inputs);
        return NumParameters == 1 || (x.Rank >= 1 && x.Channels == NumParameters)
            ? x
            : throw Invalid($"PReLU with {NumParameters} slopes needs 1 or {NumParameters} channels, got {x}.");
    }

    /// <summary>The slopes.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => NumParameters;

    /// <summary>Its input's gradient and its slopes' gradient.</summary>
    public override BackwardRule Backward => BackwardRule.Weighted;

    /// <summary>Saves its input (prelu_backward needs it for both gradients).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => SavingItsInput;
}

/// <summary>The hyperbolic tangent.</summary>
public sealed record Tanh : Activation
{
    /// <summary>Saves its output (tanh_backward).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => SavingItsOutput;
}

/// <summary>The error function (a building block of exact GELU in exported graphs).</summary>
public sealed record Erf : Activation
{
    /// <summary>Saves its input.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => SavingItsInput;
}

/// <summary>x * Phi(x), the Gaussian error linear unit.</summary>
public sealed record GELU : Activation
{
    /// <summary>Saves its input (gelu_backward).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => SavingItsInput;
}

/// <summary>min(max(x, Min), Max); a clip to [0, 6] is imported as <see cref="ReLU6"/>.</summary>
public sealed record Clip : Activation
{
    /// <summary>The lower bound; default none.</summary>
    public double Min { get; init; } = double.NegativeInfinity;

    /// <summary>The upper bound; default none.</summary>
    public double Max { get; init; } = double.PositiveInfinity;

    /// <summary>Saves its input (clamp_backward).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => SavingItsInput;
}

/// <summary>Softmax along one axis (batch excluded; default 0: the channels, or a vector's elements), as <c>nn.Softmax(dim=1)</c>.</summary>
public sealed record Softmax : Layer
{
    /// <summary>The axis normalised over; negative counts from the end.</summary>
    public int Axis { get; init; }

    /// <summary>The length of the normalised axis of <paramref name="shape"/>.</summary>
    /// <exception cref="InvalidNetworkException">The axis is outside the shape.</exception>
    public int AxisLength(TensorShape shape) => shape.Dims[AxisOf(shape)];

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _ = AxisOf(inputs[0]);
        return inputs[0];
    }

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>Along a spatial axis every output sees that whole axis; along the channels the field is the input's.</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        var axis = AxisOf(input);
        return axis == 0 ? field : field.Whole(input, 1 << (axis - 1));
    }

    /// <inheritdoc/>
    public override BackwardRule Backward => BackwardRule.InputGradient;

    /// <summary>Saves its output (softmax_backward_data).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.SavingOutput;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Elementwise;

    private int AxisOf(TensorShape shape)
    {
        var axis = Axis < 0 ? (long)Axis + shape.Rank : Axis;
        return axis >= 0 && axis < shape.Rank ? (int)axis : throw Invalid($"softmax along axis {Axis} of a {shape} tensor, which has {shape.Rank} axes.");
    }
}

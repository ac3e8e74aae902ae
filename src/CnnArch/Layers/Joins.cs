namespace CnnArch.Layers;

/// <summary>
/// A layer that joins several tensors. Its own receptive-field step is the identity: the analysis
/// combines its inputs' fields first (the widest of those that carry the map; docs/conventions.md).
/// </summary>
public abstract record Join : Layer
{
    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <inheritdoc/>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;
}

/// <summary>
/// Element-wise sum of two or more tensors of the same shape: the join of a residual block.
/// </summary>
public sealed record Add : Join
{
    /// <summary>An addition into a new tensor (<c>x + y</c>).</summary>
    public static Add Instance { get; } = new();

    /// <summary>An addition into the first operand (<c>out += identity</c>, as torchvision's and timm's ResNets).</summary>
    public static Add InPlaceInstance { get; } = new() { Inplace = true };

    /// <summary>Whether the sum overwrites the first operand; default false.</summary>
    public bool Inplace { get; init; }

    /// <inheritdoc/>
    public override bool IsInPlace => Inplace;

    /// <inheritdoc/>
    public override int MinInputs => 2;

    /// <inheritdoc/>
    public override int MaxInputs => int.MaxValue;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (var i = 1; i < inputs.Count; i++)
        {
            if (inputs[i] != inputs[0])
            {
                throw Invalid($"cannot add a {inputs[i]} tensor to a {inputs[0]} tensor: the shapes differ.");
            }
        }

        return inputs[0];
    }

    /// <summary>The gradient passes to every operand unchanged.</summary>
    public override BackwardRule Backward => BackwardRule.PassThrough;

    /// <summary>Nothing saved; in place the sum is the first operand's storage.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        MemoryBehavior.Allocates with { AliasesInputAtInference = Inplace, AliasesInputInTraining = Inplace, PassesGradient = true };

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Elementwise;
}

/// <summary>
/// Concatenation along an axis (batch excluded; default 0, the channels) of tensors equal in every
/// other dimension: the join of an inception module and of a dense block.
/// </summary>
public sealed record Concat : Join
{
    /// <summary>Concatenation along the channels.</summary>
    public static Concat Instance { get; } = new();

    /// <summary>The axis joined along; default 0 (channels).</summary>
    public int Axis { get; init => field = Guard.NonNegative(value, nameof(Axis)); }

    /// <inheritdoc/>
    public override int MinInputs => 1;

    /// <inheritdoc/>
    public override int MaxInputs => int.MaxValue;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var first = inputs[0];
        if (Axis >= first.Rank)
        {
            throw Invalid($"cannot concatenate along axis {Axis} of a {first} tensor.");
        }

        long total = 0;
        foreach (var x in inputs)
        {
            if (x.Rank != first.Rank || Enumerable.Range(0, x.Rank).Any(i => i != Axis && x.Dims[i] != first.Dims[i]))
            {
                var what = first.Rank == 3 && Axis == 0 ? "height and width differ" : $"they differ outside axis {Axis}";
                throw Invalid($"cannot concatenate a {x} tensor with a {first} tensor: {what}.");
            }

            total = checked(total + x.Dims[Axis]);
        }

        var dims = first.Dims.ToArray();
        dims[Axis] = checked((int)total);
        return TensorShape.Of(dims);
    }

    /// <summary>The gradient is split among the parts.</summary>
    public override BackwardRule Backward => BackwardRule.PassThrough;

    /// <summary>A new tensor the parts are copied into; nothing saved; each part's gradient is a view of the output's.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates with { PassesGradient = true };

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Copy;
}

/// <summary>
/// Channel-wise scaling: a feature map of any rank times a gate of one value per channel (C x 1 x ... x 1,
/// or a vector of C), the last step of squeeze-and-excitation. Inputs: the tensor, then the gate.
/// </summary>
public sealed record Scale : Join
{
    /// <summary>The one instance.</summary>
    public static Scale Instance { get; } = new();

    /// <inheritdoc/>
    public override int MinInputs => 2;

    /// <inheritdoc/>
    public override int MaxInputs => 2;

    /// <summary>True when <paramref name="gate"/> holds one value per channel of <paramref name="map"/>.</summary>
    public static bool IsGate(TensorShape gate, TensorShape map) =>
        map.Rank >= 2 && gate.Channels == map.Channels && (gate.Rank == 1 || (gate.Rank == map.Rank && gate.Elements == gate.Channels));

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (x, gate) = (inputs[0], inputs[1]);
        if (x.Rank < 2)
        {
            throw Invalid($"Scale needs a feature map (C and at least one more axis), got {x}.");
        }

        var ones = string.Concat(Enumerable.Repeat("x1", x.Rank - 1));
        return IsGate(gate, x) ? x : throw Invalid($"cannot scale a {x} tensor by a {gate} gate: the gate must be {x.Channels}{ones}.");
    }

    /// <summary>Both the map's and the gate's gradients are products.</summary>
    public override BackwardRule Backward => BackwardRule.PerInput;

    /// <summary>Saves both operands.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.SavingInputs(2);

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Elementwise;
}

namespace CnnArch.Layers;

/// <summary>
/// A fully connected layer, as PyTorch's <c>nn.Linear</c>: applies to the last dimension, so a
/// vector [N] becomes [OutFeatures]. Input features come from the input shape unless set.
/// </summary>
public sealed record Linear : Layer
{
    /// <summary>Output features.</summary>
    public required int OutFeatures { get; init => field = Guard.Positive(value, nameof(OutFeatures)); }

    /// <summary>The expected input features; null (the default) takes them from the input.</summary>
    public int? InFeatures { get; init => field = value is { } v ? Guard.Positive(v, nameof(InFeatures)) : null; }

    /// <summary>Whether each output has a bias; default true.</summary>
    public bool HasBias { get; init; } = true;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        var last = x.Dims[^1];
        if (InFeatures is { } expected && expected != last)
        {
            throw Invalid($"Linear expects {expected} input features, got {last} (input {x}).");
        }

        return TensorShape.Of([.. x.Dims[..^1], OutFeatures]);
    }

    /// <summary>In x Out weights plus Out biases.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var weights = checked((long)inputs[0].Dims[^1] * OutFeatures);
        return HasBias ? checked(weights + OutFeatures) : weights;
    }

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>It mixes the last dimension, which after a flatten already sees the whole map; on a channels-last map it mixes the channels, position by position.</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

    /// <inheritdoc/>
    public override BackwardRule Backward => BackwardRule.Weighted;

    /// <summary>Saves its input for the weight gradient.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.SavingInput;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.MatrixMultiply;
}

/// <summary>Flattens a feature map of any rank into a vector of all its elements, as <c>torch.flatten(x, 1)</c>: a view, no copy.</summary>
public sealed record Flatten : Layer
{
    /// <summary>The one instance: Flatten has no settings.</summary>
    public static Flatten Instance { get; } = new();

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var n = inputs[0].Elements;
        return n <= int.MaxValue ? TensorShape.Vector((int)n) : throw Invalid($"Flatten of {inputs[0]} gives {n} elements, more than a dimension can hold.");
    }

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>Every element of the vector stands for the whole map it came from.</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        return input.SpatialRank >= 1 ? field.Whole(input) : field;
    }

    /// <inheritdoc/>
    public override BackwardRule Backward => BackwardRule.PassThrough;

    /// <inheritdoc/>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.View;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.View;
}

/// <summary>Dropout: zeroes elements in training, the identity at inference.</summary>
public sealed record Dropout : Layer
{
    /// <summary>Probability of zeroing; default 0.5.</summary>
    public double P { get; init => field = Guard.Probability(value, nameof(P)); } = 0.5;

    /// <summary>Whether the mask is applied in place; default false.</summary>
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

    /// <summary>The identity at inference; in training a new tensor (unless in place or p = 0) and a one-byte mask per element.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates with
    {
        AliasesInputAtInference = true,
        AliasesInputInTraining = Inplace || P == 0,
        PassesGradient = P == 0,
        SavedExtraBytes = P > 0 ? output.Elements : 0,
    };

    /// <summary>A view at inference: no kernel.</summary>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.View;
}

/// <summary>The identity, as <c>nn.Identity</c> (timm's placeholders for absent parts).</summary>
public sealed record Identity : Layer
{
    /// <summary>The one instance.</summary>
    public static Identity Instance { get; } = new();

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
    public override BackwardRule Backward => BackwardRule.PassThrough;

    /// <inheritdoc/>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.View;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.View;
}

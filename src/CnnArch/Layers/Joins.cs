namespace CnnArch.Layers;

/// <summary>
/// Element-wise sum of two or more tensors of the same shape: the join of a residual block.
/// </summary>
public sealed record Add : Layer
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
}

/// <summary>
/// Concatenation along an axis (batch excluded; default 0, the channels) of tensors equal in every
/// other dimension: the join of an inception module.
/// </summary>
public sealed record Concat : Layer
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
                var what = first.IsFeatureMap && Axis == 0 ? "height and width differ" : $"they differ outside axis {Axis}";
                throw Invalid($"cannot concatenate a {x} tensor with a {first} tensor: {what}.");
            }

            total = checked(total + x.Dims[Axis]);
        }

        var dims = first.Dims.ToArray();
        dims[Axis] = checked((int)total);
        return TensorShape.Of(dims);
    }
}

/// <summary>
/// Channel-wise scaling: a C x H x W tensor times a C x 1 x 1 gate, the last step of
/// squeeze-and-excitation. Inputs: the tensor, then the gate.
/// </summary>
public sealed record Scale : Layer
{
    /// <summary>The one instance.</summary>
    public static Scale Instance { get; } = new();

    /// <inheritdoc/>
    public override int MinInputs => 2;

    /// <inheritdoc/>
    public override int MaxInputs => 2;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var x = FeatureMap(inputs);
        var gate = inputs[1];
        var fits = gate.Rank == 1 ? gate.Channels == x.Channels
            : gate.IsFeatureMap && gate.Channels == x.Channels && gate.Height == 1 && gate.Width == 1;
        return fits ? x : throw Invalid($"cannot scale a {x} tensor by a {gate} gate: the gate must be {x.Channels}x1x1.");
    }
}

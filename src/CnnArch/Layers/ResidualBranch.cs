namespace CnnArch.Layers;

/// <summary>What <see cref="StochasticDepth"/> drops at once.</summary>
public enum StochasticDepthMode
{
    /// <summary>Each sample's branch on its own (torchvision's "row", the default).</summary>
    Row,

    /// <summary>The branch of the whole batch together (torchvision's "batch").</summary>
    Batch,
}

/// <summary>
/// Stochastic depth (Huang et al. 2016), as torchvision's <c>StochasticDepth</c>: in training it drops a
/// residual branch's output with probability <see cref="P"/> (zeroes it, per sample or for the whole
/// batch) and scales what survives by 1 / (1 - P); at inference it is the identity, with no cost.
/// </summary>
public sealed record StochasticDepth : Layer
{
    /// <summary>Probability of dropping the branch; default 0 (the identity in training too).</summary>
    public double P { get; init => field = Guard.Probability(value, nameof(P)); }

    /// <summary>Per sample (the default) or for the whole batch.</summary>
    public StochasticDepthMode Mode { get; init; }

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

    /// <summary>In training the gradient is multiplied by the same mask: as much arithmetic as the forward.</summary>
    public override BackwardRule Backward => BackwardRule.InputGradient;

    /// <summary>
    /// The identity at inference (and in training when P is 0); in training a new tensor (the input times
    /// the scaled mask), the mask kept for backward: one element per sample in row mode.
    /// </summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates with
    {
        AliasesInputAtInference = true,
        AliasesInputInTraining = P == 0,
        PassesGradient = P == 0,
        SavedExtraElements = P > 0 && Mode == StochasticDepthMode.Row ? 1 : 0,
    };

    /// <summary>A view at inference: no kernel.</summary>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.View;
}

/// <summary>
/// A learned per-channel multiplier (Touvron et al. 2021, CaiT's LayerScale), as ConvNeXt's
/// <c>layer_scale</c> parameter of C x 1 x 1: one weight per channel along <see cref="Axis"/>, every
/// element multiplied by its channel's weight. C parameters; a multiply per element, no multiply-add.
/// </summary>
public sealed record LayerScale : Layer
{
    /// <summary>
    /// The axis of the scaled channels (batch excluded; negative counts from the end): 0, the channels
    /// of a feature map (the default, as ConvNeXt), or -1, the last axis of a channels-last tensor.
    /// </summary>
    public int Axis { get; init; }

    /// <summary>The number of weights for <paramref name="shape"/>: the length of the scaled axis.</summary>
    /// <exception cref="InvalidNetworkException">The axis is outside the shape.</exception>
    public int Channels(TensorShape shape)
    {
        var axis = Axis < 0 ? (long)Axis + shape.Rank : Axis;
        return axis >= 0 && axis < shape.Rank ? shape.Dims[(int)axis] : throw Invalid($"scaling axis {Axis} of a {shape} tensor, which has {shape.Rank} axes.");
    }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _ = Channels(inputs[0]);
        return inputs[0];
    }

    /// <summary>One weight per channel.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Channels(inputs[0]);
    }

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <inheritdoc/>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

    /// <summary>The input's gradient (times the weights) and the weights' gradient (a sum of input times gradient).</summary>
    public override BackwardRule Backward => BackwardRule.Weighted;

    /// <summary>Saves its input, which the weights' gradient needs.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.SavingInput;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Elementwise;
}

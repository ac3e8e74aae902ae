namespace CnnArch.Layers;

/// <summary>
/// Learned tokens put in front of a sequence of N x D tokens (batch excluded), as ViT's class token
/// (torchvision's <c>class_token</c>, a parameter of 1 x 1 x D expanded over the batch and concatenated:
/// <c>torch.cat([class_token, x], dim=1)</c>): (N + <see cref="Count"/>) x D out, Count x D parameters, no
/// arithmetic (a concatenation).
/// </summary>
public sealed record ClassToken : Layer
{
    /// <summary>How many learned tokens are put in front; default 1 (DeiT's distillation token makes 2).</summary>
    public int Count { get; init => field = Guard.Positive(value, nameof(Count)); } = 1;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        return x.Rank == 2 ? TensorShape.Of(checked(x.Dims[0] + Count), x.Dims[1]) : throw Invalid($"{Kind} needs N x D tokens, got {x}.");
    }

    /// <summary>Count x D: one learned vector per token.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return checked((long)Count * inputs[0].Dims[^1]);
    }

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>The tokens keep the field of the positions they came from; the learned ones read no input.</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

    /// <summary>The gradient is split: the input's part passes on, the tokens' part is their weight gradient.</summary>
    public override BackwardRule Backward => BackwardRule.PassThrough;

    /// <summary>A new tensor (the concatenation); nothing saved.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates with { PassesGradient = true };

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Copy;
}

/// <summary>
/// A learned positional embedding added to a sequence of tokens (batch excluded), as ViT's
/// <c>pos_embedding</c> (torchvision's <c>input + self.pos_embedding</c>, a parameter of 1 x N x D): the
/// output has the input's shape and one parameter per input element, N x D. Its size follows the input,
/// so a ViT preset at another resolution has the embedding torchvision builds for that image size.
/// </summary>
public sealed record PositionalEmbedding : Layer
{
    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        return x.Rank >= 2 ? x : throw Invalid($"{Kind} needs N x D tokens, got {x}.");
    }

    /// <summary>One per input element: N x D.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs[0].Elements;
    }

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <inheritdoc/>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

    /// <summary>The input's gradient passes on unchanged; the embedding's is summed over the batch.</summary>
    public override BackwardRule Backward => BackwardRule.Weighted;

    /// <summary>A new tensor (the sum); nothing saved, and the gradient passes to the input as it is.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates with { PassesGradient = true };

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Elementwise;
}

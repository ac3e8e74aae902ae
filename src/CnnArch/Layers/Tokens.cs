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

/// <summary>
/// MViT's spatio-temporal class positional encoding (torchvision's <c>PositionalEncoding</c>): a learned class
/// token put in front of the T x H x W tokens of a video (N = T x H x W, N x D in, (N + 1) x D out, batch
/// excluded) and, with <see cref="Absolute"/> (MViT V1), a learned position added to every token: a spatial
/// embedding of H x W x D repeated over the frames plus a temporal one of T x D repeated over the positions, and
/// a class position of D for the class token. Parameters D, plus (H x W + T + 1) x D when absolute (mvit_v1_b:
/// 96 + (3,136 + 8 + 1) x 96 = 302,016); MViT V2 uses relative positions inside its attention instead (see
/// <see cref="DecomposedRelativePosition"/>) and keeps only the class token. No multiply-adds.
/// </summary>
public sealed record PositionalEncoding : Layer
{
    /// <summary>The frames T of the token grid (torchvision's <c>temporal_size</c>).</summary>
    public required int Temporal { get; init => field = Guard.Positive(value, nameof(Temporal)); }

    /// <summary>The rows H of the token grid (torchvision's <c>spatial_size[0]</c>).</summary>
    public required int Height { get; init => field = Guard.Positive(value, nameof(Height)); }

    /// <summary>The columns W of the token grid (torchvision's <c>spatial_size[1]</c>).</summary>
    public required int Width { get; init => field = Guard.Positive(value, nameof(Width)); }

    /// <summary>Whether learned positions are added (MViT V1); false is MViT V2's class token alone (<c>rel_pos_embed=True</c>). Default true.</summary>
    public bool Absolute { get; init; } = true;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        var tokens = (long)Temporal * Height * Width;
        return x.Rank == 2 && x.Dims[0] == tokens
            ? TensorShape.Of(checked(x.Dims[0] + 1), x.Dims[1])
            : throw Invalid($"{Kind} of a {Temporal}x{Height}x{Width} grid needs {tokens} x D tokens, got {x}.");
    }

    /// <summary>The class token, D; when absolute also the spatial (H x W x D), temporal (T x D) and class (D) positions.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        long d = inputs[0].Dims[^1];
        return Absolute ? checked(((long)Height * Width + Temporal + 2) * d) : d;
    }

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>The tokens keep the field of the positions they came from; the class token reads no input.</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

    /// <summary>Absolute: the input's gradient passes on and the positions' is summed over the batch; else the gradient is split, as <see cref="ClassToken"/>'s.</summary>
    public override BackwardRule Backward => Absolute ? BackwardRule.Weighted : BackwardRule.PassThrough;

    /// <summary>A new tensor (the concatenation, and the sum); nothing saved, and the gradient passes to the input as it is.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates with { PassesGradient = true };

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => Absolute ? KernelClass.Elementwise : KernelClass.Copy;
}

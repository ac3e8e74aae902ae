namespace CnnArch.Layers;

/// <summary>
/// Cuts a C x H x W map (batch excluded) into non-overlapping P x P windows, as torchvision's MaxViT
/// <c>WindowPartition</c> module (a reshape, a permute and a reshape): (H/P x W/P) x P^2 x C out, the windows
/// in row-major order, each window's P^2 positions in row-major order, channels last. A copy, no arithmetic.
/// </summary>
public sealed record WindowPartition : DataMovement
{
    /// <summary>The window side P, which must divide H and W.</summary>
    public required int Size { get; init => field = Guard.Positive(value, nameof(Size)); }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        if (x.Rank != 3 || x.Dims[1] % Size != 0 || x.Dims[2] % Size != 0)
        {
            throw Invalid($"{Kind} of {Size} x {Size} windows needs a C x H x W map whose sides {Size} divides, got {x}.");
        }

        return TensorShape.Of(checked(x.Dims[1] / Size * (x.Dims[2] / Size)), Size * Size, x.Dims[0]);
    }

    /// <summary>A new, contiguous tensor (the reshape after the permute copies); nothing saved.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Copy;
}

/// <summary>
/// The inverse of <see cref="WindowPartition"/>, as torchvision's MaxViT <c>WindowDepartition</c> module: G x P^2 x C
/// windows (batch excluded), <see cref="Rows"/> rows of G / Rows windows, back to a C x (Rows P) x (G/Rows P) map.
/// A copy, no arithmetic.
/// </summary>
public sealed record WindowDepartition : DataMovement
{
    /// <summary>The window side P.</summary>
    public required int Size { get; init => field = Guard.Positive(value, nameof(Size)); }

    /// <summary>The windows down the map (torchvision's <c>h_partitions</c>), which must divide the window count G.</summary>
    public required int Rows { get; init => field = Guard.Positive(value, nameof(Rows)); }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        if (x.Rank != 3 || x.Dims[1] != Size * Size || x.Dims[0] % Rows != 0)
        {
            throw Invalid($"{Kind} of {Rows} rows of {Size} x {Size} windows needs G x {Size * Size} x C windows with G a multiple of {Rows}, got {x}.");
        }

        return TensorShape.Of(x.Dims[2], checked(Rows * Size), checked(x.Dims[0] / Rows * Size));
    }

    /// <summary>A new, contiguous tensor; nothing saved.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Copy;
}

/// <summary>
/// A learned relative-position bias added to the attention logits of P x P windows (Swin, MaxViT): logits
/// ... x H x P^2 x P^2 in (H heads; batch excluded), the same shape out. Its parameter is a table of
/// (2P - 1)^2 x H biases, one per relative offset and head, gathered by a buffer of P^2 x P^2 indices
/// (torchvision's <c>relative_position_bias_table</c> and <c>relative_position_index</c>), and broadcast over the
/// leading dimensions (the windows), so the table counts once however many windows share it. No multiply-adds;
/// one addition per element.
/// </summary>
public sealed record RelativePositionBias : Layer
{
    /// <summary>The window side P; the logits are P^2 x P^2 per head.</summary>
    public required int Size { get; init => field = Guard.Positive(value, nameof(Size)); }

    /// <summary>The number of heads H: the logits' third dimension from the end.</summary>
    /// <exception cref="InvalidNetworkException">The input is no ... x H x P^2 x P^2 logits.</exception>
    public int Heads(TensorShape logits)
    {
        var tokens = Size * Size;
        return logits.Rank >= 3 && logits.Dims[^1] == tokens && logits.Dims[^2] == tokens
            ? logits.Dims[^3]
            : throw Invalid($"{Kind} of {Size} x {Size} windows needs ... x H x {tokens} x {tokens} attention logits, got {logits}.");
    }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Heads(inputs[0]);
        return inputs[0];
    }

    /// <summary>The table: (2P - 1)^2 x H.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var side = (2L * Size) - 1;
        return checked(side * side * Heads(inputs[0]));
    }

    /// <summary>The index: P^2 x P^2 (int64 in PyTorch, counted as elements as every buffer).</summary>
    public override long Buffers(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Heads(inputs[0]);
        return checked((long)Size * Size * Size * Size);
    }

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>The bias reads no input position: each logit keeps its field.</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

    /// <summary>The logits' gradient passes on unchanged; the table's is the gradient summed into its entries.</summary>
    public override BackwardRule Backward => BackwardRule.Weighted;

    /// <summary>A new tensor (the sum); nothing saved, and the gradient passes to the input as it is.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates with { PassesGradient = true };

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Elementwise;
}

using System.Collections.Immutable;

namespace CnnArch.Layers;

/// <summary>What a <see cref="StoredTensor"/> is to the model that holds it.</summary>
public enum StoredTensorRole
{
    /// <summary>A learned tensor (<c>nn.Parameter</c>): counted as parameters.</summary>
    Parameter,

    /// <summary>A stored constant (<c>register_buffer</c>): counted as buffers.</summary>
    Buffer,

    /// <summary>A constant the forward builds each time (Swin's shifted-window mask): neither.</summary>
    Computed,
}

/// <summary>
/// A tensor the model holds or builds rather than computes from its input: a learned table (Swin's
/// <c>relative_position_bias_table</c>), a buffer (Swin V2's <c>relative_coords_table</c>) or a constant the
/// forward makes (the shifted-window attention mask). Its one input only places it in the graph (it reads
/// none of it); its output is <see cref="Dims"/>. No arithmetic.
/// </summary>
public sealed record StoredTensor : Layer
{
    /// <summary>The tensor's dimensions (batch excluded: it is one for every sample).</summary>
    public required ImmutableArray<int> Dims { get; init; }

    /// <summary>Parameter, buffer or computed; default a parameter.</summary>
    public StoredTensorRole Role { get; init; }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs) =>
        Dims.Length > 0 && Dims.All(d => d > 0) ? TensorShape.Of([.. Dims]) : throw Invalid($"a stored tensor needs positive dimensions, got [{string.Join(",", Dims)}].");

    /// <summary>Its elements, when it is a parameter.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => Role == StoredTensorRole.Parameter ? InferShape(inputs).Elements : 0;

    /// <summary>Its elements, when it is a buffer.</summary>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => Role == StoredTensorRole.Buffer ? InferShape(inputs).Elements : 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>It reads no input: the field it is given passes on (what it is combined with decides).</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

    /// <summary>No gradient reaches its input; a parameter's is its weight gradient.</summary>
    public override BackwardRule Backward => Role == StoredTensorRole.Parameter ? BackwardRule.Weighted : BackwardRule.PassThrough;

    /// <summary>Counted as a new tensor of its size (small: a table, an index, a mask); nothing saved.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => Role == StoredTensorRole.Computed ? KernelClass.Copy : KernelClass.View;
}

/// <summary>
/// The relative position bias of window attention (Swin, Liu et al. 2021): a table of
/// (2 Wh - 1)(2 Ww - 1) x heads, one learned value per head and relative offset inside a Wh x Ww window,
/// gathered by a stored index (a buffer of N^2 = (Wh Ww)^2 entries) into heads x N x N, the bias added to
/// every window's attention scores. As torchvision's <c>_get_relative_position_bias</c>: the gather, a view
/// and a permute. Its input is the table (a <see cref="StoredTensor"/> parameter in Swin, the output of the
/// continuous position bias MLP in Swin V2); a table of offsets alone is one head's. No arithmetic.
/// </summary>
public sealed record RelativePositionGather : Layer
{
    /// <summary>The window's height and width in tokens, (Wh, Ww); default 7 x 7.</summary>
    public ImmutableArray<int> WindowSize { get; init; } = [7, 7];

    /// <summary>The tokens in one window, N = Wh x Ww.</summary>
    /// <exception cref="InvalidNetworkException">The window is not two positive sides.</exception>
    public int Tokens => WindowSize.Length == 2 && WindowSize[0] > 0 && WindowSize[1] > 0 ? checked(WindowSize[0] * WindowSize[1])
        : throw Invalid($"a relative position bias needs a window of two positive sides, got [{string.Join(",", WindowSize)}].");

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var table = inputs[0];
        var n = Tokens;
        var offsets = ((2L * WindowSize[0]) - 1) * ((2L * WindowSize[1]) - 1);
        return table.Rank <= 2 && table.Dims[0] == offsets
            ? TensorShape.Of(table.Rank == 2 ? table.Dims[1] : 1, n, n)
            : throw Invalid($"a relative position bias of a {WindowSize[0]}x{WindowSize[1]} window needs a table of {offsets} x heads, got {table}.");
    }

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <summary>The index: N^2 entries (<c>relative_position_index</c>).</summary>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => checked((long)Tokens * Tokens);

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <inheritdoc/>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

    /// <summary>The gradient is scattered back into the table.</summary>
    public override BackwardRule Backward => BackwardRule.PassThrough;

    /// <summary>A new tensor (the gather and the contiguous permute); the index is stored already.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Copy;
}

/// <summary>
/// A cyclic shift along some axes (batch excluded), as <c>torch.roll</c>: Swin's shifted windows move the
/// map by half a window before the attention and back after it. A copy, no arithmetic; every output element
/// sees what the element it came from saw.
/// </summary>
public sealed record Roll : DataMovement
{
    /// <summary>The shift per rolled axis (negative rolls towards the start).</summary>
    public required ImmutableArray<int> Shifts { get; init; }

    /// <summary>The rolled axes, one per shift.</summary>
    public required ImmutableArray<int> Axes { get; init; }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        return Shifts.Length == Axes.Length && Axes.All(a => a >= 0 && a < x.Rank) ? x
            : throw Invalid($"a roll of axes [{string.Join(",", Axes)}] by [{string.Join(",", Shifts)}] does not fit a {x} tensor.");
    }

    /// <summary>A new tensor; nothing saved.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Copy;
}

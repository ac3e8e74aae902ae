using System.Collections.Immutable;

namespace CnnArch.Layers;

/// <summary>
/// Scaled dot-product attention (Vaswani et al. 2017), as <c>F.scaled_dot_product_attention</c> and the
/// core of <c>nn.MultiheadAttention</c>: softmax(Q K^T / sqrt(d)) V over three inputs, query H x N x d,
/// key H x M x d and value H x M x d_v (H heads, or any leading dimensions, equal in all three; batch
/// excluded), giving H x N x d_v. No parameters. Multiply-adds: H x N x M x d for Q K^T plus
/// H x N x M x d_v for the attention times V; the softmax is element-wise. Every output token reads
/// every key token, so its receptive field is the whole input.
/// </summary>
public sealed record ScaledDotProductAttention : Layer
{
    /// <summary>Dropout probability on the attention weights in training; default 0 (none).</summary>
    public double Dropout { get; init => field = Guard.Probability(value, nameof(Dropout)); }

    /// <inheritdoc/>
    public override int MinInputs => 3;

    /// <inheritdoc/>
    public override int MaxInputs => 3;

    /// <summary>The sizes of <paramref name="inputs"/> (query, key, value): heads (the product of the leading dimensions), N, M, d and d_v.</summary>
    /// <exception cref="InvalidNetworkException">The shapes do not fit together.</exception>
    public (long Heads, int Queries, int Keys, int Depth, int ValueDepth) Sizes(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (q, k, v) = (inputs[0], inputs[1], inputs[2]);
        if (q.Rank < 2 || k.Rank != q.Rank || v.Rank != q.Rank)
        {
            throw Invalid($"attention needs query, key and value of the same rank, at least 2 (... x N x d), got {q}, {k} and {v}.");
        }

        var lead = q.Dims[..^2];
        if (!lead.SequenceEqual(k.Dims[..^2]) || !lead.SequenceEqual(v.Dims[..^2]) || q.Dims[^1] != k.Dims[^1] || k.Dims[^2] != v.Dims[^2])
        {
            throw Invalid($"attention of query {q}, key {k} and value {v}: the heads must agree, query and key must have one depth, key and value one length.");
        }

        var heads = lead.Aggregate(1L, (a, d) => checked(a * d));
        return (heads, q.Dims[^2], k.Dims[^2], q.Dims[^1], v.Dims[^1]);
    }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var sizes = Sizes(inputs);
        return TensorShape.Of([.. inputs[0].Dims[..^1], sizes.ValueDepth]);
    }

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>Every output token reads every key token: the whole input (see <see cref="ReceptiveField.Global"/>).</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Global();
    }

    /// <summary>
    /// Twice the forward: the gradients of V and of the attention weights, then (through the softmax) of
    /// Q and K, four products each the size of one of the forward's two.
    /// </summary>
    public override BackwardRule Backward => BackwardRule.TwiceForward;

    /// <summary>
    /// A new output. Training keeps the key and value, the scaled query (H x N x d) and the softmax output
    /// (H x N x M), and with dropout the dropped weights (H x N x M) and their one-byte mask: the H x N x M
    /// terms are why a transformer's training memory grows with the square of its tokens. While it runs,
    /// the scores and their softmax (2 x H x N x M) are a workspace.
    /// </summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output)
    {
        var (heads, n, m, d, _) = Sizes(inputs);
        var weights = checked(heads * n * m);
        return MemoryBehavior.Allocates with
        {
            SavedInputs = 0b110,
            SavedExtraElements = checked((heads * n * d) + weights + (Dropout > 0 ? weights : 0)),
            SavedExtraBytes = Dropout > 0 ? weights : 0,
            WorkspaceElements = checked(2 * weights),
        };
    }

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.MatrixMultiply;
}

/// <summary>
/// Multi-head attention, as <c>nn.MultiheadAttention(D, H, batch_first=True)</c>: tokens N x D in, N x D out
/// (batch excluded). Its parts are one in-projection (weight 3D x D and bias 3D) to queries, keys and
/// values, split into H heads of D / H; a <see cref="ScaledDotProductAttention"/> per head; the heads
/// merged; and an out-projection (a D x D linear layer with bias). One input is self-attention
/// (<c>attn(x, x, x)</c>); two are a query and a key that is also the value; three are query, key and
/// value (key and value of one length M, all of dimension D). 4D^2 + 4D parameters with bias
/// (vit_b_16: 2,362,368). One node, as torchvision's forward hooks see one leaf module; every convention
/// counts its parts: the projections as linear layers and the two attention products as matrix products.
/// </summary>
public sealed record MultiheadAttention : Layer
{
    /// <summary>The number of heads H; must divide the embedding dimension.</summary>
    public required int Heads { get; init => field = Guard.Positive(value, nameof(Heads)); }

    /// <summary>Whether the in- and out-projections have biases (PyTorch's <c>bias</c>); default true.</summary>
    public bool HasBias { get; init; } = true;

    /// <summary>Dropout probability on the attention weights in training (PyTorch's <c>dropout</c>); default 0.</summary>
    public double Dropout { get; init => field = Guard.Probability(value, nameof(Dropout)); }

    /// <inheritdoc/>
    public override int MinInputs => 1;

    /// <inheritdoc/>
    public override int MaxInputs => 3;

    /// <summary>The sizes of <paramref name="inputs"/>: query tokens N, key tokens M and the embedding dimension D.</summary>
    /// <exception cref="InvalidNetworkException">The inputs are no N x D token matrices of one D, or H does not divide D.</exception>
    public (int Queries, int Keys, int Embed) Sizes(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var q = inputs[0];
        var k = inputs.Count > 1 ? inputs[1] : q;
        var v = inputs.Count > 2 ? inputs[2] : k;
        if (q.Rank != 2 || k.Rank != 2 || v.Rank != 2 || k.Dims[1] != q.Dims[1] || v.Dims[1] != q.Dims[1] || v.Dims[0] != k.Dims[0])
        {
            throw Invalid($"MultiheadAttention needs N x D tokens (query, key and value of one D, key and value of one length), got {string.Join(", ", inputs)}.");
        }

        var (n, m, d) = (q.Dims[0], k.Dims[0], q.Dims[1]);
        if (d % Heads != 0)
        {
            throw Invalid($"{Heads} heads do not divide the embedding dimension {d}.");
        }

        return (n, m, d);
    }

    /// <summary>The inputs of the attention core, one sample: queries H x N x D/H, keys and values H x M x D/H.</summary>
    /// <exception cref="InvalidNetworkException">The inputs do not fit (see <see cref="Sizes"/>).</exception>
    public ImmutableArray<TensorShape> CoreInputs(IReadOnlyList<TensorShape> inputs)
    {
        var (n, m, d) = Sizes(inputs);
        var head = d / Heads;
        return [TensorShape.Of(Heads, n, head), TensorShape.Of(Heads, m, head), TensorShape.Of(Heads, m, head)];
    }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        var (n, _, d) = Sizes(inputs);
        return TensorShape.Of(n, d);
    }

    /// <summary>The in-projection's 3D x D weights and 3D biases, the out-projection's D x D weights and D biases: 4D^2 + 4D.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        var (_, _, d) = Sizes(inputs);
        var weights = checked(4L * d * d);
        return HasBias ? checked(weights + (4L * d)) : weights;
    }

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>Every output token reads every key token: the whole input (see <see cref="ReceptiveField.Global"/>).</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Global();
    }

    /// <summary>
    /// The input's gradient and the weights' gradient: the projections each cost their forward twice (dX and
    /// dW), and the attention core, whose gradient reaches the in-projection, twice its forward.
    /// </summary>
    public override BackwardRule Backward => BackwardRule.Weighted;

    /// <summary>
    /// A new output. Training keeps what PyTorch 1.13's <c>multi_head_attention_forward</c> saves: its inputs
    /// (for the in-projection's weight gradient), the projected queries, keys and values ((N + 2M) x D), the
    /// scaled queries (N x D), the softmax output (H x N x M, twice with dropout, plus a one-byte mask) and
    /// the merged heads (N x D, the out-projection's input). While it runs, the queries, keys and values and
    /// the scores with their softmax ((N + 2M) x D + 2 x H x N x M) are a workspace.
    /// </summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output)
    {
        var (n, m, d) = Sizes(inputs);
        var weights = checked((long)Heads * n * m);
        var projected = checked((n + (2L * m)) * d);
        return MemoryBehavior.SavingInputs(inputs.Count) with
        {
            SavedExtraElements = checked(projected + (2L * n * d) + weights + (Dropout > 0 ? weights : 0)),
            SavedExtraBytes = Dropout > 0 ? weights : 0,
            WorkspaceElements = checked(projected + (2 * weights)),
        };
    }

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.MatrixMultiply;
}

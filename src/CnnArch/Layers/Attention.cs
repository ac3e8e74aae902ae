using System.Collections.Immutable;

namespace CnnArch.Layers;

/// <summary>
/// Scaled dot-product attention (Vaswani et al. 2017), as <c>F.scaled_dot_product_attention</c> and the
/// core of <c>nn.MultiheadAttention</c>: softmax(Q K^T / sqrt(d)) V over three inputs, query H x N x d,
/// key H x M x d and value H x M x d_v (H heads, or any leading dimensions, equal in all three; batch
/// excluded), giving H x N x d_v. No parameters. Multiply-adds: H x N x M x d for Q K^T plus
/// H x N x M x d_v for the attention times V; the softmax is element-wise. Every output token reads
/// every key token, so its receptive field is the whole input. A fourth input is an additive attention
/// mask (the float <c>attn_mask</c> of <c>F.scaled_dot_product_attention</c>), broadcast to the scores
/// H x N x M: Swin's relative position bias and shifted-window mask. Window attention (Swin) sets
/// <see cref="WindowSize"/>: the tokens are the windows of a map, so the field grows by a window rather
/// than becoming the whole input; <see cref="Cosine"/> is Swin V2's scaled cosine attention.
/// </summary>
public sealed record ScaledDotProductAttention : Layer
{
    /// <summary>Dropout probability on the attention weights in training; default 0 (none).</summary>
    public double Dropout { get; init => field = Guard.Probability(value, nameof(Dropout)); }

    /// <summary>
    /// The window, in tokens per spatial axis of the map the tokens were partitioned from (Swin's 7 x 7), when
    /// each set of tokens is one window of a map; empty (the default) when the tokens are the whole input.
    /// </summary>
    public ImmutableArray<int> WindowSize { get; init; } = [];

    /// <summary>
    /// Swin V2's scaled cosine attention: the queries and keys L2-normalised along d and the scores
    /// multiplied by a learned scale per head (<c>logit_scale</c>, one per entry of the dimension before the
    /// tokens, counted as this layer's parameters) instead of the queries scaled by 1 / sqrt(d); default false.
    /// </summary>
    public bool Cosine { get; init; }

    /// <inheritdoc/>
    public override int MinInputs => 3;

    /// <inheritdoc/>
    public override int MaxInputs => 4;

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

        if (inputs.Count > 3)
        {
            var scores = TensorShape.Of([.. lead, q.Dims[^2], k.Dims[^2]]);
            if (TensorOps.Broadcast(scores, inputs[3]) != scores)
            {
                throw Invalid($"an attention mask of {inputs[3]} does not broadcast to the scores {scores}.");
            }
        }

        if (Cosine && q.Rank < 3)
        {
            throw Invalid($"cosine attention needs heads before the tokens (... x heads x N x d), got {q}.");
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
    /// <summary>None; with <see cref="Cosine"/>, the scale per head (the query's dimension before the tokens).</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Cosine ? inputs[0].Dims[^3] : 0;
    }

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>
    /// Every output token reads every key token: the whole input (see <see cref="ReceptiveField.Global"/>).
    /// Window attention reads its window: the field grows as through a sliding window of
    /// <see cref="WindowSize"/> at stride 1 (r += (W - 1) x jump per axis), a token's own window of W tokens. The
    /// aligned windows of a shifted block that follows reach one token further than that sliding bound (2W
    /// tokens after a W-MSA and SW-MSA pair, where the bound says 2W - 1).
    /// </summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (WindowSize.IsDefaultOrEmpty)
        {
            return field.Global();
        }

        var one = SpatialSize.Uniform(1).At(WindowSize.Length, "stride");
        return field.Through(new LayerWindow(SpatialSize.Of([.. WindowSize]), one, SpatialPadding.Zero, one, 1));
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

/// <summary>
/// MViT V2's decomposed relative position embedding (Li et al. 2022; torchvision's <c>_add_rel_pos</c>): from the
/// queries ... x N_q x d (N_q = 1 + T_q x H_q x W_q, a class token first; the leading dimensions are the heads,
/// batch excluded), the bias ... x N_q x N_k that is added to the attention scores (N_k = 1 + T_k x H_k x W_k). Each
/// query of the grid is multiplied with a learned embedding of its offset to every key row, column and frame
/// (three einsums of the query with the gathered tables), and the three are summed into one bias per query and
/// key; the class token's row and column get none. Parameters: the tables <c>rel_pos_h</c>, <c>rel_pos_w</c> and
/// <c>rel_pos_t</c> of (2 max(H_q, H_k) - 1), (2 max(W_q, W_k) - 1) and (2 max(T_q, T_k) - 1) offsets by d (the
/// sizes torchvision builds for the grids its strides give, where it interpolates nothing). Multiply-adds:
/// ... x T_q H_q W_q x d x (H_k + W_k + T_k), the three products (FlopCounterMode's einsums and matmul).
/// </summary>
public sealed record DecomposedRelativePosition : Layer
{
    /// <summary>The queries' token grid: T_q, H_q, W_q.</summary>
    public required ImmutableArray<int> QueryGrid { get; init => field = Grid(value, nameof(QueryGrid)); }

    /// <summary>The keys' token grid: T_k, H_k, W_k.</summary>
    public required ImmutableArray<int> KeyGrid { get; init => field = Grid(value, nameof(KeyGrid)); }

    private static ImmutableArray<int> Grid(ImmutableArray<int> value, string name) =>
        !value.IsDefault && value.Length == 3 && value.All(v => v > 0)
            ? value
            : throw new ArgumentException($"{name} needs three positive sizes (T, H, W), got [{(value.IsDefault ? string.Empty : string.Join(", ", value))}].", name);

    private static long Tokens(ImmutableArray<int> grid) => checked((long)grid[0] * grid[1] * grid[2]);

    /// <summary>The sizes of <paramref name="queries"/>: the product of the leading dimensions (the heads) and the depth d.</summary>
    /// <exception cref="InvalidNetworkException">The queries are no ... x (1 + T_q H_q W_q) x d tensor.</exception>
    public (long Heads, int Depth) Sizes(TensorShape queries)
    {
        var n = 1 + Tokens(QueryGrid);
        if (queries.Rank < 2 || queries.Dims[^2] != n)
        {
            throw Invalid($"{Kind} of a {string.Join("x", QueryGrid)} query grid needs ... x {n} x d queries (a class token first), got {queries}.");
        }

        return (queries.Dims[..^2].Aggregate(1L, (a, d) => checked(a * d)), queries.Dims[^1]);
    }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Sizes(inputs[0]);
        return TensorShape.Of([.. inputs[0].Dims[..^1], checked((int)(1 + Tokens(KeyGrid)))]);
    }

    /// <summary>The three tables: (2 max(H_q, H_k) - 1 + 2 max(W_q, W_k) - 1 + 2 max(T_q, T_k) - 1) x d.</summary>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (_, d) = Sizes(inputs[0]);
        long offsets = 0;
        for (var axis = 0; axis < 3; axis++)
        {
            offsets += (2L * Math.Max(QueryGrid[axis], KeyGrid[axis])) - 1;
        }

        return checked(offsets * d);
    }

    /// <summary>The three products: ... x T_q H_q W_q x d x (H_k + W_k + T_k) multiply-adds.</summary>
    public long MultiplyAdds(TensorShape queries)
    {
        var (heads, d) = Sizes(queries);
        return checked(heads * Tokens(QueryGrid) * d * ((long)KeyGrid[0] + KeyGrid[1] + KeyGrid[2]));
    }

    /// <summary>The additions that sum the three products into one bias per query and key of the grids: 2 x ... x T_q H_q W_q x T_k H_k W_k.</summary>
    public long Additions(TensorShape queries)
    {
        var (heads, _) = Sizes(queries);
        return checked(2 * heads * Tokens(QueryGrid) * Tokens(KeyGrid));
    }

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <summary>Each bias reads its own query: the field is the queries'.</summary>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

    /// <summary>The gradients of the queries and of the tables: products of the forward's size.</summary>
    public override BackwardRule Backward => BackwardRule.Weighted;

    /// <summary>A new output; training keeps the queries (for the tables' gradient).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.SavingInput;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.MatrixMultiply;
}

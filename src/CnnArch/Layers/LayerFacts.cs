namespace CnnArch.Layers;

/// <summary>
/// How the backward pass of a layer kind is counted, from the forward count F of the convention and
/// which gradients are needed (see docs/conventions.md, "Training compute").
/// </summary>
public enum BackwardRule
{
    /// <summary>No arithmetic: the gradient passes through or is split (Add, Concat, views).</summary>
    PassThrough,

    /// <summary>F for the input's gradient, when the input needs one (activations, pools, dropout, softmax).</summary>
    InputGradient,

    /// <summary>F per distinct input that needs a gradient (MatMul, Scale, element-wise products of two tensors).</summary>
    PerInput,

    /// <summary>
    /// F for the input's gradient when the input needs one, plus F for the weights' gradient when the
    /// layer is trainable (convolutions, linear layers, normalisations with affine weights).
    /// </summary>
    Weighted,

    /// <summary>
    /// 2F when any input needs a gradient (scaled dot-product attention: the gradients of V and of the
    /// attention weights, then of Q and K, four products each the size of one of the forward's two).
    /// </summary>
    TwiceForward,
}

/// <summary>How a layer runs on a device: the class sets its efficiency and whether it launches a kernel.</summary>
public enum KernelClass
{
    /// <summary>A dense convolution (groups = 1) or a transposed one: implicit GEMM on tensor cores.</summary>
    Convolution,

    /// <summary>A grouped convolution (1 &lt; groups &lt; channels), as ResNeXt's.</summary>
    GroupedConvolution,

    /// <summary>A depthwise convolution (groups = channels), as MobileNet's.</summary>
    DepthwiseConvolution,

    /// <summary>A linear layer or a matrix product.</summary>
    MatrixMultiply,

    /// <summary>An element-wise kernel: activations, additions, scales.</summary>
    Elementwise,

    /// <summary>A normalisation kernel: batch norm at inference, instance, group, layer and local response norms.</summary>
    Normalization,

    /// <summary>A pooling or reduction kernel.</summary>
    Reduction,

    /// <summary>A copy: concatenation, padding, resizing, transposition, pixel shuffle.</summary>
    Copy,

    /// <summary>A view of its input (flatten, reshape, slice, identity, dropout at inference): no kernel, no time.</summary>
    View,
}

/// <summary>
/// How a layer uses memory, one sample: whether its output shares its input's storage, what its
/// forward keeps for the backward pass (PyTorch's derivatives.yaml), and the transient workspace it
/// takes while it runs. <see cref="Unknown"/> is for operations CnnArch has no model of: memory
/// reports list them as uncounted.
/// </summary>
public readonly record struct MemoryBehavior
{
    /// <summary>Nothing saved, a new output, no workspace: joins and copies whose backward needs no tensor (Add, Concat, Pad).</summary>
    public static MemoryBehavior Allocates { get; } = new() { IsKnown = true };

    /// <summary>A view of the input in inference and training (flatten, reshape, slice, identity): no storage of its own, nothing saved.</summary>
    public static MemoryBehavior View { get; } = new() { IsKnown = true, AliasesInputAtInference = true, AliasesInputInTraining = true, PassesGradient = true };

    /// <summary>No rule: what the layer stores and saves is not known.</summary>
    public static MemoryBehavior Unknown { get; } = default;

    /// <summary>False for <see cref="Unknown"/>.</summary>
    public bool IsKnown { get; init; }

    /// <summary>True when the output shares its input's storage at inference (an in-place activation, a view).</summary>
    public bool AliasesInputAtInference { get; init; }

    /// <summary>True when the output shares its input's storage in training (only where the backward still has what it needs).</summary>
    public bool AliasesInputInTraining { get; init; }

    /// <summary>
    /// True when the backward hands its output's gradient (or views of it) to its inputs without a
    /// gradient buffer of its own: additions, concatenations, views.
    /// </summary>
    public bool PassesGradient { get; init; }

    /// <summary>Which inputs the backward keeps, as bits: bit k for input k.</summary>
    public int SavedInputs { get; init; }

    /// <summary>Whether the backward keeps the output.</summary>
    public bool SavesOutput { get; init; }

    /// <summary>Extra bytes kept for backward, independent of the element type (max-pool indices, dropout masks).</summary>
    public long SavedExtraBytes { get; init; }

    /// <summary>Extra elements of the activation type kept for backward (normalisation statistics, intermediates).</summary>
    public long SavedExtraElements { get; init; }

    /// <summary>Transient elements of the activation type taken while the layer runs (cuDNN's convolution workspace).</summary>
    public long WorkspaceElements { get; init; }

    /// <summary>A new output; the backward keeps the first input (convolutions, linear layers, most activations).</summary>
    public static MemoryBehavior SavingInput { get; } = Allocates with { SavedInputs = 1 };

    /// <summary>A new output; the backward keeps every one of <paramref name="inputs"/> inputs (products of tensors).</summary>
    public static MemoryBehavior SavingInputs(int inputs) => Allocates with { SavedInputs = inputs >= 31 ? -1 : (1 << inputs) - 1 };

    /// <summary>A new output, which the backward keeps (ReLU, sigmoid, tanh, softmax).</summary>
    public static MemoryBehavior SavingOutput { get; } = Allocates with { SavesOutput = true };

    /// <summary>Whether the backward keeps input <paramref name="index"/>.</summary>
    public bool SavesInput(int index) => index < 32 && (SavedInputs & (1 << index)) != 0;
}

using CnnArch.Layers;

namespace CnnArch.Memory;

/// <summary>What one layer's forward pass keeps for its backward pass, and how its output is stored.</summary>
internal static class SavedTensors
{
    /// <summary>
    /// True when the output shares its input's storage: in-place activations, views (flatten),
    /// the identity, and dropout at inference (or in place in training). In training only an in-place
    /// ReLU (whose backward needs just its output) really shares: an in-place ReLU6, Hardswish,
    /// Hardsigmoid or SiLU needs its input for backward, and PyTorch 2.11 on an H200 was measured to
    /// keep a separate tensor for it (mobilenet_v2's saved bytes grow by exactly its ReLU6 outputs).
    /// </summary>
    public static bool AliasesInput(Layer layer, bool training) => layer switch
    {
        Flatten or Identity => true,
        Add a => a.Inplace,
        Dropout d => !training || d.Inplace || d.P == 0,
        ReLU r => r.Inplace,
        _ => layer.IsInPlace && !training,
    };

    /// <summary>
    /// Transient workspace during a layer's forward: cuDNN (benchmark off, PyTorch 2.11, H200) was
    /// measured to take twice the output for convolutions with a kernel larger than 1x1 and at least
    /// 4 input channels per group (VGG-16: 1568 MiB = conv1_2's 392 in + 392 out + 784; VGG-11: 686 =
    /// 98 + 196 + 392; ResNeXt-101 32x8d: 589 = 98 + 196 + 98 + 196), and none for 1x1, depthwise or
    /// 3-channel convolutions, which implicit GEMM serves.
    /// </summary>
    public static long WorkspaceElements(Layer layer, TensorShape input, long outputElements) =>
        layer is Conv2d conv && conv.Kernel.Area > 1 && input.Channels / conv.Groups >= 4 ? checked(2 * outputElements) : 0;

    /// <summary>
    /// What autograd saves (PyTorch's derivatives.yaml): conv and linear their input; BatchNorm its input
    /// (plus per-channel mean and inverse std); ReLU and Sigmoid their output; the hard activations and
    /// SiLU their input; max-pool its input and int64 indices; average pools their input; dropout a
    /// one-byte mask; a channel scale both operands; additions, concatenations and views nothing.
    /// </summary>
    public static Saved For(Layer layer, int inputs, long outputElements, int channels) => layer switch
    {
        Conv2d or Linear or AvgPool2d or AdaptiveAvgPool2d => Saved.Inputs(0),
        BatchNorm2d => Saved.Inputs(0) with { ExtraFloats = 2L * channels },
        ReLU or Sigmoid => Saved.Output,
        ReLU6 or HardSigmoid or HardSwish or SiLU => Saved.Inputs(0),
        MaxPool2d => Saved.Inputs(0) with { ExtraBytes = checked(8 * outputElements) },
        Dropout d when d.P > 0 => Saved.None with { ExtraBytes = outputElements },
        Scale => Saved.Inputs([.. Enumerable.Range(0, inputs)]),

        // LRN is composed of pow, average pooling and division: its input and two intermediates of its size.
        LocalResponseNorm => Saved.Inputs(0) with { ExtraFloats = checked(2 * outputElements) },
        _ => Saved.None,
    };
}

/// <summary>The tensors one layer saves for backward.</summary>
/// <param name="InputIndices">Which inputs are saved.</param>
/// <param name="SavesOutput">Whether the output is saved.</param>
internal sealed record Saved(int[] InputIndices, bool SavesOutput)
{
    public static Saved None { get; } = new([], false);

    public static Saved Output { get; } = new([], true);

    /// <summary>Extra bytes independent of the element type (indices, masks), one sample.</summary>
    public long ExtraBytes { get; init; }

    /// <summary>Extra elements of the activation type (statistics, intermediates), one sample.</summary>
    public long ExtraFloats { get; init; }

    public static Saved Inputs(params int[] indices) => new(indices, false);
}

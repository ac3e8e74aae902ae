using System.Collections.Immutable;

namespace CnnArch.Memory;

/// <summary>One layer's share of memory, for the whole batch.</summary>
/// <param name="Path">The layer's path.</param>
/// <param name="Kind">The layer's kind.</param>
/// <param name="OutputBytes">Bytes of its output (shared with its input when it works in place or is a view).</param>
/// <param name="Allocates">False when the output reuses its input's storage (in-place ReLU, flatten).</param>
/// <param name="ParameterBytes">Bytes of its parameters.</param>
/// <param name="BufferBytes">Bytes of its buffers.</param>
/// <param name="SavedBytes">Bytes this layer adds to what training keeps for backward (storages no earlier layer saved, plus indices, masks, statistics).</param>
public sealed record LayerMemory(string Path, string Kind, long OutputBytes, bool Allocates, long ParameterBytes, long BufferBytes, long SavedBytes)
{
    /// <summary>Scratch memory the layer's kernel needs while it runs (a convolution's workspace), freed after it.</summary>
    public long WorkspaceBytes { get; init; }
}

/// <summary>Memory of an inference (no gradients) forward pass, above the resident weights and input.</summary>
/// <param name="PeakBytes">The most that is alive at once, each tensor kept until its last consumer has run.</param>
/// <param name="PeakLayer">The layer during which the peak happens.</param>
/// <param name="SumOfOutputsBytes">The plain sum of every layer's output, as the lecture adds them (allocating layers only).</param>
public sealed record InferenceMemory(long PeakBytes, string PeakLayer, long SumOfOutputsBytes);

/// <summary>Memory of one training step, above the resident weights and input unless said.</summary>
/// <param name="SavedActivationBytes">What the forward pass keeps for backward: unique storages, weights and input excluded.</param>
/// <param name="HeldAfterForwardBytes">Alive when the forward pass ends: the saved tensors and the output.</param>
/// <param name="ForwardBackwardPeakBytes">The peak over forward and backward, gradients included, optimizer step excluded.</param>
/// <param name="PeakLayer">The layer during whose forward or backward that peak happens.</param>
/// <param name="PeakInBackward">Whether the peak happens in the backward pass.</param>
/// <param name="GradientBytes">Parameter gradients (weight type).</param>
/// <param name="OptimizerStateBytes">Optimizer state (weight type).</param>
/// <param name="PeakBytes">Everything at the peak: weights, buffers, input, optimizer state and the forward-backward peak.</param>
public sealed record TrainingMemory(
    long SavedActivationBytes,
    long HeldAfterForwardBytes,
    long ForwardBackwardPeakBytes,
    string PeakLayer,
    bool PeakInBackward,
    long GradientBytes,
    long OptimizerStateBytes,
    long PeakBytes);

/// <summary>The memory estimate of one network at one batch size and precision.</summary>
public sealed record MemoryReport
{
    /// <summary>The model's name.</summary>
    public required string Model { get; init; }

    /// <summary>One sample's input.</summary>
    public required TensorShape Input { get; init; }

    /// <summary>The options used.</summary>
    public required MemoryOptions Options { get; init; }

    /// <summary>Bytes of all parameters (weight type).</summary>
    public required long ParameterBytes { get; init; }

    /// <summary>Bytes of all buffers (BatchNorm statistics, fp32).</summary>
    public required long BufferBytes { get; init; }

    /// <summary>Bytes of the input batch (activation type).</summary>
    public required long InputBytes { get; init; }

    /// <summary>Inference memory.</summary>
    public required InferenceMemory Inference { get; init; }

    /// <summary>Training memory.</summary>
    public required TrainingMemory Training { get; init; }

    /// <summary>Per-layer shares, in execution order.</summary>
    public required ImmutableArray<LayerMemory> Layers { get; init; }

    /// <summary>
    /// Layers of a kind whose memory behaviour CnnArch does not know (an unknown ONNX operator): each is
    /// taken to allocate its output and save nothing for backward, so the estimate may be short by what
    /// they really keep.
    /// </summary>
    public ImmutableArray<string> Uncounted { get; init; } = [];

    /// <summary>One line: the model, the run and both peaks in bytes (the breakdown: <c>TextReport.Write(report, training: true)</c>).</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Model} ({Input}, batch {Options.Batch}, {Options.DataType.Name()}): inference peak {Inference.PeakBytes:N0} bytes, training peak {Training.PeakBytes:N0} bytes ({Options.Optimizer.Name()})");
}

/// <summary>The largest batch that fits in a memory budget, for inference or training.</summary>
/// <param name="Budget">The budget, as written.</param>
/// <param name="Training">Whether the training peak (optimizer state included) must fit, else the inference total.</param>
/// <param name="LargestBatch">The largest batch that fits; 0 when not even one sample does.</param>
public sealed record MemoryFit(ByteSize Budget, bool Training, int LargestBatch);

namespace CnnArch.Layers;

/// <summary>
/// Batch normalisation over channels, as <c>nn.BatchNorm2d</c>: 2C affine parameters (weight,
/// bias) and 2C + 1 buffers (running mean, running variance, the step counter).
/// </summary>
public sealed record BatchNorm2d : ShapePreservingLayer
{
    /// <summary>Learn a scale and shift per channel; default true.</summary>
    public bool Affine { get; init; } = true;

    /// <summary>Keep running statistics as buffers; default true.</summary>
    public bool TrackRunningStats { get; init; } = true;

    /// <summary>Whether a step counter is kept beside the statistics (PyTorch's <c>num_batches_tracked</c>); default true. ONNX has none.</summary>
    public bool TracksStepCount { get; init; } = true;

    /// <summary>A BatchNorm2d with PyTorch's defaults.</summary>
    public static BatchNorm2d Default { get; } = new();

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs) =>
        FeatureMap(inputs);

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) =>
        Affine ? checked(2L * FeatureMap(inputs).Channels) : 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) =>
        TrackRunningStats ? checked((2L * FeatureMap(inputs).Channels) + (TracksStepCount ? 1 : 0)) : 0;
}

/// <summary>Local response normalisation across channels (AlexNet 2012, GoogLeNet 2014), as <c>nn.LocalResponseNorm</c>.</summary>
public sealed record LocalResponseNorm : ShapePreservingLayer
{
    /// <summary>Neighbouring channels summed over.</summary>
    public required int Size { get; init => field = Guard.Positive(value, nameof(Size)); }

    /// <summary>Scale alpha; default 1e-4.</summary>
    public double Alpha { get; init; } = 1e-4;

    /// <summary>Exponent beta; default 0.75.</summary>
    public double Beta { get; init; } = 0.75;

    /// <summary>Additive k; default 1.</summary>
    public double K { get; init; } = 1;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs) => FeatureMap(inputs);
}

/// <summary>Dropout: zeroes elements in training, the identity at inference.</summary>
public sealed record Dropout : ShapePreservingLayer
{
    /// <summary>Probability of zeroing; default 0.5.</summary>
    public double P { get; init => field = Guard.Probability(value, nameof(P)); } = 0.5;

    /// <summary>Whether the mask is applied in place; default false.</summary>
    public bool Inplace { get; init; }

    /// <inheritdoc/>
    public override bool IsInPlace => Inplace;
}

/// <summary>The identity, as <c>nn.Identity</c> (timm's placeholders for absent parts).</summary>
public sealed record Identity : ShapePreservingLayer
{
    /// <summary>The one instance.</summary>
    public static Identity Instance { get; } = new();
}

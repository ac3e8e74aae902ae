namespace CnnArch.Layers;

/// <summary>
/// What the normalisations share: the output has the input's shape, each position's field is its
/// input's, the backward counts input and (when affine) weight gradients, and they run as
/// normalisation kernels.
/// </summary>
public abstract record Normalization : Layer
{
    /// <inheritdoc/>
    public override LayerWindow? Window => null;

    /// <inheritdoc/>
    public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

    /// <inheritdoc/>
    public override BackwardRule Backward => BackwardRule.Weighted;

    /// <inheritdoc/>
    public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Normalization;
}

/// <summary>
/// Batch normalisation over channels of any rank, as <c>nn.BatchNorm1d/2d/3d</c>: 2C affine
/// parameters (weight, bias) and 2C + 1 buffers (running mean, running variance, the step counter).
/// </summary>
public abstract record BatchNorm : Normalization
{
    /// <summary>The number of spatial axes of the input: 1 (BatchNorm1d also takes a plain vector of C), 2 or 3.</summary>
    public abstract int SpatialRank { get; }

    /// <summary>Learn a scale and shift per channel; default true.</summary>
    public bool Affine { get; init; } = true;

    /// <summary>Keep running statistics as buffers; default true.</summary>
    public bool TrackRunningStats { get; init; } = true;

    /// <summary>Whether a step counter is kept beside the statistics (PyTorch's <c>num_batches_tracked</c>); default true. ONNX has none.</summary>
    public bool TracksStepCount { get; init; } = true;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs) => Input(inputs);

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) =>
        Affine ? checked(2L * Input(inputs).Channels) : 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) =>
        TrackRunningStats ? checked((2L * Input(inputs).Channels) + (TracksStepCount ? 1 : 0)) : 0;

    /// <summary>Saves its input and the per-channel mean and inverse standard deviation.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        MemoryBehavior.SavingInput with { SavedExtraElements = checked(2L * output.Channels) };

    private TensorShape Input(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return SpatialRank == 1 && inputs[0].Rank == 1 ? inputs[0] : FeatureMap(inputs, SpatialRank);
    }
}

/// <summary>Batch normalisation of C or C x L, as <c>nn.BatchNorm1d</c>.</summary>
public sealed record BatchNorm1d : BatchNorm
{
    /// <inheritdoc/>
    public override int SpatialRank => 1;
}

/// <summary>Batch normalisation of C x H x W, as <c>nn.BatchNorm2d</c>.</summary>
public sealed record BatchNorm2d : BatchNorm
{
    /// <inheritdoc/>
    public override int SpatialRank => 2;

    /// <summary>A BatchNorm2d with PyTorch's defaults.</summary>
    public static BatchNorm2d Default { get; } = new();
}

/// <summary>Batch normalisation of C x D x H x W, as <c>nn.BatchNorm3d</c>.</summary>
public sealed record BatchNorm3d : BatchNorm
{
    /// <inheritdoc/>
    public override int SpatialRank => 3;
}

/// <summary>
/// Instance normalisation: per sample and channel, as <c>nn.InstanceNorm1d/2d/3d</c>. PyTorch's default
/// learns no affine scale and keeps no running statistics; ONNX's InstanceNormalization always has the scale and shift.
/// </summary>
public abstract record InstanceNorm : Normalization
{
    /// <summary>The number of spatial axes of the input: 1, 2 or 3.</summary>
    public abstract int SpatialRank { get; }

    /// <summary>Learn a scale and shift per channel; default false, as PyTorch.</summary>
    public bool Affine { get; init; }

    /// <summary>Keep running statistics as buffers; default false, as PyTorch.</summary>
    public bool TrackRunningStats { get; init; }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs) => FeatureMap(inputs, SpatialRank);

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => Affine ? checked(2L * FeatureMap(inputs, SpatialRank).Channels) : 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => TrackRunningStats ? checked((2L * FeatureMap(inputs, SpatialRank).Channels) + 1) : 0;

    /// <summary>Saves its input and the mean and inverse standard deviation of each of its channels (it is batch norm over one sample).</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        MemoryBehavior.SavingInput with { SavedExtraElements = checked(2L * output.Channels) };
}

/// <summary>Instance normalisation of C x L, as <c>nn.InstanceNorm1d</c>.</summary>
public sealed record InstanceNorm1d : InstanceNorm
{
    /// <inheritdoc/>
    public override int SpatialRank => 1;
}

/// <summary>Instance normalisation of C x H x W, as <c>nn.InstanceNorm2d</c>.</summary>
public sealed record InstanceNorm2d : InstanceNorm
{
    /// <inheritdoc/>
    public override int SpatialRank => 2;
}

/// <summary>Instance normalisation of C x D x H x W, as <c>nn.InstanceNorm3d</c>.</summary>
public sealed record InstanceNorm3d : InstanceNorm
{
    /// <inheritdoc/>
    public override int SpatialRank => 3;
}

/// <summary>
/// Group normalisation (Wu and He 2018), as <c>nn.GroupNorm</c>: the channels of a feature map of any
/// rank split into <see cref="Groups"/> groups, each normalised over its channels and positions, with
/// a scale and shift per channel.
/// </summary>
public sealed record GroupNorm : Normalization
{
    /// <summary>The number of groups; it must divide the channels.</summary>
    public required int Groups { get; init => field = Guard.Positive(value, nameof(Groups)); }

    /// <summary>Learn a scale and shift per channel; default true.</summary>
    public bool Affine { get; init; } = true;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs[0];
        if (x.Rank < 2)
        {
            throw Invalid($"GroupNorm needs a feature map (C and at least one more axis), got {x}.");
        }

        return x.Channels % Groups == 0 ? x : throw Invalid($"{Groups} groups do not divide the {x.Channels} channels.");
    }

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Affine ? checked(2L * inputs[0].Channels) : 0;
    }

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <summary>Saves its input and the mean and inverse standard deviation of each group.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        MemoryBehavior.SavingInput with { SavedExtraElements = checked(2L * Groups) };
}

/// <summary>
/// Layer normalisation over the trailing dimensions from <see cref="Axis"/> (batch excluded), as <c>nn.LayerNorm</c>;
/// or over <see cref="AxisCount"/> of them, as torchvision's <c>LayerNorm2d</c> normalises the channels of a C x H x W map alone.
/// </summary>
public sealed record LayerNorm : Normalization
{
    /// <summary>The first normalised axis; default the last.</summary>
    public int Axis { get; init; } = -1;

    /// <summary>
    /// How many axes from <see cref="Axis"/> are normalised together; null (the default) every axis from it to the last.
    /// ConvNeXt's <c>LayerNorm2d</c> is Axis 0 and AxisCount 1: each position's channels, with 2C parameters.
    /// </summary>
    public int? AxisCount { get; init => field = value is { } v ? Guard.Positive(v, nameof(AxisCount)) : null; }

    /// <summary>Whether a bias is learned beside the scale; default true.</summary>
    public bool HasBias { get; init; } = true;

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _ = From(inputs[0]);
        return inputs[0];
    }

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var normalised = Normalised(inputs[0]);
        return HasBias ? checked(2 * normalised) : normalised;
    }

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <summary>Saves its input and a mean and inverse standard deviation per normalised row.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        MemoryBehavior.SavingInput with { SavedExtraElements = checked(2 * (output.Elements / Math.Max(1, Normalised(output)))) };

    /// <summary>The elements normalised together: the product of the dimensions from <see cref="Axis"/> on (<see cref="AxisCount"/> of them when set).</summary>
    public long Normalised(TensorShape shape)
    {
        long n = 1;
        var from = From(shape);
        for (var i = from; i < End(shape, from); i++)
        {
            n = checked(n * shape.Dims[i]);
        }

        return n;
    }

    private int From(TensorShape shape)
    {
        var from = Axis < 0 ? (long)shape.Rank + Axis : Axis;
        if (from < 0 || from >= shape.Rank)
        {
            throw Invalid($"normalising from axis {Axis} of a {shape} tensor, which has {shape.Rank} axes.");
        }

        _ = End(shape, (int)from);
        return (int)from;
    }

    private int End(TensorShape shape, int from) =>
        AxisCount is not { } count ? shape.Rank
        : from + (long)count <= shape.Rank ? from + count
        : throw Invalid($"normalising {count} axes from axis {Axis} of a {shape} tensor, which has {shape.Rank} axes.");
}

/// <summary>Local response normalisation across channels (AlexNet 2012, GoogLeNet 2014), as <c>nn.LocalResponseNorm</c>.</summary>
public sealed record LocalResponseNorm : Normalization
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
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs[0].Rank >= 2 ? inputs[0] : throw Invalid($"LocalResponseNorm needs a feature map (C and at least one more axis), got {inputs[0]}.");
    }

    /// <inheritdoc/>
    public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

    /// <inheritdoc/>
    public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

    /// <summary>Composed of pow, average pooling and division: it saves its input and two intermediates of its size.</summary>
    public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        MemoryBehavior.SavingInput with { SavedExtraElements = checked(2 * output.Elements) };
}

namespace CnnArch.Layers;

/// <summary>An element-wise non-linearity.</summary>
public abstract record Activation : ShapePreservingLayer
{
    /// <summary>Whether the output overwrites the input (PyTorch's <c>inplace=True</c>); default false.</summary>
    public bool Inplace { get; init; }

    /// <inheritdoc/>
    public override bool IsInPlace => Inplace;
}

/// <summary>max(0, x).</summary>
public sealed record ReLU : Activation;

/// <summary>min(max(0, x), 6): MobileNet's activation.</summary>
public sealed record ReLU6 : Activation;

/// <summary>1 / (1 + e^-x).</summary>
public sealed record Sigmoid : Activation;

/// <summary>relu6(x + 3) / 6: MobileNetV3's gate.</summary>
public sealed record HardSigmoid : Activation
{
    /// <inheritdoc/>
    public override string Kind => "Hardsigmoid";
}

/// <summary>x * relu6(x + 3) / 6: MobileNetV3's activation.</summary>
public sealed record HardSwish : Activation
{
    /// <inheritdoc/>
    public override string Kind => "Hardswish";
}

/// <summary>x * sigmoid(x), also called swish.</summary>
public sealed record SiLU : Activation;

/// <summary>Softmax along one axis (batch excluded; default 0: the channels, or a vector's elements), as <c>nn.Softmax(dim=1)</c>.</summary>
public sealed record Softmax : ShapePreservingLayer
{
    /// <summary>The axis normalised over; negative counts from the end.</summary>
    public int Axis { get; init; }

    /// <summary>The length of the normalised axis of <paramref name="shape"/>.</summary>
    /// <exception cref="InvalidNetworkException">The axis is outside the shape.</exception>
    public int AxisLength(TensorShape shape)
    {
        var axis = Axis < 0 ? (long)Axis + shape.Rank : Axis;
        return axis >= 0 && axis < shape.Rank ? shape.Dims[(int)axis] : throw Invalid($"softmax along axis {Axis} of a {shape} tensor, which has {shape.Rank} axes.");
    }

    /// <inheritdoc/>
    public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _ = AxisLength(inputs[0]);
        return inputs[0];
    }
}

/// <summary>x for x &gt; 0, else slope * x.</summary>
public sealed record LeakyReLU : Activation
{
    /// <summary>The negative slope; default 0.01.</summary>
    public double NegativeSlope { get; init; } = 0.01;
}

/// <summary>The hyperbolic tangent.</summary>
public sealed record Tanh : Activation;

/// <summary>The error function (a building block of exact GELU in exported graphs).</summary>
public sealed record Erf : Activation;

/// <summary>x * Phi(x), the Gaussian error linear unit.</summary>
public sealed record GELU : Activation;

/// <summary>min(max(x, Min), Max); a clip to [0, 6] is imported as <see cref="ReLU6"/>.</summary>
public sealed record Clip : Activation
{
    /// <summary>The lower bound; default none.</summary>
    public double Min { get; init; } = double.NegativeInfinity;

    /// <summary>The upper bound; default none.</summary>
    public double Max { get; init; } = double.PositiveInfinity;
}

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

/// <summary>Softmax over the channels of a feature map, or over a vector, as <c>nn.Softmax(dim=1)</c>.</summary>
public sealed record Softmax : ShapePreservingLayer;

using System.Collections.Immutable;
using CnnArch.Layers;

namespace CnnArch.Graph;

/// <summary>
/// A composite that expands into nodes when a network is built: <see cref="Sequential"/>,
/// <see cref="Residual"/>, <see cref="Inception"/>, <see cref="SqueezeExcitation"/>. After the
/// build only nodes and explicit joins (add, concatenation, scale) remain.
/// </summary>
public abstract record Block : Module
{
    /// <summary>Adds this block's nodes under <paramref name="path"/>, reading <paramref name="input"/>; returns the block's output.</summary>
    internal abstract Tensor Expand(NetworkBuilder builder, string path, Tensor input);
}

/// <summary>A named child of a <see cref="Sequential"/>; its path is the parent's path, a dot, and the name.</summary>
/// <param name="Name">The child's name: "conv1", or "0" for unnamed children, as PyTorch.</param>
/// <param name="Module">The layer or block.</param>
public sealed record Child(string Name, Module Module)
{
    /// <summary>A named child.</summary>
    public static implicit operator Child((string Name, Module Module) child) => new(child.Name, child.Module);
}

/// <summary>Children applied one after the other, as <c>nn.Sequential</c>.</summary>
public sealed record Sequential : Block
{
    /// <summary>Children named "0", "1", ... in order, as an unnamed <c>nn.Sequential</c>.</summary>
    public Sequential(params IEnumerable<Module> modules) =>
        Children = [.. modules.Select((m, i) => new Child(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m))];

    /// <summary>Children with their own names.</summary>
    public Sequential(params IEnumerable<Child> children) => Children = [.. children];

    /// <summary>The children, in execution order.</summary>
    public ImmutableArray<Child> Children { get; init; }

    /// <summary>Children with their own names, from (name, module) pairs.</summary>
    public static Sequential Of(params (string Name, Module Module)[] children) =>
        new(children.Select(c => new Child(c.Name, c.Module)));

    internal override Tensor Expand(NetworkBuilder builder, string path, Tensor input)
    {
        var x = input;
        foreach (var child in Children)
        {
            x = builder.Add(NetworkBuilder.Join(path, child.Name), child.Module, x);
        }

        return x;
    }
}

/// <summary>
/// A layer invoked as a function rather than held as a module (<c>torch.flatten</c>, <c>F.relu</c>):
/// it is a node like any other, but reports mark it as no module of the source framework.
/// </summary>
/// <param name="Layer">The layer applied.</param>
public sealed record Functional(Layer Layer) : Block
{
    /// <summary><c>torch.flatten(x, 1)</c>: flattening as a function call, as torchvision's models write it.</summary>
    public static Functional Flatten { get; } = new(Layers.Flatten.Instance);

    internal override Tensor Expand(NetworkBuilder builder, string path, Tensor input) =>
        builder.AddNode(path, Layer, isModule: false, input);
}

/// <summary>
/// A residual block: <c>After(Body(x) + Shortcut(x))</c>. The body's children are named directly
/// under the block's path (<c>layer1.0.conv1</c>); the shortcut (null: the identity) under
/// <see cref="ShortcutName"/>; the addition is a functional join named <see cref="JoinName"/>.
/// </summary>
public sealed record Residual : Block
{
    /// <summary>The main path.</summary>
    public required Sequential Body { get; init; }

    /// <summary>The projection shortcut (1x1 conv + BN in ResNet); null for the identity.</summary>
    public Module? Shortcut { get; init; }

    /// <summary>The shortcut's name; default "downsample", as torchvision.</summary>
    public string ShortcutName { get; init => field = Guard.Name(value, nameof(ShortcutName)); } = "downsample";

    /// <summary>The addition's name; default "add".</summary>
    public string JoinName { get; init => field = Guard.Name(value, nameof(JoinName)); } = "add";

    /// <summary>What follows the addition (ResNet's final ReLU), named under the block's path; null for nothing.</summary>
    public Sequential? After { get; init; }

    /// <summary>Add the shortcut into the body's output in place (<c>out += identity</c>, as torchvision's ResNet); default false (<c>x + f(x)</c>).</summary>
    public bool InPlaceJoin { get; init; }

    /// <summary>
    /// Run the shortcut before the body (<c>self.proj(x) + self.f(x)</c>, as torchvision's RegNet); default
    /// false: the body first, as ResNet. The order decides which value stays alive while the other runs.
    /// </summary>
    public bool ShortcutFirst { get; init; }

    internal override Tensor Expand(NetworkBuilder builder, string path, Tensor input)
    {
        Tensor Projection() => Shortcut is null ? input : builder.Add(NetworkBuilder.Join(path, ShortcutName), Shortcut, input);
        var first = ShortcutFirst ? Projection() : default;
        var body = Body.Expand(builder, path, input);
        var shortcut = ShortcutFirst ? first : Projection();
        var sum = builder.AddNode(NetworkBuilder.Join(path, JoinName), InPlaceJoin ? Layers.Add.InPlaceInstance : Layers.Add.Instance, isModule: false, body, shortcut);
        return After is null ? sum : After.Expand(builder, path, sum);
    }
}

/// <summary>
/// Parallel branches that all read the block's input, joined by channel concatenation (GoogLeNet's
/// inception module). Each branch is named under the block's path (<c>inception3a.branch1</c>).
/// </summary>
public sealed record Inception : Block
{
    /// <summary>Branches with their own names, in the order their outputs are concatenated.</summary>
    public Inception(params IEnumerable<Child> branches) => Branches = [.. branches];

    /// <summary>The branches, in concatenation order.</summary>
    public ImmutableArray<Child> Branches { get; init; }

    /// <summary>The concatenation's name; default "cat".</summary>
    public string JoinName { get; init => field = Guard.Name(value, nameof(JoinName)); } = "cat";

    internal override Tensor Expand(NetworkBuilder builder, string path, Tensor input)
    {
        var outputs = Branches.Select(b => builder.Add(NetworkBuilder.Join(path, b.Name), b.Module, input)).ToArray();
        return builder.AddNode(NetworkBuilder.Join(path, JoinName), Concat.Instance, isModule: false, outputs);
    }
}

/// <summary>
/// Squeeze-and-excitation (Hu et al. 2017): an excitation path (pool, two 1x1 convolutions with an
/// activation between, a gate) computes one weight per channel, and the input is scaled by them.
/// A 1x1 convolution on a 1x1 map is the paper's fully connected layer, with the same counts.
/// </summary>
public sealed record SqueezeExcitation : Block
{
    /// <summary>The path from the block's input to the C x 1 x 1 gate, named under the block's path.</summary>
    public required Sequential Excitation { get; init; }

    /// <summary>The scaling's name; default "scale".</summary>
    public string JoinName { get; init => field = Guard.Name(value, nameof(JoinName)); } = "scale";

    /// <summary>
    /// The common form: global average pooling, 1x1 conv to <paramref name="squeezeChannels"/>, activation,
    /// 1x1 conv back to <paramref name="channels"/>, gate; named as torchvision's <c>SqueezeExcitation</c>
    /// (avgpool, fc1, activation, fc2, scale_activation).
    /// </summary>
    public static SqueezeExcitation Create(int channels, int squeezeChannels, Activation? activation = null, Activation? gate = null) => new()
    {
        Excitation = Sequential.Of(
            ("avgpool", AdaptiveAvgPool2d.Global),
            ("fc1", new Conv2d { OutChannels = squeezeChannels, Kernel = 1 }),
            ("activation", activation ?? new ReLU()),
            ("fc2", new Conv2d { OutChannels = channels, Kernel = 1 }),
            ("scale_activation", gate ?? new Sigmoid())),
    };

    internal override Tensor Expand(NetworkBuilder builder, string path, Tensor input)
    {
        var gate = Excitation.Expand(builder, path, input);
        return builder.AddNode(NetworkBuilder.Join(path, JoinName), Scale.Instance, isModule: false, input, gate);
    }
}

using System.Collections.Immutable;
using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>A size of the Vision Transformer as torchvision builds it.</summary>
/// <param name="Name">torchvision's name: <c>vit_b_16</c>, <c>vit_b_32</c>, <c>vit_l_16</c>, <c>vit_l_32</c>, <c>vit_h_14</c>.</param>
/// <param name="Patch">The side of a square patch, in pixels (the patch embedding's kernel and stride).</param>
/// <param name="Layers">The number of encoder blocks.</param>
/// <param name="Heads">Attention heads per block.</param>
/// <param name="Hidden">The embedding dimension D.</param>
/// <param name="Mlp">The hidden width of each block's MLP.</param>
public sealed record ViTSize(string Name, int Patch, int Layers, int Heads, int Hidden, int Mlp);

/// <summary>
/// The Vision Transformer (Dosovitskiy et al. 2021) as torchvision 0.14's <c>VisionTransformer</c>: a
/// patch-embedding convolution (kernel and stride the patch size), the map reshaped and permuted to
/// tokens, a learned class token in front, a learned positional embedding added, encoder blocks (LayerNorm,
/// multi-head self-attention, dropout, residual add; LayerNorm, a GELU MLP, residual add), a final
/// LayerNorm, and the class token's output classified by a linear head.
/// </summary>
public static class VisionTransformers
{
    internal const string Paper = "Dosovitskiy et al. An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale. ICLR 2021 (arXiv 2010.11929), Table 1";

    /// <summary>torchvision's five sizes: B/16, B/32, L/16, L/32 and H/14.</summary>
    public static ImmutableArray<ViTSize> Sizes { get; } =
    [
        new("vit_b_16", 16, 12, 12, 768, 3072),
        new("vit_b_32", 32, 12, 12, 768, 3072),
        new("vit_l_16", 16, 24, 16, 1024, 4096),
        new("vit_l_32", 32, 24, 16, 1024, 4096),
        new("vit_h_14", 14, 32, 16, 1280, 5120),
    ];

    /// <summary>The size named <paramref name="name"/> with <paramref name="classes"/> outputs, for square images of <paramref name="imageSize"/> pixels.</summary>
    /// <exception cref="ArgumentException">No such size, or an image size that is no multiple of the patch.</exception>
    public static Network Create(string name, int classes = 1000, int imageSize = 224)
    {
        var size = Sizes.FirstOrDefault(s => s.Name == name)
            ?? throw new ArgumentException($"ViT sizes are {string.Join(", ", Sizes.Select(s => s.Name))}; got '{name}'.", nameof(name));
        return Build(size, classes, imageSize);
    }

    /// <summary>
    /// A ViT of a size, named as torchvision: <c>conv_proj</c>; functional rows <c>reshape</c> and <c>permute</c>
    /// (the 768 x 14 x 14 map to 196 x 768 tokens) and <c>class_token</c> (the learned token in front:
    /// D parameters); <c>encoder.pos_embedding</c> (a functional row: N x D parameters), <c>encoder.dropout</c>,
    /// <c>encoder.layers.encoder_layer_0.ln_1</c>, <c>.self_attention</c> (one MultiheadAttention node),
    /// <c>.dropout</c>, the functional <c>.add</c>, <c>.ln_2</c>, <c>.mlp.0</c> to <c>.mlp.4</c>, the functional
    /// <c>.add_1</c>; <c>encoder.ln</c>; the functional <c>select</c> and <c>squeeze</c> (<c>x[:, 0]</c>, the class
    /// token's output); <c>heads.head</c>. The positional embedding takes its length from the tokens, so at
    /// another input resolution the network is the one torchvision builds with that <c>image_size</c>.
    /// </summary>
    /// <param name="size">The size.</param>
    /// <param name="classes">The head's outputs.</param>
    /// <param name="imageSize">The side of the square input image (the default input), a multiple of the patch.</param>
    /// <exception cref="ArgumentException">The image size is no multiple of the patch (torchvision asserts the same).</exception>
    public static Network Build(ViTSize size, int classes = 1000, int imageSize = 224)
    {
        ArgumentNullException.ThrowIfNull(size);
        Guard.Positive(classes, nameof(classes));
        Guard.Positive(imageSize, nameof(imageSize));
        if (imageSize % size.Patch != 0)
        {
            throw new ArgumentException($"{size.Name} needs an image size that is a multiple of its {size.Patch}-pixel patches, got {imageSize}.", nameof(imageSize));
        }

        var b = new NetworkBuilder(size.Name);
        var x = b.Add("conv_proj", new Conv2d { OutChannels = size.Hidden, Kernel = size.Patch, Stride = size.Patch }, b.Input);
        x = b.AddFunctional("reshape", new Reshape { Dims = [size.Hidden, -1] }, x);
        x = b.AddFunctional("permute", new Transpose { Perm = [1, 0] }, x);
        x = b.AddFunctional("class_token", new ClassToken(), x);
        x = b.AddScope("encoder", "Encoder", x, tokens => Encoder(b, size, tokens));
        x = b.AddFunctional("select", new Slice { Ranges = [(0, 0, 1, 1)] }, x);
        x = b.AddFunctional("squeeze", new Reshape { Dims = [-1] }, x);
        x = b.Add("heads", Sequential.Of(("head", new Linear { OutFeatures = classes })), x);
        return b.Build(x, TensorShape.Chw(3, imageSize, imageSize));
    }

    // Encoder: input + pos_embedding, dropout, the blocks, ln.
    private static Tensor Encoder(NetworkBuilder b, ViTSize size, Tensor tokens)
    {
        var x = b.AddFunctional("encoder.pos_embedding", new PositionalEmbedding(), tokens);
        x = b.Add("encoder.dropout", new Dropout { P = 0 }, x);
        x = b.AddScope("encoder.layers", "Sequential", x, input =>
        {
            var y = input;
            for (var i = 0; i < size.Layers; i++)
            {
                var path = $"encoder.layers.encoder_layer_{i}";
                y = b.AddScope(path, "EncoderBlock", y, block => EncoderBlock(b, path, size, block));
            }

            return y;
        });
        return b.Add("encoder.ln", new LayerNorm(), x);
    }

    // EncoderBlock: x = dropout(attention(ln_1(input))) + input; return x + mlp(ln_2(x)).
    private static Tensor EncoderBlock(NetworkBuilder b, string path, ViTSize size, Tensor input)
    {
        var x = b.Add($"{path}.ln_1", new LayerNorm(), input);
        x = b.Add($"{path}.self_attention", new MultiheadAttention { Heads = size.Heads }, x);
        x = b.Add($"{path}.dropout", new Dropout { P = 0 }, x);
        x = b.AddFunctional($"{path}.add", Add.Instance, x, input);
        var mlp = new Sequential(new Linear { OutFeatures = size.Mlp }, new GELU(), new Dropout { P = 0 }, new Linear { OutFeatures = size.Hidden }, new Dropout { P = 0 });
        var y = b.Add($"{path}.ln_2", new LayerNorm(), x);
        y = b.AddScope($"{path}.mlp", "MLPBlock", y, h => mlp.Expand(b, $"{path}.mlp", h));
        return b.AddFunctional($"{path}.add_1", Add.Instance, x, y);
    }
}

using CnnArch.Layers;

namespace CnnArch.Analysis;

/// <summary>
/// The sliding window of a layer that has one (the lecture's table columns): kernel, stride, padding,
/// dilation and groups, as the layer was built.
/// </summary>
/// <param name="Kernel">Kernel size K.</param>
/// <param name="Stride">Stride S.</param>
/// <param name="Padding">Zero padding per side.</param>
/// <param name="Dilation">Spacing of the kernel's taps.</param>
/// <param name="Groups">Convolution groups; 1 for pools.</param>
public sealed record LayerWindow(Size2D Kernel, Size2D Stride, Padding2D Padding, Size2D Dilation, int Groups)
{
    /// <summary>The window of <paramref name="layer"/>: convolutions (plain and transposed) and fixed-window pools; null for the rest.</summary>
    public static LayerWindow? Of(Layer layer) => layer switch
    {
        Conv2d c => new(c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups),
        ConvTranspose2d t => new(t.Kernel, t.Stride, t.Padding, t.Dilation, t.Groups),
        MaxPool2d m => new(m.Kernel, m.EffectiveStride, m.Padding, m.Dilation, 1),
        Pool2d p => new(p.Kernel, p.EffectiveStride, p.Padding, Size2D.One, 1),
        _ => null,
    };
}

namespace CnnArch.Layers;

/// <summary>
/// The sliding window of a layer that has one (the lecture's table columns): kernel, stride, padding,
/// dilation and groups, as the layer was built, one value per spatial axis.
/// </summary>
/// <param name="Kernel">Kernel size K.</param>
/// <param name="Stride">Stride S.</param>
/// <param name="Padding">Zero padding before and after each axis.</param>
/// <param name="Dilation">Spacing of the kernel's taps.</param>
/// <param name="Groups">Convolution groups; 1 for pools.</param>
public sealed record LayerWindow(SpatialSize Kernel, SpatialSize Stride, SpatialPadding Padding, SpatialSize Dilation, int Groups)
{
    /// <summary>The number of spatial axes the window slides along.</summary>
    public int Rank => Kernel.Rank;
}

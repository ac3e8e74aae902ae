using CnnArch.Layers;

namespace CnnArch.Analysis;

/// <summary>
/// The arithmetic of each counting rule, kept apart from the conventions that choose among them
/// (as fvcore's <c>conv_flop_count</c>). All counts are per sample, in checked arithmetic.
/// </summary>
public static class Rules
{
    /// <summary>Counts nothing.</summary>
    public static OpCount Zero(Layer layer, CostContext shapes) => OpCount.Zero;

    /// <summary>Convolution: C_out x H' x W' outputs, each C_in / G x K_h x K_w multiply-adds; bias not counted.</summary>
    public static OpCount Convolution(Conv2d layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromMacs(ConvolutionMacs(shapes.Output.Elements, shapes.Input.Channels / layer.Groups, layer.Kernel.Area));
    }

    /// <summary>Fully connected: every output element is a dot product over the input features; bias not counted.</summary>
    public static OpCount Linear(Linear layer, CostContext shapes) =>
        OpCount.FromMacs(checked(shapes.Output.Elements * shapes.Input.Dims[^1]));

    /// <summary>The lecture's pooling rule: K x K per output element, counted as multiply-adds.</summary>
    public static OpCount PoolingWindow(Pool2d layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromMacs(checked(shapes.Output.Elements * layer.Kernel.Area));
    }

    /// <summary>The lecture's pooling rule for adaptive pooling: the exact sum of every output cell's window.</summary>
    public static OpCount AdaptivePoolingWindow(AdaptiveAvgPool2d layer, CostContext shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OpCount.FromMacs(checked(shapes.Input.Channels * layer.WindowCellsPerChannel(shapes.Input)));
    }

    /// <summary>
    /// The multiply-adds of a convolution: outputs x (input channels per group) x kernel area,
    /// the lecture's C_out*H'*W' * C_in*K*K / G.
    /// </summary>
    public static long ConvolutionMacs(long outputElements, long inputChannelsPerGroup, long kernelArea) =>
        checked(outputElements * inputChannelsPerGroup * kernelArea);
}

using CnnArch.Memory;

namespace CnnArch.Tests.Layers;

/// <summary>The kinds ConvNeXt and the EfficientNets put on a residual branch: stochastic depth, the layer scale, and LayerNorm2d.</summary>
public class ResidualBranchTests
{
    private static readonly TensorShape Input = TensorShape.Chw(4, 8, 8);
    private const long Map = 4 * 8 * 8 * 4; // one 4x8x8 fp32 tensor

    private static Conv2d Pointwise => new() { OutChannels = 4, Kernel = 1, HasBias = false };

    private static MemoryReport Estimate(Layer layer) =>
        MemoryAnalyzer.Analyze(Network.Create("n", Sequential.Of(("conv", Pointwise), ("layer", layer)), Input), new MemoryOptions { AllocationGranularity = 1 });

    [Fact]
    public void Stochastic_Depth_Is_Free_At_Inference_And_Keeps_One_Mask_Element_Per_Sample_In_Training()
    {
        var dropping = Estimate(new StochasticDepth { P = 0.1 });
        var never = Estimate(new StochasticDepth());
        var batch = Estimate(new StochasticDepth { P = 0.1, Mode = StochasticDepthMode.Batch });

        dropping.Inference.PeakBytes.Should().Be(Map, "the identity at inference: no tensor of its own");
        dropping.Training.SavedActivationBytes.Should().Be(4, "the scaled mask, one fp32 element per sample; the conv's input is the network input");
        never.Training.SavedActivationBytes.Should().Be(0, "with p = 0 torchvision returns its input in training too");
        batch.Training.SavedActivationBytes.Should().Be(0, "one mask element for the whole batch");
        var act = () => new StochasticDepth { P = 1.5 };
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("P");
    }

    [Fact]
    public void A_Layer_Scale_Learns_One_Weight_Per_Channel_Along_Its_Axis_And_Multiplies_Every_Element()
    {
        var map = TensorShape.Chw(96, 56, 56);
        var channelsLast = TensorShape.Of(56, 56, 96);

        new LayerScale().Parameters([map]).Should().Be(96);
        new LayerScale { Axis = -1 }.Parameters([channelsLast]).Should().Be(96);
        var act = () => new LayerScale { Axis = 3 }.InferShape([map]);
        act.Should().Throw<InvalidNetworkException>().WithMessage("*scaling axis 3 of a 96x56x56 tensor, which has 3 axes.");

        var network = Network.Create("n", Sequential.Of(("scale", new LayerScale())), map);
        Analyzer.Analyze(network, new AnalysisOptions { Convention = Conventions.TorchVision }).Totals.Macs.Should().Be(0);
        Analyzer.Analyze(network, new AnalysisOptions { Convention = Conventions.Full }).Totals.Flops.Should().Be(96 * 56 * 56, "one multiply per element");
        Estimate(new LayerScale()).Training.SavedActivationBytes.Should().Be(Map, "its input, for the weights' gradient");
    }

    [Fact]
    public void A_LayerNorm_Over_One_Axis_Normalises_The_Channels_Of_A_Map_As_Torchvisions_LayerNorm2d()
    {
        var map = TensorShape.Chw(96, 56, 56);

        new LayerNorm { Axis = 0, AxisCount = 1 }.Parameters([map]).Should().Be(192);
        new LayerNorm { Axis = 0 }.Parameters([map]).Should().Be(2L * 96 * 56 * 56, "without a count, every axis from Axis on");
        new LayerNorm { Axis = 1, AxisCount = 2 }.Normalised(map).Should().Be(56 * 56);
        var act = () => new LayerNorm { Axis = 2, AxisCount = 2 }.InferShape([map]);
        act.Should().Throw<InvalidNetworkException>().WithMessage("*normalising 2 axes from axis 2 of a 96x56x56 tensor, which has 3 axes.");
        var zero = () => new LayerNorm { AxisCount = 0 };
        zero.Should().Throw<ArgumentOutOfRangeException>();
    }
}

namespace CnnArch.Tests.Analysis;

public class ShapeErrorTests
{
    private static InvalidNetworkException Failure(Module module, TensorShape input)
    {
        var network = Network.Create("bad", module, input);
        var act = () => Analyzer.Analyze(network);
        return act.Should().Throw<InvalidNetworkException>().Which;
    }

    [Fact]
    public void Should_Name_The_Layer_And_Numbers_When_Groups_Do_Not_Divide_Channels()
    {
        var ex = Failure(Sequential.Of(("stem", new Conv2d { OutChannels = 32, Groups = 3 })), TensorShape.Chw(16, 8, 8));

        ex.Path.Should().Be("stem");
        ex.Message.Should().Contain("groups 3").And.Contain("16 input channels");
    }

    [Fact]
    public void Should_Reject_Output_Channels_Not_Divisible_By_Groups()
    {
        var ex = Failure(new Conv2d { OutChannels = 30, Groups = 4 }, TensorShape.Chw(16, 8, 8));

        ex.Message.Should().Contain("30 output channels");
    }

    [Fact]
    public void Should_Reject_An_Addition_Of_Mismatched_Shapes()
    {
        var block = new Residual { Body = Sequential.Of(("conv", new Conv2d { OutChannels = 8, Padding = 1 })) };

        var ex = Failure(Sequential.Of(("block", block)), TensorShape.Chw(4, 8, 8));

        ex.Path.Should().Be("block.add");
        ex.Message.Should().Contain("4x8x8").And.Contain("8x8x8");
    }

    [Fact]
    public void Should_Reject_A_Concatenation_Of_Mismatched_Height_And_Width()
    {
        var inception = new Inception(
            new Child("a", new Conv2d { OutChannels = 4, Kernel = 1 }),
            new Child("b", new Conv2d { OutChannels = 4, Kernel = 3 }));

        var ex = Failure(Sequential.Of(("mix", inception)), TensorShape.Chw(4, 8, 8));

        ex.Path.Should().Be("mix.cat");
        ex.Message.Should().Contain("4x6x6").And.Contain("4x8x8");
    }

    [Fact]
    public void Should_Reject_A_Spatial_Size_Below_One()
    {
        var ex = Failure(Sequential.Of(("pool", new MaxPool2d { Kernel = 5 })), TensorShape.Chw(3, 4, 4));

        ex.Path.Should().Be("pool");
        ex.Message.Should().Contain("kernel 5").And.Contain("below 1");
    }

    [Fact]
    public void Should_Reject_A_Linear_Fed_The_Wrong_Size()
    {
        var net = Sequential.Of(("flatten", Flatten.Instance), ("fc", new Linear { InFeatures = 100, OutFeatures = 10 }));

        var ex = Failure(net, TensorShape.Chw(2, 5, 5));

        ex.Path.Should().Be("fc");
        ex.Message.Should().Contain("100").And.Contain("50");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Should_Reject_A_Non_Positive_Kernel_When_Built(int kernel)
    {
        var act = () => new Conv2d { OutChannels = 8, Kernel = kernel };

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Kernel must be positive*");
    }

    [Fact]
    public void Should_Reject_A_Non_Positive_Stride_Even_Through_With()
    {
        var conv = new Conv2d { OutChannels = 8 };

        var act = () => conv with { Stride = 0 };

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Stride must be positive*");
    }

    [Fact]
    public void Should_Report_Overflow_As_An_Error_Never_A_Wrapped_Number()
    {
        var network = Network.Create("huge", Sequential.Of(("conv", new Conv2d { OutChannels = 4096, Kernel = 3, Padding = 1 })), TensorShape.Chw(4096, 4096, 4096));

        var act = () => Analyzer.Analyze(network, new AnalysisOptions { Batch = int.MaxValue });

        act.Should().Throw<InvalidNetworkException>().Which.Message.Should().Contain("overflows");
    }

    [Fact]
    public void Should_Reject_Pool_Padding_Above_Half_The_Kernel_As_PyTorch()
    {
        var ex = Failure(new MaxPool2d { Kernel = 2, Padding = 2 }, TensorShape.Chw(3, 8, 8));

        ex.Message.Should().Contain("exceeds half the kernel");
    }
}

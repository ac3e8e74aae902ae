namespace CnnArch.Tests.Reliability;

/// <summary>Networks built in C# that once crashed, looped or overflowed the analysis.</summary>
public class AnalysisCrashClassTests
{
    [Fact]
    public void Softmax_Over_A_Vector_Is_Counted_Under_Full()
    {
        var network = Network.Create("head", new Sequential(Flatten.Instance, new Linear { OutFeatures = 10 }, new Softmax()), TensorShape.Chw(4, 2, 2));

        var softmax = Analyzer.Analyze(network, new AnalysisOptions { Convention = Conventions.Full }).Layers[^1];

        softmax.Flops.Should().Be((3 * 10) - 1, "10 exponentials, 9 additions, 10 divisions");
    }

    [Fact]
    public void Softmax_Over_A_Matrix_Is_Counted_Under_Full()
    {
        // A rank-2 tensor has no channels: the rule once asked for them and threw.
        var network = Network.Create("rows", new Sequential(Flatten.Instance, new Reshape { Dims = [4, 5] }, new Softmax { Axis = -1 }), TensorShape.Chw(5, 2, 2));

        Analyzer.Analyze(network, new AnalysisOptions { Convention = Conventions.Full }).Layers[^1].Flops.Should().Be(4 * ((3 * 5) - 1));
    }

    [Theory]
    [InlineData(0, 12, 5 * 5)] // over 12 channels, a row per pixel
    [InlineData(-1, 5, 12 * 5)] // over the width
    [InlineData(1, 5, 12 * 5)] // over the height
    public void Softmax_Counts_Over_The_Axis_It_Names(int axis, long n, long rows)
    {
        var network = Network.Create("sm", new Sequential(new Softmax { Axis = axis }), TensorShape.Chw(12, 5, 5));

        Analyzer.Analyze(network, new AnalysisOptions { Convention = Conventions.Full }).Layers[0].Flops.Should().Be(rows * ((3 * n) - 1));
    }

    [Fact]
    public void Softmax_Along_An_Axis_The_Tensor_Lacks_Is_An_Invalid_Network()
    {
        var network = Network.Create("sm", new Sequential(Flatten.Instance, new Softmax { Axis = 2 }), TensorShape.Chw(3, 4, 4));

        var act = () => Analyzer.Analyze(network);
        act.Should().Throw<InvalidNetworkException>().Which.Path.Should().Be("1");
    }

    [Theory]
    [InlineData(7, 7)]
    [InlineData(224, 1)]
    [InlineData(5, 3)]
    [InlineData(2, 3)]
    [InlineData(13, 6)]
    [InlineData(97, 41)]
    public void Adaptive_Pooling_In_Closed_Form_Equals_Its_Windows_Counted_One_By_One(int input, int output)
    {
        long cells = 0, widest = 0;
        for (long i = 0; i < output; i++)
        {
            var window = ((((i + 1) * input) + output - 1) / output) - (i * input / output);
            cells += window;
            widest = Math.Max(widest, window);
        }

        var pool = new AdaptiveAvgPool2d { OutputSize = new SpatialSize(output, 1) };
        var report = Analyzer.Analyze(Network.Create("p", new Sequential(pool), TensorShape.Chw(1, input, 1)), new AnalysisOptions { Convention = Conventions.Lecture });

        pool.WindowCellsPerChannel(TensorShape.Chw(1, input, 1)).Should().Be(cells);
        report.Layers[0].ReceptiveField[0].Size.Should().Be(widest);
    }

    [Fact]
    public void An_Adaptive_Pool_To_Two_Billion_Cells_Is_Counted_Without_Visiting_Them()
    {
        var network = Network.Create("big", new Sequential(new AdaptiveAvgPool2d { OutputSize = new SpatialSize(int.MaxValue, 1) }), TensorShape.Chw(1, 3, 1));

        AnalysisReport? report = null;
        Action act = () => report = Analyzer.Analyze(network, new AnalysisOptions { Convention = Conventions.Lecture });

        act.ExecutionTime().Should().BeLessThan(TimeSpan.FromSeconds(10), "closed form; the loop over 2^31 windows took 19 s per layer");
        report!.Layers[0].Macs.Should().Be(3L + int.MaxValue - 1);
    }

    [Fact]
    public void Receptive_Fields_Saturate_Instead_Of_Overflowing()
    {
        // Strided 1x1 convs on a map already at one pixel: valid, and the jump doubles without end.
        var convs = Enumerable.Range(0, 70).Select(_ => (Module)new Conv2d { OutChannels = 1, Kernel = 1, Stride = 2 });
        var network = Network.Create("jumps", new Sequential(convs), TensorShape.Chw(1, 4, 4));

        var field = Analyzer.Analyze(network).Layers[^1].ReceptiveField;

        field.Stride.Should().Be(long.MaxValue);
        field[0].IsSaturated.Should().BeTrue();
        field.Size.Should().Be(1);
    }

    [Fact]
    public void A_Block_With_A_Dead_Branch_Collapses_To_Rows_That_Add_Up_To_The_Totals()
    {
        var b = new NetworkBuilder("dead");
        var x = b.AddScope("blk", "Block", b.Input, t =>
        {
            b.Add("blk.unused", new Conv2d { OutChannels = 64 }, t);
            return b.Add("blk.conv", new Conv2d { OutChannels = 4, Padding = 1 }, t);
        });
        var report = Analyzer.Analyze(b.Build(x, TensorShape.Chw(3, 8, 8)));

        var rows = report.Collapsed(1);

        rows.Should().ContainSingle();
        Totals.Of(rows).Should().Be(report.Totals);
        report.AuxiliaryTotals.Parameters.Should().Be((64 * 27) + 64);
    }
}

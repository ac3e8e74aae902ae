namespace CnnArch.Tests.Analysis;

public class ConventionTests
{
    public static TheoryData<string> ConventionNames() => [.. Conventions.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(ConventionNames))]
    public void Should_Have_A_Rule_For_Every_Built_In_Layer_Kind_But_The_Unknown_Operator(string name)
    {
        var convention = Conventions.Get(name);

        // Conventions name their rules (or explicit zeros) kind by kind and family by family: a new kind
        // outside every family they name has no rule here until one is written.
        LayerKinds.All.Where(k => k.Type != typeof(Opaque)).Should().OnlyContain(k => convention.HasRule(k.Type));
        convention.HasRule(typeof(Opaque)).Should().BeFalse("an operator CnnArch has no model of is reported as uncounted");
    }

    private sealed record Unruled : Layer
    {
        public override TensorShape InferShape(IReadOnlyList<TensorShape> inputs) => inputs[0];

        public override long Parameters(IReadOnlyList<TensorShape> inputs) => 0;

        public override long Buffers(IReadOnlyList<TensorShape> inputs) => 0;

        public override LayerWindow? Window => null;

        public override ReceptiveField FieldAfter(ReceptiveField field, TensorShape input) => field;

        public override BackwardRule Backward => BackwardRule.InputGradient;

        public override MemoryBehavior Memory(IReadOnlyList<TensorShape> inputs, TensorShape output) => MemoryBehavior.Allocates;

        public override KernelClass? LatencyClass(TensorShape input) => KernelClass.Elementwise;
    }

    [Theory]
    [MemberData(nameof(ConventionNames))]
    public void Should_Have_No_Rule_For_A_Kind_It_Does_Not_Name(string name)
    {
        // Given a kind of the user's own, outside every family
        var net = Network.Create("n", Sequential.Of(("mine", new Unruled())), TensorShape.Chw(3, 4, 4));

        // When
        var report = Analyzer.Analyze(net, new AnalysisOptions { Convention = Conventions.Get(name) });

        // Then it is uncounted, not zero: no convention fills every kind by default
        report.Layers[0].IsCounted.Should().BeFalse();
        report.Diagnostics.Should().ContainSingle().Which.Path.Should().Be("mine");
    }

    [Fact]
    public void Should_List_Known_Conventions_When_The_Name_Is_Unknown()
    {
        var act = () => Conventions.Get("ptflops");

        act.Should().Throw<ArgumentException>().WithMessage("No convention named 'ptflops'. Known: lecture, torchvision*");
    }

    [Fact]
    public void Should_Count_Pooling_Only_In_The_Lecture_Convention()
    {
        var pool = Network.Create("pool", Sequential.Of(("pool", new MaxPool2d { Kernel = 3, Stride = 2 })), TensorShape.Chw(64, 56, 56));

        Analyzer.Analyze(pool, new AnalysisOptions { Convention = Conventions.Lecture }).Totals.Macs.Should().Be(64 * 27 * 27 * 9);
        Analyzer.Analyze(pool, new AnalysisOptions { Convention = Conventions.TorchVision }).Totals.Macs.Should().Be(0);
    }

    [Fact]
    public void Should_Report_A_Kind_Without_A_Rule_As_Uncounted_Not_Zero()
    {
        var convention = CostModel.Create("convs-only", "Only convolutions.").With<Conv2d>(Rules.Convolution);
        var net = Network.Create("n", Sequential.Of(("conv", new Conv2d { OutChannels = 4 }), ("relu", new ReLU())), TensorShape.Chw(3, 8, 8));

        var report = Analyzer.Analyze(net, new AnalysisOptions { Convention = convention });

        report.Layers[1].IsCounted.Should().BeFalse();
        report.Diagnostics.Should().ContainSingle().Which.Path.Should().Be("relu");
    }

    [Fact]
    public void Should_Let_A_User_Ignore_One_Kind()
    {
        var convention = Conventions.TorchVision.Ignoring<Linear>();
        var net = Network.Create("n", Sequential.Of(("flat", Flatten.Instance), ("fc", new Linear { OutFeatures = 10 })), TensorShape.Chw(3, 2, 2));

        var report = Analyzer.Analyze(net, new AnalysisOptions { Convention = convention });

        report.Totals.Macs.Should().Be(0);
        convention.Ignored.Should().Contain(typeof(Linear));
        Conventions.TorchVision.Ignored.Should().BeEmpty("conventions are immutable values");
    }

    [Fact]
    public void Should_Count_Grouped_And_Depthwise_Convolutions_Per_Group()
    {
        // The lecture: grouped conv FLOPs = C_out * C_in * K^2 * H' * W' / G.
        var grouped = Network.Create("g", Sequential.Of(("conv", new Conv2d { OutChannels = 64, Groups = 4, Padding = 1 })), TensorShape.Chw(64, 14, 14));
        var depthwise = Network.Create("dw", Sequential.Of(("conv", Conv2d.Depthwise(64, 3, 1, 1))), TensorShape.Chw(64, 14, 14));

        Analyzer.Analyze(grouped).Totals.Macs.Should().Be(64L * 64 * 9 * 14 * 14 / 4);
        Analyzer.Analyze(depthwise).Totals.Macs.Should().Be(9L * 64 * 14 * 14);
        Analyzer.Analyze(depthwise).Totals.Parameters.Should().Be((9 * 64) + 64);
    }
}

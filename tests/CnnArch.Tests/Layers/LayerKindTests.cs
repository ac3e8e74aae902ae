using CnnArch.Memory;
using CnnArch.Performance;
using CnnArch.Spec;

namespace CnnArch.Tests.Layers;

/// <summary>
/// What a layer kind is lives in one place (its record): these walk every kind through every analysis,
/// so a kind that is not registered, or whose example no analysis can handle, fails here.
/// </summary>
public class LayerKindTests
{
    public static TheoryData<string> Kinds() => [.. LayerKinds.All.Select(k => k.Name)];

    // Candidate inputs for an example: maps of 1 to 3 spatial axes, a vector, 2 x 4 x 4 (windows of 2 x 2 tokens, or two heads' 4 x 4 attention logits), and for joins the same shape twice or a map and its gate.
    private static IEnumerable<TensorShape[]> Candidates(Layer layer)
    {
        TensorShape[] singles = [TensorShape.Vector(8), TensorShape.Cl(4, 8), TensorShape.Chw(4, 8, 8), TensorShape.Cdhw(4, 8, 8, 8), TensorShape.Vector(1), TensorShape.Of(2, 4, 4)];
        foreach (var x in singles)
        {
            var inputs = Enumerable.Repeat(x, Math.Max(1, layer.MinInputs)).ToArray();
            yield return inputs;
            if (layer.MaxInputs >= 2 && x.Rank >= 2)
            {
                yield return [x, TensorShape.Of([x.Channels, .. Enumerable.Repeat(1, x.Rank - 1)])];
            }
        }

        yield return [TensorShape.Of(4, 8), TensorShape.Of(8, 4)];
    }

    private static (Network Network, TensorShape Input) Fitting(LayerKind kind)
    {
        foreach (var inputs in Candidates(kind.Example))
        {
            try
            {
                _ = kind.Example.InferShape(inputs);
            }
            catch (InvalidNetworkException)
            {
                continue;
            }

            var b = new NetworkBuilder(kind.Name);
            var x = inputs[0];
            Tensor Source(TensorShape shape, int i) =>
                shape == x ? b.Input
                : shape.Elements == x.Elements ? b.Add($"source{i}", new Reshape { Dims = [.. shape.Dims] }, b.Input)
                : b.Add($"source{i}", new ReduceMean { Axes = [.. Enumerable.Range(1, x.Rank - 1)] }, b.Input);
            var sources = inputs.Select(Source).ToArray();
            var output = b.Add("layer", kind.Example, sources);
            return (b.Build(output, inputs[0]), inputs[0]);
        }

        throw new InvalidOperationException($"The example of {kind.Name} fits none of the test inputs: give it an example that does.");
    }

    [Fact]
    public void Every_Layer_Type_Of_The_Library_Is_A_Registered_Kind()
    {
        var types = typeof(Layer).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Layer)) && !t.IsAbstract && t.IsPublic);

        types.Should().BeEquivalentTo(LayerKinds.All.Select(k => k.Type));
        LayerKinds.All.Select(k => k.Name).Should().OnlyHaveUniqueItems();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_Kind_Runs_Through_Every_Analysis(string name)
    {
        var kind = LayerKinds.Find(name)!;
        var known = kind.Type != typeof(Opaque);
        var (network, input) = Fitting(kind);

        foreach (var convention in Conventions.All)
        {
            var row = Analyzer.Analyze(network, new AnalysisOptions { Convention = convention }).Layers.Single(l => l.Path == "layer");
            row.IsCounted.Should().Be(known, $"{name} in {convention.Name}");
            row.ReceptiveField.IsKnown.Should().Be(known, $"{name}'s receptive field");
        }

        var memory = MemoryAnalyzer.Analyze(network, new MemoryOptions { Batch = 2 });
        memory.Uncounted.Contains("layer").Should().Be(!known, $"{name}'s memory");
        var latency = LatencyModel.Predict(network);
        latency.Uncounted.Contains("layer").Should().Be(!known, $"{name}'s latency");
        (kind.Example.LatencyClass(input) is not null).Should().Be(known, $"{name}'s latency class");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_Kind_Survives_A_Spec_File_Round_Trip(string name)
    {
        var (network, _) = Fitting(LayerKinds.Find(name)!);

        var written = SpecWriter.Write(network);
        var read = SpecReader.Parse(written);

        SpecWriter.Write(read).Should().Be(written);
        read.Nodes.Single(n => n.Path == "layer").Layer.GetType().Should().Be(LayerKinds.Find(name)!.Type);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_Kind_Is_Found_By_Its_Name_And_Class_Name_In_Any_Case(string name)
    {
        var kind = LayerKinds.Find(name)!;

        LayerKinds.Find(name.ToUpperInvariant()).Should().BeSameAs(kind);
        LayerKinds.Find(kind.Type.Name).Should().BeSameAs(kind);
        LayerKinds.Of(kind.Type).Should().BeSameAs(kind);
    }

    public static TheoryData<Layer, TensorShape, string> WrongRanks() => new()
    {
        { new Conv1d { OutChannels = 4 }, TensorShape.Chw(3, 8, 8), "Conv1d needs a C x L input, got 3x8x8." },
        { new Conv3d { OutChannels = 4 }, TensorShape.Chw(3, 8, 8), "Conv3d needs a C x D x H x W input, got 3x8x8." },
        { new MaxPool3d { Kernel = 2 }, TensorShape.Cl(3, 8), "MaxPool3d needs a C x D x H x W input, got 3x8." },
        { new BatchNorm2d(), TensorShape.Cdhw(3, 4, 8, 8), "BatchNorm2d needs a C x H x W input, got 3x4x8x8." },
        { new AdaptiveAvgPool1d { OutputSize = 1 }, TensorShape.Chw(3, 8, 8), "AdaptiveAvgPool1d needs a C x L input, got 3x8x8." },
        { new Upsample { ScaleFactor = [2], Mode = InterpolationMode.Trilinear }, TensorShape.Chw(3, 8, 8), "trilinear upsampling needs a C x D x H x W input, got 3x8x8." },
    };

    [Theory]
    [MemberData(nameof(WrongRanks))]
    public void A_Layer_Of_One_Rank_Names_The_Form_It_Needs(Layer layer, TensorShape input, string message)
    {
        var act = () => Analyzer.Analyze(Network.Create("n", new Sequential(layer), input));

        act.Should().Throw<InvalidNetworkException>().WithMessage($"*{message}");
    }

    [Fact]
    public void A_Uniform_Size_Takes_The_Rank_Of_Its_Layer_And_A_Wrong_Count_Names_The_Setting()
    {
        new Conv1d { OutChannels = 1, Kernel = 5 }.Kernel.Should().Be(SpatialSize.Of(5));
        new Conv3d { OutChannels = 1, Kernel = 3 }.Kernel.Should().Be(new SpatialSize(3, 3, 3));
        new Conv3d { OutChannels = 1, Padding = SpatialPadding.Symmetric(1, 3, 3) }.Padding.ToString().Should().Be("1x3x3");
        SpatialPadding.Of2D(0, 1, 2, 3).ToString().Should().Be("0,1,2,3", "top, bottom, left, right");

        var act = () => new Conv3d { OutChannels = 1, Kernel = new SpatialSize(3, 3) };

        act.Should().Throw<ArgumentException>().WithMessage("Kernel 3x3 has 2 values where a 3-D layer needs 1 or 3.*").Which.ParamName.Should().Be("Kernel");
    }
}

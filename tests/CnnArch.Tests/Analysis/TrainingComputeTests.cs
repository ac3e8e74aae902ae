using CnnArch.Memory;

namespace CnnArch.Tests.Analysis;

/// <summary>The backward pass per layer kind, training steps and epochs, and frozen layers (issue 12).</summary>
public class TrainingComputeTests
{
    private static AnalysisReport Analyze(string preset, CostModel convention, params string[] frozen) =>
        Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = convention, Frozen = [.. frozen] });

    [Fact]
    public void ResNet50_Backward_Is_Twice_Its_Conv_And_Linear_Flops_Less_The_First_Convs_Input_Gradient()
    {
        var report = Analyze("resnet50", Conventions.FlopCounter);
        var weighted = report.Layers.Where(l => l.Kind is "Conv2d" or "Linear").ToList();
        var first = report.Layers[0];

        first.Path.Should().Be("conv1");
        report.Totals.BackwardFlops.Should().Be((2 * weighted.Sum(l => l.Flops)) - first.Flops);
        report.Totals.BackwardFlops.Should().Be(16_120_709_120);
        first.BackwardFlops.Should().Be(first.Flops, "the input needs no gradient, only the weights do");
        report.Layers.Where(l => l.Kind == "BatchNorm2d").Should().AllSatisfy(l => l.BackwardFlops.Should().Be(0, "FlopCounterMode counts no normalisation"));
    }

    // input -> conv (trainable) -> the layer under test, so the layer's input needs a gradient.
    private static LayerReport BackwardOf(Layer layer, bool twoInputs = false, bool frozenConv = false)
    {
        var b = new NetworkBuilder("one");
        var conv = b.Add("conv", new Conv2d { OutChannels = 8, Kernel = 3, Padding = 1 }, b.Input);
        var gate = b.Add("gate", new AdaptiveAvgPool2d { OutputSize = 1 }, conv);
        var x = twoInputs ? b.Add("layer", layer, conv, layer is Scale ? gate : conv) : b.Add("layer", layer, conv);
        var report = Analyzer.Analyze(b.Build(x, TensorShape.Chw(8, 6, 6)), new AnalysisOptions { Convention = Conventions.Full, Frozen = frozenConv ? ["conv"] : [] });
        return report.Layers.Single(l => l.Path == "layer");
    }

    public static TheoryData<string, Layer, bool, BackwardRule, int> Kinds() => new()
    {
        { "Conv2d", new Conv2d { OutChannels = 4, Kernel = 3 }, false, BackwardRule.Weighted, 2 },
        { "Linear", new Linear { OutFeatures = 4 }, false, BackwardRule.Weighted, 2 },
        { "BatchNorm2d", new BatchNorm2d(), false, BackwardRule.Weighted, 2 },
        { "ReLU", new ReLU(), false, BackwardRule.InputGradient, 1 },
        { "MaxPool2d", new MaxPool2d { Kernel = 2 }, false, BackwardRule.InputGradient, 1 },
        { "AdaptiveAvgPool2d", new AdaptiveAvgPool2d { OutputSize = 1 }, false, BackwardRule.InputGradient, 1 },
        { "Sigmoid", new Sigmoid(), false, BackwardRule.InputGradient, 1 },
        { "Add", new Add(), true, BackwardRule.PassThrough, 0 },
        { "Concat", new Concat(), true, BackwardRule.PassThrough, 0 },
        { "Flatten", new Flatten(), false, BackwardRule.PassThrough, 0 },
        { "Scale", new Scale(), true, BackwardRule.PerInput, 2 },
        { "Mul", new Elementwise { Op = ElementwiseOp.Mul }, true, BackwardRule.PerInput, 1 },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_Kind_Counts_Its_Backward_By_Its_Rule(string kind, Layer layer, bool twoInputs, BackwardRule rule, int timesForward)
    {
        var row = BackwardOf(layer, twoInputs);

        row.Kind.Should().Be(kind);
        layer.Backward.Should().Be(rule);
        row.BackwardFlops.Should().Be(timesForward * row.Flops);
        row.BackwardMacs.Should().Be(timesForward * row.Macs);
        if (timesForward > 0)
        {
            row.Flops.Should().BePositive("the full convention counts every kind here, so the test can fail");
        }
    }

    [Fact]
    public void Behind_A_Frozen_First_Layer_Nothing_Needs_A_Gradient_But_Trainable_Weights()
    {
        BackwardOf(new ReLU(), frozenConv: true).BackwardFlops.Should().Be(0);
        var conv = BackwardOf(new Conv2d { OutChannels = 4, Kernel = 3 }, frozenConv: true);
        conv.BackwardFlops.Should().Be(conv.Flops, "its weights need a gradient, its input does not");
    }

    [Fact]
    public void Freezing_A_Prefix_Freezes_Everything_Under_It_And_Nothing_Else()
    {
        var all = Analyze("resnet50", Conventions.FlopCounter);
        var frozen = Analyze("resnet50", Conventions.FlopCounter, "conv1", "bn1", "layer1");
        var layer1 = all.Layers.Where(l => l.Path.StartsWith("layer1.", StringComparison.Ordinal) || l.Path is "conv1" or "bn1").Sum(l => l.Parameters);

        frozen.Totals.TrainableParameters.Should().Be(all.Totals.Parameters - layer1);
        frozen.Sizes().NonTrainableParameters.Should().Be(layer1).And.Be(225_344);
        frozen.Layers.Where(l => l.IsFrozen).Should().OnlyContain(l => l.Path.StartsWith("layer1.", StringComparison.Ordinal) || l.Path == "conv1" || l.Path == "bn1");
        frozen.Layers.Single(l => l.Path == "layer10" || l.Path == "layer2.0.conv1").IsFrozen.Should().BeFalse();
        // Nothing before layer2 needs a gradient, so layer1 computes no backward at all, and layer2's first conv no input gradient.
        frozen.Layers.Where(l => l.Path.StartsWith("layer1.", StringComparison.Ordinal)).Sum(l => l.BackwardFlops).Should().Be(0);
        var l2 = frozen.Layers.Single(l => l.Path == "layer2.0.conv1");
        l2.BackwardFlops.Should().Be(l2.Flops);
    }

    [Fact]
    public void Freezing_Takes_Gradients_Optimizer_State_And_Saved_Activations_Away()
    {
        var network = Catalog.Create("resnet50");
        var all = MemoryAnalyzer.Analyze(network, new MemoryOptions { Batch = 8 });
        var frozen = MemoryAnalyzer.Analyze(network, new MemoryOptions { Batch = 8, Frozen = ["conv1", "bn1", "layer1"] });
        var trainable = Analyze("resnet50", Conventions.Lecture, "conv1", "bn1", "layer1").Totals.TrainableParameters;

        frozen.Training.GradientBytes.Should().Be(trainable * 4);
        frozen.Training.OptimizerStateBytes.Should().Be(trainable * 4, "SGD with momentum keeps one buffer per trainable parameter");
        all.Training.GradientBytes.Should().Be(all.ParameterBytes);
        frozen.Training.SavedActivationBytes.Should().BeLessThan(all.Training.SavedActivationBytes, "layers no gradient reaches save nothing");
        frozen.Training.PeakBytes.Should().BeLessThan(all.Training.PeakBytes);
    }

    [Fact]
    public void A_Frozen_Path_That_Names_Nothing_Is_An_Error_Naming_It()
    {
        var act = () => Analyze("resnet18", Conventions.Lecture, "layer9");

        act.Should().Throw<ArgumentException>().WithMessage("Frozen path 'layer9' is no layer or block of resnet18*conv1, bn1, relu, maxpool, layer1*");
        Backward.Covers("layer1", "layer10.conv").Should().BeFalse();
        Backward.Covers("layer1", "layer1.0.conv1").Should().BeTrue();
    }

    [Fact]
    public void A_Step_Is_Forward_Plus_Backward_And_An_Epoch_Scales_Exactly_With_The_Dataset()
    {
        var one = Analyzer.Analyze(Catalog.Create("resnet18"), new AnalysisOptions { Convention = Conventions.TorchVision }).Training();
        var batch = Analyzer.Analyze(Catalog.Create("resnet18"), new AnalysisOptions { Convention = Conventions.TorchVision, Batch = 32 }).Training();

        one.StepMacs.Should().Be(one.ForwardMacs + one.BackwardMacs);
        batch.StepMacs.Should().Be(32 * one.StepMacs);
        batch.EpochMacs(1_281_167).Should().Be(one.EpochMacs(1_281_167)).And.Be(one.StepMacs * 1_281_167);
        var overflow = () => one.EpochFlops(long.MaxValue / 2);
        overflow.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*2^63*");
    }

    [Fact]
    public void Auxiliary_Heads_Train_So_The_Step_Includes_Them()
    {
        var report = Analyzer.Analyze(Catalog.Create("googlenet", new Dictionary<string, string> { ["aux"] = "true" }));
        var training = report.Training();

        report.AuxiliaryTotals.Macs.Should().BePositive();
        training.ForwardMacs.Should().Be(report.Totals.Macs + report.AuxiliaryTotals.Macs);
        training.BackwardMacs.Should().Be(report.Totals.BackwardMacs + report.AuxiliaryTotals.BackwardMacs);
    }
}

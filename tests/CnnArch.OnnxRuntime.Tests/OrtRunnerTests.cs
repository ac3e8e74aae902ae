using CnnArch.Analysis;
using CnnArch.Onnx;
using Onnx;

namespace CnnArch.OnnxRuntime.Tests;

[Collection(OnnxRuntimeCollection.Name)]
public class OrtRunnerTests
{
    [Fact]
    public void Should_Time_Resnet18_At_Batch_1_In_Positive_Milliseconds()
    {
        var profiles = Directory.GetFiles(Environment.CurrentDirectory, "onnxruntime_profile*");
        var temporary = Directory.GetDirectories(Path.GetTempPath(), "cnnarch-ort-*");

        var m = OrtRunner.Measure(Fixtures.Path("resnet18.onnx"), Fixtures.Quick);

        // The profile is read from a folder of its own, removed after.
        Directory.GetFiles(Environment.CurrentDirectory, "onnxruntime_profile*").Should().BeEquivalentTo(profiles);
        Directory.GetDirectories(Path.GetTempPath(), "cnnarch-ort-*").Should().BeSubsetOf(temporary);
        m.Model.Should().Be("resnet18");
        m.InputShape.Should().Equal(1, 3, 224, 224);
        m.Runs.Should().HaveCount(2).And.OnlyContain(ms => ms > 0);
        m.Milliseconds.Should().BeInRange(m.Min, m.Max);
        m.P10.Should().BeInRange(m.Min, m.Milliseconds);
        m.P90.Should().BeInRange(m.Milliseconds, m.Max);
        m.OrtVersion.Should().Be("1.31.1");
        m.Threads.Should().BeGreaterThan(0);
        m.Nodes.Should().NotBeEmpty().And.OnlyContain(n => n.Milliseconds >= 0);
        m.NodeMilliseconds.Should().BeGreaterThan(0).And.BeLessThan(m.Max * 1.5);
    }

    [Theory]
    [InlineData("resnet18.onnx", OrtOptimization.None)]
    [InlineData("resnet18.onnx", OrtOptimization.Basic)]
    [InlineData("resnet18.onnx", OrtOptimization.All)]
    [InlineData("mobilenet_v2.onnx", OrtOptimization.None)]
    [InlineData("mobilenet_v2.onnx", OrtOptimization.All)]
    public void Should_Map_Kernels_Onto_The_Layers_Analyze_Reports(string file, OrtOptimization optimization)
    {
        var analyzed = Analyzer.Analyze(OnnxImporter.Load(Fixtures.Path(file)).Network).Layers;
        var paths = analyzed.Select(l => l.Path).ToHashSet(StringComparer.Ordinal);

        var m = OrtRunner.Measure(Fixtures.Path(file), Fixtures.Quick with { Runs = 1, Optimization = optimization });

        m.ImportError.Should().BeNull();
        m.Nodes.Where(n => n.Layer is not null).Select(n => n.Layer).Should().OnlyContain(p => paths.Contains(p!));
        m.Layers.Select(l => l.Path).Should().Equal(analyzed.Select(l => l.Path).Distinct());
        // Every convolution ran as a kernel of its own: fused activations and adds join its time, never the other way.
        m.Layers.Where(l => l.Kind == "Conv2d").Should().OnlyContain(l => l.Milliseconds > 0 && l.Ops.Length > 0);
        // What maps onto no layer is ONNX Runtime's own layout change (NCHWc on x64) or a shared weight's Identity.
        m.Nodes.Where(n => n.Layer is null).Select(n => n.OpType).Should().NotContain(op => !op.StartsWith("Reorder", StringComparison.Ordinal) && op != "Identity");
        m.Layers.Sum(l => l.Milliseconds).Should().BeApproximately(m.Nodes.Where(n => n.Layer is not null).Sum(n => n.Milliseconds), 1e-9);
        // A layer that ran no kernel of its own names the one it was fused into.
        m.Layers.Where(l => l.Ops.IsEmpty).Should().NotContain(l => l.FusedInto == null || !paths.Contains(l.FusedInto));
        m.Layers.Where(l => l.Ops.IsEmpty).Should().HaveCount(optimization == OrtOptimization.All ? m.Layers.Count(l => l.FusedInto != null) : 0);
    }

    [Fact]
    public void Should_Name_The_Conv_That_Absorbed_A_Relu()
    {
        var m = OrtRunner.Measure(Fixtures.Path("resnet18.onnx"), Fixtures.Quick with { Runs = 1, Optimization = OrtOptimization.All });

        var conv1 = m.Layers.Single(l => l.Path == "conv1");
        conv1.Milliseconds.Should().BeGreaterThan(0);
        var relu = m.Layers.Single(l => l.Path == "relu");
        relu.Milliseconds.Should().Be(0);
        relu.FusedInto.Should().Be("conv1");
    }

    [Fact]
    public void Should_Fill_Stripped_Weights_With_Zeros()
    {
        var stripped = OrtRunner.Measure(Fixtures.Path("resnet18.onnx"), Fixtures.Quick with { Runs = 1, Profile = false });

        // Every conv and fc weight (and bias) of the fixture is external data whose file is not there.
        stripped.ZeroFilledInitializers.Should().BeGreaterThan(20);
        stripped.Nodes.Should().BeEmpty();
        stripped.Layers.Should().BeEmpty();
    }

    [Fact]
    public void Should_Fill_An_Initializer_Without_Data_With_Zeros()
    {
        var empty = Fixtures.Changed("resnet18.onnx", model =>
        {
            foreach (var init in model.Graph.Initializer.Where(i => i.DataLocation == TensorProto.Types.DataLocation.External))
            {
                init.ExternalData.Clear();
                init.DataLocation = TensorProto.Types.DataLocation.Default;
            }
        });

        var m = OrtRunner.Measure(empty, Fixtures.Quick with { Runs = 1, Profile = false }, "empty");

        m.Model.Should().Be("empty");
        m.ZeroFilledInitializers.Should().BeGreaterThan(20);
        m.Milliseconds.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Should_Read_External_Data_That_Is_There()
    {
        var folder = Directory.CreateTempSubdirectory("cnnarch-ort-test-");
        try
        {
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Fixtures.Path("resnet18.onnx")));
            using (var weights = File.Create(Path.Combine(folder.FullName, "weights.bin")))
            {
                foreach (var init in model.Graph.Initializer.Where(i => i.DataLocation == TensorProto.Types.DataLocation.External))
                {
                    var bytes = init.Dims.Aggregate(4L, (a, d) => a * d);
                    init.ExternalData.Clear();
                    init.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
                    init.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = weights.Position.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                    init.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                    weights.Write(new byte[bytes]);
                }
            }

            var path = Path.Combine(folder.FullName, "resnet18.onnx");
            File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(model));

            var m = OrtRunner.Measure(path, Fixtures.Quick with { Runs = 1, Profile = false });

            m.ZeroFilledInitializers.Should().Be(0);
            m.Milliseconds.Should().BeGreaterThan(0);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Should_Refuse_External_Data_Outside_The_Models_Folder()
    {
        var outside = Fixtures.Changed("resnet18.onnx", model => model.Graph.Initializer.First(i => i.DataLocation == TensorProto.Types.DataLocation.External)
            .ExternalData.Single(e => e.Key == "location").Value = "../../etc/passwd");
        var folder = Directory.CreateTempSubdirectory("cnnarch-ort-test-");
        try
        {
            var path = Path.Combine(folder.FullName, "outside.onnx");
            File.WriteAllBytes(path, outside);

            var act = () => OrtRunner.Measure(path, Fixtures.Quick);

            act.Should().Throw<FormatException>().WithMessage("*outside the model's folder*");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Should_Feed_A_Symbolic_Batch_At_The_Batch_Asked_For()
    {
        var dynamic = Fixtures.Changed("resnet18.onnx", model => model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam = "batch");

        var m = OrtRunner.Measure(dynamic, Fixtures.Quick with { Batch = 2, Runs = 1, Profile = false });

        m.InputShape.Should().Equal(2, 3, 224, 224);
    }

    [Fact]
    public void Should_Say_A_File_Was_Exported_For_Another_Batch()
    {
        // The fixtures were exported with a fixed batch of 1.
        var act = () => OrtRunner.Measure(Fixtures.Path("resnet18.onnx"), Fixtures.Quick with { Batch = 8 });

        act.Should().Throw<ArgumentException>().WithMessage("'*resnet18.onnx' was exported for batch 1 (input 'input' is [1,3,224,224]) and cannot run at batch 8*dynamic batch axis*");
    }

    [Fact]
    public void Should_Say_What_Is_Not_An_Onnx_File()
    {
        var act = () => OrtRunner.Measure("no such file.onnx");
        act.Should().Throw<FileNotFoundException>().WithMessage("No file 'no such file.onnx'.");

        var garbage = () => OrtRunner.Measure([1, 2, 3, 4, 5]);
        garbage.Should().Throw<FormatException>();
    }

    [Fact]
    public void Should_Check_Options_When_Set()
    {
        FluentActions.Invoking(() => new OrtMeasureOptions { Runs = 0 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new OrtMeasureOptions { Batch = 0 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new OrtMeasureOptions { Threads = -1 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new OrtMeasureOptions { Warmup = -1 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new OrtMeasureOptions { Optimization = (OrtOptimization)7 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new OrtMeasureOptions { MinimumMilliseconds = -1 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new OrtMeasureOptions { MinimumMilliseconds = double.NaN }).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Should_Keep_Timing_Past_The_Runs_Until_They_Add_Up_To_The_Minimum_Time()
    {
        var m = OrtRunner.Measure(Fixtures.Path("resnet18.onnx"), Fixtures.Quick with { Runs = 1, MinimumMilliseconds = 100, Profile = false });

        // resnet18 runs in a few to a few tens of milliseconds on one thread: more than one run, and no more than it took.
        m.Runs.Length.Should().BeGreaterThan(1);
        m.Runs.Sum().Should().BeGreaterThanOrEqualTo(100);
        (m.Runs.Sum() - m.Runs[^1]).Should().BeLessThan(100);
    }

    [Fact]
    public void Should_Take_Percentiles_Between_Ranks()
    {
        Statistics.Median([3.0, 1.0, 2.0]).Should().Be(2);
        Statistics.Median([1.0, 2.0, 3.0, 4.0]).Should().Be(2.5);
        Statistics.Percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0], 0.9).Should().BeApproximately(10, 1e-12);
        Statistics.Percentile([], 0.5).Should().Be(0);
    }
}

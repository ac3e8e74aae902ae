using System.Collections.Immutable;

namespace CnnArch.OnnxRuntime;

/// <summary>What <see cref="OrtRunner.Measure(string, OrtMeasureOptions?)"/> measured: the time of a forward pass, and where it went.</summary>
public sealed record OrtMeasurement
{
    /// <summary>The model's name: the file's name without its extension, or the name given with the bytes.</summary>
    public required string Model { get; init; }

    /// <summary>The options it was measured with.</summary>
    public required OrtMeasureOptions Options { get; init; }

    /// <summary>The input's shape as fed, batch first (<c>[1, 3, 224, 224]</c>).</summary>
    public required ImmutableArray<long> InputShape { get; init; }

    /// <summary>The median of <see cref="Runs"/>, in milliseconds: the time of one forward pass of a batch.</summary>
    public required double Milliseconds { get; init; }

    /// <summary>The fastest timed run, in milliseconds.</summary>
    public required double Min { get; init; }

    /// <summary>The slowest timed run, in milliseconds.</summary>
    public required double Max { get; init; }

    /// <summary>The 10th percentile of the timed runs (linear between ranks), in milliseconds.</summary>
    public required double P10 { get; init; }

    /// <summary>The 90th percentile of the timed runs (linear between ranks), in milliseconds.</summary>
    public required double P90 { get; init; }

    /// <summary>Every timed run in the order they ran, in milliseconds (wall clock around <c>InferenceSession.Run</c>).</summary>
    public required ImmutableArray<double> Runs { get; init; }

    /// <summary>
    /// The kernels ONNX Runtime ran, in the order of their first run, each with the median of its time over
    /// the timed runs. Empty when <see cref="OrtMeasureOptions.Profile"/> is false.
    /// </summary>
    public required ImmutableArray<OrtNodeTime> Nodes { get; init; }

    /// <summary>
    /// Every layer of the network CnnArch imports from the file (the paths <c>Analyzer.Analyze</c> reports), in
    /// the network's order, with the summed time of the kernels mapped onto it. A layer that ONNX Runtime fused
    /// into another's kernel (BatchNorm folded into its Conv, a ReLU into <c>FusedConv</c>) shows 0 and names
    /// the layer that absorbed it. Empty when <see cref="OrtMeasureOptions.Profile"/> is false or the file
    /// could not be imported (<see cref="ImportError"/>).
    /// </summary>
    public required ImmutableArray<OrtLayerTime> Layers { get; init; }

    /// <summary>Why CnnArch could not import the file (its layers are then unknown and no kernel maps onto a layer); null when it could.</summary>
    public string? ImportError { get; init; }

    /// <summary>The version of the ONNX Runtime native library that ran the model (<c>1.31.1</c>).</summary>
    public required string OrtVersion { get; init; }

    /// <summary>The intra-op threads the session ran with: <see cref="OrtMeasureOptions.Threads"/>, or for 0 the number ONNX Runtime chose as far as it can be known (this machine's processor count when the profile does not tell).</summary>
    public required int Threads { get; init; }

    /// <summary>Initializers whose data was missing (external data without its file, or none at all) and ran as zeros.</summary>
    public required int ZeroFilledInitializers { get; init; }

    /// <summary>The summed median time of <see cref="Nodes"/>, in milliseconds: the kernels' share of <see cref="Milliseconds"/> (the rest is the session's own work between them).</summary>
    public double NodeMilliseconds => Nodes.Sum(n => n.Milliseconds);
}

/// <summary>One kernel ONNX Runtime ran: a node of the file, or one its optimizer made (a fused or reordered node).</summary>
/// <param name="NodeName">The node's name in ONNX Runtime's graph (<c>/layer1/layer1.0/conv1/Conv</c>; a fused node keeps the name of the node it grew from, a layout change gets a name of ONNX Runtime's).</param>
/// <param name="OpType">The kernel's operator (<c>Conv</c>, <c>FusedConv</c>, <c>ReorderInput</c>).</param>
/// <param name="Layer">The CnnArch layer path it maps onto (<c>layer1.0.conv1</c>), or null when it maps onto none (a layout change ONNX Runtime added).</param>
/// <param name="Milliseconds">The median of its time over the timed runs, in milliseconds.</param>
public sealed record OrtNodeTime(string NodeName, string OpType, string? Layer, double Milliseconds);

/// <summary>One CnnArch layer and the time of the kernels mapped onto it.</summary>
/// <param name="Path">The layer's path, as <c>Analyzer.Analyze</c> reports it (<c>layer1.0.conv1</c>).</param>
/// <param name="Kind">The CnnArch layer kind (<c>Conv2d</c>, <c>BatchNorm2d</c>, <c>ReLU</c>).</param>
/// <param name="Ops">The operators of the kernels mapped onto it (<c>FusedConv</c>); empty when none ran for it.</param>
/// <param name="Milliseconds">The summed median time of those kernels, in milliseconds; 0 when none ran for it.</param>
/// <param name="FusedInto">For a layer no kernel ran for, the layer whose kernel absorbed it when that can be told (a BatchNorm folded into the Conv before it, an activation fused into <c>FusedConv</c>); otherwise null.</param>
public sealed record OrtLayerTime(string Path, string Kind, ImmutableArray<string> Ops, double Milliseconds, string? FusedInto);

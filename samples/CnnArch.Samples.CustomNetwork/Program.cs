// Build a small ResNet-like network for 32x32 images with the builder, then ask what it costs to run and to train.
using System.Globalization;

// A basic residual block: two 3x3 convs, and a 1x1 projection when the shape changes.
static Residual Block(int channels, int stride, bool project) => new()
{
    Body = Sequential.Of(
        ("conv1", new Conv2d { OutChannels = channels, Stride = stride, Padding = 1, HasBias = false }),
        ("bn1", new BatchNorm2d()),
        ("relu", new ReLU { Inplace = true }),
        ("conv2", new Conv2d { OutChannels = channels, Padding = 1, HasBias = false }),
        ("bn2", new BatchNorm2d())),
    Shortcut = project ? new Sequential(new Conv2d { OutChannels = channels, Kernel = 1, Stride = stride, HasBias = false }, new BatchNorm2d()) : null,
    After = Sequential.Of(("relu", new ReLU { Inplace = true })),
    InPlaceJoin = true,
};

var network = Network.Create("cifar_resnet", Sequential.Of(
    ("stem", Sequential.Of(
        ("conv", new Conv2d { OutChannels = 32, Padding = 1, HasBias = false }),
        ("bn", new BatchNorm2d()),
        ("relu", new ReLU { Inplace = true }))),
    ("stage1", new Sequential(Block(32, 1, false), Block(32, 1, false))),
    ("stage2", new Sequential(Block(64, 2, true), Block(64, 1, false))),
    ("stage3", new Sequential(Block(128, 2, true), Block(128, 1, false))),
    ("pool", AdaptiveAvgPool2d.Global),
    ("flatten", new Functional(Flatten.Instance)),
    ("fc", new Linear { OutFeatures = 10 })),
    TensorShape.Chw(3, 32, 32));

var c = CultureInfo.InvariantCulture;
var report = Analyzer.Analyze(network, new AnalysisOptions { Convention = Conventions.TorchVision });
Console.WriteLine($"{network.Name}: {report.Totals.Parameters.ToString("N0", c)} params, {report.Totals.Macs.ToString("N0", c)} MACs per image ({report.Convention.Name})");
foreach (var row in report.Collapsed(depth: 1))
{
    Console.WriteLine(string.Format(c, "  {0,-8} {1,-18} {2,10} {3,12:N0} params {4,14:N0} MACs", row.Path, row.Kind, row.Output, row.Parameters, row.Macs));
}

var memory = MemoryAnalyzer.Analyze(network, new MemoryOptions { Batch = 128, Optimizer = Optimizer.Adam });
Console.WriteLine(string.Format(c, "training at batch 128 with Adam: {0:0.0} MiB at the peak ({1:0.0} MiB of activations kept for backward)",
    memory.Training.PeakBytes / 1048576.0, memory.Training.SavedActivationBytes / 1048576.0));
Console.WriteLine($"largest batch for 8 GiB: {MemoryAnalyzer.LargestBatch(network, 8L << 30, new MemoryOptions { Optimizer = Optimizer.Adam })}");

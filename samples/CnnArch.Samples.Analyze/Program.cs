// Analyse a preset, then a network of your own, and print what each layer costs.
using System.Globalization;
using CnnArch;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Layers;
using CnnArch.Presets;

// 1. The lecture's AlexNet table: a preset at 3x227x227 in the lecture's convention.
var alexnet = Analyzer.Analyze(Catalog.Create("alexnet"), new AnalysisOptions
{
    Input = TensorShape.Chw(3, 227, 227),
    Convention = Conventions.Lecture,
});
Print(alexnet);

// 2. A network of your own: a VGG-style stem, a residual block, global pooling and a classifier.
var tiny = Network.Create("tiny_resnet", Sequential.Of(
    ("stem", Sequential.Of(
        ("conv", new Conv2d { OutChannels = 32, Kernel = 3, Stride = 2, Padding = 1, HasBias = false }),
        ("bn", BatchNorm2d.Default),
        ("relu", new ReLU { Inplace = true }))),
    ("block", new Residual
    {
        Body = Sequential.Of(
            ("conv1", new Conv2d { OutChannels = 32, Padding = 1, HasBias = false }),
            ("bn1", BatchNorm2d.Default),
            ("relu", new ReLU { Inplace = true }),
            ("conv2", new Conv2d { OutChannels = 32, Padding = 1, HasBias = false }),
            ("bn2", BatchNorm2d.Default)),
        After = Sequential.Of(("relu", new ReLU { Inplace = true })),
    }),
    ("pool", AdaptiveAvgPool2d.Global),
    ("flatten", new Functional(Flatten.Instance)),
    ("fc", new Linear { OutFeatures = 10 })),
    TensorShape.Chw(3, 32, 32));
Print(Analyzer.Analyze(tiny, new AnalysisOptions { Convention = Conventions.TorchVision, Batch = 64 }));

static void Print(AnalysisReport report)
{
    var c = CultureInfo.InvariantCulture;
    Console.WriteLine($"{report.Model} at {report.Input}, batch {report.Batch}");
    Console.WriteLine($"{"layer",-14} {"kind",-18} {"output",12} {"memory KB",10} {"params",12} {"MACs",15}");
    foreach (var l in report.Layers)
    {
        Console.WriteLine(string.Format(c, "{0,-14} {1,-18} {2,12} {3,10:0.##} {4,12:N0} {5,15:N0}", l.Path, l.Kind, l.Output, l.MemoryKB, l.Parameters, l.Macs));
    }

    Console.WriteLine(string.Format(c, "total: {0:N0} params, {1:N0} MACs, {2:0.##} KB of activations", report.Totals.Parameters, report.Totals.Macs, report.Totals.MemoryKB));
    Console.WriteLine($"convention {report.Convention.Name}: {report.Convention.Statement}");
    Console.WriteLine();
}

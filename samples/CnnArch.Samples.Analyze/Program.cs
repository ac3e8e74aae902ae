// Analyse a preset and print what each layer costs: the lecture's AlexNet table, from the library.
using System.Globalization;

var report = Analyzer.Analyze(Catalog.Create("alexnet"), new AnalysisOptions
{
    Input = TensorShape.Chw(3, 227, 227),
    Convention = Conventions.Lecture,
});

var c = CultureInfo.InvariantCulture;
Console.WriteLine($"{report.Model} at {report.Input}, batch {report.Batch}");
Console.WriteLine($"{"layer",-14} {"kind",-18} {"output",12} {"memory KB",10} {"params",12} {"MACs",15}");
foreach (var l in report.Layers)
{
    Console.WriteLine(string.Format(c, "{0,-14} {1,-18} {2,12} {3,10:0.##} {4,12:N0} {5,15:N0}", l.Path, l.Kind, l.Output, l.MemoryKB, l.Parameters, l.Macs));
}

Console.WriteLine(string.Format(c, "total: {0:N0} params, {1:N0} MACs, {2:0.##} KB of activations", report.Totals.Parameters, report.Totals.Macs, report.Totals.MemoryKB));
Console.WriteLine($"convention {report.Convention.Name}: {report.Convention.Statement}");

using System.Runtime.Versioning;
using CnnArch.Onnx;

// Imports an ONNX file (no using for CnnArch.Analysis: the package adds its namespaces as implicit usings) through the CnnArch.Onnx package and prints its totals.
var import = OnnxImporter.Load(args[0]);
var report = Analyzer.Analyze(import.Network, new AnalysisOptions { Convention = Conventions.TorchVision });
var built = typeof(OnnxImporter).Assembly.GetCustomAttributes(typeof(TargetFrameworkAttribute), false).OfType<TargetFrameworkAttribute>().Single().FrameworkName;
Console.WriteLine($"{Path.GetFileName(args[0])}: {report.Totals.Parameters:N0} params, {report.Totals.Macs:N0} MACs (CnnArch.Onnx for {built}, running on .NET {Environment.Version})");

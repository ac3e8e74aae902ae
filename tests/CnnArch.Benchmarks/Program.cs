using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Memory;
using CnnArch.Onnx;
using CnnArch.Presets;
using CnnArch.Spec;

BenchmarkSwitcher.FromAssembly(typeof(AnalysisBenchmarks).Assembly).Run(args);

/// <summary>What a user waits for: building a preset, analysing it, estimating its memory, importing and exporting it.</summary>
[MemoryDiagnoser]
public class AnalysisBenchmarks
{
    private Network _resnet152 = null!;
    private Network _resnet50 = null!;
    private string _spec = null!;
    private byte[] _onnx = null!;

    [GlobalSetup]
    public void Setup()
    {
        _resnet152 = Catalog.Create("resnet152");
        _resnet50 = Catalog.Create("resnet50");
        _spec = SpecWriter.Write(_resnet152);
        _onnx = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "resnet152.onnx"));
    }

    /// <summary>The target: shapes, params, MACs and receptive fields of ResNet-50 in at most 20 us and 64 KB.</summary>
    [Benchmark]
    public AnalysisReport AnalyzeResNet50() => Analyzer.Analyze(_resnet50);

    [Benchmark]
    public Network BuildResNet152() => Catalog.Create("resnet152");

    [Benchmark]
    public AnalysisReport AnalyzeResNet152() => Analyzer.Analyze(_resnet152, new AnalysisOptions { Convention = Conventions.TorchVision });

    [Benchmark]
    public MemoryReport MemoryResNet152Batch32() => MemoryAnalyzer.Analyze(_resnet152, new MemoryOptions { Batch = 32 });

    [Benchmark]
    public int LargestBatchResNet152In24GiB() => MemoryAnalyzer.LargestBatch(_resnet152, 24L << 30);

    [Benchmark]
    public Network ImportResNet152Onnx() => OnnxImporter.Load(new MemoryStream(_onnx), "resnet152").Network;

    [Benchmark]
    public Network ReadResNet152Spec() => SpecReader.Parse(_spec);

    [Benchmark]
    public AnalysisReport AnalyzeEveryPreset()
    {
        AnalysisReport last = null!;
        foreach (var preset in Catalog.All)
        {
            last = Analyzer.Analyze(Catalog.Create(preset.Name));
        }

        return last;
    }
}

using CnnArch.OnnxRuntime;

namespace CnnArch.Bench;

/// <summary>
/// A model to measure, resolved from what the user typed as MODEL: an ONNX file (its folder holds any
/// external weights), or ONNX bytes made in memory with a name.
/// </summary>
internal sealed record ModelSource
{
    private ModelSource(string name, string? path, byte[]? bytes, Graph.Network? network = null)
    {
        Name = name;
        Path = path;
        Bytes = bytes;
        Network = network;
    }

    /// <summary>The network the bytes were exported from (a preset or spec); null for a file, which is imported when a prediction is asked for.</summary>
    public Graph.Network? Network { get; }

    /// <summary>The model's name in the report.</summary>
    public string Name { get; }

    /// <summary>The file, for a model on disk.</summary>
    public string? Path { get; }

    /// <summary>The model's bytes, for a model made in memory.</summary>
    public byte[]? Bytes { get; }

    public static ModelSource FromFile(string path) => new(System.IO.Path.GetFileNameWithoutExtension(path), path, null);

    public static ModelSource FromBytes(string name, byte[] onnx) => new(name, null, onnx);

    /// <summary>A network CnnArch describes, exported to ONNX in memory (weights left out: they run as zeros).</summary>
    public static ModelSource FromNetwork(Graph.Network network, TensorShape? input) =>
        new(network.Name, null, Onnx.OnnxExporter.Export(network, new Onnx.OnnxExportOptions { Weights = Onnx.OnnxWeights.None, Input = input }), network);

    /// <summary>The network to predict: the exported one, or the file imported at <paramref name="input"/>.</summary>
    public Graph.Network PredictedNetwork(TensorShape? input) =>
        Network ?? Onnx.OnnxImporter.Load(Path!, new Onnx.OnnxImportOptions { Input = input }).Network;

    public OrtMeasurement Measure(OrtMeasureOptions options) => Path is not null ? OrtRunner.Measure(Path, options) : OrtRunner.Measure(Bytes!, options, Name);
}

/// <summary>What MODEL can name: a preset (with --set values), a spec file (.json) or an .onnx file, as for cnnarch.</summary>
internal static class ModelSources
{
    /// <summary>An .onnx file as it is; a preset or spec exported to ONNX in memory at <paramref name="input"/>.</summary>
    public static ModelSource Resolve(string model, string[] settings, TensorShape? input)
    {
        if (Directory.Exists(model))
        {
            throw new ArgumentException($"'{model}' is a folder; give a preset name, an .onnx file or a spec file (.json).");
        }

        if (model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            if (settings.Length > 0)
            {
                throw new ArgumentException("--set applies to presets; an ONNX file has no parameters.");
            }

            return File.Exists(model) ? ModelSource.FromFile(model) : throw new FileNotFoundException($"No file '{model}'.", model);
        }

        var loaded = Onnx.ModelLoader.Load(model, Onnx.ModelLoader.Settings(settings), input);
        return ModelSource.FromNetwork(loaded.Network, input);
    }
}

using CnnArch.OnnxRuntime;

namespace CnnArch.Bench;

/// <summary>
/// A model to measure, resolved from what the user typed as MODEL: an ONNX file (its folder holds any
/// external weights), or ONNX bytes made in memory with a name.
/// </summary>
internal sealed record ModelSource
{
    private ModelSource(string name, string? path, byte[]? bytes)
    {
        Name = name;
        Path = path;
        Bytes = bytes;
    }

    /// <summary>The model's name in the report.</summary>
    public string Name { get; }

    /// <summary>The file, for a model on disk.</summary>
    public string? Path { get; }

    /// <summary>The model's bytes, for a model made in memory.</summary>
    public byte[]? Bytes { get; }

    public static ModelSource FromFile(string path) => new(System.IO.Path.GetFileNameWithoutExtension(path), path, null);

    public static ModelSource FromBytes(string name, byte[] onnx) => new(name, null, onnx);

    public OrtMeasurement Measure(OrtMeasureOptions options) => Path is not null ? OrtRunner.Measure(Path, options) : OrtRunner.Measure(Bytes!, options, Name);
}

/// <summary>
/// THE SEAM for <c>measure PRESET</c>: what MODEL can name. Today only an .onnx file. A preset resolves once
/// CnnArch.Onnx can export a network: pass <see cref="BenchApp.Run"/> a resolver that returns
/// <c>ModelSource.FromBytes(preset, exportedBytes)</c> for a preset name (<c>CnnArch.Presets.Catalog.Contains</c>)
/// and falls back to <see cref="OnnxFile"/> for a file.
/// </summary>
internal static class ModelSources
{
    /// <summary>The default resolver: MODEL is an .onnx file.</summary>
    public static ModelSource OnnxFile(string model)
    {
        if (Directory.Exists(model))
        {
            throw new ArgumentException($"'{model}' is a folder; give an .onnx file.");
        }

        if (!File.Exists(model))
        {
            throw new FileNotFoundException(model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
                ? $"No file '{model}'."
                : $"No file '{model}'; cnnarch-bench measures .onnx files (presets are not measured yet: export one to ONNX first).", model);
        }

        return ModelSource.FromFile(model);
    }
}

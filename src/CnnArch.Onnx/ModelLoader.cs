using System.Collections.Immutable;
using CnnArch.Graph;
using CnnArch.Presets;
using CnnArch.Spec;

namespace CnnArch.Onnx;

/// <summary>A network loaded by name, and what its import noticed (for an ONNX file).</summary>
/// <param name="Network">The network.</param>
/// <param name="Import">The ONNX import's summary: opset, stored parameters, unknown operators; null for a preset or a spec.</param>
public sealed record LoadedModel(Network Network, ImportSummary? Import);

/// <summary>
/// Loads what a user names as a model: a preset (with parameter values), a spec file (.json) or an ONNX
/// file (.onnx, imported at an input when given). Every front end (the CLI, a notebook, a test) names
/// models the same way.
/// </summary>
public static class ModelLoader
{
    /// <summary>Loads <paramref name="model"/>: a preset name, a spec file or an ONNX file.</summary>
    /// <param name="model">A preset (see <see cref="Catalog.All"/>), a path ending in .json, or an ONNX file.</param>
    /// <param name="settings">Preset parameters by name; a spec or ONNX file takes none.</param>
    /// <param name="input">For an ONNX file, the input to import it at (default: the file's own).</param>
    /// <exception cref="ArgumentException">An unknown preset or parameter, settings for a file, a folder or a file of another kind.</exception>
    /// <exception cref="FormatException">A spec or ONNX file that cannot be read as one.</exception>
    /// <exception cref="IOException">A file that cannot be read.</exception>
    /// <exception cref="InvalidNetworkException">A file describing a network whose shapes do not fit.</exception>
    public static LoadedModel Load(string model, IReadOnlyDictionary<string, string>? settings = null, TensorShape? input = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        settings ??= ImmutableDictionary<string, string>.Empty;
        if (Directory.Exists(model))
        {
            throw new ArgumentException($"'{model}' is a folder; give a preset name, an .onnx file or a spec file (.json).");
        }

        if (model.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            NoSettings(settings, "a spec file");
            return File.Exists(model)
                ? new LoadedModel(SpecReader.Load(model), null)
                : throw new FileNotFoundException($"No file '{model}'.", model);
        }

        var isFile = File.Exists(model) && !Catalog.Contains(model);
        if (isFile && Path.GetExtension(model) is { Length: > 0 } extension && !extension.Equals(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{model}' is a {extension} file; cnnarch reads ONNX models (.onnx) and spec files (.json), or a preset name ('cnnarch list').");
        }

        if (isFile || model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            NoSettings(settings, "an ONNX file");
            var import = OnnxImporter.Load(model, new OnnxImportOptions { Input = input });
            return new LoadedModel(import.Network, import.Summary);
        }

        return new LoadedModel(Catalog.Create(model, settings), null);
    }

    /// <summary>Reads <c>name=value</c> pairs (as <c>--set</c> takes them) into preset parameters; a later value wins.</summary>
    /// <exception cref="ArgumentException">A pair without a name or a value.</exception>
    public static ImmutableDictionary<string, string> Settings(IEnumerable<string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var values = ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in pairs)
        {
            var eq = s.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == s.Length - 1 || s[..eq].Trim().Length == 0)
            {
                throw new ArgumentException($"--set takes name=value, got '{s}'.");
            }

            values = values.SetItem(s[..eq].Trim(), s[(eq + 1)..].Trim());
        }

        return values;
    }

    private static void NoSettings(IReadOnlyDictionary<string, string> settings, string what)
    {
        if (settings.Count > 0)
        {
            throw new ArgumentException($"--set applies to presets; {what} has no parameters.");
        }
    }
}

using System.Text.Json;
using CnnArch.Analysis;
using CnnArch.Graph;
using CnnArch.Onnx;
using CnnArch.Presets;
using CnnArch.Spec;
using Spectre.Console;

namespace CnnArch.Cli;

/// <summary>Where a network came from: a preset, or an ONNX file with what its import noticed.</summary>
internal sealed record ModelSource(Network Network, OnnxImport? Onnx)
{
    /// <summary>A preset by name (with --set values), or an .onnx file imported at <paramref name="input"/> when given.</summary>
    public static ModelSource Load(string model, string[] settings, TensorShape? input)
    {
        if (Directory.Exists(model))
        {
            throw new ArgumentException($"'{model}' is a folder; give a preset name, an .onnx file or a spec file (.json).");
        }

        if (model.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            if (settings.Length > 0)
            {
                throw new ArgumentException("--set applies to presets; a spec file has no parameters.");
            }

            if (!File.Exists(model))
            {
                throw new FileNotFoundException($"No file '{model}'.", model);
            }

            return new ModelSource(SpecReader.Load(model), null);
        }

        if (File.Exists(model) && !Catalog.Contains(model) && Path.GetExtension(model) is { Length: > 0 } extension && !extension.Equals(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{model}' is a {extension} file; cnnarch reads ONNX models (.onnx) and spec files (.json), or a preset name ('cnnarch list').");
        }

        if (model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || (File.Exists(model) && !Catalog.Contains(model)))
        {
            if (settings.Length > 0)
            {
                throw new ArgumentException("--set applies to presets; an ONNX file has no parameters.");
            }

            var import = OnnxImporter.Load(model, new OnnxImportOptions { Input = input });
            return new ModelSource(import.Network, import);
        }

        var arguments = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in settings)
        {
            var eq = s.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == s.Length - 1)
            {
                throw new ArgumentException($"--set takes name=value, got '{s}'.");
            }

            arguments[s[..eq].Trim()] = s[(eq + 1)..].Trim();
        }

        return new ModelSource(Catalog.Create(model, arguments), null);
    }

    public void WriteNotes(IAnsiConsole console, AnalysisReport report)
    {
        if (Onnx is null)
        {
            return;
        }

        console.WriteLine($"ONNX opset {Onnx.Opset}: {Units.Exact(Onnx.UniqueParameterElements)} parameter elements stored in the file (a shared tensor once); the table sums {Units.Exact(report.Totals.Parameters)} over the layers that use them.");
        if (Onnx.UnknownOperators.Length > 0)
        {
            console.WriteLine($"Uncounted: {Onnx.UnknownOperators.Length} node(s) of unknown operators, their output assumed to have their input's shape: " +
                string.Join(", ", Onnx.UnknownOperators.Select(u => $"{u.NodeName} ({u.OpType})")));
        }
    }

    public void WriteJson(Utf8JsonWriter w)
    {
        if (Onnx is null)
        {
            return;
        }

        w.WriteStartObject("onnx");
        w.WriteNumber("opset", Onnx.Opset);
        w.WriteNumber("uniqueParameterElements", Onnx.UniqueParameterElements);
        w.WriteNumber("uniqueBufferElements", Onnx.UniqueBufferElements);
        w.WriteStartArray("unknownOperators");
        foreach (var u in Onnx.UnknownOperators)
        {
            w.WriteStartObject();
            w.WriteString("node", u.NodeName);
            w.WriteString("op", u.OpType);
            w.WriteString("path", u.Path);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}

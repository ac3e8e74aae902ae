using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace CnnArch.OnnxRuntime;

/// <summary>
/// Measures a forward pass of an ONNX model with ONNX Runtime on the CPU: warmup runs, then timed runs (wall
/// clock around each <c>Run</c>), and with profiling on each kernel's time, mapped onto the CnnArch layers
/// that <c>OnnxImporter</c> imports from the same file (<see cref="LayerMap"/> says how).
/// </summary>
/// <remarks>
/// A file kept without its weights (external data whose file is missing, as CnnArch's test fixtures) runs with
/// zeros in their place: the same kernels run on the same shapes, so dense CPU kernels take the same time.
/// The input is filled with pseudo-random values from <see cref="OrtMeasureOptions.Seed"/>.
/// </remarks>
public static class OrtRunner
{
    /// <summary>Measures the model at <paramref name="path"/>; external data is read from its folder, or zero-filled where missing.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="FormatException">Not an ONNX model, or an initializer that cannot be filled in.</exception>
    /// <exception cref="ArgumentException">The file cannot run at the batch asked for (exported for another), or an input has other symbolic dimensions.</exception>
    /// <exception cref="OrtMeasureException">ONNX Runtime cannot load or run the model; the message is its own.</exception>
    public static OrtMeasurement Measure(string path, OrtMeasureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(Directory.Exists(path) ? $"'{path}' is a folder, not an ONNX file." : $"No file '{path}'.", path);
        }

        var bytes = File.ReadAllBytes(path);
        return Measure(bytes, Path.GetFileNameWithoutExtension(path), path, Path.GetDirectoryName(Path.GetFullPath(path)), options ?? new OrtMeasureOptions());
    }

    /// <summary>Measures the model in <paramref name="onnxModel"/>; all of its external data is zero-filled (there is no folder to read it from).</summary>
    /// <param name="onnxModel">The model's bytes (a serialized <c>ModelProto</c>).</param>
    /// <param name="options">How to measure; null takes the defaults.</param>
    /// <param name="name">The model's name in the measurement.</param>
    /// <exception cref="FormatException">Not an ONNX model, or an initializer that cannot be filled in.</exception>
    /// <exception cref="ArgumentException">The model cannot run at the batch asked for, or an input has other symbolic dimensions.</exception>
    /// <exception cref="OrtMeasureException">ONNX Runtime cannot load or run the model; the message is its own.</exception>
    public static OrtMeasurement Measure(byte[] onnxModel, OrtMeasureOptions? options = null, string name = "model")
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        ArgumentNullException.ThrowIfNull(name);
        return Measure(onnxModel, name, name, null, options ?? new OrtMeasureOptions());
    }

    /// <summary>The version of the ONNX Runtime native library this process loads (<c>1.31.1</c>).</summary>
    public static string OrtVersion => OrtEnv.Instance().GetVersionString();

    private static OrtMeasurement Measure(byte[] onnx, string name, string source, string? folder, OrtMeasureOptions options)
    {
        var prepared = ModelPreparation.Prepare(onnx, source, folder, options.Batch);
        var map = LayerMap.Import(onnx, name, prepared);
        var profileFolder = Directory.CreateTempSubdirectory("cnnarch-ort-");
        try
        {
            var (runs, profile) = Run(prepared, options, profileFolder.FullName, source);
            var nodes = profile is null ? [] : OrtProfile.Read(profile, options.Warmup);
            var nodeTimes = nodes.Select(n => new OrtNodeTime(n.Name, n.OpType, map.LayerOf(n.Name, n.OpType), Statistics.Median(n.Milliseconds))).ToImmutableArray();
            return new OrtMeasurement
            {
                Model = name,
                Options = options,
                InputShape = prepared.Inputs[0].Shape,
                Milliseconds = Statistics.Median(runs),
                Min = runs.Min(),
                Max = runs.Max(),
                P10 = Statistics.Percentile(runs, 0.10),
                P90 = Statistics.Percentile(runs, 0.90),
                Runs = [.. runs],
                Nodes = nodeTimes,
                Layers = profile is null ? [] : map.Layers(nodeTimes),
                ImportError = map.Error,
                OrtVersion = OrtVersion,
                Threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
                ZeroFilledInitializers = prepared.ZeroFilled,
            };
        }
        finally
        {
            profileFolder.Delete(recursive: true);
        }
    }

    // The most runs OrtMeasureOptions.MinimumMilliseconds adds.
    private const int MaximumRuns = 10_000;

    private static (List<double> Runs, string? Profile) Run(PreparedModel model, OrtMeasureOptions options, string profileFolder, string source)
    {
        using var session = Session(model.Bytes, options, profileFolder, source);
        var values = model.Inputs.Select(input => InputValues.Create(input, options.Seed, source)).ToList();
        try
        {
            var names = model.Inputs.Select(i => i.Name).ToArray();
            var outputs = session.OutputNames.ToArray();
            using var runOptions = new RunOptions();
            var times = new List<double>(options.Runs);
            // Collect now, not while timing: a collection's thread competes with ONNX Runtime's for the cores.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var timed = 0.0;
            for (var i = 0; i < options.Warmup + options.Runs || (timed < options.MinimumMilliseconds && times.Count < MaximumRuns); i++)
            {
                var clock = Stopwatch.StartNew();
                using (var results = Guard(() => session.Run(runOptions, names, values, outputs), source, "run"))
                {
                    clock.Stop();
                }

                if (i >= options.Warmup)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                    timed += clock.Elapsed.TotalMilliseconds;
                }
            }

            return (times, options.Profile ? ReadProfile(session.EndProfiling(), profileFolder) : null);
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    // The profile's text; a file ONNX Runtime wrote outside the folder it was given is removed too.
    private static string ReadProfile(string file, string profileFolder)
    {
        var text = File.ReadAllText(file);
        if (!Path.GetFullPath(file).StartsWith(profileFolder, StringComparison.Ordinal))
        {
            File.Delete(file);
        }

        return text;
    }

    private static InferenceSession Session(byte[] model, OrtMeasureOptions options, string profileFolder, string source)
    {
        using var settings = new SessionOptions
        {
            // 0 is one thread per logical processor, set explicitly: ONNX Runtime's own default (its count of
            // physical cores) ran one thread on a 2-vCPU machine whose report said two.
            IntraOpNumThreads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
            GraphOptimizationLevel = options.Optimization switch
            {
                OrtOptimization.None => GraphOptimizationLevel.ORT_DISABLE_ALL,
                OrtOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (options.Profile)
        {
            // The prefix first: enabling profiling hands ONNX Runtime the prefix set at that moment.
            settings.ProfileOutputPathPrefix = Path.Combine(profileFolder, "profile");
            settings.EnableProfiling = true;
        }

        return Guard(() => new InferenceSession(model, settings), source, "load");
    }

    private static T Guard<T>(Func<T> action, string source, string what)
    {
        try
        {
            return action();
        }
        catch (OnnxRuntimeException ex)
        {
            throw new OrtMeasureException($"ONNX Runtime cannot {what} '{source}': {ex.Message.Split('\n')[0].Trim()}", ex);
        }
    }
}

/// <summary>ONNX Runtime could not load or run a model; the message names the model and gives ONNX Runtime's reason.</summary>
public sealed class OrtMeasureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OrtMeasureException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

using Google.Protobuf;
using Onnx;

namespace CnnArch.OnnxRuntime.Tests;

/// <summary>The ONNX exports of CnnArch.Tests (weights left out: external data whose file is not there), and variants made from them.</summary>
internal static class Fixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>A fast measurement: one warmup and two timed runs, on one thread (test classes run side by side).</summary>
    public static OrtMeasureOptions Quick { get; } = new() { Runs = 2, Warmup = 1, Threads = 1 };

    /// <summary>The fixture's model with <paramref name="change"/> applied, as bytes.</summary>
    public static byte[] Changed(string name, Action<ModelProto> change)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path(name)));
        change(model);
        return model.ToByteArray();
    }
}

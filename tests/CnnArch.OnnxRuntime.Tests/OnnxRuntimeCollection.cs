namespace CnnArch.OnnxRuntime.Tests;

/// <summary>
/// The tests that run ONNX Runtime take turns: each measurement uses every core, so two at once
/// distort each other's times, and a test that checks the runner leaves no temporary folder behind
/// must not see the folder of a measurement running beside it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OnnxRuntimeCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "ONNX Runtime runs one at a time";
}

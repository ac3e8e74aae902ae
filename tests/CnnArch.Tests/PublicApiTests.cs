using PublicApiGenerator;

namespace CnnArch.Tests;

/// <summary>The public surface of each package, approved as a golden file: a change to it shows in review.</summary>
public class PublicApiTests
{
    [Fact]
    public void The_Library_Api_Is_Approved() =>
        Golden.ShouldMatch(typeof(Analyzer).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }), "PublicApi.CnnArch.txt");

    [Fact]
    public void The_Onnx_Api_Is_Approved() =>
        Golden.ShouldMatch(typeof(CnnArch.Onnx.OnnxImporter).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }), "PublicApi.CnnArch.Onnx.txt");
}

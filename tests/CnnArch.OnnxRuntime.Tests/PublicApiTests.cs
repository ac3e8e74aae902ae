using PublicApiGenerator;

namespace CnnArch.OnnxRuntime.Tests;

/// <summary>
/// The package's public surface, approved as Golden/PublicApi.CnnArch.OnnxRuntime.txt: a change to it shows in
/// review. CNNARCH_UPDATE_GOLDEN=1 rewrites it (as the golden files of CnnArch.Tests).
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void The_OnnxRuntime_Api_Is_Approved()
    {
        var actual = typeof(OrtRunner).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false });
        var path = Path.Combine(ProjectFolder(), "Golden", "PublicApi.CnnArch.OnnxRuntime.txt");
        if (Environment.GetEnvironmentVariable("CNNARCH_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        actual.Should().Be(File.ReadAllText(path), "the API should equal the golden file; if the change is intended, regenerate it with CNNARCH_UPDATE_GOLDEN=1 and review the diff");
    }

    // The test project's folder, found from the test binaries (bin/CONFIG/TFM below it).
    private static string ProjectFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CnnArch.OnnxRuntime.Tests.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No CnnArch.OnnxRuntime.Tests.csproj above {AppContext.BaseDirectory}.");
    }
}

namespace CnnArch.Tests;

/// <summary>
/// Golden files: expected output kept in tests/CnnArch.Tests/Golden. Set CNNARCH_UPDATE_GOLDEN=1 to
/// rewrite them from the current output (then review the diff); never edit them by hand.
/// </summary>
internal static class Golden
{
    // The test project's folder, found from the test binaries (bin/CONFIG/TFM below it). Source paths
    // compiled into the assembly cannot serve: a CI build maps them to /_/.
    private static readonly Lazy<string> Directory = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CnnArch.Tests.csproj")))
            {
                return Path.Combine(dir.FullName, "Golden");
            }
        }

        throw new InvalidOperationException($"No CnnArch.Tests.csproj above {AppContext.BaseDirectory}.");
    });

    public static void ShouldMatch(string actual, string fileName)
    {
        var path = Path.Combine(Directory.Value, fileName);
        if (Environment.GetEnvironmentVariable("CNNARCH_UPDATE_GOLDEN") == "1")
        {
            System.IO.Directory.CreateDirectory(Directory.Value);
            File.WriteAllText(path, actual);
            return;
        }

        File.Exists(path).Should().BeTrue($"golden file {fileName} should exist (run the tests once with CNNARCH_UPDATE_GOLDEN=1 to create it)");
        actual.Should().Be(File.ReadAllText(path), $"the output should equal Golden/{fileName}; if the change is intended, regenerate with CNNARCH_UPDATE_GOLDEN=1 and review the diff");
    }
}

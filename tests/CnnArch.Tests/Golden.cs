using System.Runtime.CompilerServices;

namespace CnnArch.Tests;

/// <summary>
/// Golden files: expected output kept in tests/CnnArch.Tests/Golden. Set CNNARCH_UPDATE_GOLDEN=1 to
/// rewrite them from the current output (then review the diff); never edit them by hand.
/// </summary>
internal static class Golden
{
    public static void ShouldMatch(string actual, string fileName, [CallerFilePath] string callerFile = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerFile)!, FindTestsRoot(callerFile), "Golden");
        var path = Path.Combine(directory, fileName);
        if (Environment.GetEnvironmentVariable("CNNARCH_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, actual);
            return;
        }

        File.Exists(path).Should().BeTrue($"golden file {fileName} should exist (run the tests once with CNNARCH_UPDATE_GOLDEN=1 to create it)");
        actual.Should().Be(File.ReadAllText(path), $"the output should equal Golden/{fileName}; if the change is intended, regenerate with CNNARCH_UPDATE_GOLDEN=1 and review the diff");
    }

    // The golden folder sits beside the test project file, however deep the calling test file is.
    private static string FindTestsRoot(string callerFile)
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(callerFile)!);
        var up = "";
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CnnArch.Tests.csproj")))
        {
            dir = dir.Parent;
            up = Path.Combine(up, "..");
        }

        return up.Length == 0 ? "." : up;
    }
}

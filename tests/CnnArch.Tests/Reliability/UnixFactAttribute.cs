namespace CnnArch.Tests.Reliability;

/// <summary>
/// A fact that needs Linux and some of its device files (/dev/full, /dev/zero) or programs: reported as
/// skipped, with the reason, where they are missing, never passed without running.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute(params string[] files) => Skip = UnixOnly.Missing(files);
}

/// <summary>A theory that needs Linux and the files named (see <see cref="UnixFactAttribute"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute(params string[] files) => Skip = UnixOnly.Missing(files);
}

internal static class UnixOnly
{
    // Why the test cannot run here, or null when it can.
    public static string? Missing(string[] files) =>
        !OperatingSystem.IsLinux() ? "needs Linux"
        : files.FirstOrDefault(f => !File.Exists(f)) is { } missing ? $"needs {missing}"
        : null;
}

namespace CnnArch.Cli;

/// <summary>The documented exit codes of <c>cnnarch</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>The network is invalid: shapes do not fit, a count overflows.</summary>
    public const int InvalidNetwork = 1;

    /// <summary>A usage error (bad flag or value, unknown preset) or an unreadable input file.</summary>
    public const int UsageOrInput = 2;

    /// <summary>A bug in cnnarch itself; the message asks for a report.</summary>
    public const int InternalError = 3;
}

namespace CnnArch.Bench;

/// <summary>The documented exit codes of <c>cnnarch-bench</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>ONNX Runtime cannot load or run the model (its reason follows).</summary>
    public const int ModelDoesNotRun = 1;

    /// <summary>A usage error (bad flag or value) or an unreadable input file (missing, not ONNX, exported for another batch).</summary>
    public const int UsageOrInput = 2;

    /// <summary>A bug in cnnarch-bench itself; the message asks for a report.</summary>
    public const int InternalError = 3;
}

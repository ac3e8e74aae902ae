using CnnArch.Fuzz;

namespace CnnArch.Tests.Reliability;

/// <summary>
/// The fuzz and property suite's fixed-seed slice (the long campaign: tests/CnnArch.Fuzz/README.md).
/// Every case, however malformed, ends in a report or a documented error; every report keeps its
/// properties (rows add up to totals, collapsed rows too, FLOPs = 2 x MACs where the convention says
/// so, receptive fields never shrink along a chain, the inference peak within outputs + input +
/// workspace, export then read gives the same report, the same JSON twice); no operation allocates
/// more than 256 MB. A failure names the case's seed and CsCheck's shrunk case.
/// </summary>
public class FuzzSliceTests
{
    private const ulong Seed = 20261128;

    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    [Fact]
    public void Onnx_Models_Mutated_From_The_Fixtures_And_Built_Graphs() =>
        FixedSlice.FirstFailure(OnnxCases.Cases(OnnxCases.Seeds(Fixtures)), Seed, 3000).Should().BeNull();

    [Fact]
    public void Spec_Documents_Mutated_From_Exported_Presets() =>
        FixedSlice.FirstFailure(SpecCases.Cases(SpecCases.Seeds()), Seed, 800).Should().BeNull();

    [Fact]
    public void Networks_Built_Through_The_Public_Api() =>
        FixedSlice.FirstFailure(ApiCases.Cases, Seed, 1000).Should().BeNull();

    /// <summary>
    /// Command lines of every surface (presets' --set values, large batches and inputs, search budgets and
    /// design spaces, design solve/scale/block, device profiles, compare and sweep, option parsing) run
    /// in process: exit 0, 1 or 2; on 1 and 2 nothing on standard output and one line 'error: ...' in the
    /// user's terms; JSON that parses, without NaN or Infinity. 400 command lines: about 5 s once the
    /// campaign's bugs are fixed (a sweep over 14,000 resolutions is one of them).
    /// </summary>
    [Fact]
    public void Command_Lines_On_Every_Surface() =>
        FixedSlice.FirstFailure(CliCases.Cases, Seed, 400).Should().BeNull();

    public static TheoryData<string> Regressions() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Reliability", "Regressions")).Where(f => !f.EndsWith(".log", StringComparison.Ordinal)).Select(f => Path.GetFileName(f)!).Order()];

    /// <summary>Every input that ever failed a campaign, kept: it must stay fixed.</summary>
    [Theory]
    [MemberData(nameof(Regressions))]
    public void An_Input_That_Once_Failed_Stays_Fixed(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Reliability", "Regressions", file);
        var bytes = File.ReadAllBytes(path);
        var fuzzCase = Path.GetExtension(file) switch
        {
            ".onnx" => new FuzzCase(CaseKind.Onnx, file, bytes),
            ".json" => new FuzzCase(CaseKind.Spec, file, bytes),
            ".args" => CliCases.Parse(File.ReadAllText(path), file),
            _ => ApiCases.Parse(File.ReadAllText(path)),
        };

        var outcome = Harness.Run(fuzzCase, checkTime: false);

        outcome.IsFailure.Should().BeFalse(outcome.Detail);
    }
}

using CsCheck;

namespace CnnArch.Fuzz;

/// <summary>
/// A fixed-seed run of a generator, as CI runs it: case i comes from its own PCG seed, so every run
/// sees the same cases and a failing one can be regenerated (and shrunk by CsCheck) from its seed.
/// </summary>
public static class FixedSlice
{
    /// <summary>The first failure among <paramref name="count"/> cases from <paramref name="seed"/>, shrunk where CsCheck can; null when none failed.</summary>
    public static string? FirstFailure(Gen<FuzzCase> gen, ulong seed, int count, bool checkTime = false)
    {
        ArgumentNullException.ThrowIfNull(gen);
        for (var i = 0; i < count; i++)
        {
            var pcg = new PCG(1, seed + (ulong)i);
            var caseSeed = pcg.ToString();
            var fuzzCase = gen.Generate(pcg, null, out _);
            var outcome = Harness.Run(fuzzCase, checkTime);
            if (outcome.IsFailure)
            {
                return $"case {i} (seed {caseSeed}): {fuzzCase.Origin}\n{outcome.Detail}\nshrunk: {Shrink(gen, caseSeed, outcome.Class, checkTime)}";
            }
        }

        return null;
    }

    /// <summary>CsCheck's smallest case failing in the same class as the case of <paramref name="seed"/>, or why there is none.</summary>
    public static string Shrink(Gen<FuzzCase> gen, string seed, string failureClass, bool checkTime = false)
    {
        try
        {
            gen.Sample(
                c =>
                {
                    var o = Harness.Run(c, checkTime);
                    if (o.IsFailure && o.Class == failureClass)
                    {
                        throw new InvalidOperationException(o.Detail.Split('\n')[0]);
                    }
                },
                seed: seed,
                iter: 2_000,
                time: 20,
                threads: 1,
                print: c => c.Origin);
            return "(CsCheck did not reproduce it from the seed)";
        }
        catch (CsCheckException ex)
        {
            return ex.Message;
        }
    }
}

using Microsoft.ML.OnnxRuntime;

namespace CnnArch.OnnxRuntime;

/// <summary>Pseudo-random input tensors: uniform in [-1, 1) for floating point, 0 to 9 for integers, the same for the same seed.</summary>
internal static class InputValues
{
    public static OrtValue Create(FedInput input, int seed, string source)
    {
        var shape = input.Shape.ToArray();
        var count = checked((int)shape.Aggregate(1L, (a, b) => checked(a * b)));
        var random = new Random(seed);
        return input.ElementType switch
        {
            1 => OrtValue.CreateTensorValueFromMemory(Fill(count, () => (random.NextSingle() * 2) - 1), shape),
            11 => OrtValue.CreateTensorValueFromMemory(Fill(count, () => (random.NextDouble() * 2) - 1), shape),
            6 => OrtValue.CreateTensorValueFromMemory(Fill(count, () => random.Next(10)), shape),
            7 => OrtValue.CreateTensorValueFromMemory(Fill(count, () => (long)random.Next(10)), shape),
            _ => throw new FormatException($"Input '{input.Name}' of '{source}' has ONNX element type {input.ElementType}; inputs of float, double, int32 and int64 can be fed."),
        };
    }

    private static T[] Fill<T>(int count, Func<T> next)
    {
        var data = new T[count];
        for (var i = 0; i < count; i++)
        {
            data[i] = next();
        }

        return data;
    }
}

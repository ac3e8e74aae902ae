using System.CommandLine;
using System.CommandLine.Parsing;
using CnnArch.Analysis;

namespace CnnArch.Cli;

/// <summary>The options several commands share, defined once.</summary>
internal static class CliOptions
{
    public static Argument<string> Model(string description = "A preset (see 'cnnarch list'), an .onnx file or a spec file (.json).") =>
        new("model") { Description = description };

    public static Option<string?> Input(string description = "One sample's input: C x H x W, or C x L and C x D x H x W for 1-D and 3-D networks (default: the model's, 3x224x224 for most).") =>
        new("--input", "-i") { Description = description, HelpName = "shape" };

    public static Option<int> Batch()
    {
        var batch = new Option<int>("--batch", "-b") { Description = "Samples per batch.", DefaultValueFactory = _ => 1 };
        batch.Validators.Add(r => Positive(r, "--batch"));
        return batch;
    }

    public static Option<string[]> Freeze() => new("--freeze")
    {
        Description = "Freeze the parameters of this layer or block and everything under it (repeatable): no gradient, no optimizer state; trainable counts and backward compute follow.",
        HelpName = "path",
    };

    public static Option<int?> Depth(string description)
    {
        var depth = new Option<int?>("--depth", "-d") { Description = description, HelpName = "N" };
        depth.Validators.Add(r => Positive(r, "--depth"));
        return depth;
    }

    public static Option<string> DataType(string name = "--dtype", string description = "Element type of activations.", string? fallback = "fp32")
    {
        var dtype = fallback is null ? new Option<string>(name) { Description = description } : new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback };
        dtype.AcceptOnlyFromAmong("fp32", "fp16", "bf16", "int8");
        return dtype;
    }

    public static Option<string> Format(string description, params string[] formats)
    {
        var format = new Option<string>("--format", "-f") { Description = description, DefaultValueFactory = _ => formats[0] };
        format.AcceptOnlyFromAmong(formats);
        return format;
    }

    public static Option<string> Convention()
    {
        var convention = new Option<string>("--convention", "-c") { Description = "Counting convention (see docs/conventions.md).", DefaultValueFactory = _ => Conventions.Lecture.Name };
        convention.AcceptOnlyFromAmong([.. Conventions.All.Select(c => c.Name)]);
        return convention;
    }

    public static Option<string?> Output() =>
        new("--output", "-o") { Description = "Write to this file instead of the terminal.", HelpName = "file" };

    public static Option<string[]> Set() =>
        new("--set") { Description = "A preset parameter, name=value (repeatable), e.g. --set width=0.75.", HelpName = "name=value" };

    /// <summary>The --input value as a shape of one sample (C x L, C x H x W or C x D x H x W, or a vector), or null when not given.</summary>
    public static TensorShape? Shape(this ParseResult result, Option<string?> input)
    {
        if (result.GetValue(input) is not { } text)
        {
            return null;
        }

        var shape = TensorShape.Parse(text);
        if (shape.Rank == 3 && shape.Dims[2] <= 4 && shape.Dims[0] > 4)
        {
            // Keras and TensorFlow write H x W x C; CnnArch, as PyTorch, C x H x W.
            throw new FormatException($"--input {text} looks like height x width x channels (Keras order); write channels first: {shape.Dims[2]}x{shape.Dims[0]}x{shape.Dims[1]}.");
        }

        return shape.Rank <= 4 ? shape : throw new FormatException($"--input takes channels and 1 to 3 spatial axes, like 1x16000 (C x L), 3x224x224 (C x H x W) or 3x16x112x112 (C x D x H x W); got '{text}'.");
    }

    private static void Positive(OptionResult result, string name)
    {
        var value = result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, out var v) ? v : (int?)null;
        if (value is < 1)
        {
            result.AddError($"{name} must be at least 1, got {value}.");
        }
    }
}

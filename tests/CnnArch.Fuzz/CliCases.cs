using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CnnArch.Studies;
using CnnArch.Presets;
using CsCheck;

namespace CnnArch.Fuzz;

/// <summary>
/// Command lines of <c>cnnarch</c>, run in process through <c>CliApp.Run</c>: presets' --set values,
/// large batches and inputs, search budgets and mutated design spaces, design solve/scale/block,
/// mutated device profiles, compare and sweep, and option parsing. A case's bytes are its arguments,
/// one a line (UTF-8; <c>\n</c>, <c>\r</c> and <c>\\</c> escaped, a leading <c>#</c> as <c>\#</c>), then
/// the files it needs, one a line: <c>#file NAME text:ESCAPED</c> or <c>#file NAME spaces:COUNT</c>.
/// In arguments, <c>{dir}</c> is the case's own temporary folder (its files are written there and it
/// is deleted after the run) and <c>{fixtures}</c> the folder of the ONNX fixtures.
/// </summary>
public static class CliCases
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The prefix of a file line in a case's text.</summary>
    public const string FilePrefix = "#file ";

    private const int Picks = 24;

    // ---------- the case text ----------

    /// <summary>A case of <paramref name="args"/> and the files it needs (name, <c>text:...</c> or <c>spaces:N</c>).</summary>
    public static FuzzCase Of(string origin, IEnumerable<string> args, IEnumerable<(string Name, string Content)>? files = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var text = new StringBuilder();
        foreach (var a in args)
        {
            text.Append(Escape(a)).Append('\n');
        }

        foreach (var (name, content) in files ?? [])
        {
            text.Append(FilePrefix).Append(name).Append(' ').Append(content).Append('\n');
        }

        return new FuzzCase(CaseKind.Cli, origin, Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>A case saved by the campaign (its .args file) read back.</summary>
    public static FuzzCase Parse(string text, string origin = "saved")
    {
        ArgumentNullException.ThrowIfNull(text);
        return new FuzzCase(CaseKind.Cli, origin, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The arguments and files of a case's bytes.</summary>
    public static (string[] Args, (string Name, string Content)[] Files) Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var args = new List<string>();
        var files = new List<(string, string)>();
        for (var i = 0; i < count; i++)
        {
            var line = lines[i];
            if (line.StartsWith(FilePrefix, StringComparison.Ordinal))
            {
                var rest = line[FilePrefix.Length..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                files.Add(space < 0 ? (rest, "text:") : (rest[..space], rest[(space + 1)..]));
            }
            else
            {
                args.Add(Unescape(line));
            }
        }

        return ([.. args], [.. files]);
    }

    /// <summary>One argument on one line.</summary>
    public static string Escape(string arg)
    {
        ArgumentNullException.ThrowIfNull(arg);
        var escaped = arg.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
        return escaped.StartsWith('#') ? "\\" + escaped : escaped;
    }

    private static string Unescape(string line)
    {
        var text = new StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                i++;
                text.Append(line[i] switch { 'n' => '\n', 'r' => '\r', _ => line[i] });
            }
            else
            {
                text.Append(line[i]);
            }
        }

        return text.ToString();
    }

    /// <summary>Writes a case's files into <paramref name="folder"/>.</summary>
    public static void WriteFiles(IEnumerable<(string Name, string Content)> files, string folder)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (content.StartsWith("spaces:", StringComparison.Ordinal))
            {
                using var stream = File.Create(path);
                var block = new byte[1 << 16];
                Array.Fill(block, (byte)' ');
                for (var left = long.Parse(content["spaces:".Length..], C); left > 0; left -= block.Length)
                {
                    stream.Write(block, 0, (int)Math.Min(left, block.Length));
                }
            }
            else if (content.StartsWith("base64:", StringComparison.Ordinal))
            {
                File.WriteAllBytes(path, Convert.FromBase64String(content["base64:".Length..]));
            }
            else
            {
                File.WriteAllText(path, Unescape(content.StartsWith("text:", StringComparison.Ordinal) ? content["text:".Length..] : content), new UTF8Encoding(false));
            }
        }
    }

    /// <summary>The folder of the ONNX fixtures: the campaign's seeds, or the test project's fixtures.</summary>
    public static string FixtureFolder { get; } =
        new[] { Path.Combine(AppContext.BaseDirectory, "seeds", "onnx"), Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx") }.FirstOrDefault(Directory.Exists)
        ?? Path.Combine(AppContext.BaseDirectory, "seeds", "onnx");

    // ---------- what the generators choose from ----------

    private static readonly PresetInfo[] AllPresets = [.. Catalog.All];
    private static readonly PresetInfo[] WithParameters = [.. Catalog.All.Where(p => !p.Parameters.IsEmpty)];
    private static readonly string[] PresetNames = [.. AllPresets.Select(p => p.Name)];

    // The brief's values first (so shrinking ends on them), then a few more.
    private static readonly string[] SetValues =
    [
        "1", "0", "-1", "2", "0.5", "1e-9", "1e9", "1e400", "-1e400", "NaN", "Infinity", "-0", "2147483647", "2147483648",
        "9223372036854775807", "", "abc", "true", "1,5", " 3 ", "-Infinity", "1e-320", "false", "0x10", "1\n5", "3.5", "4294967296", "1E+2", "+3",
    ];

    private static readonly string[] Formats = ["table", "json", "csv", "markdown", "html"];
    private static readonly string[] ConventionNames = ["lecture", "torchvision", "flopcounter", "full"];
    private static readonly string[] Batches = ["1", "1000000", "1000000000", "2147483647", "64", "0", "-1", "2147483648", "99999999999", "1e6"];

    private static readonly string[] Inputs =
    [
        "3x224x224", "3x100000x100000", "1x2147483647", "2147483647x1x1", "3x65536x65536", "3x2147483647x2147483647", "1x1x1", "3x0x0",
        "0x224x224", "3x16x112x112", "3x1x1", "1x16000", "3x-1x5", "3x224", "abc", "3x224x224x224x3", "1x1x1x1", "2147483647x2147483647x2147483647",
        "3x4294967296x1", "3 x 224 x 224", "3X224X224", "224x224x3", "", "3x1x1000000000", "3x32x32",
    ];

    private static readonly string[] Sizes = ["24GB", "0", "1e400GB", "80GiB", "-1GB", "9223372036854775807", "abc", "16000MB", "1TB", "1e300", "1KB", "9999999999TB", "NaN", ""];

    private static readonly string[] Budgets =
    [
        "macs<=400M", "params<=5M", "macs=400M", "macs:400M", "macs<=1e400", "macs<=9223372036854775807", "macs<=-1", "params<=0", "memory<=24GB",
        "latency<=5ms", "nonsense", "", "macs<=NaN", "macs<=Infinity", "train-memory<=24GB@64", "train-memory<=24GB@0", "train-memory<=24GB@2147483647",
        "train-memory<=8GB@-1", "memory<=1e300TB", "macs<=0.5", "macs<=1e-320", "MACS<=400M", "macs <= 400M", "macs<=400m", "macs<=400MB",
        "memory<=400M", "params<=99999999999T", "macs<=18446744073709551616", "train-memory<=1e400GB@32", "macs<=", "<=400M", "macs<=400M<=1G",
        "train-memory<=24GB@", "train-memory<=24GB@1e9", "memory<=-0", "params<=1e-9",
    ];

    private static readonly string[] Samples = ["10", "0", "1", "1000", "2147483647", "100000000", "-1", "99999999999", "abc", "10000", "3"];
    private static readonly string[] Tops = ["20", "0", "-1", "1", "2147483647", "-2147483648", "99999999999"];
    private static readonly string[] Seeds = ["0", "1", "-1", "2147483647", "-2147483648", "2147483648", "42"];
    private static readonly string[] Objectives = ["macs", "params", "memory", "train-memory@64", "latency", "", "macs@1", "train-memory@0", "train-memory@99999999999", "train-memory@1", "MEMORY"];

    private static readonly string[] OnCosts = ["macs", "params", "memory", "train-memory@32", "train-memory@0", "train-memory@2147483647", "train-memory@-1", "latency", "", "train-memory@1e400", "MACS", "train-memory@1"];

    private static readonly string[] Targets =
    [
        "2G", "5M", "8GB", "0", "-1", "1e400", "NaN", "Infinity", "", "1e-9", "9223372036854775807", "99999999999T", "1", "1e300", "-0", "1e18", "abc",
        "1K", "0.5", "-5M", "18446744073709551616",
    ];

    private static readonly string[] ScaleBudgets =
    [
        "macs=2G", "macs=1e400", "macs=0", "macs=-1", "params<=10M", "train-memory<=8GB@32", "macs=1", "memory=1e300TB", "macs=NaN", "macs<=1T",
        "macs=9223372036854775807", "params=1", "latency=5ms", "", "macs==2G", "memory<=1KB", "params<=1e18", "train-memory<=1TB@1", "macs=1e-9", "macs=Infinity",
    ];

    private static readonly string[] Phis = ["1:7", "0:20", "-20:20", "21", "1,2,3", "", "-1", "7:1", "0:0", "1e9", "1:2147483647", "0", "20", "-20", ",", "1:", "a"];
    private static readonly string[] Coefficients = ["1.2", "1", "0", "-1", "1e300", "NaN", "1e-300", "2", "Infinity", "1.0000001", "-Infinity", "1e-9", "0.5"];
    private static readonly string[] Blocks = ["conv3x3", "conv5x5", "two3x3", "basic", "bottleneck", "depthwise_separable", "inverted_residual", "bogus", "", "BASIC"];

    private static readonly string[] Numbers = ["0", "-1", "1e-300", "1e300", "2147483647", "2147483648", "1e-320", "0.5", "1e9", "-1e300", "9.2e18", "1", "3", "1e-9", "4294967296", "-0.0"];
    private static readonly string[] RawLiterals = ["1e400", "-1e400", "1e-400", "NaN", "Infinity", "-Infinity", "00", "1.", ".5", "0x10", "+1", "1e99999"];
    private static readonly string[] StringValues = ["NaN", "Infinity", "-Infinity", "abc", "", "1e400", "1", "true", " "];

    private static readonly string[] CompareEntries =
    [
        "resnet18", "alexnet", "resnet18@relu..relu", "resnet18@..", "resnet18@..maxpool", "googlenet@..maxpool2", "resnet18@layer1..layer1", "resnet18@fc..",
        "resnet18@nonexistent..", "resnet18@layer4..layer1", "x,y=resnet18", "\"q\"=resnet18", "=resnet18", "lab=", "a=b=resnet18", "w75=mobilenet_v2",
        "{fixtures}/resnet18.onnx", "lab={fixtures}/resnet18.onnx@..relu", "m5", "unet3d", "resnet18@", "@..relu", "resnet18@relu", "résnet=resnet18",
        "a\tb=resnet18", "x\ny=resnet18", "lab<script>=resnet18", "resnet18@avgpool..fc", "mobilenet_v2@features.0..features.0", "resnet18@..relu..relu",
        "vgg16", "efficientnet_b7", "m5@..", "r3d_18",
    ];

    private static readonly string[] CompareSets = ["w75:width=0.75", "width=0.5", "x,y:width=2", "lab:width=NaN", "w75:bogus=1", "width=1e400", ":width=1", "w75:", "groups=0", "q:se=true"];

    private static readonly string[] SweepBatches = ["1,8,32", "0,1,2147483647", "1", "2147483647", "1,,2", "-1", "1e3", "99999999999", "", ",", " 1 , 2 ", "1000000000,2000000000", "+1", "1;2"];

    private static readonly string[] Resolutions =
    [
        "128:512:32", "1:100000:1", "0:0:0", "224,256", "1:2147483647:1", "2147483647:2147483647:1", "1:10000:1", "32:32:0", "512:128:32", "a:b:c",
        "1:100000:10", "224", "1:10001:1", "2147483647", "1,2147483647", "65536,100000", "1:1:1", "::", "1:2", "32:33:2147483647",
    ];

    private static readonly string[] SweepModels = ["resnet18", "mobilenet_v2", "alexnet", "m5", "unet3d", "r3d_18", "{fixtures}/resnet18.onnx", "vgg16", "unet", "efficientnet_b0"];

    private static readonly string[] Commands = ["analyze", "memory", "compare", "sweep", "plot", "export", "list", "design", "search", "latency"];

    private static readonly string[] Misspelled =
    [
        "analyse", "analyze-", "anaylze", "compre", "serach", "desing", "memroy", "Analyze", "ANALYZE", "latencyy", "", "-", "--", "--help", "-h", "-?",
        "--version", "help", "design solve", "analyze\n", "analyze ",
    ];

    private static readonly string[] MisspelledOptions = ["--formt", "--batchs", "--inptu", "--set-", "---format", "-format", "--Format", "--format:json", "--format=JSON", "-fjson", "--batch=2", "-b2", "--", "--set", "-o", "--output="];

    private static readonly string[] BigInts = ["99999999999", "2147483648", "-2147483649", "1e9", "0x7fffffff", "１２", "", " 5", "2147483647", "-0"];

    /// <summary>
    /// The generated command lines: a surface (weighted: presets' --set values, batches and inputs, search,
    /// design, device profiles, compare and sweep, option parsing, hand-picked lines) and a fixed number
    /// of small integers from which it picks everything, so CsCheck shrinks toward the first (ordinary) choices.
    /// </summary>
    public static Gen<FuzzCase> Cases { get; } =
        Gen.Select(Gen.Int[0, 99], Gen.Int[0, 1 << 20].Array[Picks], (surface, picks) => Build(surface, picks));

    /// <summary>The case of a surface number and picks.</summary>
    public static FuzzCase Build(int surface, int[] picks)
    {
        ArgumentNullException.ThrowIfNull(picks);
        var r = new Picker(picks);
        var files = new List<(string, string)>();
        var (name, args) = surface switch
        {
            < 20 => ("set", SetParameters(r)),
            < 32 => ("batch", LargeBatches(r)),
            < 47 => ("search", Search(r, files)),
            < 62 => ("design", Design(r)),
            < 72 => ("device", Devices(r, files)),
            < 84 => ("compare-sweep", CompareSweep(r)),
            < 94 => ("options", Options(r, files)),
            _ => ("fixed", Fixed(r, files)),
        };
        return Of($"{name} {surface}:{string.Join(',', picks.Select(p => p.ToString(C)))}", args, files);
    }

    /// <summary>Hand-picked command lines, one per item (a first pass, and the lines the generators would rarely reach).</summary>
    public static IReadOnlyList<FuzzCase> HandPicked()
    {
        var cases = new List<FuzzCase>();
        void Add(params string[] args) => cases.Add(Of("hand-picked", args));
        Add("analyze", "resnet18");
        Add("analyze", "resnet18", "--format", "json");
        Add("analyze", "regnet_x_400mf", "--set", "wm=1000", "--set", "bottleneck_ratio=1e-9");
        Add("analyze", "regnet_y_400mf", "--set", "wm=1000", "--set", "bottleneck_ratio=1e-9", "--format", "json");
        Add("analyze", "efficientnet_b0", "--set", "depth=1e9");
        Add("analyze", "efficientnet_b0", "--set", "resolution=1e9");
        Add("analyze", "mobilenet_v2", "--set", "width=1e-9");
        Add("analyze", "mobilenet_v2", "--set", "width=1e9", "--format", "json");
        Add("memory", "resnet50", "--training", "--batch", "2147483647", "--format", "json");
        Add("memory", "resnet50", "--training", "--batch", "1000000000", "--fits", "24GB");
        Add("analyze", "vgg16", "--batch", "2147483647", "--format", "html");
        Add("analyze", "{fixtures}/resnet18.onnx", "--input", "3x100000x100000", "--format", "json");
        Add("analyze", "{fixtures}/resnet18.onnx", "--input", "1x2147483647");
        Add("search", "regnet", "--samples", "0");
        Add("search", "regnet", "--samples", "10", "--budget", "macs<=1e400", "--format", "json");
        Add("search", "mobilenet", "--samples", "10", "--budget", "macs:400M");
        Add("design", "solve", "resnet50", "--vary", "width_per_group", "--target", "1e400");
        Add("design", "solve", "resnet50", "--vary", "width_per_group", "--target", "0", "--format", "json");
        Add("design", "scale", "efficientnet_b0", "--budget", "macs=1e400", "--mode", "depth");
        Add("design", "scale", "efficientnet_b0", "--budget", "macs=1", "--mode", "width");
        Add("design", "scale", "efficientnet_b0", "--phi", "-20:20");
        Add("design", "block", "--format", "json");
        Add("compare", "resnet18@relu..relu", "resnet18", "--format", "json");
        Add("compare", "resnet18", "resnet18@relu..relu", "--format", "csv");
        Add("compare", "x,y=resnet18", "alexnet", "--format", "csv");
        Add("sweep", "resnet18", "--batch", "0,1,2147483647");
        Add("sweep", "resnet18", "--resolution", "1:100000:1");
        Add("sweep", "resnet18", "--resolution", "0:0:0");
        Add("analyze", "resnet18", "--output", "/tmp");
        Add("analyze", "resnet18", "--output", "/nonexistent/dir/x.json");
        Add("analyze", "resnet18", "--dtype", "BF16", "--device", "h200");
        Add("latency", "resnet18", "--dtype", "BF16");
        Add("list");
        Add("--help");
        Add();
        cases.Add(Of("hand-picked: a 20 MB profile of spaces", ["latency", "resnet18", "--device", "{dir}/spaces.json"], [("spaces.json", $"spaces:{20 << 20}")]));
        cases.Add(Of("hand-picked: an empty spec", ["analyze", "{dir}/empty.json"], [("empty.json", "text:")]));
        return cases;
    }

    // ---------- surfaces ----------

    // 1. Presets' --set parameters, alone and several at once, through analyze, memory --training and latency.
    private static List<string> SetParameters(Picker r)
    {
        var preset = r.Next(10) == 0 ? r.Pick(AllPresets) : r.Pick(WithParameters);
        var command = r.Next(10) switch
        {
            < 6 => new List<string> { "analyze", preset.Name },
            < 8 => ["memory", preset.Name, "--training"],
            < 9 => ["latency", preset.Name],
            _ => ["export", preset.Name],
        };
        var count = 1 + (r.Next(6) switch { < 3 => 0, < 5 => 1, _ => 2 });
        for (var i = 0; i < count; i++)
        {
            var index = r.Next(preset.Parameters.Length + 1);
            var parameter = index < preset.Parameters.Length ? preset.Parameters[index] : null;
            var name = parameter?.Name ?? r.Pick(["bogus", "WIDTH", "", " width", "width "]);
            command.Add("--set");
            command.Add($"{name}={Value(r, parameter?.Default)}");
        }

        AddFormat(r, command);
        return command;
    }

    // A --set value: one of the listed values, or the default times 10^k (k in -6..6).
    private static string Value(Picker r, string? fallback)
    {
        var i = r.Next(SetValues.Length + 13);
        if (i < SetValues.Length)
        {
            return SetValues[i];
        }

        return double.TryParse(fallback, NumberStyles.Float, C, out var d)
            ? (d * Math.Pow(10, i - SetValues.Length - 6)).ToString("R", C)
            : SetValues[i % SetValues.Length];
    }

    private static void AddFormat(Picker r, List<string> command)
    {
        var formats = command[0] switch
        {
            "analyze" => Formats,
            "memory" => ["table", "json"],
            "latency" or "search" or "sweep" or "design" => ["table", "json", "csv"],
            "compare" => ["table", "json", "csv", "html"],
            "export" => ["spec"],
            _ => ["table"],
        };
        switch (r.Next(8))
        {
            case 0 or 1 or 2:
                break;
            case 3:
                command.AddRange(["--format", r.Pick(formats), "--output", "{dir}/out" + r.Pick([".json", ".txt", ".csv", ""])]);
                break;
            default:
                command.AddRange([r.Pick(["--format", "-f", "--format"]), r.Pick(formats)]);
                break;
        }
    }

    // 2. Large batches and inputs on every model, in every format.
    private static List<string> LargeBatches(Picker r)
    {
        var model = r.Next(8) == 0 ? "{fixtures}/resnet18.onnx" : r.Pick(PresetNames);
        var command = r.Next(6) switch
        {
            < 3 => new List<string> { "analyze", model },
            < 5 => ["memory", model, "--training"],
            _ => ["latency", model],
        };
        command.AddRange([r.Pick(["--batch", "-b"]), r.Pick(Batches)]);
        if (r.Next(3) == 0)
        {
            command.AddRange(["--input", r.Pick(Inputs)]);
        }

        if (command[0] == "memory" && r.Next(3) == 0)
        {
            command.AddRange(["--fits", r.Pick(Sizes)]);
        }

        if (command[0] == "memory" && r.Next(4) == 0)
        {
            command.AddRange(["--optimizer", r.Pick(["adam", "sgd", "adamw", "sgd-momentum"]), "--dtype", r.Pick(["fp16", "bf16", "int8", "fp32"])]);
        }

        if (command[0] == "analyze")
        {
            switch (r.Next(10))
            {
                case 0:
                    command.AddRange(["--dataset", r.Pick(["1", "9223372036854775807", "0", "-5", "1000000000000", "99999999999999999999"])]);
                    break;
                case 1:
                    command.AddRange(["--depth", r.Pick(["1", "2", "0", "2147483647", "-1"]), r.Pick(["--tree", "--batch-dim", "--names=lecture"])]);
                    break;
                case 2:
                    command.AddRange(["--columns", r.Pick(["all", "wide", "+rf", "bogus", "", ",", "layer,layer", "rf,backward,trainable"])]);
                    break;
                case 3:
                    command.AddRange(["--device", r.Pick(["h200", "t4", "l4"]), "--dtype", r.Pick(["bf16", "fp16", "tf32", "fp32"])]);
                    break;
                case 4:
                    command.AddRange(["--freeze", r.Pick(["features", "layer1", "", "nonexistent", "fc"])]);
                    break;
                case 5:
                    command.AddRange(["-c", r.Pick(ConventionNames), "--dtype", r.Pick(["fp16", "bf16", "int8"])]);
                    break;
                default:
                    break;
            }
        }

        AddFormat(r, command);
        return command;
    }

    // 3. search: sample counts, budgets, objectives, and design spaces mutated into files.
    private static List<string> Search(Picker r, List<(string, string)> files)
    {
        var builtIn = r.Pick(new[] { "regnet", "mobilenet" });
        var space = builtIn;
        if (r.Next(3) == 0)
        {
            files.Add(("space.json", "text:" + Escape(MutateJson(r, SpaceText(builtIn), space: true))));
            space = "{dir}/space.json";
        }

        var command = new List<string> { "search", space };
        if (r.Next(5) != 0)
        {
            command.AddRange([r.Pick(["--samples", "-n"]), r.Pick(Samples)]);
        }

        for (var i = r.Next(4); i > 0; i--)
        {
            command.AddRange(["--budget", r.Pick(Budgets)]);
        }

        if (r.Next(3) == 0)
        {
            command.AddRange(["--top", r.Pick(Tops)]);
        }

        if (r.Next(3) == 0)
        {
            command.AddRange(["--seed", r.Pick(Seeds)]);
        }

        if (r.Next(4) == 0)
        {
            command.AddRange([r.Pick(["--maximize", "--minimize"]), r.Pick(Objectives)]);
        }

        switch (r.Next(12))
        {
            case 0:
                command.AddRange(["--export", r.Pick(["{dir}/export", "{dir}", "/proc/nonexistent/dir", "{dir}/space.json"])]);
                break;
            case 1:
                command.AddRange(["--plot", r.Pick(["{dir}/p.png", "{dir}/p.svg", "{dir}/p.txt", "{dir}", "/proc/nonexistent/dir/p.png"])]);
                break;
            default:
                break;
        }

        AddFormat(r, command);
        return command;
    }

    private static string SpaceText(string name) => Resource($"CnnArch.Studies.Spaces.{name}.json");

    private static string Resource(string name)
    {
        using var stream = typeof(DesignSpace).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"No resource {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static readonly string[] DeviceNames =
        [.. typeof(DesignSpace).Assembly.GetManifestResourceNames().Where(n => n.EndsWith(".device.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    /// <summary>
    /// One to three edits of a JSON document (a design space or a device profile) in its tree: a value set
    /// to an extreme number, a NaN-like string, null, a wrong type or a literal JSON cannot hold; a key
    /// deleted or renamed; a range given a tiny step, a huge integer range or odd decimals; then maybe
    /// truncated.
    /// </summary>
    private static string MutateJson(Picker r, string json, bool space)
    {
        var root = JsonNode.Parse(json)!;
        var raw = new List<string>();
        for (var edits = 1 + r.Next(3); edits > 0; edits--)
        {
            var slots = Slots(root).ToList();
            var (parent, key, index) = slots[r.Next(slots.Count)];
            JsonNode? Value()
            {
                switch (r.Next(7))
                {
                    case < 3:
                        return JsonNode.Parse(r.Pick(Numbers));
                    case 3:
                        return JsonValue.Create(r.Pick(StringValues));
                    case 4:
                        return r.Pick(new Func<JsonNode?>[] { () => null, () => JsonValue.Create(true), () => new JsonArray(), () => new JsonObject() })();
                    default:
                        // A literal JSON cannot hold (1e400, NaN), put in place after serialization.
                        raw.Add(r.Pick(RawLiterals));
                        return JsonValue.Create($"@RAW{raw.Count - 1}@");
                }
            }

            void Set(JsonNode? v)
            {
                if (key is not null)
                {
                    ((JsonObject)parent)[key] = v;
                }
                else
                {
                    ((JsonArray)parent)[index] = v;
                }
            }

            var op = r.Next(space ? 9 : 6);
            if (op == 5 || op == 6 || op == 7 || op == 8)
            {
                // A range made extreme: a parameter of a design space gets a tiny step, an integer range to 2^31 - 1, decimals of 0 to 400.
                var parameters = root["parameters"] as JsonObject;
                var target = parameters?.Select(p => p.Value).OfType<JsonObject>().ToList() is { Count: > 0 } ps ? ps[r.Next(ps.Count)] : root as JsonObject;
                if (target is null)
                {
                    continue;
                }

                switch (op)
                {
                    case 5:
                        target["step"] = JsonNode.Parse(r.Pick(["1e-300", "1e-9", "0", "-1", "1e-320", "0.001", "1e300"]));
                        target.Remove("choices");
                        target["min"] ??= 1;
                        target["max"] ??= 2;
                        break;
                    case 6:
                        target.Remove("choices");
                        target["integer"] = true;
                        target["min"] = JsonNode.Parse(r.Pick(["1", "0", "-2147483648", "-1"]));
                        target["max"] = JsonNode.Parse(r.Pick(["2147483647", "2147483648", "1e300", "4294967295"]));
                        break;
                    case 7:
                        target["decimals"] = JsonNode.Parse(r.Pick(["0", "20", "400", "-1", "2147483647", "1.5", "16"]));
                        target["log"] = r.Next(2) == 0;
                        break;
                    default:
                        target["choices"] = r.Next(3) switch
                        {
                            0 => new JsonArray(),
                            1 => new JsonArray([.. Enumerable.Range(0, 10_000).Select(i => (JsonNode?)JsonValue.Create(i))]),
                            _ => new JsonArray(JsonNode.Parse(r.Pick(Numbers)), JsonValue.Create("a"), null),
                        };
                        break;
                }

                continue;
            }

            switch (op)
            {
                case 3 when key is not null:
                    ((JsonObject)parent).Remove(key);
                    break;
                case 4 when key is not null:
                    var obj = (JsonObject)parent;
                    var moved = obj[key];
                    obj.Remove(key);
                    obj[r.Pick(new[] { key.ToUpperInvariant(), key + "x", "", key[..Math.Max(0, key.Length - 1)] })] = moved;
                    break;
                default:
                    Set(Value());
                    break;
            }
        }

        var text = root.ToJsonString(new JsonSerializerOptions { WriteIndented = r.Next(2) == 0 });
        for (var i = 0; i < raw.Count; i++)
        {
            text = text.Replace($"\"@RAW{i}@\"", raw[i], StringComparison.Ordinal);
        }

        return r.Next(8) == 0 ? text[..(text.Length * r.Next(100) / 100)] : text;
    }

    // Every place of a document a value can be set: each object property and array item, the root excluded.
    private static IEnumerable<(JsonNode Parent, string? Key, int Index)> Slots(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o.ToList())
                {
                    yield return (o, key, -1);
                    if (child is not null)
                    {
                        foreach (var s in Slots(child))
                        {
                            yield return s;
                        }
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    yield return (a, null, i);
                    if (a[i] is { } child)
                    {
                        foreach (var s in Slots(child))
                        {
                            yield return s;
                        }
                    }
                }

                break;
            default:
                break;
        }
    }

    // 4. design solve, scale and block with extreme, non-finite and ordinary budgets and targets.
    private static List<string> Design(Picker r)
    {
        switch (r.Next(10))
        {
            case < 5:
            {
                var preset = r.Next(8) == 0 ? r.Pick(AllPresets) : r.Pick(WithParameters);
                var numeric = preset.Parameters.Where(p => double.TryParse(p.Default, NumberStyles.Float, C, out _)).Select(p => p.Name).ToArray();
                var vary = r.Next(6) switch
                {
                    0 => "resolution",
                    1 => r.Pick(["bogus", "", "se", "aux", "RESOLUTION"]),
                    _ => numeric.Length > 0 ? r.Pick(numeric) : "resolution",
                };
                var command = new List<string> { "design", "solve", preset.Name, "--vary", vary };
                switch (r.Next(8))
                {
                    case < 4:
                        command.AddRange(["--target", r.Pick(Targets)]);
                        break;
                    case < 7:
                        command.AddRange(["--match", r.Next(4) == 0 ? r.Pick(["bogus", "", "{fixtures}/resnet18.onnx"]) : r.Pick(PresetNames)]);
                        break;
                    default:
                        if (r.Next(2) == 0)
                        {
                            command.AddRange(["--target", "2G", "--match", "resnet50"]);
                        }

                        break;
                }

                if (r.Next(2) == 0)
                {
                    command.AddRange(["--on", r.Pick(OnCosts)]);
                }

                if (r.Next(4) == 0)
                {
                    command.AddRange(["--each", r.Pick(["groups=2,4,8,32", "groups=0", "groups=", "groups=1e400", "width_per_group=1,2147483647", "bogus=1,2", "=1,2", "groups=,,,", "width=NaN", "width=0.5,1,2", "resolution=32,64", "depth=1,1e9"])]);
                }

                if (r.Next(5) == 0)
                {
                    command.AddRange(["--within", r.Pick(["layer1.1", "nonexistent", "", "features", "layer1", "fc", "features.0"])]);
                }

                if (r.Next(4) == 0 && preset.Parameters.Length > 0)
                {
                    var p = r.Pick([.. preset.Parameters]);
                    command.AddRange(["--set", $"{p.Name}={Value(r, p.Default)}"]);
                }

                if (r.Next(4) == 0)
                {
                    command.AddRange(["-c", r.Pick(ConventionNames)]);
                }

                AddFormat(r, command);
                return command;
            }

            case < 9:
            {
                var preset = r.Pick(["efficientnet_b0", "mobilenet_v2", "resnet50", "regnet_x_400mf", "alexnet", "efficientnet_b7", "mnasnet1_0", "unet3d", "m5", "resnet18"]);
                var command = new List<string> { "design", "scale", preset };
                if (r.Next(4) == 0)
                {
                    command.AddRange(["--phi", r.Pick(Phis)]);
                }
                else
                {
                    command.AddRange(["--budget", r.Pick(ScaleBudgets)]);
                }

                if (r.Next(2) == 0)
                {
                    command.AddRange(["--mode", r.Pick(["width", "depth", "resolution", "compound", "WIDTH", "bogus"])]);
                }

                if (r.Next(3) == 0)
                {
                    command.AddRange([r.Pick(["--alpha", "--beta", "--gamma"]), r.Pick(Coefficients)]);
                }

                if (r.Next(5) == 0)
                {
                    command.AddRange(["--set", r.Pick(["width=0.5", "depth=1e9", "resolution=1", "width=NaN", "bogus=1", "resolution=2147483647"])]);
                }

                if (r.Next(5) == 0)
                {
                    command.AddRange(["--depth", r.Pick(["1", "0", "2147483647", "-1"])]);
                }

                return command;
            }

            default:
            {
                var command = new List<string> { "design", "block" };
                for (var i = r.Next(3); i > 0; i--)
                {
                    command.Add(r.Pick(Blocks));
                }

                if (r.Next(2) == 0)
                {
                    command.AddRange(["-c", r.Pick(ConventionNames)]);
                }

                AddFormat(r, command);
                return command;
            }
        }
    }

    // 5. Device profiles mutated into files, through latency, analyze, compare and sweep.
    private static List<string> Devices(Picker r, List<(string, string)> files)
    {
        var file = r.Next(10) switch { 0 => "dev.device.json", 1 => "dev", 2 => "dev.JSON", _ => "dev.json" };
        files.Add((file, "text:" + Escape(MutateJson(r, Resource(r.Pick(DeviceNames)), space: false))));
        var device = "{dir}/" + file;
        var model = r.Pick(["resnet18", "mobilenet_v2", "alexnet", "m5", "unet3d", "efficientnet_b0", "{fixtures}/resnet18.onnx", "vgg16", "googlenet"]);
        var command = r.Next(10) switch
        {
            < 5 => new List<string> { "latency", model, "--device", device },
            < 7 => ["analyze", model, "--device", device],
            < 9 => ["compare", model, "alexnet", "--device", device],
            _ => ["sweep", model, "--batch", "1,8", "--device", device],
        };
        if (r.Next(3) == 0)
        {
            command.AddRange(["--dtype", r.Pick(["bf16", "fp16", "tf32", "fp32"])]);
        }

        if (r.Next(4) == 0 && command[0] != "sweep")
        {
            command.AddRange(["--batch", r.Pick(Batches)]);
        }

        if (command[0] == "latency" && r.Next(3) == 0)
        {
            command.AddRange(["--overhead", r.Pick(["0", "1", "2", "-1"])]);
        }

        AddFormat(r, command);
        return command;
    }

    // 6. compare (parts with no parameters, labels with commas and quotes) and sweep (lists and ranges).
    private static List<string> CompareSweep(Picker r)
    {
        if (r.Next(2) == 0)
        {
            var command = new List<string> { "compare" };
            for (var i = 1 + r.Next(3); i > 0; i--)
            {
                command.Add(r.Pick(CompareEntries));
            }

            if (r.Next(3) == 0)
            {
                command.AddRange(["--set", r.Pick(CompareSets)]);
            }

            if (r.Next(4) == 0)
            {
                command.AddRange(["--device", r.Pick(["h200", "a100", "bogus", ""]), "--batch", r.Pick(Batches)]);
            }

            if (r.Next(5) == 0)
            {
                command.AddRange(["--input", r.Pick(Inputs)]);
            }

            AddFormat(r, command);
            return command;
        }

        var sweep = new List<string> { "sweep", r.Pick(SweepModels) };
        switch (r.Next(7))
        {
            case < 3:
                sweep.AddRange(["--batch", r.Next(10) == 0 ? string.Join(',', Enumerable.Range(1, 1 + r.Next(20_000))) : r.Pick(SweepBatches)]);
                break;
            case < 6:
                sweep.AddRange(["--resolution", r.Next(10) == 0 ? string.Join(',', Enumerable.Range(32, 1 + r.Next(20_000))) : r.Pick(Resolutions)]);
                break;
            default:
                if (r.Next(2) == 0)
                {
                    sweep.AddRange(["--batch", "1,2", "--resolution", "224"]);
                }

                break;
        }

        if (r.Next(4) == 0)
        {
            sweep.AddRange(["--device", r.Pick(["h200", "t4", "bogus"]), "--dtype", r.Pick(["bf16", "fp32"])]);
        }

        if (r.Next(4) == 0)
        {
            sweep.AddRange(["-c", r.Pick(ConventionNames)]);
        }

        AddFormat(r, sweep);
        return sweep;
    }

    // 7. Option parsing: misspellings, numbers too large for their option, outputs that cannot be written,
    //    empty and odd files as models, --precision and --dtype on every command.
    private static List<string> Options(Picker r, List<(string, string)> files)
    {
        var model = r.Pick(["resnet18", "alexnet", "m5"]);
        List<string> Base(string command) => command switch
        {
            "analyze" or "memory" or "export" or "latency" or "sweep" => [command, model],
            "compare" => ["compare", model, "alexnet"],
            "plot" => ["plot", model, "--output", "{dir}/p.png"],
            "design" => ["design", "solve", "resnet50", "--vary", "width_per_group", "--target", "2G"],
            "search" => ["search", "regnet", "--samples", "10"],
            _ => [command],
        };
        switch (r.Next(8))
        {
            case 0:
            {
                var typed = r.Pick(Misspelled);
                var command = typed.Contains(' ', StringComparison.Ordinal) && typed.Trim().Length > 0 ? [.. typed.Split(' ')] : new List<string> { typed };
                if (r.Next(2) == 0)
                {
                    command.Add(model);
                }

                return command;
            }

            case 1:
            {
                var command = Base(r.Pick(Commands));
                command.Insert(r.Next(command.Count + 1), r.Pick(MisspelledOptions));
                if (r.Next(2) == 0)
                {
                    command.Add(r.Pick(["json", "2", "3x224x224", ""]));
                }

                return command;
            }

            case 2:
            {
                // A number for an int option, too large or odd.
                var (command, option) = r.Next(8) switch
                {
                    0 => (Base("analyze"), r.Pick(["--batch", "--depth", "--dataset"])),
                    1 => (Base("memory"), "--batch"),
                    2 => (Base("search"), r.Pick(["--samples", "--top", "--seed"])),
                    3 => (Base("latency"), r.Pick(["--batch", "--overhead"])),
                    4 => (Base("compare"), "--batch"),
                    5 => (Base("plot"), r.Pick(["--batch", "--depth"])),
                    6 => (["design", "scale", "efficientnet_b0", "--budget", "macs=2G"], r.Pick(["--depth", "--alpha"])),
                    _ => (Base("sweep"), "--batch"),
                };
                command.AddRange([option, r.Pick(BigInts)]);
                return command;
            }

            case 3:
            {
                var command = Base(r.Pick(["analyze", "memory", "compare", "sweep", "export", "latency", "design", "search", "plot"]));
                if (command[0] == "sweep")
                {
                    command.AddRange(["--batch", "1,2"]);
                }

                var output = r.Pick(["/tmp", "/nonexistent/dir/x.json", "", "{dir}", "{dir}/sub/x.json", "{dir}/x.json", "/dev/null", "{dir}/x.json/", "/proc/version"]);
                if (command[0] == "plot")
                {
                    // A chart's folder might be created: never outside the case's own.
                    command[3] = output.StartsWith("/nonexistent", StringComparison.Ordinal) ? "/proc/nonexistent/dir/p.png" : output;
                }
                else
                {
                    command.AddRange([r.Pick(["--output", "-o"]), output]);
                }

                if (r.Next(2) == 0 && command[0] is not ("plot" or "export"))
                {
                    command.AddRange(["--format", "json"]);
                }

                return command;
            }

            case 4:
            {
                // Empty and odd files as the model.
                var (name, content) = r.Pick(new (string, string)[]
                {
                    ("empty.json", "text:"), ("ws.json", "text:   \\n "), ("null.json", "text:null"), ("arr.json", "text:[]"), ("obj.json", "text:{}"),
                    ("empty.onnx", "text:"), ("x.txt", "text:resnet18"), ("resnet18", "text:"), ("bom.json", "text:\uFEFF{}"), ("num.json", "text:1e400"),
                    ("deep.json", "text:" + new string('[', 100_000)), ("str.json", "text:\"cnnarch\""), ("garbage.onnx", "text:\u0001\u0002\u0003abc"),
                });
                files.Add((name, content));
                var modelPath = r.Next(6) == 0 ? r.Pick(["{dir}", "nonexistent.json", "", ".json", "{dir}/missing.onnx", "-"]) : "{dir}/" + name;
                var command = r.Next(6) switch
                {
                    0 => ["memory", modelPath],
                    1 => ["compare", modelPath, "alexnet"],
                    2 => ["latency", modelPath],
                    3 => ["sweep", modelPath, "--batch", "1"],
                    4 => ["export", modelPath],
                    _ => new List<string> { "analyze", modelPath },
                };
                AddFormat(r, command);
                return command;
            }

            default:
            {
                // --precision and --dtype, upper and lower case, on every command (some do not take them).
                var command = Base(r.Pick(Commands));
                if (command[0] == "sweep")
                {
                    command.AddRange(["--batch", "1,2", "--device", "h200"]);
                }

                var option = r.Pick(["--precision", "--dtype", "--weights-dtype"]);
                command.AddRange([option, r.Pick(["BF16", "bf16", "Bf16", "fp16", "TF32", "int8", "fp64", ""])]);
                if (r.Next(3) == 0)
                {
                    command.AddRange(["--device", "h200"]);
                }

                return command;
            }
        }
    }

    private static List<string> Fixed(Picker r, List<(string, string)> files)
    {
        var all = HandPicked().Where(c => !c.Origin.Contains("20 MB", StringComparison.Ordinal)).ToList();
        var chosen = all[r.Next(all.Count)];
        var (args, own) = Read(chosen.Bytes);
        files.AddRange(own);
        return [.. args];
    }

    /// <summary>Takes choices from a case's integers in turn.</summary>
    private sealed class Picker(int[] picks)
    {
        private int _next;

        public int Next(int n) => n <= 1 ? 0 : picks[_next++ % picks.Length] % n;

        public T Pick<T>(T[] values) => values[Next(values.Length)];
    }
}

/// <summary>
/// The command line's entry points, <c>CliApp.Run</c> and <c>CliApp.Finish</c>. CliApp is internal to
/// CnnArch.Cli and visible only to CnnArch.Tests, so until CnnArch.Fuzz is made a friend assembly they
/// are reached through reflection (a stopgap).
/// </summary>
public static class CliEntry
{
    private static readonly Type App = Type.GetType("CnnArch.Cli.CliApp, CnnArch.Cli", throwOnError: true)!;

    /// <summary><c>CliApp.Run(args, stdout, stderr, isTerminal)</c>.</summary>
    public static Func<string[], TextWriter, TextWriter, bool, int> Run { get; } =
        App.GetMethod("Run", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.CreateDelegate<Func<string[], TextWriter, TextWriter, bool, int>>();

    /// <summary><c>CliApp.Finish(stdout, stderr, code)</c>: flushes what Run left buffered, as the process does.</summary>
    public static Func<TextWriter, TextWriter, int, int> Finish { get; } =
        App.GetMethod("Finish", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.CreateDelegate<Func<TextWriter, TextWriter, int, int>>();
}

namespace CnnArch.Tests.Cli;

/// <summary>What a new user ran into (issue 12's usability list), each with the CLI's answer.</summary>
public class UsabilityTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliTests.Run(args);

    [Fact]
    public void A_Typo_In_A_Preset_Name_Gets_Did_You_Mean_And_A_Short_List()
    {
        var (code, _, error) = Run("analyze", "resnet5");

        code.Should().Be(2);
        error.Trim().Should().Be("error: No preset named 'resnet5'. Did you mean resnet50? Close: resnet50, resnet152, resnet18 ('cnnarch list' shows all " + Catalog.All.Length + ").");
    }

    [Fact]
    public void Bare_Cnnarch_Prints_Help_Naming_Cnnarch()
    {
        var (code, output, error) = Run();

        code.Should().Be(0);
        error.Should().BeEmpty();
        output.Should().Contain("Usage:\n  cnnarch [command] [options]").And.Contain("analyze").And.Contain("latency");
        Run("analyze", "--help").Out.Should().Contain("  cnnarch analyze <model> [options]");
    }

    [Fact]
    public void A_Command_Typo_Keeps_The_Suggestions()
    {
        var (code, _, error) = Run("analyse", "resnet18");

        code.Should().Be(2);
        error.Should().Contain("analyse").And.Contain("(see 'cnnarch --help')");
    }

    [Theory]
    [InlineData("224x224x3", "3x224x224")]
    [InlineData("32x32x1", "1x32x32")]
    public void An_Input_In_Keras_Order_Stops_With_A_Hint(string given, string hint)
    {
        var (code, _, error) = Run("analyze", "resnet18", "--input", given);

        code.Should().Be(2);
        error.Should().Contain("Keras order").And.Contain($"write channels first: {hint}");
    }

    [Fact]
    public void Option_Values_Are_Case_Insensitive()
    {
        Run("analyze", "resnet18", "--format", "JSON").Out.Should().StartWith("{");
        Run("analyze", "resnet18", "-c", "FULL", "--dtype", "FP16").Out.Should().Contain("Convention full").And.Contain("fp16");
        Run("analyze", "resnet18", "--format=CSV").Out.Should().StartWith("path,kind");
    }

    [Fact]
    public void Compare_Finds_Published_Top1_Whatever_The_Case_Of_The_Names()
    {
        var output = Run("compare", "AlexNet", "ResNet50").Out;

        output.Should().Contain("56.52").And.Contain("76.13");
    }

    [Fact]
    public void A_Memory_Size_Without_A_Unit_Asks_For_One()
    {
        var (code, _, error) = Run("memory", "resnet18", "--fits", "24");

        code.Should().Be(2);
        error.Trim().Should().Be("error: --fits: '24' needs a unit: 24GB, 24MB or 24B (KB, MB, GB and TB are powers of 1024). (see 'cnnarch memory --help')");
    }

    [Fact]
    public void Dtype_Means_One_Thing_In_Every_Command_And_Precision_Is_Its_Alias()
    {
        // analyze once took latency's precision from --precision and silently predicted fp32 under --dtype bf16.
        var dtype = Run("analyze", "resnet50", "--device", "h200", "--dtype", "BF16", "--batch", "64");
        var precision = Run("analyze", "resnet50", "--device", "h200", "--precision", "bf16", "--batch", "64");

        dtype.Code.Should().Be(0);
        dtype.Out.Should().Contain("input 3x224x224, batch 64, bf16").And.Contain("Latency on h200 (bf16, batch 64)");
        precision.Out.Should().Be(dtype.Out);
        Run("latency", "resnet50", "--precision", "bf16", "--batch", "64").Out.Should().Be(Run("latency", "resnet50", "--dtype", "bf16", "--batch", "64").Out);
    }

    [Fact]
    public void A_Bad_Number_Names_No_Dotnet_Type()
    {
        var (code, _, error) = Run("analyze", "resnet18", "--batch", "abc");

        code.Should().Be(2);
        error.Trim().Should().Be("error: --batch takes a whole number from 1 to 2,147,483,647, got 'abc'. (see 'cnnarch analyze --help')");
    }

    [Fact]
    public void A_File_Of_Another_Kind_Says_What_Is_Understood()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cnnarch-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "not a model");
        try
        {
            var (code, _, error) = Run("analyze", path);

            code.Should().Be(2);
            error.Should().Contain("is a .txt file; cnnarch reads ONNX models (.onnx) and spec files (.json), or a preset name");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Memory_Writes_To_A_File_With_Output()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cnnarch-{Guid.NewGuid():N}.json");
        try
        {
            Run("memory", "resnet18", "--format", "json", "--output", path).Code.Should().Be(0);

            File.ReadAllText(path).Should().Contain("\"model\": \"resnet18\"");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Json_Streamed_To_A_Process_Stdout_Or_A_File_Equals_The_Text_Written()
    {
        // The tool's standard output is a UTF-8 StreamWriter, into whose stream the JSON goes as bytes;
        // a StringWriter gets it as text. Both, and --output, must carry the same report.
        var text = Run("analyze", "resnet152", "--format", "json").Out;
        using var bytes = new MemoryStream();
        using (var stdout = new StreamWriter(bytes, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            stdout.Write("before ");
            CnnArch.Cli.CliApp.Run(["analyze", "resnet152", "--format", "json"], stdout, TextWriter.Null, isTerminal: false).Should().Be(0);
        }

        System.Text.Encoding.UTF8.GetString(bytes.ToArray()).Should().Be("before " + text, "what was written before the JSON is flushed first");
        text.Length.Should().BeGreaterThan(200_000, "the report is many times the writer's flush size");
        var path = Path.Combine(Path.GetTempPath(), $"cnnarch-{Guid.NewGuid():N}.json");
        try
        {
            Run("analyze", "resnet152", "--format", "json", "--output", path).Code.Should().Be(0);
            File.ReadAllText(path).Should().Be(text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Compare_Puts_Two_Variants_Of_One_Preset_Side_By_Side()
    {
        var (code, output, _) = Run("compare", "mobilenet_v2", "half=mobilenet_v2", "--set", "half:width=0.5", "-c", "torchvision", "--format", "csv");

        code.Should().Be(0);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        rows[1].Should().StartWith("mobilenet_v2,3x224x224,3504872,300774272,");
        rows[2].Should().StartWith("half,3x224x224,");
        long.Parse(rows[2].Split(',')[2], System.Globalization.CultureInfo.InvariantCulture).Should().BeLessThan(3504872);
    }

    [Fact]
    public void The_Table_Shows_Exact_Parameter_Counts()
    {
        var output = Run("analyze", "alexnet", "--input", "3x227x227").Out;

        output.Should().Contain("|     23,296 |").And.Contain("61,100,840");
    }
}

public class LectureTableTests
{
    [Fact]
    public void AlexNet_Takes_The_Lectures_Names()
    {
        var report = Analyzer.Analyze(Catalog.Create("alexnet"), new AnalysisOptions { Input = TensorShape.Chw(3, 227, 227) }).WithLectureNames();

        report.Layers.Where(l => l.Kind is "Conv2d" or "MaxPool2d" or "Linear").Select(l => l.Path)
            .Should().Equal("conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool5", "fc6", "fc7", "fc8");
        report.Layers.Single(l => l.Path == "conv1").Parameters.Should().Be(23_296);
        report.Scopes.Should().BeEmpty();
    }

    [Fact]
    public void The_Cli_Shows_Lecture_Names_And_The_Batch_Dimension()
    {
        var (code, output, _) = CliTests.Run("analyze", "alexnet", "--input", "3x227x227", "--names", "lecture", "--batch-dim", "--batch", "2");

        code.Should().Be(0);
        output.Should().Contain("input [2, 3, 227, 227], batch 2").And.Contain("| conv1   | Conv2d            |  [2, 64, 56, 56] |").And.Contain("| fc8     | Linear            |");
    }

    [Fact]
    public void Functional_Flatten_Is_Torch_Flatten()
    {
        var network = Network.Create("f", Sequential.Of(("conv", new Conv2d { OutChannels = 4 }), ("flatten", Functional.Flatten)), TensorShape.Chw(3, 8, 8));

        network.Nodes[1].IsModule.Should().BeFalse();
        network.Nodes[1].Layer.Should().Be(Flatten.Instance);
    }
}

public class FooterTests
{
    [Fact]
    public void ResNet50_At_Batch_1_Has_Torchinfos_Sizes()
    {
        var sizes = Analyzer.Analyze(Catalog.Create("resnet50")).Sizes();

        (sizes.InputBytes / 1e6).Should().BeApproximately(0.60, 0.005);
        (sizes.ParameterBytes / 1e6).Should().BeApproximately(102.23, 0.005);
        sizes.TotalParameters.Should().Be(25_557_032);
        sizes.NonTrainableParameters.Should().Be(0);
        sizes.Buffers.Should().Be(53_173);
    }

    [Fact]
    public void The_Forward_Backward_Size_Is_Twice_The_Outputs_Of_Layers_With_Parameters()
    {
        var report = Analyzer.Analyze(Catalog.Create("alexnet"), new AnalysisOptions { Input = TensorShape.Chw(3, 227, 227), Batch = 4 });

        // conv1..conv5 and fc6..fc8: the rows with parameters.
        var expected = 2 * report.Layers.Where(l => l.Kind is "Conv2d" or "Linear").Sum(l => l.ActivationBytes);
        report.Sizes().ForwardBackwardBytes.Should().Be(expected);
        report.Sizes().InputBytes.Should().Be(4L * 3 * 227 * 227 * 4);
        report.Sizes().TotalBytes.Should().Be(report.Sizes().InputBytes + expected + (61_100_840L * 4));
    }

    [Fact]
    public void The_Table_Ends_With_The_Footer_And_Its_Definitions()
    {
        var output = CliTests.Run("analyze", "resnet50", "-c", "torchvision").Out;

        // torchinfo's own lines, each on its own line as torchinfo writes them (resnet50: its summary's figures).
        var lines = output.Split('\n');
        lines.Should().ContainInConsecutiveOrder(
            "Total params: 25,557,032",
            "Trainable params: 25,557,032",
            "Non-trainable params: 0",
            "Total mult-adds (G): 4.09",
            "Buffers: 53,173 (BatchNorm statistics: not parameters, where Keras counts them as non-trainable params)",
            "Input size (MB): 0.60",
            "Forward/backward pass size (MB): 177.83",
            "Params size (MB): 102.23",
            "Estimated Total Size (MB): 280.66");
    }
}

public class LibraryTableTests
{
    [Theory]
    [InlineData("alexnet", null)]
    [InlineData("resnet50", 1)]
    [InlineData("googlenet", null)]
    public void The_Library_Prints_The_Same_Table_As_The_Cli(string preset, int? depth)
    {
        var report = Analyzer.Analyze(Catalog.Create(preset));
        string[] args = depth is { } d ? ["analyze", preset, "--depth", d.ToString(System.Globalization.CultureInfo.InvariantCulture)] : ["analyze", preset];

        TextReport.Write(report, depth).Should().Be(CliTests.Run(args).Out);
        report.ToString().Should().StartWith($"{preset} (3x224x224, batch 1): ").And.EndWith(" MACs (lecture)");
    }
}

public class NetworkPartTests
{
    [Fact]
    public void GoogLeNets_Stem_Reaches_28x28_At_About_One_Eighteenth_Of_Vggs_Compute()
    {
        var options = new AnalysisOptions { Convention = Conventions.TorchVision };
        var stem = Analyzer.Analyze(NetworkPart.Between(Catalog.Create("googlenet"), null, "maxpool2"), options);
        var vgg = Analyzer.Analyze(NetworkPart.Between(Catalog.Create("vgg16"), null, "features.16"), options);

        stem.Output.Should().Be(TensorShape.Chw(192, 28, 28));
        vgg.Output.Should().Be(TensorShape.Chw(256, 28, 28));
        // conv1 7x7/2 (118 M), conv2 1x1 (12.8 M), conv3 3x3 (347 M) against VGG-16's seven convs at 224-56.
        stem.Totals.Macs.Should().Be(118_013_952 + 12_845_056 + 346_816_512);
        ((double)vgg.Totals.Macs / stem.Totals.Macs).Should().BeInRange(17, 21);
    }

    [Fact]
    public void A_Block_Analysed_Alone_Reads_Its_Input_At_Its_Shape_In_The_Whole_Network()
    {
        var whole = Analyzer.Analyze(Catalog.Create("resnet50"));
        var block = Analyzer.Analyze(NetworkPart.Between(Catalog.Create("resnet50"), "layer2.0", "layer2.0"));

        block.Input.Should().Be(TensorShape.Chw(256, 56, 56));
        block.Totals.Macs.Should().Be(whole.Layers.Where(l => l.Path.StartsWith("layer2.0.", StringComparison.Ordinal)).Sum(l => l.Macs));
        block.Scopes.Should().ContainSingle(s => s.Path == "layer2.0");
    }

    [Fact]
    public void A_Part_With_Two_Inputs_From_Before_It_Is_Refused()
    {
        // layer1.0.conv2 .. layer1.0.add reads the block's input (the shortcut) and conv1's output.
        var act = () => NetworkPart.Between(Catalog.Create("resnet18"), "layer1.0.conv2", "layer1.0.add");

        act.Should().Throw<InvalidNetworkException>().WithMessage("*reads 2 tensors from before it; a part has one input.");
    }

    [Fact]
    public void The_Cli_Compares_Parts_And_Names_A_Missing_Path()
    {
        var (code, output, _) = CliTests.Run("compare", "googlenet@..maxpool2", "vgg16@..features.16", "-c", "torchvision", "--format", "csv");

        code.Should().Be(0);
        output.Should().Contain("googlenet@..maxpool2,3x224x224,").And.Contain("vgg16@..features.16,3x224x224,");
        CliTests.Run("analyze", "resnet18", "--until", "layer9").Err.Should().Contain("No layer or block 'layer9' in resnet18");
    }
}

/// <summary>What help shows can be typed as shown: no '&lt;' a shell would read as a redirection.</summary>
public class HelpTextTests
{
    [Theory]
    [InlineData("search")]
    [InlineData("design scale")]
    [InlineData("design solve")]
    [InlineData("analyze")]
    [InlineData("memory")]
    public void Help_Shows_No_Unquoted_Redirection(string command)
    {
        var (code, output, _) = CliTests.Run([.. command.Split(' '), "--help"]);

        code.Should().Be(0);
        System.Text.RegularExpressions.Regex.Matches(output, @"(?<!')\b[a-z-]+<=").Should().BeEmpty("a shell reads an unquoted < as a redirection");
    }

    [Fact]
    public void The_Budget_Forms_Help_Shows_Are_One_Budget()
    {
        var colon = Budget.Parse("macs:400M");

        Budget.Parse("macs=400M").Should().Be(colon);
        Budget.Parse("macs<=400M").Should().Be(colon);
    }
}

/// <summary>A part of a network returns everything the rest of the network reads from it.</summary>
public class NetworkPartOutputTests
{
    [Fact]
    public void Parallel_Branches_Cut_From_Their_Join_Are_Outputs_Not_Auxiliary_Heads()
    {
        var googlenet = Catalog.Create("googlenet");
        var part = NetworkPart.Between(googlenet, "inception3a.branch2", "inception3a.branch3");

        var report = Analyzer.Analyze(part);

        report.Layers.Should().OnlyContain(l => !l.IsAuxiliary, "branch2 feeds the concat after the part");
        report.Totals.Parameters.Should().Be(129_472 + 7_776);
        part.OtherOutputs.Should().ContainSingle();
    }

    [Fact]
    public void An_Auxiliary_Head_Inside_A_Part_Stays_Auxiliary()
    {
        var googlenet = Catalog.Create("googlenet", new Dictionary<string, string> { ["aux"] = "true" });
        var part = NetworkPart.Between(googlenet, "inception4a", "inception4b");

        Analyzer.Analyze(part).Layers.Where(l => l.IsAuxiliary).Select(l => l.Path).Should().NotBeEmpty().And.OnlyContain(p => p.StartsWith("aux1", StringComparison.Ordinal));
    }
}

/// <summary>What a newcomer sees printing a result: a line a person wants, not a record dump.</summary>
public class ResultToStringTests
{
    [Fact]
    public void Reports_And_Networks_Print_One_Line_Of_What_They_Are()
    {
        var resnet18 = Catalog.Create("resnet18");
        var memory = CnnArch.Memory.MemoryAnalyzer.Analyze(resnet18, new CnnArch.Memory.MemoryOptions { Batch = 32 });
        var latency = CnnArch.Performance.LatencyModel.Predict(resnet18, new CnnArch.Performance.LatencyOptions { DataType = DataType.Bf16, Batch = 64 });

        memory.ToString().Should().Be(FormattableString.Invariant(
            $"resnet18 (3x224x224, batch 32, fp32): inference peak {memory.Inference.PeakBytes:N0} bytes, training peak {memory.Training.PeakBytes:N0} bytes (sgd-momentum)"));
        latency.ToString().Should().Be(FormattableString.Invariant(
            $"resnet18 on h200 (bf16, batch 64): {latency.Milliseconds:0.###} ms per forward pass, {latency.ImagesPerSecond:N0} images/s"));
        resnet18.ToString().Should().Be($"resnet18: {resnet18.Nodes.Length} nodes in {resnet18.Scopes.Length} blocks, input 3x224x224");
    }

    [Theory]
    [InlineData("analyze", "activations (the sum of every layer's output)")]
    [InlineData("memory", "memory at the inference peak")]
    public void An_Input_No_Accelerator_Could_Hold_Is_Reported_In_Full_With_A_Warning(string command, string what)
    {
        var (code, output, error) = CliTests.Run(command, "resnet18", "--input", "3x100000x100000");

        code.Should().Be(0);
        output.Should().Contain("3x100000x100000");
        error.Should().StartWith("warning: input 3x100000x100000 at batch 1 needs ").And.Contain(" TB of " + what).And.Contain("check --input and --batch");
        CliTests.Run(command, "resnet18").Err.Should().BeEmpty("a 224x224 ResNet-18 is ordinary");
    }
}

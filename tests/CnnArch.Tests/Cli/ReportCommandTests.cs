using System.Globalization;
using System.Text.Json;

namespace CnnArch.Tests.Cli;

public class ReportCommandTests
{
    private static string Temp(string extension) => Path.Combine(Path.GetTempPath(), $"cnnarch-{Guid.NewGuid():N}{extension}");

    public class Formats
    {
        [Fact]
        public void Csv_Parses_With_The_Header_And_One_Row_Per_Layer()
        {
            var (code, output, _) = CliTests.Run("analyze", "resnet18", "--format", "csv", "--convention", "torchvision");
            var report = Analyzer.Analyze(Catalog.Create("resnet18"), new AnalysisOptions { Convention = Conventions.TorchVision });

            code.Should().Be(0);
            var lines = output.TrimEnd('\n').Split('\n');
            lines[0].Should().Be(CsvReport.Header);
            lines.Should().HaveCount(report.Layers.Length + 1);
            var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
            rows.Should().OnlyContain(r => r.Length == lines[0].Split(',').Length);
            rows.Sum(r => long.Parse(r[5], CultureInfo.InvariantCulture)).Should().Be(report.Totals.Macs);
            rows.Sum(r => long.Parse(r[3], CultureInfo.InvariantCulture)).Should().Be(report.Totals.Parameters);
            rows[0][0..3].Should().Equal("conv1", "Conv2d", "64x112x112");
        }

        [Fact]
        public void Json_Round_Trips_Through_A_Parser_With_Exact_Integers()
        {
            var (_, output, _) = CliTests.Run("analyze", "vgg16", "--format", "json", "--batch", "1024", "--convention", "torchvision");

            using var doc = JsonDocument.Parse(output);
            doc.RootElement.GetProperty("totals").GetProperty("macs").GetInt64().Should().Be(1024L * 15_470_264_320);
            JsonDocument.Parse(JsonSerializer.Serialize(doc.RootElement)).RootElement.GetProperty("layers").GetArrayLength()
                .Should().Be(doc.RootElement.GetProperty("layers").GetArrayLength());
        }

        [Fact]
        public void Markdown_Rows_Add_Up_To_The_Totals_Row()
        {
            var (code, output, _) = CliTests.Run("analyze", "googlenet", "--format", "markdown", "--depth", "1", "--set", "aux=true");

            code.Should().Be(0);
            var header = output.Split('\n').Single(l => l.StartsWith("| Layer", StringComparison.Ordinal)).Split('|').Select(h => h.Trim()).ToList();
            var rows = output.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| Layer", StringComparison.Ordinal)).ToList();
            static long Cell(string row, int column) => long.Parse(row.Split('|')[column].Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            var total = rows.Single(r => r.StartsWith("| **Total**", StringComparison.Ordinal));
            var layers = rows.Where(r => r != total).ToList();
            header.Should().Contain(["Input", "Kernel", "Stride", "Pad", "Dilation", "Groups", "Params %", "MACs %", "RF/stride"], "Markdown carries every column");
            foreach (var column in new[] { "Params", "MACs", "Buffers", "FLOPs" })
            {
                layers.Sum(r => Cell(r, header.IndexOf(column))).Should().Be(Cell(total, header.IndexOf(column)), column);
            }

            layers.Should().Contain(r => r.StartsWith("| inception3a | Inception |", StringComparison.Ordinal));
            output.Should().Contain("Convention `lecture`");
        }

        [Fact]
        public void Depth_Collapses_Blocks_Into_Rows_That_Still_Add_Up()
        {
            var report = Analyzer.Analyze(Catalog.Create("resnet50"));

            var top = report.Collapsed(1);

            top.Select(r => r.Path).Should().Equal("conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "flatten", "fc");
            top.Single(r => r.Path == "layer3").Output.ToString().Should().Be("1024x14x14");
            Totals.Of(top).Should().Be(report.Totals);
            report.Collapsed(2).Should().Contain(r => r.Path == "layer1.0" && r.Kind == "Residual");
        }

        [Fact]
        public void Output_Writes_A_File_Without_Colours()
        {
            var file = Temp(".txt");
            try
            {
                var (code, output, _) = CliTests.Run("analyze", "alexnet", "--output", file);

                code.Should().Be(0);
                output.Should().Be($"wrote {file}\n");
                File.ReadAllText(file).Should().Contain("features.0").And.NotContain("\u001b[");
            }
            finally
            {
                File.Delete(file);
            }
        }
    }

    public class Charts
    {
        [Theory]
        [InlineData("layers", "alexnet", ".png")]
        [InlineData("layers", "resnet152", ".svg")]
        [InlineData("accuracy", "resnet50", ".png")]
        [InlineData("accuracy", "resnet50", ".svg")]
        public void Should_Write_A_Non_Trivial_Chart(string kind, string model, string extension)
        {
            var file = Temp(extension);
            try
            {
                var (code, _, error) = CliTests.Run("plot", model, "--kind", kind, "--output", file);

                code.Should().Be(0, error);
                var bytes = File.ReadAllBytes(file);
                bytes.Length.Should().BeGreaterThan(20_000);
                if (extension == ".png")
                {
                    bytes[..8].Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A);
                }
                else
                {
                    var svg = File.ReadAllText(file);
                    svg.Should().Contain("<svg").And.Contain(kind == "layers" ? "layer4" : "mobilenet_v2");
                }
            }
            finally
            {
                File.Delete(file);
            }
        }

        [Fact]
        public void Should_Reject_An_Unknown_Image_Type()
        {
            var (code, _, error) = CliTests.Run("plot", "alexnet", "--output", "chart.gif");

            code.Should().Be(2);
            error.Should().Contain("must end in .png or .svg");
        }
    }

    public class CompareAndSweep
    {
        [Fact]
        public void Compare_Gives_The_Lectures_AlexNet_To_VGG16_Ratios()
        {
            var (code, output, _) = CliTests.Run("compare", "alexnet", "vgg16", "--convention", "torchvision", "--format", "json");

            code.Should().Be(0);
            using var doc = JsonDocument.Parse(output);
            var vgg = doc.RootElement.GetProperty("models")[1];
            Math.Round(vgg.GetProperty("paramsRatio").GetDouble(), 2).Should().Be(2.26, "the lecture's 2.3x");
            Math.Round(vgg.GetProperty("macsRatio").GetDouble(), 1).Should().Be(21.7, "the lecture's 19.4x uses its 13.6 G for VGG-16, which leaves a layer out");
            vgg.GetProperty("top1").GetDouble().Should().Be(71.592);
        }

        [Fact]
        public void Compare_Prints_A_Row_Per_Model()
        {
            var (code, output, _) = CliTests.Run("compare", "resnet50", "resnet50_v1", "mobilenet_v2");

            code.Should().Be(0);
            output.Should().Contain("resnet50_v1").And.Contain("Ratios (x) against resnet50");
        }

        [Fact]
        public void Sweep_Over_Batch_Scales_Macs_Linearly()
        {
            var (code, output, _) = CliTests.Run("sweep", "resnet18", "--batch", "1,8,32", "--format", "csv", "--convention", "torchvision");

            code.Should().Be(0);
            var rows = output.TrimEnd('\n').Split('\n').Skip(1).Select(l => l.Split(',')).ToList();
            rows.Select(r => long.Parse(r[2], CultureInfo.InvariantCulture)).Should().Equal(1_814_073_344L, 8 * 1_814_073_344L, 32 * 1_814_073_344L);
            rows.Select(r => long.Parse(r[5], CultureInfo.InvariantCulture)).Should().BeInAscendingOrder();
        }

        [Fact]
        public void Sweep_Over_Resolution_Takes_A_Range()
        {
            var (code, output, _) = CliTests.Run("sweep", "mobilenet_v2", "--resolution", "128:256:64", "--format", "json");

            code.Should().Be(0);
            using var doc = JsonDocument.Parse(output);
            doc.RootElement.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("input").GetString()).Should().Equal("3x128x128", "3x192x192", "3x256x256");
        }

        [Theory]
        [InlineData("--batch", "1,x")]
        [InlineData("--resolution", "512:128:32")]
        public void Sweep_Rejects_Bad_Ranges(string option, string value)
        {
            var (code, _, error) = CliTests.Run("sweep", "resnet18", option, value);

            code.Should().Be(2);
            error.Should().StartWith("error: " + option);
        }
    }

    public class Export
    {
        [Fact]
        public void Export_Then_Analyze_Gives_The_Same_Report()
        {
            var file = Temp(".json");
            try
            {
                CliTests.Run("export", "mobilenet_v3_large", "--format", "spec", "--output", file).Code.Should().Be(0);

                var fromSpec = CliTests.Run("analyze", file, "--format", "csv");
                var fromPreset = CliTests.Run("analyze", "mobilenet_v3_large", "--format", "csv");

                fromSpec.Code.Should().Be(0);
                fromSpec.Out.Should().Be(fromPreset.Out);
            }
            finally
            {
                File.Delete(file);
            }
        }

        [Fact]
        public void A_Bad_Spec_Names_The_File_Path_And_Line()
        {
            var file = Temp(".json");
            File.WriteAllText(file, "{\n  \"name\": \"n\",\n  \"input\": [3, 8, 8],\n  \"layers\": [\n    { \"type\": \"Conv2d\", \"outChannels\": 4, \"groups\": 0 }\n  ]\n}\n");
            try
            {
                var (code, _, error) = CliTests.Run("analyze", file);

                code.Should().Be(2);
                error.Should().Be($"error: {file}: $.layers[0].groups (line 5): Groups must be positive, got 0.\n");
            }
            finally
            {
                File.Delete(file);
            }
        }
    }
}

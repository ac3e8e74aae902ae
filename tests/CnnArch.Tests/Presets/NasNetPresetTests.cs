namespace CnnArch.Tests.Presets;

/// <summary>
/// NASNet-A Large and Mobile against Cadene's pretrained-models.pytorch classes, measured with PyTorch's
/// own modules (Reference/models, paper_models.py / torch 1.13).
/// </summary>
public class NasNetPresetTests
{
    public static TheoryData<string> NasNetModels() => ["nasnet_a_large", "nasnet_a_mobile"];

    private static AnalysisReport Analyze(string preset) =>
        Analyzer.Analyze(Catalog.Create(preset), new AnalysisOptions { Convention = Conventions.TorchVision });

    [Theory]
    [MemberData(nameof(NasNetModels))]
    public void Should_Equal_Every_Reference_Layer_Path_Kind_Shape_Params_And_Macs(string model) =>
        Analyze(model).ShouldMatchLayersAndMacs(ReferenceModel.Load(model));

    [Theory]
    [MemberData(nameof(NasNetModels))]
    public void Should_Equal_The_Reference_Totals_And_Give_1000_Classes(string model)
    {
        var reference = ReferenceModel.Load(model);

        var report = Analyze(model);

        report.Input.Dims.Should().Equal(reference.Input);
        report.ShouldMatchTotals(reference);
        report.Totals.Flops.Should().Be(reference.FlopCounterModeFlops);
    }

    [Theory]
    [InlineData("nasnet_a_large", 331, 88_753_150, 23_809_955_634)]
    [InlineData("nasnet_a_mobile", 224, 5_289_978, 568_234_858)]
    public void Should_Count_What_Cadenes_Implementation_Counts(string model, int side, long parameters, long macs)
    {
        var report = Analyze(model);

        report.Input.Should().Be(TensorShape.Chw(3, side, side));
        report.Totals.Parameters.Should().Be(parameters);
        report.Totals.Macs.Should().Be(macs);
    }

    [Fact]
    public void The_Mobile_Model_Spends_Its_Extra_Multiply_Adds_Over_The_Paper_On_The_Rows_Its_Padded_Convs_Crop()
    {
        // Zoph et al. Table 3: 564M mult-adds. Cadene emulates TensorFlow's 'SAME' padding of the stride-2 cells by
        // padding a row and a column, convolving (depthwise and pointwise) and cropping them off: convs that a
        // crop follows count their uncropped output. Counted on the rows the crop keeps, the model has the paper's 564M.
        var report = Analyze("nasnet_a_mobile");
        var rows = report.Layers.ToList();
        var excess = 0L;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Kind == "Slice" && rows[i].Path.EndsWith(".crop", StringComparison.Ordinal) && rows[i - 1].Kind == "Conv2d")
            {
                var pointwise = rows[i - 1];
                var depthwise = rows[i - 2];
                excess += Uncropped(depthwise.Macs, depthwise.Output, rows[i].Output) + Uncropped(pointwise.Macs, pointwise.Output, rows[i].Output);
            }
        }

        excess.Should().Be(4_596_042);
        Math.Round((report.Totals.Macs - excess) / 1e6).Should().Be(564);
    }

    [Theory]
    [InlineData("nasnet_a_mobile", "cell_3", "cell_9")]
    [InlineData("nasnet_a_large", "cell_4", "cell_10")]
    public void The_First_Cell_After_A_Reduction_Reads_The_Cell_Cadenes_Code_Passes(string model, string beforeCell6, string beforeCell12)
    {
        // nasnet_mobile.py: cell_6(reduction_cell_0, cell_3), cell_12(reduction_cell_1, cell_9): the last cell before the
        // reduction. nasnet.py: cell_6(reduction_cell_0, cell_4), cell_12(reduction_cell_1, cell_10): the one before it,
        // as TensorFlow's large config (skip_reduction_layer_input=1). Shapes, parameters and MACs cannot tell them apart.
        var network = Catalog.Create(model);
        Node Row(string path) => network.Nodes.Single(n => n.Path == path);

        Row("cell_6.relu").Inputs.Should().Equal([new Tensor(Row(beforeCell6 + ".cat").Index)]);
        Row("cell_6.conv_1x1.relu").Inputs.Should().Equal([new Tensor(Row("reduction_cell_0.cat").Index)]);
        Row("cell_12.relu").Inputs.Should().Equal([new Tensor(Row(beforeCell12 + ".cat").Index)]);
        Row("cell_12.conv_1x1.relu").Inputs.Should().Equal([new Tensor(Row("reduction_cell_1.cat").Index)]);
    }

    [Fact]
    public void A_Cell_Reads_The_Two_Cells_Before_It_And_Factorizes_The_Earlier_Where_It_Is_Twice_The_Size()
    {
        var network = Catalog.Create("nasnet_a_mobile");
        var report = Analyze("nasnet_a_mobile");
        Node Row(string path) => network.Nodes.Single(n => n.Path == path);
        string Shape(string path) => report.Layers.Single(l => l.Path == path).Output.ToString();

        // cell_7 reads cell_6 (its conv_1x1) and reduction_cell_0 (its conv_prev_1x1); cell_6 factorizes cell_3 (28x28) to 14x14.
        Row("cell_7.conv_1x1.relu").Inputs.Should().Equal([new Tensor(Row("cell_6.cat").Index)]);
        Row("cell_7.conv_prev_1x1.relu").Inputs.Should().Equal([new Tensor(Row("reduction_cell_0.cat").Index)]);
        Row("cell_1.conv_prev_1x1.relu").Inputs.Should().Equal([new Tensor(Row("cell_stem_1.cat").Index)]);
        Row("cell_0.relu").Inputs.Should().Equal([new Tensor(Row("cell_stem_0.cat").Index)]);
        Row("cell_stem_1.relu").Inputs.Should().Equal([new Tensor(Row("conv0.bn").Index)]);
        Row("cell_stem_1.conv_1x1.relu").Inputs.Should().Equal([new Tensor(Row("cell_stem_0.cat").Index)]);
        Shape("cell_stem_0.cat").Should().Be("44x56x56");
        Shape("cell_0.final_path_bn").Should().Be("44x28x28");
        Shape("cell_3.cat").Should().Be("264x28x28");
        Shape("cell_6.path_2.pad").Should().Be("264x29x29");
        Shape("cell_6.path_2.crop").Should().Be("264x28x28");
        Shape("cell_6.final_path_bn").Should().Be("88x14x14");
        Shape("cell_6.cat").Should().Be("528x14x14");
        Shape("reduction_cell_1.cat").Should().Be("704x7x7");
    }

    [Fact]
    public void The_Large_Model_Runs_Only_Where_Its_11x11_Average_Pool_Fits()
    {
        // Cadene's AvgPool2d(11) sees an 8x8 map at 256x256 and fails there, as PyTorch does.
        var act = () => Analyzer.Analyze(Catalog.Create("nasnet_a_large"), new AnalysisOptions { Input = TensorShape.Chw(3, 256, 256) });

        act.Should().Throw<InvalidNetworkException>().Which.Path.Should().Be("avg_pool");
    }

    private static long Uncropped(long macs, TensorShape output, TensorShape cropped) =>
        macs - (macs / output.Elements * cropped.Elements);
}

using Onnx;
using static CnnArch.Tests.Onnx.TestGraph;

namespace CnnArch.Tests.Onnx;

/// <summary>Every operator the importer supports, on a small graph built in code.</summary>
public class OperatorTests
{
    private static LayerReport Last(TestGraph g, CostModel? convention = null) => g.Analyze(convention).Layers[^1];

    private static TestGraph Unary(string op, long[] input, params AttributeProto[] attributes) =>
        new TestGraph(input).Node(op, ["x"], ["y"], null, attributes).Output("y");

    public class Convolutions
    {
        [Fact]
        public void Conv_With_Groups_Dilation_And_Asymmetric_Pads()
        {
            var g = new TestGraph([1, 8, 10, 10]).Weight("w", 16, 4, 3, 3).Weight("b", 16)
                .Node("Conv", ["x", "w", "b"], ["y"], "/features/features.0/Conv",
                    Attr("group", 2L), Attr("dilations", 2, 2), Attr("pads", 1, 0, 2, 1), Attr("strides", 1, 1))
                .Output("y");

            var row = Last(g);

            // H: 10 + 1 + 2 - 2*2 - 1 + 1 = 9; W: 10 + 0 + 1 - 5 + 1 = 7.
            row.Path.Should().Be("features.0");
            row.Kind.Should().Be("Conv2d");
            row.Output.ToString().Should().Be("16x9x7");
            row.Parameters.Should().Be((16 * 4 * 9) + 16);
            row.Macs.Should().Be(16L * 9 * 7 * 4 * 9);
        }

        [Theory]
        [InlineData("SAME_UPPER", "4x5x5")]
        [InlineData("SAME_LOWER", "4x5x5")]
        [InlineData("VALID", "4x4x4")]
        public void Conv_Auto_Pad(string autoPad, string expected)
        {
            var g = new TestGraph([1, 3, 10, 10]).Weight("w", 4, 3, 3, 3)
                .Node("Conv", ["x", "w"], ["y"], null, Attr("auto_pad", autoPad), Attr("strides", 2, 2)).Output("y");

            Last(g).Output.ToString().Should().Be(expected);
        }

        [Fact]
        public void ConvTranspose_Doubles_The_Size_And_Counts_Per_Input()
        {
            var g = new TestGraph([1, 8, 7, 7]).Weight("w", 8, 4, 4, 4)
                .Node("ConvTranspose", ["x", "w"], ["y"], null, Attr("strides", 2, 2), Attr("pads", 1, 1, 1, 1)).Output("y");

            var row = Last(g);

            row.Output.ToString().Should().Be("4x14x14");
            row.Macs.Should().Be(8L * 7 * 7 * 4 * 16);
            row.Parameters.Should().Be(8 * 4 * 16);
        }
    }

    public class LinearLayers
    {
        [Fact]
        public void Gemm_Is_A_Linear_Layer()
        {
            var g = new TestGraph([1, 512]).Weight("w", 1000, 512).Weight("b", 1000)
                .Node("Gemm", ["x", "w", "b"], ["y"], "/fc/Gemm", Attr("transB", 1L)).Output("y");

            var row = Last(g);

            row.Kind.Should().Be("Linear");
            row.Path.Should().Be("fc");
            row.Output.ToString().Should().Be("1000");
            row.Parameters.Should().Be(513_000);
            row.Macs.Should().Be(512_000);
        }

        [Fact]
        public void MatMul_By_A_Stored_Matrix_Is_A_Linear_Layer_Over_The_Last_Dimension()
        {
            var g = new TestGraph([1, 7, 7, 768]).Weight("w", 768, 3072).Node("MatMul", ["x", "w"], ["y"]).Output("y");

            var row = Last(g);

            row.Kind.Should().Be("Linear");
            row.Output.ToString().Should().Be("7x7x3072");
            row.Macs.Should().Be(7L * 7 * 768 * 3072, "the issue's example");
            row.Parameters.Should().Be(768 * 3072);
        }

        [Fact]
        public void MatMul_Of_Two_Computed_Tensors_Counts_Output_Times_Inner()
        {
            var g = new TestGraph([1, 4, 8, 16])
                .Node("Transpose", ["x"], ["t"], null, Attr("perm", 0, 1, 3, 2))
                .Node("MatMul", ["x", "t"], ["y"]).Output("y");

            var row = Last(g);

            row.Output.ToString().Should().Be("4x8x8");
            row.Macs.Should().Be(4L * 8 * 8 * 16);
        }
    }

    public class Arithmetic
    {
        [Fact]
        public void Add_Of_Equal_Shapes_Is_A_Residual_Join()
        {
            var g = new TestGraph([1, 4, 5, 5]).Node("Relu", ["x"], ["r"]).Node("Add", ["r", "x"], ["y"], "/layer1/layer1.0/Add").Output("y");

            var row = Last(g);

            row.Kind.Should().Be("Add");
            row.Path.Should().Be("layer1.0.add");
            row.IsModule.Should().BeFalse();
        }

        [Fact]
        public void Mul_By_A_Channel_Gate_Is_A_Scale()
        {
            var g = new TestGraph([1, 4, 5, 5]).Node("GlobalAveragePool", ["x"], ["p"]).Node("Sigmoid", ["p"], ["s"]).Node("Mul", ["x", "s"], ["y"]).Output("y");

            Last(g).Kind.Should().Be("Scale");
        }

        [Theory]
        [InlineData("Add")]
        [InlineData("Sub")]
        [InlineData("Mul")]
        [InlineData("Div")]
        public void Broadcasting_With_A_Stored_Constant(string op)
        {
            var g = new TestGraph([1, 4, 5, 5]).Weight("k", 1, 4, 1, 1).Node(op, ["x", "k"], ["y"]).Output("y");

            var row = Last(g, Conventions.Full);

            row.Kind.Should().Be(op);
            row.Output.ToString().Should().Be("4x5x5");
            row.Parameters.Should().Be(4, "a stored float tensor is a parameter");
            row.Flops.Should().Be(100);
        }

        [Fact]
        public void Broadcasting_Of_Two_Computed_Tensors()
        {
            var g = new TestGraph([1, 4, 5, 5]).Node("ReduceMean", ["x"], ["m"], null, List("axes", 1), Attr("keepdims", 1L))
                .Node("Sub", ["x", "m"], ["y"]).Output("y");

            Last(g).Output.ToString().Should().Be("4x5x5");
        }
    }

    public class Activations
    {
        [Theory]
        [InlineData("Relu", "ReLU")]
        [InlineData("LeakyRelu", "LeakyReLU")]
        [InlineData("Sigmoid", "Sigmoid")]
        [InlineData("HardSigmoid", "Hardsigmoid")]
        [InlineData("HardSwish", "Hardswish")]
        [InlineData("Tanh", "Tanh")]
        [InlineData("Erf", "Erf")]
        [InlineData("Gelu", "GELU")]
        public void Maps_To_A_Counted_Activation(string op, string kind)
        {
            var row = Last(Unary(op, [1, 2, 3, 3]), Conventions.Full);

            row.Kind.Should().Be(kind);
            row.Output.ToString().Should().Be("2x3x3");
            row.IsCounted.Should().BeTrue();
            row.Flops.Should().BePositive();
        }

        [Theory]
        [InlineData(0f, 6f, "ReLU6")]
        [InlineData(0f, float.PositiveInfinity, "ReLU")]
        [InlineData(-1f, 1f, "Clip")]
        public void Clip_Bounds_Come_From_Constant_Inputs(float min, float max, string kind)
        {
            var g = new TestGraph([1, 2, 3, 3]).Floats("lo", [], min);
            var inputs = new List<string> { "x", "lo" };
            if (!float.IsPositiveInfinity(max))
            {
                g.Floats("hi", [], max);
                inputs.Add("hi");
            }

            g.Node("Clip", [.. inputs], ["y"]).Output("y");

            Last(g).Kind.Should().Be(kind);
        }

        [Fact]
        public void Softmax_Over_Classes()
        {
            var row = Last(Unary("Softmax", [1, 10]), Conventions.Full);

            row.Flops.Should().Be(29);
        }
    }

    public class Normalisation
    {
        [Fact]
        public void BatchNormalization_Has_Affine_Parameters_And_Statistics_As_Buffers()
        {
            var g = new TestGraph([1, 8, 4, 4]).Weight("s", 8).Weight("b", 8).Weight("m", 8).Weight("v", 8)
                .Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"]).Output("y");
            var import = g.Import();

            var row = Analyzer.Analyze(import.Network).Layers[^1];

            row.Kind.Should().Be("BatchNorm2d");
            row.Parameters.Should().Be(16);
            row.Buffers.Should().Be(16, "ONNX keeps mean and variance, no step counter");
            import.UniqueBufferElements.Should().Be(16);
        }

        [Fact]
        public void LayerNormalization_Over_The_Last_Axis()
        {
            var g = new TestGraph([1, 49, 768]).Weight("s", 768).Weight("b", 768)
                .Node("LayerNormalization", ["x", "s", "b"], ["y"], null, Attr("axis", -1L)).Output("y");

            Last(g).Parameters.Should().Be(2 * 768);
        }

        [Fact]
        public void InstanceNormalization_And_LRN()
        {
            var inst = new TestGraph([1, 8, 4, 4]).Weight("s", 8).Weight("b", 8).Node("InstanceNormalization", ["x", "s", "b"], ["y"]).Output("y");
            var lrn = Unary("LRN", [1, 8, 4, 4], Attr("size", 5L));

            Last(inst).Parameters.Should().Be(16);
            Last(lrn).Kind.Should().Be("LocalResponseNorm");
        }
    }

    public class Pooling
    {
        [Fact]
        public void MaxPool_In_Ceil_Mode_With_Pads()
        {
            var row = Last(Unary("MaxPool", [1, 4, 112, 112], Attr("kernel_shape", 3, 3), Attr("strides", 2, 2), Attr("ceil_mode", 1L)));

            row.Kind.Should().Be("MaxPool2d");
            row.Output.ToString().Should().Be("4x56x56");
        }

        [Fact]
        public void AveragePool_With_Auto_Pad()
        {
            var row = Last(Unary("AveragePool", [1, 4, 9, 9], Attr("kernel_shape", 3, 3), Attr("strides", 2, 2), Attr("auto_pad", "SAME_UPPER")));

            row.Output.ToString().Should().Be("4x5x5");
        }

        [Fact]
        public void Global_Pools_And_ReduceMean_Over_Height_And_Width()
        {
            Last(Unary("GlobalAveragePool", [1, 4, 7, 7])).Kind.Should().Be("AdaptiveAvgPool2d");
            Last(Unary("GlobalMaxPool", [1, 4, 7, 7])).Output.ToString().Should().Be("4x1x1");
            var dynamo = new TestGraph([1, 4, 7, 7], opset: 18).Ints("axes", -1, -2).Node("ReduceMean", ["x", "axes"], ["y"], null, Attr("keepdims", 1L)).Output("y");
            Last(dynamo).Kind.Should().Be("AdaptiveAvgPool2d");
            Last(Unary("ReduceMean", [1, 4, 7, 7], List("axes", 1), Attr("keepdims", 0L))).Output.ToString().Should().Be("7x7");
        }
    }

    public class ShapeOperators
    {
        [Fact]
        public void Flatten_And_Reshape()
        {
            Last(Unary("Flatten", [1, 4, 2, 2])).Output.ToString().Should().Be("16");
            var g = new TestGraph([1, 4, 2, 2]).Ints("shape", 1, -1, 2).Node("Reshape", ["x", "shape"], ["y"]).Output("y");
            Last(g).Output.ToString().Should().Be("8x2");
        }

        [Fact]
        public void The_Exporters_Shape_Arithmetic_Is_Folded_Into_The_Reshape()
        {
            // torch.flatten(x, 1) as older exporters write it: Shape -> Gather -> Unsqueeze -> Concat -> Reshape.
            var g = new TestGraph([1, 64, 7, 7]).Ints("zero", 0).Ints("minus1", -1)
                .Node("Shape", ["x"], ["s"])
                .Node("Constant", [], ["i0"], null, TensorAttr("value", new TensorProto { DataType = 7, Int64Data = { 0 } }))
                .Node("Gather", ["s", "i0"], ["n"], null, Attr("axis", 0L))
                .Node("Unsqueeze", ["n", "zero"], ["n1"])
                .Node("Cast", ["n1"], ["n2"], null, Attr("to", 7L))
                .Node("Concat", ["n2", "minus1"], ["target"], null, Attr("axis", 0L))
                .Node("Reshape", ["x", "target"], ["y"]).Output("y");

            Last(g).Output.ToString().Should().Be("3136");
        }

        [Fact]
        public void ConstantOfShape_Range_And_Slice_Fold()
        {
            // target = ConstantOfShape([1]) = [1] ++ Range(2, 6, 2) = [2, 4] ++ Shape(x)[2:4] = [4, 4]: 128 elements, as x has.
            var g = new TestGraph([1, 8, 4, 4]).Ints("one", 1).Ints("start", 2).Ints("limit", 6).Ints("delta", 2).Ints("from", 2).Ints("to", 4)
                .Node("ConstantOfShape", ["one"], ["ones"], null, TensorAttr("value", new TensorProto { DataType = 7, Dims = { 1 }, Int64Data = { 1 } }))
                .Node("Range", ["start", "limit", "delta"], ["r"])
                .Node("Shape", ["x"], ["s"])
                .Node("Slice", ["s", "from", "to"], ["hw"])
                .Node("Concat", ["ones", "r", "hw"], ["target"], null, Attr("axis", 0L))
                .Node("Reshape", ["x", "target"], ["y"]).Output("y");

            Last(g).Output.ToString().Should().Be("2x4x4x4");
        }

        [Fact]
        public void Transpose_Squeeze_Unsqueeze()
        {
            Last(Unary("Transpose", [1, 2, 3, 4], Attr("perm", 0, 2, 3, 1))).Output.ToString().Should().Be("3x4x2");
            var sq = new TestGraph([1, 4, 1, 1], opset: 13).Ints("axes", 2, 3).Node("Squeeze", ["x", "axes"], ["y"]).Output("y");
            Last(sq).Output.ToString().Should().Be("4");
            var unsqueeze = new TestGraph([1, 4], opset: 11).Node("Unsqueeze", ["x"], ["y"], null, List("axes", 2)).Output("y");
            Last(unsqueeze).Output.ToString().Should().Be("4x1");
        }

        [Fact]
        public void Concat_Split_Slice_Pad()
        {
            var g = new TestGraph([1, 6, 4, 4], opset: 13).Ints("split", 2, 4)
                .Node("Split", ["x", "split"], ["a", "b"], null, Attr("axis", 1L))
                .Node("Concat", ["b", "a"], ["c"], "/Concat", Attr("axis", 1L)).Output("c");
            var rows = g.Analyze().Layers;
            rows.Select(r => r.Output.ToString()).Should().Equal("2x4x4", "4x4x4", "6x4x4");
            rows[^1].Path.Should().Be("cat");

            var slice = new TestGraph([1, 6, 8, 8]).Ints("starts", 1, 2).Ints("ends", 5, 100).Ints("axes", 1, 3).Ints("steps", 2, 3)
                .Node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"]).Output("y");
            Last(slice).Output.ToString().Should().Be("2x8x2");

            var pad = new TestGraph([1, 3, 4, 4]).Ints("pads", 0, 0, 1, 2, 0, 0, 3, 4).Node("Pad", ["x", "pads"], ["y"]).Output("y");
            Last(pad).Output.ToString().Should().Be("3x8x10");
        }

        [Fact]
        public void Identity_Dropout_Cast_And_Resize()
        {
            var g = new TestGraph([1, 3, 4, 4]).Floats("scales", [4], 1, 1, 2, 2)
                .Node("Identity", ["x"], ["i"]).Node("Cast", ["i"], ["c"], null, Attr("to", 1L)).Node("Dropout", ["c"], ["d"])
                .Node("Resize", ["d", "", "scales"], ["y"], null, Attr("mode", "linear")).Output("y");

            var rows = g.Analyze(Conventions.Full).Layers;

            rows.Select(r => r.Kind).Should().Equal("Dropout", "Upsample");
            rows[^1].Output.ToString().Should().Be("3x8x8");
            rows[^1].Flops.Should().Be(7 * 3 * 64);
        }
    }

    /// <summary>Tensors computed from constants in the graph, folded; each test reads the folded values as a Reshape's target.</summary>
    public class ConstantFolding
    {
        // Reshape x to Concat([1], values, [-1]).
        private static TestGraph ReshapedBy(TestGraph g, string values) =>
            g.Ints("one", 1).Ints("rest", -1).Node("Concat", ["one", values, "rest"], ["target"], null, Attr("axis", 0L))
                .Node("Reshape", ["x", "target"], ["y"]).Output("y");

        [Theory]
        [InlineData("Equal", "3x2x6")]
        [InlineData("Less", "2x3x6")]
        [InlineData("Greater", "3x3x4")]
        [InlineData("And", "3x3x4")]
        [InlineData("Or", "2x2x9")]
        [InlineData("Not", "2x3x6")]
        public void Comparisons_And_Where_Fold_With_Broadcasting(string op, string expected)
        {
            // a = [1, 5] against b = [3, 5]: Less [1, 0], Equal [0, 1], Greater [0, 0], Less and Equal [0, 0],
            // Less or Equal [1, 1], not Equal [1, 0]; Where picks 2 where true, else 3 (a scalar, broadcast).
            var g = new TestGraph([1, 36]).Ints("a", 1, 5).Ints("b", 3, 5).Ints("two", 2, 2).IntTensor("three", [], 3)
                .Node("Less", ["a", "b"], ["less"]).Node("Equal", ["a", "b"], ["equal"]);
            g = op switch
            {
                "And" or "Or" => g.Node(op, ["less", "equal"], ["cond"]),
                "Not" => g.Node("Not", ["equal"], ["cond"]),
                _ => g.Node(op, ["a", "b"], ["cond"]),
            };
            g.Node("Where", ["cond", "two", "three"], ["w"]);

            Last(ReshapedBy(g, "w")).Output.ToString().Should().Be(expected);
        }

        [Theory]
        [InlineData(-1, 4, 0, "3x4")] // Python's %: the divisor's sign, -1 mod 4 = 3
        [InlineData(-9, 4, 1, "1x12")] // fmod: the dividend's sign, -1 (negated, to be read as a dimension)
        public void Mod_Takes_The_Divisors_Sign_Unless_Fmod(long a, long b, long fmod, string expected)
        {
            var g = new TestGraph([1, 12]).Ints("a", a).Ints("b", b).Node("Mod", ["a", "b"], ["m"], null, Attr("fmod", fmod));
            g = fmod == 1 ? g.Node("Neg", ["m"], ["d"]) : g.Node("Identity", ["m"], ["d"]);

            Last(ReshapedBy(g, "d")).Output.ToString().Should().Be(expected);
        }

        [Fact]
        public void Expand_Repeats_A_Constant_And_Shape_Reads_A_Constants_Dims()
        {
            // Expand([2, 3], [2, 1]) = [[2, 3], [2, 3]]: flattened, the target [1, 2, 3, 2, 3].
            var values = new TestGraph([1, 36]).Ints("v", 2, 3).Ints("shape", 2, 1).Ints("flat", -1)
                .Node("Expand", ["v", "shape"], ["e"]).Node("Reshape", ["e", "flat"], ["f"]);
            Last(ReshapedBy(values, "f")).Output.ToString().Should().Be("2x3x2x3x1");

            // Shape of an expanded constant: [4, 3].
            var dims = new TestGraph([1, 24]).Ints("v", 7).Ints("shape", 4, 3).Node("Expand", ["v", "shape"], ["e"]).Node("Shape", ["e"], ["s"]);
            Last(ReshapedBy(dims, "s")).Output.ToString().Should().Be("4x3x2");
        }

        [Fact]
        public void Gather_Slice_And_Concat_Fold_Constants_Of_Two_Dimensions()
        {
            // m = [[1, 2, 3], [4, 5, 6]]: column 0 is [[1], [4]], twice side by side [[1, 1], [4, 4]]; row 1 is [[4, 5, 6]].
            var g = new TestGraph([1, 120]).IntTensor("m", [2, 3], 1, 2, 3, 4, 5, 6).IntTensor("col", [1], 0).Ints("flat", -1)
                .Ints("start", 1).Ints("end", 2).Ints("axes", 0)
                .Node("Gather", ["m", "col"], ["g"], null, Attr("axis", 1L))
                .Node("Concat", ["g", "g"], ["c"], null, Attr("axis", 1L))
                .Node("Slice", ["m", "start", "end", "axes"], ["row"])
                .Node("Concat", ["c", "c"], ["cc"], null, Attr("axis", 0L))
                .Node("Reshape", ["cc", "flat"], ["f"])
                .Node("Slice", ["f", "start", "end"], ["second"])
                .Node("Reshape", ["row", "flat"], ["r"])
                .Node("Concat", ["second", "r"], ["values"], null, Attr("axis", 0L));

            // cc = [[1, 1], [4, 4], [1, 1], [4, 4]] flattened, its second value 1; then 4, 5, 6.
            Last(ReshapedBy(g, "values")).Output.ToString().Should().Be("1x4x5x6x1");
        }

        [Fact]
        public void ScatterND_Writes_Its_Updates_Into_A_Constant()
        {
            var g = new TestGraph([1, 12]).Ints("data", 1, 1, 1).IntTensor("indices", [1, 1], 1).Ints("updates", 4)
                .Node("ScatterND", ["data", "indices", "updates"], ["s"]);

            Last(ReshapedBy(g, "s")).Output.ToString().Should().Be("1x4x1x3");
        }

        [Fact]
        public void Cast_To_An_Integer_Type_Truncates()
        {
            var g = new TestGraph([1, 6]).Floats("f", [1], 2.7f).Node("Cast", ["f"], ["i"], null, Attr("to", 7L));

            Last(ReshapedBy(g, "i")).Output.ToString().Should().Be("2x3");
        }
    }

    /// <summary>What a vision transformer's export computes on its tokens.</summary>
    public class Tokens
    {
        [Fact]
        public void An_Expanded_Initializer_Concatenated_In_Front_Is_A_Class_Token_And_An_Added_One_A_Positional_Embedding()
        {
            // 4 x 2 x 2 patches to 4 tokens of 4; the class token expanded by Where(Equal([1, -1, -1], -1), 1, [1, -1, -1]).
            var g = new TestGraph([1, 4, 2, 2]).Ints("seq", 1, 4, -1).Weight("cls", 1, 1, 4).Weight("pos", 1, 5, 4)
                .Ints("request", 1, -1, -1).IntTensor("minus", [], -1).Ints("ones", 1, 1, 1)
                .Node("Reshape", ["x", "seq"], ["r"]).Node("Transpose", ["r"], ["t"], null, Attr("perm", 0, 2, 1))
                .Node("Equal", ["request", "minus"], ["any"]).Node("Where", ["any", "ones", "request"], ["shape"])
                .Node("Expand", ["cls", "shape"], ["e"])
                .Node("Concat", ["e", "t"], ["c"], "/Concat", Attr("axis", 1L))
                .Node("Add", ["c", "pos"], ["y"], "/encoder/Add").Output("y");

            var rows = g.Analyze().Layers;

            rows.Select(r => r.Kind).Should().Equal("Reshape", "Transpose", "ClassToken", "PositionalEmbedding");
            rows[^1].Output.ToString().Should().Be("5x4");
            rows.Select(r => r.Parameters).Should().Equal(0, 0, 4, 20);
        }

        [Fact]
        public void Gather_Of_One_Index_Of_A_Computed_Tensor_Is_A_Slice_And_A_View()
        {
            var g = new TestGraph([1, 5, 4]).IntTensor("first", [], 0).Node("Gather", ["x", "first"], ["y"], "/Gather", Attr("axis", 1L)).Output("y");

            var rows = g.Analyze().Layers;

            rows.Select(r => (r.Kind, r.Output.ToString())).Should().Equal(("Slice", "1x4"), ("Reshape", "4"));
        }

        [Fact]
        public void A_Transpose_That_Moves_The_Batch_Of_One_Gives_A_Sequence_First_Tensor()
        {
            // nn.MultiheadAttention's layout: 6 x 1 x 8, heads x L x d (2 x 6 x 4), scores, back to 1 x 6 x 8.
            var g = new TestGraph([1, 6, 8]).Weight("w", 8, 8).Ints("heads", 6, 2, 4).Ints("back", 6, 1, 8)
                .Node("Transpose", ["x"], ["s"], null, Attr("perm", 1, 0, 2))
                .Node("MatMul", ["s", "w"], ["p"])
                .Node("Reshape", ["p", "heads"], ["h"]).Node("Transpose", ["h"], ["q"], null, Attr("perm", 1, 0, 2))
                .Node("Transpose", ["q"], ["k"], null, Attr("perm", 0, 2, 1))
                .Node("MatMul", ["q", "k"], ["scores"]).Node("Softmax", ["scores"], ["a"], null, Attr("axis", -1L))
                .Node("MatMul", ["a", "q"], ["o"]).Node("Transpose", ["o"], ["ot"], null, Attr("perm", 1, 0, 2))
                .Node("Reshape", ["ot", "back"], ["b"]).Node("Transpose", ["b"], ["y"], null, Attr("perm", 1, 0, 2)).Output("y");

            var report = g.Analyze();

            report.Output.ToString().Should().Be("6x8");
            report.Layers.Where(r => r.Kind is "Linear" or "MatMul").Select(r => r.Macs).Should().Equal(6 * 8 * 8, 2 * 6 * 6 * 4, 2 * 6 * 6 * 4);
        }

        [Fact]
        public void Sqrt_Is_A_Power_Of_One_Half()
        {
            var row = Last(Unary("Sqrt", [1, 3, 4]), Conventions.Full);

            row.Kind.Should().Be("Pow");
            row.Output.ToString().Should().Be("3x4");
        }
    }

    public class UnknownOperators
    {
        [Fact]
        public void Are_Listed_Uncounted_And_The_Analysis_Goes_On()
        {
            var g = new TestGraph([1, 3, 8, 8]).Weight("w", 4, 3, 1, 1)
                .Node("Frobnicate", ["x"], ["f"], "/odd/Frobnicate")
                .Node("Conv", ["f", "w"], ["y"], "/conv/Conv").Output("y");
            var import = g.Import();

            var report = Analyzer.Analyze(import.Network);

            import.UnknownOperators.Should().ContainSingle().Which.Should().Be(new CnnArch.Graph.UnknownOperator("/odd/Frobnicate", "Frobnicate", "odd"));
            report.Layers[0].IsCounted.Should().BeFalse();
            report.Diagnostics.Should().ContainSingle(d => d.Path == "odd");
            report.Layers[^1].Macs.Should().Be(4 * 3 * 64, "the conv after it is still counted");
        }
    }
}

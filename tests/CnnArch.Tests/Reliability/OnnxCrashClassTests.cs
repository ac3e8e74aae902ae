using CnnArch.Onnx;
using Google.Protobuf;
using Onnx;
using CnnArch.Tests.Onnx;
using static CnnArch.Tests.Onnx.TestGraph;

namespace CnnArch.Tests.Reliability;

/// <summary>
/// Every crash class the fuzz campaign found in the ONNX importer: each malformed model now ends in
/// the documented error, one line naming the node, and never an exception of another type.
/// </summary>
public class OnnxCrashClassTests
{
    private static OnnxFormatException Rejects(TestGraph g)
    {
        var act = () => g.Import();
        var error = act.Should().Throw<OnnxFormatException>().Which;
        error.Message.Should().NotContain("\n");
        return error;
    }

    private static TestGraph Input() => new([1, 3, 8, 8]);

    public class Operator_Arity
    {
        [Theory]
        [InlineData("Identity")]
        [InlineData("Cast")]
        [InlineData("Relu")]
        public void A_Unary_Operator_With_No_Input(string op) =>
            Rejects(Input().Node(op, [], ["y"], "/u/" + op).Output("y")).Message.Should().Be($"Node '/u/{op}' ({op}) takes 1 input(s), got 0.");

        [Theory]
        [InlineData("Add")]
        [InlineData("Sub")]
        [InlineData("Mul")]
        [InlineData("Div")]
        [InlineData("Pow")]
        [InlineData("MatMul")]
        public void A_Binary_Operator_With_One_Input(string op) =>
            Rejects(Input().Node(op, ["x"], ["y"], "/b/" + op).Output("y")).Message.Should().Be($"Node '/b/{op}' ({op}) takes 2 input(s), got 1.");

        [Theory]
        [InlineData("Add")]
        [InlineData("Mul")]
        public void A_Binary_Operator_With_An_Empty_Input(string op) =>
            Rejects(Input().Node(op, ["", "x"], ["y"], "/b/" + op).Output("y")).Message.Should().Be($"Node '/b/{op}' ({op}) leaves its required input 0 empty.");

        [Fact]
        public void A_Constant_Add_With_One_Input_Is_Not_Folded_Blindly() =>
            Rejects(Input().Ints("k", 1, 2).Node("Add", ["k"], ["s"], "/add").Node("Relu", ["x"], ["y"]).Output("y")).Message.Should().Contain("takes 2 input(s), got 1");

        [Fact]
        public void A_Concat_Of_Nothing() =>
            Rejects(Input().Node("Concat", [], ["y"], "/cat", Attr("axis", 1L)).Output("y")).Message.Should().Be("Node '/cat' (Concat) takes at least 1 input(s), got 0.");

        [Fact]
        public void A_Range_With_Two_Inputs() =>
            Rejects(Input().Ints("a", 0).Ints("b", 4).Node("Range", ["a", "b"], ["r"], "/range").Node("Relu", ["x"], ["y"]).Output("y")).Message.Should().Contain("(Range) takes 3 input(s), got 2");

        [Theory]
        [InlineData("Gather")]
        [InlineData("Unsqueeze")]
        [InlineData("Reshape")]
        public void A_Fold_Whose_Data_Input_Is_Empty(string op) =>
            Rejects(Input().Ints("k", 0).Node(op, ["", "k"], ["r"], "/f").Node("Relu", ["x"], ["y"]).Output("y")).Message.Should().Contain("leaves its required input 0 empty");

        [Fact]
        public void Trailing_Optional_Inputs_May_Be_Empty()
        {
            var g = Input().Weight("w", 8, 3, 3, 3).Node("Conv", ["x", "w", ""], ["y"], "/conv/Conv", Attr("pads", 1L, 1, 1, 1)).Output("y");

            g.Analyze().Output.Should().Be(TensorShape.Chw(8, 8, 8));
        }

        [Fact]
        public void Reading_An_Output_The_Operator_Does_Not_Compute()
        {
            var g = Input().Node("Relu", ["x"], ["r", "r2"], "/relu").Node("Sigmoid", ["r2"], ["y"], "/sig").Output("y");

            Rejects(g).Message.Should().Be("Node '/sig' (Sigmoid) reads 'r2', output 1 of node '/relu' (Relu), which that operator does not compute.");
        }
    }

    public class Attributes_And_Constants
    {
        [Fact]
        public void A_Slice_With_Fewer_Ends_Than_Starts() =>
            Rejects(Input().Ints("starts", 0, 0).Ints("ends", 2).Ints("axes", 2, 3).Node("Slice", ["x", "starts", "ends", "axes"], ["y"], "/slice").Output("y"))
                .Message.Should().Contain("gives 2 starts, 1 ends");

        [Fact]
        public void A_Pad_Axis_Outside_The_Tensor() =>
            Rejects(new TestGraph([1, 3, 8, 8], opset: 18).Ints("pads", 1, 1).Ints("axes", 7).Node("Pad", ["x", "pads", "", "axes"], ["y"], "/pad").Output("y"))
                .Message.Should().Contain("pads axes [7] of a rank-4 tensor");

        [Fact]
        public void A_Constant_Slice_With_Step_Zero_Ends_At_Once()
        {
            var g = Input().Ints("one", 1).Ints("zero", 0).Ints("big", 4).Node("Shape", ["x"], ["s"], "/shape")
                .Node("Slice", ["s", "zero", "big", "zero", "zero"], ["t"], "/slice").Node("Relu", ["x"], ["y"]).Output("y");

            Rejects(g).Message.Should().Be("Node '/slice' (Slice) has a step of 0.");
        }

        [Theory]
        [InlineData("MaxPool", "SAME_UPPER")]
        [InlineData("AveragePool", "SAME_LOWER")]
        [InlineData("MaxPool", "NOTSET")]
        public void A_Pool_With_Stride_Zero(string op, string autoPad) =>
            Rejects(Input().Node(op, ["x"], ["y"], "/pool", Attr("kernel_shape", 2L, 2), Attr("strides", 0L, 2), Attr("auto_pad", autoPad)).Output("y"))
                .Message.Should().Be($"Node '/pool' ({op}) has strides [0,2]: each must be from 1 to 2147483647.");

        [Fact]
        public void A_Three_Dimensional_Kernel_Is_Not_Read_As_A_Default() =>
            Rejects(Input().Weight("w", 8, 3, 3, 3).Node("Conv", ["x", "w"], ["y"], "/conv", Attr("kernel_shape", 3L, 3, 3)).Output("y"))
                .Message.Should().Contain("has kernel_shape of 3 values");

        [Fact]
        public void Negative_Pads() =>
            Rejects(Input().Weight("w", 8, 3, 3, 3).Node("Conv", ["x", "w"], ["y"], "/conv", Attr("pads", -1L, 0, 0, 0)).Output("y"))
                .Message.Should().Contain("has pads [-1,0,0,0]");

        [Fact]
        public void An_Int8_Initializer_With_Negative_Bytes_Is_Read()
        {
            var g = Input();
            var bytes = g.Bytes();
            var model = ModelProto.Parser.ParseFrom(bytes);
            var t = new TensorProto { Name = "q", DataType = 3, RawData = ByteString.CopyFrom(0x80, 0xff, 0x01) };
            t.Dims.Add(3);
            model.Graph.Initializer.Add(t);
            model.Graph.Node.Add(new NodeProto { OpType = "Relu", Name = "/relu", Input = { "x" }, Output = { "y" } });
            model.Graph.Output.Add(new ValueInfoProto { Name = "y" });

            OnnxImporter.Load(new MemoryStream(model.ToByteArray()), "int8").Network.Nodes.Should().ContainSingle();
        }

        [Fact]
        public void A_Shape_Constant_That_Is_Not_A_Whole_Number()
        {
            var g = Input().Floats("shape", [2], 1f, float.NaN).Node("Reshape", ["x", "shape"], ["y"], "/view").Output("y");

            Rejects(g).Message.Should().Be("Node '/view' needs whole numbers, but a constant it reads holds NaN.");
        }

        [Fact]
        public void Stored_Parameters_Beyond_A_Long_Are_Rejected()
        {
            var g = Input();
            foreach (var i in Enumerable.Range(0, 3))
            {
                g.Weight($"w{i}", int.MaxValue, int.MaxValue, int.MaxValue, 1);
            }

            g.Node("Relu", ["x"], ["y"], "/relu").Output("y");
            var model = ModelProto.Parser.ParseFrom(g.Bytes());
            foreach (var n in Enumerable.Range(0, 3))
            {
                model.Graph.Node.Add(new NodeProto { OpType = "Add", Name = $"/add{n}", Input = { "x", $"w{n}" }, Output = { $"a{n}" } });
            }

            var act = () => OnnxImporter.Load(new MemoryStream(model.ToByteArray()), "huge");
            act.Should().Throw<OnnxFormatException>();
        }

        [Fact]
        public void A_Node_Named_Only_By_Slashes_Gets_Its_Operator_As_Path() =>
            Input().Node("Relu", ["x"], ["y"], "//").Output("y").Import().Network.Nodes[0].Path.Should().Be("Relu");
    }

    public class Large_Graphs
    {
        [Fact]
        public void Twenty_Thousand_Nested_Module_Scopes_Are_Rebuilt_In_One_Pass()
        {
            // Every prefix once scanned every node: 60,000 scopes x 20,000 nodes took minutes.
            var g = new TestGraph([1, 3, 8, 8]);
            var x = "x";
            for (var i = 0; i < 20_000; i++)
            {
                g.Node("Relu", [x], [$"r{i}"], $"/stage{i}/stage{i}.block/stage{i}.block.unit/act/Relu");
                x = $"r{i}";
            }

            OnnxImport? import = null;
            Action act = () => import = g.Output(x).Import();

            act.ExecutionTime().Should().BeLessThan(TimeSpan.FromSeconds(30), "one pass takes milliseconds");
            import!.Network.Scopes.Should().HaveCount(3 * 20_000, "stage, block and unit around each node");
            import.Network.Nodes[5].Path.Should().Be("stage5.block.unit.act");
        }
    }

    public class Squeeze_Excitation_Either_Way
    {
        // torchvision's SE returns scale * input: the gate comes first in the export.
        private static TestGraph SeBlocks(int blocks, bool gateFirst)
        {
            var g = new TestGraph([1, 8, 224, 224]).Weight("w1", 2, 8, 1, 1).Weight("w2", 8, 2, 1, 1).Weight("c", 8, 8, 3, 3);
            var x = "x";
            for (var i = 0; i < blocks; i++)
            {
                g.Node("Conv", [x, "c"], [$"c{i}"], $"/features.{i}/conv/Conv", Attr("pads", 1L, 1, 1, 1))
                    .Node("GlobalAveragePool", [$"c{i}"], [$"p{i}"], $"/features.{i}/avgpool/GlobalAveragePool")
                    .Node("Conv", [$"p{i}", "w1"], [$"f{i}"], $"/features.{i}/fc1/Conv")
                    .Node("Conv", [$"f{i}", "w2"], [$"h{i}"], $"/features.{i}/fc2/Conv")
                    .Node("Sigmoid", [$"h{i}"], [$"s{i}"], $"/features.{i}/scale_activation/Sigmoid")
                    .Node("Mul", gateFirst ? [$"s{i}", $"c{i}"] : [$"c{i}", $"s{i}"], [$"m{i}"], $"/features.{i}/Mul");
                x = $"m{i}";
            }

            return g.Output(x);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void A_Broadcast_Mul_Is_A_Scale_Whichever_Operand_Comes_First(bool gateFirst)
        {
            var report = SeBlocks(1, gateFirst).Analyze();

            report.Layers[^1].Kind.Should().Be("Scale");
            report.Layers[^1].Output.Should().Be(TensorShape.Chw(8, 224, 224));
        }

        [Fact]
        public void Nine_Gates_From_Global_Pools_Neither_Overflow_Nor_Inflate_The_Field()
        {
            var report = SeBlocks(9, gateFirst: true).Analyze(Conventions.Full);

            // Nine 3x3 convs at stride 1: the scaled map sees 1 + 9 x 2 pixels; the gates add global context only.
            report.Layers[^1].ReceptiveField.Should().Be(new ReceptiveField(new(19, 1, 9), new(19, 1, 9)));
        }
    }
}

using CnnArch.Layers;

namespace CnnArch.Onnx;

public static partial class OnnxImporter
{
    private sealed partial class Importer
    {
        // torchvision's _get_relative_position_bias (Swin, MaxViT), as CnnArch exports it: a (2Wh - 1)(2Ww - 1) x H
        // table (a learned initializer, or computed: Swin V2's cpb_mlp) gathered along its first axis by the
        // stored relative_position_index. The table is a StoredTensor when learned, the gather a
        // RelativePositionGather, viewed back as the N^2 x H rows the ONNX Gather gives. Null for any other Gather.
        private static Value[]? PositionBiasGather(OpContext c)
        {
            if (Proto.Int(c.Node, "axis", 0) != 1 || c.Constant(1) is not { Dims: [var rows], Data: { } index })
            {
                return null;
            }

            var dims = c.Inputs[0] switch
            {
                Activation { Batchless: false, Shape.Rank: 2 } a => [a.Shape.Dims[0], a.Shape.Dims[1]],
                ConstantValue { Learned: not null, Dims: [1, var k, var h] } => new[] { (int)k, (int)h },
                _ => null,
            };
            var tokens = (int)Math.Round(Math.Sqrt(rows));
            if (dims is null || (long)tokens * tokens != rows || Window(tokens, dims[0]) is not { } window
                || !index.Select(v => (long)v).SequenceEqual(Emitters.RelativeIndex(window.Height, window.Width)))
            {
                return null;
            }

            var importer = c.Importer;
            Activation Add(string path, Layer layer, Activation input) =>
                new(importer._builder.AddFunctional(path, layer, input.Tensor), layer.InferShape([input.Shape]));
            var table = c.Inputs[0] as Activation;
            if (c.Inputs[0] is ConstantValue { Learned: { } learned })
            {
                importer._parameterInitializers.Add(learned);
                table = Add($"{c.Path}_table", new StoredTensor { Dims = [.. dims] }, importer._input!);
            }

            var bias = c.Emit(new RelativePositionGather { WindowSize = [window.Height, window.Width] }, table!);
            var rowsFirst = Add($"{c.Path}_permute", new Transpose { Perm = [1, 2, 0] }, bias);
            return [Add($"{c.Path}_view", new Reshape { Dims = [tokens * tokens, dims[1]] }, rowsFirst)];
        }

        // The window Wh x Ww of N tokens whose (2Wh - 1)(2Ww - 1) offsets the table holds; the squarest first.
        private static (int Height, int Width)? Window(int tokens, int offsets)
        {
            for (var h = (int)Math.Sqrt(tokens); h >= 1; h--)
            {
                if (tokens % h == 0 && ((2L * h) - 1) * ((2L * (tokens / h)) - 1) == offsets)
                {
                    return (h, tokens / h);
                }
            }

            return null;
        }

        // A MatMul of a stored constant that is no learned tensor (a buffer: Swin V2's relative_coords_table) by a
        // learned matrix: a linear layer the forward runs on the buffer each time, the buffer a StoredTensor.
        private static Value[]? StoredOperand(OpContext c)
        {
            if (c.Inputs[0] is not ConstantValue { Learned: null, Dims: [1, _, ..] } data || c.Constant(1) is not { Dims: [var inFeatures, var outFeatures], Learned: not null }
                || data.Dims[^1] != inFeatures || data.Dims.Skip(1).Any(d => d > int.MaxValue))
            {
                return null;
            }

            var stored = new StoredTensor { Dims = [.. data.Dims.Skip(1).Select(d => (int)d)], Role = StoredTensorRole.Buffer };
            var tensor = c.Importer._builder.AddFunctional($"{c.Path}_buffer", stored, c.Importer._input!.Tensor);
            c.Consumes(1);
            return [c.Emit(new Linear { OutFeatures = (int)outFeatures, InFeatures = (int)inFeatures, HasBias = false }, new Activation(tensor, stored.InferShape([])))];
        }
    }
}

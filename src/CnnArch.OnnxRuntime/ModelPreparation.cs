using System.Collections.Immutable;
using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace CnnArch.OnnxRuntime;

/// <summary>An input of the graph as it will be fed: its name, its shape with the batch, and its ONNX element type.</summary>
internal sealed record FedInput(string Name, ImmutableArray<long> Shape, int ElementType);

/// <summary>A model made ready to run: its bytes with every initializer's data inside, its inputs, and its graph as read.</summary>
internal sealed record PreparedModel(byte[] Bytes, ImmutableArray<FedInput> Inputs, int ZeroFilled, GraphProto Graph, string Producer);

/// <summary>
/// Makes an ONNX file runnable as it is measured: initializers whose data lies in a missing external file
/// (files kept without their weights) or that hold no data at all get zeros of their size; external data that
/// is there is read into the model (ONNX Runtime then needs no folder). The inputs' batch is set.
/// </summary>
internal static class ModelPreparation
{
    public static PreparedModel Prepare(byte[] onnx, string source, string? folder, int batch)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnx);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new FormatException($"'{source}' is not a valid ONNX file (truncated or corrupt).", ex);
        }

        if (model.Graph is null || model.Graph.Node.Count == 0)
        {
            throw new FormatException($"'{source}' holds no graph: it is empty, truncated or not an ONNX model.");
        }

        var zeroFilled = 0;
        foreach (var init in model.Graph.Initializer)
        {
            zeroFilled += Fill(init, source, folder) ? 1 : 0;
        }

        var inputs = Inputs(model.Graph, source, batch);
        byte[] bytes;
        try
        {
            bytes = model.ToByteArray();
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException($"'{source}' with its weights inside is over the 2 GB a protobuf model can hold.", ex);
        }

        return new PreparedModel(bytes, inputs, zeroFilled, model.Graph, model.ProducerName);
    }

    private static ImmutableArray<FedInput> Inputs(GraphProto graph, string source, int batch)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = ImmutableArray.CreateBuilder<FedInput>();
        foreach (var input in graph.Input.Where(i => !initializers.Contains(i.Name)))
        {
            var tensor = input.Type?.TensorType ?? throw new FormatException($"Input '{input.Name}' of '{source}' is not a tensor.");
            var dims = tensor.Shape?.Dim.ToList() ?? [];
            var shape = new long[dims.Count];
            for (var axis = 0; axis < dims.Count; axis++)
            {
                shape[axis] = Dimension(dims[axis], axis, input.Name, source, batch, Describe(dims));
            }

            inputs.Add(new FedInput(input.Name, [.. shape], tensor.ElemType));
        }

        return inputs.Count > 0 ? inputs.ToImmutable() : throw new FormatException($"'{source}' has no input to feed.");
    }

    private static long Dimension(TensorShapeProto.Types.Dimension dim, int axis, string input, string source, int batch, string shape)
    {
        if (axis == 0)
        {
            return !dim.HasDimValue || dim.DimValue == batch ? batch
                : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"'{source}' was exported for batch {dim.DimValue} (input '{input}' is {shape}) and cannot run at batch {batch}: measure it at --batch {dim.DimValue}, or export it with a dynamic batch axis (torch.onnx.export(..., dynamic_axes={{'{input}': {{0: 'batch'}}}}))."));
        }

        return dim.HasDimValue && dim.DimValue >= 1 ? dim.DimValue
            : throw new ArgumentException($"Input '{input}' of '{source}' is {shape}: axis {axis} has no fixed size; export it with fixed sizes but for the batch.");
    }

    private static string Describe(List<TensorShapeProto.Types.Dimension> dims) =>
        "[" + string.Join(",", dims.Select(d => d.HasDimValue ? d.DimValue.ToString(CultureInfo.InvariantCulture) : d.HasDimParam ? d.DimParam : "?")) + "]";

    /// <summary>Fills <paramref name="init"/>'s data when it lies outside the model; true when it ran as zeros.</summary>
    private static bool Fill(TensorProto init, string source, string? folder)
    {
        var bytes = Bytes(init, source);
        if (init.DataLocation == TensorProto.Types.DataLocation.External)
        {
            var data = External.Read(init, bytes, source, folder);
            init.ExternalData.Clear();
            init.DataLocation = TensorProto.Types.DataLocation.Default;
            init.RawData = data is null ? ByteString.CopyFrom(new byte[bytes]) : ByteString.CopyFrom(data);
            return data is null;
        }

        if (bytes > 0 && !HasData(init))
        {
            init.RawData = ByteString.CopyFrom(new byte[bytes]);
            return true;
        }

        return false;
    }

    private static bool HasData(TensorProto t) =>
        !t.RawData.IsEmpty || t.FloatData.Count > 0 || t.Int32Data.Count > 0 || t.Int64Data.Count > 0 || t.DoubleData.Count > 0
        || t.Uint64Data.Count > 0 || t.StringData.Count > 0;

    /// <summary>The bytes the initializer's data takes: its elements times its element type's size.</summary>
    private static int Bytes(TensorProto t, string source)
    {
        long size = t.DataType switch
        {
            2 or 3 or 9 or 17 or 18 or 19 or 20 => 1, // uint8, int8, bool, float8 kinds
            4 or 5 or 10 or 16 => 2, // uint16, int16, float16, bfloat16
            1 or 6 or 12 => 4, // float, int32, uint32
            7 or 11 or 13 or 14 => 8, // int64, double, uint64, complex64
            15 => 16, // complex128
            _ => throw new FormatException($"Initializer '{t.Name}' of '{source}' has element type {t.DataType}, which cannot be filled in."),
        };
        try
        {
            var bytes = t.Dims.Aggregate(size, (product, d) => d >= 0 ? checked(product * d) : throw new FormatException($"Initializer '{t.Name}' of '{source}' has a negative dimension."));
            return bytes <= int.MaxValue ? (int)bytes : throw new FormatException($"Initializer '{t.Name}' of '{source}' is over 2 GB.");
        }
        catch (OverflowException ex)
        {
            throw new FormatException($"Initializer '{t.Name}' of '{source}' is too large to hold.", ex);
        }
    }
}

using System.Collections.Immutable;
using L = CnnArch.Layers;

namespace CnnArch.Analysis;

/// <summary>What one node of the network produces and costs, for the whole batch.</summary>
public sealed record LayerReport
{
    /// <summary>The node's path (<c>features.0</c>, <c>layer1.0.conv1</c>).</summary>
    public required string Path { get; init; }

    /// <summary>The layer kind (Conv2d, ReLU, Add).</summary>
    public required string Kind { get; init; }

    /// <summary>The layer of the node; null for a row that stands for a whole block (<see cref="AnalysisReport.Collapsed"/>).</summary>
    public Layers.Layer? Layer { get; init; }

    /// <summary>Input shapes of one sample.</summary>
    public required ImmutableArray<TensorShape> Inputs { get; init; }

    /// <summary>Output shape of one sample (C x H x W, or [N]).</summary>
    public required TensorShape Output { get; init; }

    /// <summary>
    /// The rows this one reads, as indices into <see cref="AnalysisReport.Layers"/>, in input order;
    /// -1 is the network's input. In <see cref="AnalysisReport.Collapsed"/> rows they index the
    /// collapsed rows, and a block lists what it reads from outside itself.
    /// </summary>
    public ImmutableArray<int> Sources { get; init; } = [];

    /// <summary>Kernel, stride, padding, dilation and groups for convolutions and pools; null for other kinds.</summary>
    public Layers.LayerWindow? Window { get; init; }

    /// <summary>Trainable parameters of this layer.</summary>
    public required long Parameters { get; init; }

    /// <summary>Non-trainable state of this layer (BatchNorm running statistics).</summary>
    public required long Buffers { get; init; }

    /// <summary>Multiply-adds for the batch, in the report's convention (0 when uncounted).</summary>
    public required long Macs { get; init; }

    /// <summary>FLOPs for the batch, in the report's convention (0 when uncounted).</summary>
    public required long Flops { get; init; }

    /// <summary>Bytes of this layer's output for the batch.</summary>
    public required long ActivationBytes { get; init; }

    /// <summary>False for functional calls and joins, which the source framework has no module for.</summary>
    public required bool IsModule { get; init; }

    /// <summary>False when the convention has no rule for this kind: its operations are unknown, not zero.</summary>
    public required bool IsCounted { get; init; }

    /// <summary>
    /// True for a node that does not feed the network's output (GoogLeNet's auxiliary classifiers):
    /// it runs only in training, and is summed in <see cref="AnalysisReport.AuxiliaryTotals"/>, not in the totals.
    /// </summary>
    public bool IsAuxiliary { get; init; }

    /// <summary>What one output element of this layer sees of the input.</summary>
    public required ReceptiveField ReceptiveField { get; init; }

    /// <summary>Output memory in KB, bytes / 1024 as the lecture.</summary>
    public double MemoryKB => ActivationBytes / 1024.0;

    /// <summary>True when the layer has parameters and they are frozen (<see cref="AnalysisOptions.Frozen"/>): they get no gradient.</summary>
    public bool IsFrozen { get; init; }

    /// <summary>Multiply-adds of this layer's backward pass for the batch, by its kind's <see cref="Layers.BackwardRule"/> (0 when uncounted).</summary>
    public long BackwardMacs { get; init; }

    /// <summary>FLOPs of this layer's backward pass for the batch, by its kind's <see cref="Layers.BackwardRule"/> (0 when uncounted).</summary>
    public long BackwardFlops { get; init; }

    /// <summary>The parameters that get a gradient: all of them unless frozen.</summary>
    public long TrainableParameters => IsFrozen ? 0 : Parameters;
}

/// <summary>Sums over every row of a report.</summary>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="Buffers">Non-trainable state.</param>
/// <param name="Macs">Multiply-adds for the batch.</param>
/// <param name="Flops">FLOPs for the batch.</param>
/// <param name="ActivationBytes">The plain sum of every row's output bytes, as the lecture adds them up.</param>
public sealed record Totals(long Parameters, long Buffers, long Macs, long Flops, long ActivationBytes)
{
    /// <summary>Nothing.</summary>
    public static Totals Zero { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Parameters that get a gradient (not frozen).</summary>
    public long TrainableParameters { get; init; }

    /// <summary>Multiply-adds of the backward pass for the batch.</summary>
    public long BackwardMacs { get; init; }

    /// <summary>FLOPs of the backward pass for the batch.</summary>
    public long BackwardFlops { get; init; }

    /// <summary>The sums over <paramref name="rows"/>, in checked arithmetic.</summary>
    public static Totals Of(IEnumerable<LayerReport> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sums = default(TotalsBuilder);
        foreach (var r in rows)
        {
            sums.Add(r);
        }

        return sums.ToTotals();
    }

    /// <summary>Summed output memory in KB (bytes / 1024).</summary>
    public double MemoryKB => ActivationBytes / 1024.0;
}

/// <summary>Running sums of rows, in checked arithmetic (an overflow throws <see cref="OverflowException"/>).</summary>
internal struct TotalsBuilder
{
    private long _parameters, _buffers, _macs, _flops, _bytes, _trainable, _backwardMacs, _backwardFlops;

    public void Add(LayerReport row)
    {
        _parameters = checked(_parameters + row.Parameters);
        _buffers = checked(_buffers + row.Buffers);
        _macs = checked(_macs + row.Macs);
        _flops = checked(_flops + row.Flops);
        _bytes = checked(_bytes + row.ActivationBytes);
        _trainable = checked(_trainable + row.TrainableParameters);
        _backwardMacs = checked(_backwardMacs + row.BackwardMacs);
        _backwardFlops = checked(_backwardFlops + row.BackwardFlops);
    }

    public readonly Totals ToTotals() =>
        new(_parameters, _buffers, _macs, _flops, _bytes) { TrainableParameters = _trainable, BackwardMacs = _backwardMacs, BackwardFlops = _backwardFlops };
}

/// <summary>The sizes of torchinfo's footer (see <see cref="AnalysisReport.Sizes"/>).</summary>
/// <param name="TotalParameters">Every parameter.</param>
/// <param name="TrainableParameters">The parameters that get gradients.</param>
/// <param name="Buffers">State that is not a parameter (BatchNorm's running statistics); Keras counts it as non-trainable parameters.</param>
/// <param name="InputBytes">The input batch.</param>
/// <param name="ForwardBackwardBytes">Twice the outputs of the layers with parameters (torchinfo's forward/backward pass size).</param>
/// <param name="ParameterBytes">The parameters.</param>
public sealed record SummarySizes(long TotalParameters, long TrainableParameters, long Buffers, long InputBytes, long ForwardBackwardBytes, long ParameterBytes)
{
    /// <summary>Parameters that get no gradient (frozen).</summary>
    public long NonTrainableParameters => TotalParameters - TrainableParameters;

    /// <summary>torchinfo's estimated total size: input, forward/backward pass and parameters.</summary>
    public long TotalBytes => InputBytes + ForwardBackwardBytes + ParameterBytes;
}

/// <summary>Something the analysis noticed but did not stop for: a kind with no rule, say.</summary>
/// <param name="Path">The node concerned.</param>
/// <param name="Message">What was noticed.</param>
public sealed record Diagnostic(string Path, string Message);

/// <summary>The immutable result of one analysis. Renderers only format it.</summary>
public sealed record AnalysisReport
{
    /// <summary>The model's name.</summary>
    public required string Model { get; init; }

    /// <summary>One sample's input shape.</summary>
    public required TensorShape Input { get; init; }

    /// <summary>Samples per batch.</summary>
    public required int Batch { get; init; }

    /// <summary>Element type of activations.</summary>
    public required DataType DataType { get; init; }

    /// <summary>The counting convention used.</summary>
    public required CostModel Convention { get; init; }

    /// <summary>Every node in execution order, joins included.</summary>
    public required ImmutableArray<LayerReport> Layers { get; init; }

    /// <summary>The network's output shape for one sample.</summary>
    public required TensorShape Output { get; init; }

    /// <summary>Sums over the layers that produce the output (every layer but auxiliary ones).</summary>
    public required Totals Totals { get; init; }

    /// <summary>Sums over auxiliary layers (training-only heads); all zero when there are none.</summary>
    public required Totals AuxiliaryTotals { get; init; }

    /// <summary>What was noticed on the way (uncounted kinds).</summary>
    public required ImmutableArray<Diagnostic> Diagnostics { get; init; }

    /// <summary>The blocks of the network, as node ranges into <see cref="Layers"/>.</summary>
    public ImmutableArray<Graph.Scope> Scopes { get; init; } = [];

    /// <summary>
    /// The layer kinds the rows were narrowed to with <see cref="Only"/> ("conv, linear: 21 of 37 rows"),
    /// said under every table; null when every row is kept.
    /// </summary>
    public string? Selection { get; init; }

    /// <summary>The kind families <see cref="Only"/> takes besides exact kind names.</summary>
    public static ImmutableArray<string> KindFamilies { get; } = ["conv", "linear", "pool", "norm", "activation", "join", "attention"];

    /// <summary>
    /// The report with only the rows of the given kinds, and totals over those rows: the lecture adds up
    /// the memory of the conv and FC outputs only (<c>Only(["conv", "linear"])</c>). A kind is a family
    /// (<see cref="KindFamilies"/>: conv takes every convolution and transposed convolution of every rank,
    /// pool every pooling, ...) or a kind's exact name (MaxPool2d), ignoring case. Blocks are dropped: the
    /// rows are flat.
    /// </summary>
    /// <exception cref="ArgumentException">A kind that is neither a family nor a kind of any row or of <see cref="L.LayerKinds"/>.</exception>
    public AnalysisReport Only(IReadOnlyCollection<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var known = L.LayerKinds.All.Select(k => k.Name).Concat(Layers.Select(l => l.Kind)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = kinds.FirstOrDefault(k => !KindFamilies.Contains(k.ToLowerInvariant()) && !known.Contains(k));
        if (unknown is not null)
        {
            throw new ArgumentException($"No layer kind or family '{unknown}': families are {string.Join(", ", KindFamilies)}, or a kind's name such as Conv2d or MaxPool2d.", nameof(kinds));
        }

        var kept = Layers.Where(l => kinds.Any(k => Matches(l, k))).ToImmutableArray();
        return this with
        {
            Layers = kept,
            Scopes = [],
            Totals = Totals.Of(kept.Where(l => !l.IsAuxiliary)),
            AuxiliaryTotals = Totals.Of(kept.Where(l => l.IsAuxiliary)),
            Selection = $"{string.Join(", ", kinds)}: {kept.Length} of {Layers.Length} rows",
        };
    }

    private static bool Matches(LayerReport row, string kind) => kind.ToLowerInvariant() switch
    {
        "conv" => row.Layer is L.ConvolutionBase,
        "linear" => row.Layer is L.Linear,
        "pool" => row.Layer is L.Pool or L.AdaptivePool,
        "norm" => row.Layer is L.Normalization,
        "activation" => row.Layer is L.Activation,
        "join" => row.Layer is L.Join,
        "attention" => row.Layer is L.MultiheadAttention or L.ScaledDotProductAttention,
        _ => string.Equals(row.Kind, kind, StringComparison.OrdinalIgnoreCase),
    };

    /// <summary>
    /// One line: the model, its input and batch, and its totals in the report's convention
    /// ("resnet50 (3x224x224, batch 1): 25,557,032 params, 4,089,184,256 MACs (torchvision)").
    /// <c>CnnArch.Reporting.TextReport.Write</c> gives the table the command line prints.
    /// </summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Model} ({Input}, batch {Batch}): {Totals.Parameters:N0} params, {Totals.Macs:N0} MACs ({Convention.Name})");

    /// <summary>
    /// The sizes of torchinfo's footer, by its definitions: input size (the batch's input), the
    /// forward/backward pass size (twice the outputs of the layers that have parameters, for their
    /// gradients), the parameter size, and their sum; in bytes of the report's element type.
    /// Frozen parameters (<see cref="AnalysisOptions.Frozen"/>) are non-trainable; buffers (BatchNorm's
    /// running statistics) are not parameters, where Keras counts them as non-trainable.
    /// </summary>
    public SummarySizes Sizes()
    {
        var bytes = DataType.BytesPerElement();
        var forwardBackward = Layers.Where(l => !l.IsAuxiliary && l.Parameters > 0).Sum(l => checked(2 * l.ActivationBytes));
        var input = checked(Input.Elements * Batch * bytes);
        var parameters = checked(Totals.Parameters * bytes);
        return new SummarySizes(Totals.Parameters, Totals.TrainableParameters, Totals.Buffers, input, forwardBackward, parameters);
    }

    /// <summary>
    /// The report with the lecture's layer names (conv1 ... conv5, pool1, pool2, pool5, fc6, fc7, fc8,
    /// and relu, norm and dropout named after the layer they follow), as the lecture's AlexNet table
    /// writes them. Convolutions are numbered in order, pools after the convolution before them, and
    /// fully connected layers after the last convolution. Blocks are dropped: the names are flat.
    /// </summary>
    public AnalysisReport WithLectureNames()
    {
        var (convs, fcs, last) = (0, 0, "input");
        var names = new List<string>(Layers.Length);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in Layers)
        {
            var name = row.Layer switch
            {
                L.ConvolutionBase => last = $"conv{++convs}",
                L.Linear => last = $"fc{convs + ++fcs}",
                L.Pool or L.AdaptivePool => $"pool{Number(last)}",
                L.Normalization => $"norm{Number(last)}",
                L.Dropout => $"drop{convs + fcs + 1}",
                L.Flatten => "flatten",
                _ => $"{row.Kind.ToLowerInvariant()}{Number(last)}",
            };
            // A second row of the same name (two pools after conv5) keeps its own.
            var unique = name;
            for (var k = 2; !used.Add(unique); k++)
            {
                unique = $"{name}_{k}";
            }

            names.Add(unique);
        }

        static string Number(string layer) => string.Concat(layer.Where(char.IsDigit));
        return this with
        {
            Layers = [.. Layers.Select((row, i) => row with { Path = names[i] })],
            Scopes = [],
        };
    }

    /// <summary>
    /// The rows with every block nested deeper than <paramref name="depth"/> collapsed into one row of
    /// its sums, as torchinfo's depth: depth 1 shows the top-level layers and blocks. The block's row
    /// has its path, its kind (Residual, Inception ...), its output, and the sums of its layers; rows
    /// still add up to the totals. Null or 0 keeps every row.
    /// </summary>
    public ImmutableArray<LayerReport> Collapsed(int? depth)
    {
        if (depth is not > 0)
        {
            return Layers;
        }

        // The outermost block at the cut depth that starts at each node swallows its whole range.
        var blocks = new Dictionary<int, Graph.Scope>();
        foreach (var s in Scopes.Where(s => s.Depth == depth))
        {
            if (!blocks.TryGetValue(s.FirstNode, out var other) || s.LastNode > other.LastNode)
            {
                blocks[s.FirstNode] = s;
            }
        }

        // Which collapsed row each node falls in, so that sources can point at rows.
        var rowOf = new int[Layers.Length];
        var count = 0;
        for (var n = 0; n < Layers.Length; count++)
        {
            var end = blocks.TryGetValue(n, out var b) ? b.LastNode + 1 : n + 1;
            for (; n < end; n++)
            {
                rowOf[n] = count;
            }
        }

        int Row(int source) => source < 0 ? source : rowOf[source];
        var rows = ImmutableArray.CreateBuilder<LayerReport>(count);
        var i = 0;
        while (i < Layers.Length)
        {
            if (!blocks.TryGetValue(i, out var block))
            {
                var row = Layers[i++];
                rows.Add(row with { Sources = [.. row.Sources.Select(Row)] });
                continue;
            }

            var self = rows.Count;
            var blockRow = BlockRow(block);
            rows.Add(blockRow with
            {
                Sources = [.. Layers[block.FirstNode..(block.LastNode + 1)].SelectMany(m => m.Sources).Select(Row).Where(r => r != self).Distinct()],
            });
            i = block.LastNode + 1;
        }

        return rows.ToImmutable();
    }

    /// <summary>
    /// One row for a whole block: its path, its kind (Residual, Inception ...), its first layer's inputs,
    /// its last layer's output, and the sums of its layers. It sums what the totals sum: its layers that
    /// feed the output, or, for a block that is all auxiliary (a training-only head), all of them.
    /// </summary>
    public LayerReport BlockRow(Graph.Scope block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var members = Layers[block.FirstNode..(block.LastNode + 1)];
        var auxiliary = members.All(m => m.IsAuxiliary);
        var sums = Totals.Of(auxiliary ? members : members.Where(m => !m.IsAuxiliary));
        return members[^1] with
        {
            Path = block.Path,
            Kind = block.Kind,
            Layer = null,
            Inputs = members[0].Inputs,
            Sources = [],
            Window = null,
            Parameters = sums.Parameters,
            Buffers = sums.Buffers,
            Macs = sums.Macs,
            Flops = sums.Flops,
            ActivationBytes = sums.ActivationBytes,
            IsModule = true,
            IsCounted = members.All(m => m.IsCounted),
            IsAuxiliary = auxiliary,
            IsFrozen = sums.Parameters > 0 && sums.TrainableParameters == 0,
            BackwardMacs = sums.BackwardMacs,
            BackwardFlops = sums.BackwardFlops,
        };
    }

    /// <summary>What one training step costs: forward and backward, auxiliary heads included (<see cref="TrainingCompute"/>).</summary>
    public TrainingCompute Training() => new(
        Batch,
        checked(Totals.Macs + AuxiliaryTotals.Macs),
        checked(Totals.Flops + AuxiliaryTotals.Flops),
        checked(Totals.BackwardMacs + AuxiliaryTotals.BackwardMacs),
        checked(Totals.BackwardFlops + AuxiliaryTotals.BackwardFlops));
}

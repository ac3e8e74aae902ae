namespace CnnArch.Tests;

/// <summary>Compares a report with a model measured from PyTorch, leaf module by leaf module.</summary>
internal static class ReferenceComparison
{
    /// <summary>Rows of the report that PyTorch would list as leaf modules, in execution order.</summary>
    public static IReadOnlyList<LayerReport> ModuleRows(AnalysisReport report) =>
        [.. report.Layers.Where(l => l.IsModule)];

    /// <summary>Path, kind, output shape and parameters of every leaf module equal the reference, in order.</summary>
    public static void ShouldMatchLayers(this AnalysisReport report, ReferenceModel reference)
    {
        var actual = ModuleRows(report)
            .Select(l => (l.Path, l.Kind, Output: l.Output.ToString(), l.Parameters))
            .ToList();
        var expected = reference.Layers
            .Select(l => (Path: l.Name, Kind: l.Type, Output: string.Join('x', l.Output), l.Params))
            .ToList();
        actual.Should().Equal(expected);
    }

    // Subclasses of a PyTorch module (torchvision's, and PyTorch's ZeroPad2d), reported under their own class names, torchvision's
    // Permute module (torch.permute as a module) and MaxViT's SwapAxes (torch.swapaxes as a module), which CnnArch calls
    // Transpose, as ONNX does, and PyTorch's Dropout2d, which CnnArch calls Dropout.
    private static readonly Dictionary<string, string> Subclasses = new(StringComparer.Ordinal)
    {
        ["Conv3DSimple"] = "Conv3d", ["Conv3DNoTemporal"] = "Conv3d", ["LayerNorm2d"] = "LayerNorm",
        ["ConstantPad1d"] = "Pad", ["ConstantPad2d"] = "Pad", ["ConstantPad3d"] = "Pad", ["ZeroPad2d"] = "Pad", ["Permute"] = "Transpose",
        ["SwapAxes"] = "Transpose",

        // Channel-wise dropout (ENet's): the identity at inference, as Dropout, with the same (no) counts.
        ["Dropout2d"] = "Dropout",
    };

    /// <summary>
    /// Path, kind (torchvision's subclasses as the PyTorch class they derive from), output shape,
    /// parameters and multiply-adds (torchvision convention) of every leaf module equal the reference, in order.
    /// </summary>
    /// <param name="report">CnnArch's report.</param>
    /// <param name="reference">The model measured from PyTorch.</param>
    /// <param name="foldsHeadsIntoBatch">
    /// The modules that run on a tensor with another axis folded into the batch: MViT's pooling convs
    /// (<c>attn.pool_q.pool</c> and the like), which torchvision runs on <c>x.reshape(B * heads, head_dim, T, H, W)</c>.
    /// The reference was measured at batch 1, so that first dimension is the heads; CnnArch keeps them as a per-sample
    /// leading axis (a stacked Conv3d), and those rows are compared with the reference's output as recorded, its first
    /// dimension (1 x heads) kept. None by default.
    /// </param>
    public static void ShouldMatchLayersAndMacs(this AnalysisReport report, ReferenceModel reference, Func<string, bool>? foldsHeadsIntoBatch = null)
    {
        var actual = ModuleRows(report)
            .Select(l => (l.Path, l.Kind, Output: l.Output.ToString(), l.Parameters, l.Macs))
            .ToList();
        var expected = reference.Layers
            .Select(l => (Path: l.Name, Kind: Subclasses.GetValueOrDefault(l.Type, l.Type), Output: string.Join('x', foldsHeadsIntoBatch?.Invoke(l.Name) == true ? l.RecordedOutput : l.Output), l.Params, Macs: l.Macs ?? -1))
            .ToList();
        actual.Should().Equal(expected);
    }

    /// <summary>
    /// As <see cref="ShouldMatchLayersAndMacs"/> for a model with <c>nn.MultiheadAttention</c>, whose per-module
    /// MACs the reference records as 0: forward hooks see the module but not the projections and batched
    /// products inside it (they are parameters and functional calls), while the reference's total (FlopCounterMode,
    /// which sees every mm and bmm) counts them. So every other row is compared as it is, and the attention rows,
    /// all of one size in a ViT, must share exactly what the total has beyond the hooked sum: (macs - hooked_macs) / rows.
    /// </summary>
    public static void ShouldMatchLayersAndMacsSeeingInsideAttention(this AnalysisReport report, ReferenceModel reference)
    {
        var attentionRows = reference.Layers.Count(l => l.Type == "MultiheadAttention");
        var hidden = reference.Macs - (reference.HookedMacs ?? throw new InvalidOperationException($"{reference.Model} records no hooked_macs."));
        attentionRows.Should().BePositive();
        (hidden % attentionRows).Should().Be(0, "the attention rows are all of one size");
        var actual = ModuleRows(report)
            .Select(l => (l.Path, l.Kind, Output: l.Output.ToString(), l.Parameters, l.Macs))
            .ToList();
        var expected = reference.Layers
            .Select(l => (Path: l.Name, Kind: l.Type, Output: string.Join('x', l.Output), l.Params, Macs: l.Type == "MultiheadAttention" ? hidden / attentionRows : l.Macs ?? -1))
            .ToList();
        actual.Should().Equal(expected);
    }

    /// <summary>
    /// The input, params, buffers and MACs of <paramref name="report"/> (counted as torchvision) equal the
    /// reference, and the FLOPs of <paramref name="flopCounter"/> (the same network counted as
    /// FlopCounterMode; the report itself when null) equal its FlopCounterMode FLOPs.
    /// </summary>
    public static void ShouldEqualReferenceTotals(this AnalysisReport report, ReferenceModel reference, AnalysisReport? flopCounter = null)
    {
        report.Input.Dims.Should().Equal(reference.Input);
        report.Totals.Parameters.Should().Be(reference.Params, "params");
        report.Totals.Buffers.Should().Be(reference.Buffers, "buffers");
        report.Totals.Macs.Should().Be(reference.Macs, "MACs");
        (flopCounter ?? report).Totals.Flops.Should().Be(reference.FlopCounterModeFlops, "FlopCounterMode FLOPs");
    }

    /// <summary>Params, buffers and torchvision-convention MACs equal the reference exactly.</summary>
    public static void ShouldMatchTotals(this AnalysisReport report, ReferenceModel reference)
    {
        report.Totals.Parameters.Should().Be(reference.Params, "params");
        report.Totals.Buffers.Should().Be(reference.Buffers, "buffers");
        report.Totals.Macs.Should().Be(reference.Macs, "MACs");
        report.Output.Dims.Should().Equal([1000]);
    }
}

using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// NASNet-A (Zoph et al. 2018) as Cadene's pretrained-models.pytorch builds it (<c>nasnet.py</c>,
/// <c>nasnet_mobile.py</c>): the normal and reduction cells found by neural architecture search,
/// stacked as N normal cells, a reduction cell, N normal cells, a reduction cell and N normal cells
/// after a 3x3/2 conv and two reducing stem cells. Every cell reads the outputs of the two cells
/// before it (the first cell after a reduction in the large model skips the last normal cell), adds pairs of branches (separable convs: ReLU, depthwise conv, pointwise conv, BN,
/// twice; 3x3 average pools that do not count the padding; 3x3 max pools; the identity) and
/// concatenates the sums. Where the two inputs differ in size, the earlier one passes through the
/// factorized reduction: two 1x1 convs, one on the stride-2 subsampled map and one on the map shifted
/// by a pixel (ZeroPad2d, then the crop <c>[:, :, 1:, 1:]</c>), concatenated. Module names and
/// execution order are Cadene's (<c>cell_0.comb_iter_0_left.separable_1.depthwise_conv2d</c>); the
/// sums, concatenations, crops and the pads made inside <c>forward</c> are functional rows.
/// </summary>
public static class NasNets
{
    internal const string Paper = "Zoph, Vasudevan, Shlens, Le. Learning Transferable Architectures for Scalable Image Recognition. CVPR 2018 (arXiv 1707.07012), Tables 2 and 3";

    private static readonly Pad TopLeft = new() { Before = [0, 1, 1], After = [0, 0, 0] };

    private static readonly Pad BottomRight = new() { Before = [0, 0, 0], After = [0, 1, 1] };

    private static readonly Slice Crop = new() { Ranges = [(1, 1, long.MaxValue, 1), (2, 1, long.MaxValue, 1)] };

    private static readonly MaxPool2d MaxPool3x3Stride2 = new() { Kernel = 3, Stride = 2, Padding = 1 };

    private static readonly AvgPool2d AvgPool3x3Stride2 = new() { Kernel = 3, Stride = 2, Padding = 1, CountIncludePad = false };

    private static readonly AvgPool2d AvgPool3x3 = new() { Kernel = 3, Stride = 1, Padding = 1, CountIncludePad = false };

    private static readonly AvgPool2d Subsample = new() { Kernel = 1, Stride = 2, CountIncludePad = false };

    // How a cell's stride-2 branches pad: inside the conv (PyTorch's symmetric padding), or as TensorFlow's
    // 'SAME' is emulated: ZeroPad2d((1, 0, 1, 0)) before the first separable conv (or pool) and the crop
    // [:, :, 1:, 1:] after it, the pad a module (BranchSeparablesReduction's `padding`) or made inside
    // forward (nasnet_mobile.py's BranchSeparables with name='specific'). The convs then run on one more row
    // and column than they keep.
    private enum SamePad
    {
        Symmetric,
        Module,
        Inline,
    }

    private sealed record Spec(string Name, int StemFilters, int PenultimateFilters, int CellsPerStage, int Resolution, int PoolKernel, bool Mobile);

    /// <summary>
    /// NASNet-A-Large, "6 @ 4032" in the paper (Table 2: 88.9M parameters, 23.8B multiply-adds at 331x331),
    /// as Cadene's <c>nasnetalarge</c>: a stem of 96 filters, cells of 168, 336 and 672 filters per branch
    /// (outputs of 1,008, 2,016 and 4,032 channels), six normal cells per stage, an 11x11 average pool
    /// and the classifier. Reduction cell 0 pads as TensorFlow's 'SAME' (pad, conv, crop); the stem cells
    /// and reduction cell 1 pad symmetrically. With 1,000 classes (the published weights' head) it has
    /// 88,753,150 parameters and 23,809,955,634 multiply-adds.
    /// </summary>
    /// <param name="classes">The classifier's outputs: 1,000 for the published ImageNet weights (Cadene's <c>NASNetALarge</c> class defaults to 1,001, the background too).</param>
    /// <returns>The network, at 3x331x331 by default; its 11x11 average pool needs at least 321x321.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive.</exception>
    public static Network Large(int classes = 1000) =>
        Build(new Spec("nasnet_a_large", StemFilters: 96, PenultimateFilters: 4032, CellsPerStage: 6, Resolution: 331, PoolKernel: 11, Mobile: false), classes);

    /// <summary>
    /// NASNet-A-Mobile, "4 @ 1056" in the paper (Table 3: 5.3M parameters, 564M multiply-adds at 224x224),
    /// as Cadene's <c>nasnetamobile</c>: a stem of 32 filters, cells of 44, 88 and 176 filters per branch
    /// (outputs of 264, 528 and 1,056 channels), four normal cells per stage, a 7x7 average pool and the
    /// classifier. Stem cell 1 and both reduction cells pad as TensorFlow's 'SAME' (pad, conv, crop). It
    /// has 5,289,978 parameters and 568,234,858 multiply-adds: the paper's 564M less the 4,596,042 that its
    /// 30 padded-then-cropped convs spend on the row and column they drop.
    /// </summary>
    /// <param name="classes">The classifier's outputs: 1,000 for the published ImageNet weights.</param>
    /// <returns>The network, at 3x224x224 by default.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive.</exception>
    public static Network Mobile(int classes = 1000) =>
        Build(new Spec("nasnet_a_mobile", StemFilters: 32, PenultimateFilters: 1056, CellsPerStage: 4, Resolution: 224, PoolKernel: 7, Mobile: true), classes);

    // Cadene's NASNetALarge / NASNetAMobile.features and logits. The cells are numbered as the large model's
    // (six per stage: cell_0, cell_6, cell_12 open the stages), so the mobile one has no cell_4, 5, 10, 11.
    private static Network Build(Spec spec, int classes)
    {
        Guard.Positive(classes, nameof(classes));
        var filters = spec.PenultimateFilters / 24;
        var b = new NetworkBuilder(spec.Name);
        var conv0 = b.Add("conv0", Sequential.Of(("conv", Conv(spec.StemFilters, 3, stride: 2, padding: 0)), ("bn", new BatchNorm2d())), b.Input);
        var prev = CellStem0(b, conv0, spec.StemFilters, filters / 4);
        var x = CellStem1(b, conv0, prev, filters / 2, spec.Mobile ? SamePad.Inline : SamePad.Symmetric);
        for (var stage = 0; stage < 3; stage++)
        {
            var channels = filters << stage;
            if (stage > 0)
            {
                // A reduction cell reads the last two cells. The stage's first cell reads it and, in nasnet_mobile.py,
                // the last cell (cell_6(reduction_cell_0, cell_3)); nasnet.py's Large model passes the one before the
                // last (cell_6(reduction_cell_0, cell_4)), as TensorFlow's configs do (skip_reduction_layer_input 0
                // for mobile, 1 for large). Both are of the same shape: the counts agree, the wiring differs.
                var last = x;
                var pad = stage == 1 ? SamePad.Module : spec.Mobile ? SamePad.Inline : SamePad.Symmetric;
                x = ReductionCell(b, $"reduction_cell_{stage - 1}", stage == 1 ? "ReductionCell0" : "ReductionCell1", x, prev, channels, pad);
                prev = spec.Mobile ? last : prev;
            }

            for (var i = 0; i < spec.CellsPerStage; i++)
            {
                var next = NormalCell(b, $"cell_{(6 * stage) + i}", x, prev, channels, first: i == 0);
                (prev, x) = (x, next);
            }
        }

        x = b.Add("relu", new ReLU(), x);
        x = b.Add("avg_pool", new AvgPool2d { Kernel = spec.PoolKernel, Stride = 1 }, x);
        x = b.AddFunctional("view", Flatten.Instance, x);
        x = b.Add("dropout", new Dropout { P = 0.5 }, x);
        x = b.Add("last_linear", new Linear { OutFeatures = classes }, x);
        return b.Build(x, TensorShape.Chw(3, spec.Resolution, spec.Resolution));
    }

    // CellStem0: a 1x1 conv of the stem feeds the left inputs; the right branches read the stem's conv itself.
    private static Tensor CellStem0(NetworkBuilder b, Tensor conv0, int stemFilters, int channels) =>
        b.AddScope("cell_stem_0", "CellStem0", conv0, x =>
        {
            var x1 = b.Add("cell_stem_0.conv_1x1", ReluConvBn(channels), x);
            return Combine(b, "cell_stem_0", x1, x, stemFilters, channels, SamePad.Symmetric);
        });

    // CellStem1(x_conv0, x_stem_0): a 1x1 conv of stem cell 0 on the left, the factorized reduction of the stem's conv on the right.
    private static Tensor CellStem1(NetworkBuilder b, Tensor conv0, Tensor stem0, int channels, SamePad pad) =>
        b.AddScope("cell_stem_1", "CellStem1", stem0, x =>
        {
            var left = b.Add("cell_stem_1.conv_1x1", ReluConvBn(channels), x);
            var right = FactorizedReduction(b, "cell_stem_1", conv0, channels);
            return Combine(b, "cell_stem_1", left, right, channels, channels, pad);
        });

    // ReductionCell0 and ReductionCell1(x, x_prev): 1x1 convs of both inputs, then the reducing combinations.
    private static Tensor ReductionCell(NetworkBuilder b, string path, string kind, Tensor x, Tensor prev, int channels, SamePad pad) =>
        b.AddScope(path, kind, x, input =>
        {
            var left = b.Add($"{path}.conv_prev_1x1", ReluConvBn(channels), prev);
            var right = b.Add($"{path}.conv_1x1", ReluConvBn(channels), input);
            return Combine(b, path, right, left, channels, channels, pad);
        });

    // The combinations of every reducing cell (both stem cells and both reduction cells): the "_left" pools and
    // separable convs read `a`, the "_right" separable convs read `r` (of rChannels), sums in pairs, and the
    // concatenation of the four sums that nothing else in the cell reads.
    private static Tensor Combine(NetworkBuilder b, string path, Tensor a, Tensor r, int rChannels, int channels, SamePad pad)
    {
        Tensor Sep(string name, Tensor x, int inChannels, int kernel, int stride) => Branch(b, $"{path}.{name}", x, inChannels, channels, kernel, stride, pad);
        Tensor Pool(string name, Tensor x, Layers.Pool pool) => PoolBranch(b, $"{path}.{name}", x, pool, pad != SamePad.Symmetric);
        Tensor Sum(string name, Tensor left, Tensor right) => b.AddFunctional($"{path}.{name}", Add.Instance, left, right);
        var c0 = Sum("comb_iter_0", Sep("comb_iter_0_left", a, channels, 5, 2), Sep("comb_iter_0_right", r, rChannels, 7, 2));
        var c1 = Sum("comb_iter_1", Pool("comb_iter_1_left", a, MaxPool3x3Stride2), Sep("comb_iter_1_right", r, rChannels, 7, 2));
        var c2 = Sum("comb_iter_2", Pool("comb_iter_2_left", a, AvgPool3x3Stride2), Sep("comb_iter_2_right", r, rChannels, 5, 2));
        var c3 = Sum("comb_iter_3", b.Add($"{path}.comb_iter_3_right", AvgPool3x3, c0), c1);
        var c4 = Sum("comb_iter_4", Sep("comb_iter_4_left", c0, channels, 3, 1), Pool("comb_iter_4_right", a, MaxPool3x3Stride2));
        return b.AddFunctional($"{path}.cat", Concat.Instance, c1, c2, c3, c4);
    }

    // FirstCell and NormalCell(x, x_prev): the left input is the earlier cell (factorized down to this size in a
    // FirstCell, which follows a reduction), the right the last; five sums concatenated after the left input.
    private static Tensor NormalCell(NetworkBuilder b, string path, Tensor x, Tensor prev, int channels, bool first) =>
        b.AddScope(path, first ? "FirstCell" : "NormalCell", x, input =>
        {
            var left = first ? FactorizedReduction(b, path, prev, channels) : b.Add($"{path}.conv_prev_1x1", ReluConvBn(channels), prev);
            var right = b.Add($"{path}.conv_1x1", ReluConvBn(channels), input);
            Tensor Sep(string name, Tensor t, int kernel) => Branch(b, $"{path}.{name}", t, channels, channels, kernel, 1, SamePad.Symmetric);
            Tensor Avg(string name, Tensor t) => b.Add($"{path}.{name}", AvgPool3x3, t);
            Tensor Sum(string name, Tensor l, Tensor r) => b.AddFunctional($"{path}.{name}", Add.Instance, l, r);
            var c0 = Sum("comb_iter_0", Sep("comb_iter_0_left", right, 5), Sep("comb_iter_0_right", left, 3));
            var c1 = Sum("comb_iter_1", Sep("comb_iter_1_left", left, 5), Sep("comb_iter_1_right", left, 3));
            var c2 = Sum("comb_iter_2", Avg("comb_iter_2_left", right), left);
            var c3 = Sum("comb_iter_3", Avg("comb_iter_3_left", left), Avg("comb_iter_3_right", left));
            var c4 = Sum("comb_iter_4", Sep("comb_iter_4_left", right, 3), right);
            return b.AddFunctional($"{path}.cat", Concat.Instance, left, c0, c1, c2, c3, c4);
        });

    // The factorized reduction of a map twice the cell's size to `channels`: ReLU, then path_1 (1x1 average
    // pool of stride 2, 1x1 conv to half) and path_2 (the same on the map shifted up and left by one pixel:
    // ZeroPad2d((0, 1, 0, 1)) and the crop [:, :, 1:, 1:]), concatenated, BN.
    private static Tensor FactorizedReduction(NetworkBuilder b, string path, Tensor x, int channels)
    {
        var relu = b.Add($"{path}.relu", new ReLU(), x);
        var path1 = b.Add($"{path}.path_1", Sequential.Of(("avgpool", Subsample), ("conv", Conv(channels / 2, 1))), relu);
        var path2 = b.Add($"{path}.path_2.pad", BottomRight, relu);
        path2 = b.AddFunctional($"{path}.path_2.crop", Crop, path2);
        path2 = b.Add($"{path}.path_2.avgpool", Subsample, path2);
        path2 = b.Add($"{path}.path_2.conv", Conv(channels / 2, 1), path2);
        var cat = b.AddFunctional($"{path}.path_cat", Concat.Instance, path1, path2);
        return b.Add($"{path}.final_path_bn", new BatchNorm2d(), cat);
    }

    // BranchSeparables (BranchSeparablesStem where the input is the stem's conv, BranchSeparablesReduction where
    // the pad is a module): ReLU, separable conv (stride here), BN, ReLU, separable conv, BN, all to `channels`.
    private static Tensor Branch(NetworkBuilder b, string path, Tensor input, int inChannels, int channels, int kernel, int stride, SamePad pad) =>
        b.AddScope(path, pad == SamePad.Module ? "BranchSeparablesReduction" : "BranchSeparables", input, x =>
        {
            x = b.Add($"{path}.relu", new ReLU(), x);
            x = pad switch
            {
                SamePad.Module => b.Add($"{path}.padding", TopLeft, x),
                SamePad.Inline => b.AddFunctional($"{path}.pad", TopLeft, x),
                _ => x,
            };
            x = Separable(b, $"{path}.separable_1", x, inChannels, channels, kernel, stride);
            x = pad == SamePad.Symmetric ? x : b.AddFunctional($"{path}.crop", Crop, x);
            x = b.Add($"{path}.bn_sep_1", new BatchNorm2d(), x);
            x = b.Add($"{path}.relu1", new ReLU(), x);
            x = Separable(b, $"{path}.separable_2", x, channels, channels, kernel, 1);
            return b.Add($"{path}.bn_sep_2", new BatchNorm2d(), x);
        });

    // SeparableConv2d: a depthwise k x k conv (padding k / 2), then a pointwise 1x1 conv; no bias.
    private static Tensor Separable(NetworkBuilder b, string path, Tensor input, int inChannels, int channels, int kernel, int stride) =>
        b.AddScope(path, "SeparableConv2d", input, x =>
        {
            x = b.Add($"{path}.depthwise_conv2d", Conv(inChannels, kernel, stride, kernel / 2, groups: inChannels), x);
            return b.Add($"{path}.pointwise_conv2d", Conv(channels, 1), x);
        });

    // A stride-2 pool of a reducing cell; MaxPoolPad / AvgPoolPad where the cell pads as 'SAME': pad, pool, crop.
    private static Tensor PoolBranch(NetworkBuilder b, string path, Tensor input, Layers.Pool pool, bool padded) => !padded ? b.Add(path, pool, input)
        : b.AddScope(path, pool is MaxPool2d ? "MaxPoolPad" : "AvgPoolPad", input, x =>
        {
            x = b.Add($"{path}.pad", TopLeft, x);
            x = b.Add($"{path}.pool", pool, x);
            return b.AddFunctional($"{path}.crop", Crop, x);
        });

    // nn.Sequential(ReLU, 1x1 conv, BN): conv_1x1 and conv_prev_1x1.
    private static Sequential ReluConvBn(int channels) => Sequential.Of(("relu", new ReLU()), ("conv", Conv(channels, 1)), ("bn", new BatchNorm2d()));

    private static Conv2d Conv(int channels, int kernel, int stride = 1, int padding = 0, int groups = 1) =>
        new() { OutChannels = channels, Kernel = kernel, Stride = stride, Padding = padding, Groups = groups, HasBias = false };
}

// The lecture's design lessons, measured by building the networks and analysing them.
using System.Globalization;

var c = CultureInfo.InvariantCulture;
var macs = new AnalysisOptions { Convention = Conventions.TorchVision };
Totals Cost(Module module, TensorShape input) => Analyzer.Analyze(Network.Create("block", module, input), macs).Totals;
string N(long value) => value.ToString("N0", c);

// 1. AlexNet against VGG-16 (the lecture: 2.3x the parameters, 19.4x the compute; its 13.6 G for VGG-16 leaves a layer out).
var comparison = Comparisons.Compare([(Catalog.Create("alexnet"), null), (Catalog.Create("vgg16"), null)], macs);
Console.WriteLine(string.Format(c, "VGG-16 against AlexNet: {0:0.00}x the parameters, {1:0.0}x the MACs", comparison.Rows[1].ParametersRatio, comparison.Rows[1].MacsRatio));

// 2. One 5x5 conv against two 3x3 convs: the same receptive field, 25C^2 against 18C^2 weights.
const int C = 256;
var map = TensorShape.Chw(C, 28, 28);
var five = Cost(new Conv2d { OutChannels = C, Kernel = 5, Padding = 2, HasBias = false }, map);
var twoThrees = Cost(new Sequential(new Conv2d { OutChannels = C, Padding = 1, HasBias = false }, new Conv2d { OutChannels = C, Padding = 1, HasBias = false }), map);
Console.WriteLine($"5x5 conv: {N(five.Parameters)} params, {N(five.Macs)} MACs; two 3x3: {N(twoThrees.Parameters)} params, {N(twoThrees.Macs)} MACs ({twoThrees.Parameters / (double)(C * C):0}C^2 against {five.Parameters / (double)(C * C):0}C^2)");

// 3. Basic block (two 3x3 at C) against bottleneck (4C -> C -> C -> 4C): 18HWC^2 against 17HWC^2.
const int B = 64;
var basic = Cost(new Sequential(new Conv2d { OutChannels = B, Padding = 1, HasBias = false }, new Conv2d { OutChannels = B, Padding = 1, HasBias = false }), TensorShape.Chw(B, 56, 56));
var bottleneck = Cost(new Sequential(
    new Conv2d { OutChannels = B, Kernel = 1, HasBias = false },
    new Conv2d { OutChannels = B, Padding = 1, HasBias = false },
    new Conv2d { OutChannels = 4 * B, Kernel = 1, HasBias = false }), TensorShape.Chw(4 * B, 56, 56));
Console.WriteLine($"basic block: {basic.Macs / (56.0 * 56 * B * B):0}HWC^2 MACs; bottleneck: {bottleneck.Macs / (56.0 * 56 * B * B):0}HWC^2, with 4x the channels in and out");

// 4. Standard 3x3 conv against depthwise separable (3x3 depthwise + 1x1 pointwise): 9C^2HW against (9C + C^2)HW.
var standard = Cost(new Conv2d { OutChannels = C, Padding = 1, HasBias = false }, map);
var separable = Cost(new Sequential(Conv2d.Depthwise(C, 3, 1, 1, hasBias: false), new Conv2d { OutChannels = C, Kernel = 1, HasBias = false }), map);
Console.WriteLine($"standard 3x3: {N(standard.Macs)} MACs; depthwise separable: {N(separable.Macs)} MACs, {standard.Macs / (double)separable.Macs:0.0}x cheaper");

// 5. ResNeXt: G branches of width c cost what one bottleneck of C = 64 costs when 9Gc^2 + 8GCc - 17C^2 = 0.
foreach (var groups in new[] { 1, 2, 4, 8, 32 })
{
    var width = groups == 1 ? B : (int)Math.Round(DesignRules.ResNeXtWidth(B, groups));
    var block = Cost(new Sequential(
        new Conv2d { OutChannels = groups * width, Kernel = 1, HasBias = false },
        new Conv2d { OutChannels = groups * width, Padding = 1, Groups = groups, HasBias = false },
        new Conv2d { OutChannels = 4 * B, Kernel = 1, HasBias = false }), TensorShape.Chw(4 * B, 56, 56));
    Console.WriteLine($"  cardinality {groups,2} x width {width,2}: {N(block.Macs),13} MACs ({block.Macs / (double)bottleneck.Macs:0.00}x the bottleneck)");
}

using System.Collections.Immutable;

namespace CnnArch.Studies;

/// <summary>One winner of the ImageNet Large Scale Visual Recognition Challenge's classification task.</summary>
/// <param name="Year">The challenge's year.</param>
/// <param name="Name">The entry as the lecture names it (the network, or the team's paper).</param>
/// <param name="Top5Error">Top-5 error (%) on the challenge's test set, as the lecture's slide gives it.</param>
/// <param name="Layers">Depth in weight layers as the slide gives it; null for the shallow, pre-CNN entries (no layer count).</param>
/// <param name="Preset">The CnnArch preset of the winning architecture, where there is one.</param>
/// <param name="Source">Where the figure comes from.</param>
public sealed record ImageNetWinner(int Year, string Name, double Top5Error, int? Layers, string? Preset, string Source);

/// <summary>
/// The ImageNet classification winners of 2010-2017, the lecture's opening slide (EECS 498-007 Lecture 8,
/// after Russakovsky et al. 2015 and the challenge's results pages): top-5 error falls from 28.2% to
/// 2.3% as depth grows from shallow to 152 layers, below the human 5.1%. Published figures, kept as
/// data; CnnArch computes none of them.
/// </summary>
public static class ImageNetWinners
{
    private const string Russakovsky = "Russakovsky et al. 2015, ImageNet Large Scale Visual Recognition Challenge, IJCV 115:211-252";
    private const string Results = "ILSVRC results page of the year (image-net.org/challenges/LSVRC)";

    /// <summary>Top-5 error (%) of a human annotator (Karpathy's own, in Russakovsky et al. 2015, Sec. 6.4).</summary>
    public const double HumanTop5Error = 5.1;

    /// <summary>The winners in the order of the slide: by year, VGG (second in 2014) beside GoogLeNet.</summary>
    public static ImmutableArray<ImageNetWinner> All { get; } =
    [
        new(2010, "Lin et al.", 28.2, null, null, "Lin et al. 2011, Large-scale image classification: fast feature extraction and SVM training, CVPR; " + Russakovsky),
        new(2011, "Sanchez & Perronnin", 25.8, null, null, "Sanchez, Perronnin 2011, High-dimensional signature compression for large-scale image classification, CVPR; " + Russakovsky),
        new(2012, "AlexNet", 16.4, 8, "alexnet_original", "Krizhevsky, Sutskever, Hinton 2012, NeurIPS; " + Results),
        new(2013, "ZFNet", 11.7, 8, "zfnet", "Zeiler, Fergus 2014, ECCV; " + Results),
        new(2014, "VGG", 7.3, 19, "vgg19", "Simonyan, Zisserman 2015, ICLR (second in classification); " + Results),
        new(2014, "GoogLeNet", 6.7, 22, "googlenet_paper", "Szegedy et al. 2015, CVPR; " + Results),
        new(2015, "ResNet", 3.6, 152, "resnet152", "He, Zhang, Ren, Sun 2016, CVPR; " + Results),
        new(2016, "Shao et al.", 3.0, 152, null, "Trimps-Soushen (Shao et al.), an ensemble; " + Results),
        new(2017, "SENet", 2.3, 152, "senet154", "Hu, Shen, Sun 2018, CVPR; " + Results),
    ];
}

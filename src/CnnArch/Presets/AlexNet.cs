using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// AlexNet (Krizhevsky, Sutskever and Hinton 2012) and ZFNet (Zeiler and Fergus 2013), the first two
/// networks of the lecture.
/// </summary>
public static class AlexNets
{
    private const string AlexNetPaper = "Krizhevsky, Sutskever, Hinton. ImageNet Classification with Deep Convolutional Neural Networks. NeurIPS 2012";

    internal const string BnAlexNetPaper = "Canziani, Paszke, Culurciello. An Analysis of Deep Neural Network Models for Practical Applications. 2016 (arXiv 1605.07678), BN-AlexNet; layout of soumith/imagenet-multiGPU.torch models/alexnetowtbn_cudnn.lua after Krizhevsky 2014";

    private const string ZfNetPaper = "Zeiler, Fergus. Visualizing and Understanding Convolutional Networks. ECCV 2014 (arXiv 1311.2901), Fig. 3";

    /// <summary>
    /// torchvision's AlexNet, after "One weird trick" (Krizhevsky 2014): 64/192/384/256/256 filters,
    /// conv1 11x11 stride 4 pad 2, no groups, no LRN, adaptive average pool to 6x6.
    /// Deviations from the 2012 paper: the filter counts, no grouping, no LRN.
    /// </summary>
    public static Network AlexNet() =>
        Build("alexnet", [(64, 11, 4, 2, 1), (192, 5, 1, 2, 1), (384, 3, 1, 1, 1), (256, 3, 1, 1, 1), (256, 3, 1, 1, 1)],
            lrn: false, ceil: false, adaptivePool: true, TensorShape.Chw(3, 224, 224));

    /// <summary>
    /// The 2012 paper's AlexNet: 96/256/384/384/256 filters; conv2, conv4 and conv5 in two groups (the
    /// two GPUs); LRN after the first two ReLUs; input 227 (the paper's "224" does not give 55 with an
    /// 11x11 stride-4 kernel). Deviation: none intended; the paper's figure of "60 million" is a rounding.
    /// </summary>
    public static Network AlexNetOriginal() =>
        Build("alexnet_original", [(96, 11, 4, 0, 1), (256, 5, 1, 2, 2), (384, 3, 1, 1, 1), (384, 3, 1, 1, 2), (256, 3, 1, 1, 2)],
            lrn: true, ceil: false, adaptivePool: false, TensorShape.Chw(3, 227, 227));

    /// <summary>
    /// ZFNet, Fig. 3 of the paper: AlexNet with conv1 7x7 stride 2 (96 filters) and conv2 5x5 stride 2.
    /// Sizes run 224 -> 110 -> 55 -> 26 -> 13 -> 6, which needs padding 1 on conv1 and ceil-mode pooling
    /// (the paper gives sizes, not paddings). Contrast normalisation after the first two pools is modelled
    /// as LRN of size 5. No groups (trained on one GPU).
    /// </summary>
    public static Network ZfNet() =>
        Build("zfnet", [(96, 7, 2, 1, 1), (256, 5, 2, 0, 1), (384, 3, 1, 1, 1), (384, 3, 1, 1, 1), (256, 3, 1, 1, 1)],
            lrn: true, ceil: true, adaptivePool: false, TensorShape.Chw(3, 224, 224), lrnAfterPool: true);

    /// <summary>The lecture's larger ZFNet: as <see cref="ZfNet"/> with 512/1024/512 filters in conv3-5.</summary>
    public static Network ZfNetLarge() =>
        Build("zfnet_large", [(96, 7, 2, 1, 1), (256, 5, 2, 0, 1), (512, 3, 1, 1, 1), (1024, 3, 1, 1, 1), (512, 3, 1, 1, 1)],
            lrn: true, ceil: true, adaptivePool: false, TensorShape.Chw(3, 224, 224), lrnAfterPool: true);

    /// <summary>
    /// BN-AlexNet, the batch-normalised AlexNet of Canziani, Paszke and Culurciello's chart (2016): torchvision's
    /// <see cref="AlexNet"/> with BatchNorm2d after every conv and BatchNorm1d after both hidden FC layers, each
    /// before its ReLU (conv and FC biases kept), as soumith/imagenet-multiGPU.torch's
    /// <c>models/alexnetowtbn_cudnn.lua</c>, the Torch7 BN-AlexNet of that time (Canziani et al. measured
    /// Torch7 models but do not list their definitions). Its BatchNorm eps of 0.001 changes no count.
    /// </summary>
    /// <param name="classes">Outputs of the last FC layer.</param>
    public static Network BnAlexNet(int classes = 1000)
    {
        Guard.Positive(classes, nameof(classes));
        return Build("bn_alexnet", [(64, 11, 4, 2, 1), (192, 5, 1, 2, 1), (384, 3, 1, 1, 1), (256, 3, 1, 1, 1), (256, 3, 1, 1, 1)],
            lrn: false, ceil: false, adaptivePool: true, TensorShape.Chw(3, 224, 224), batchNorm: true, classes: classes);
    }

    // (filters, kernel, stride, padding, groups) of conv1-conv5; pools of 3x3 stride 2 follow conv1, conv2 and conv5.
    private static Network Build(string name, (int C, int K, int S, int P, int G)[] convs, bool lrn, bool ceil, bool adaptivePool, TensorShape input, bool lrnAfterPool = false, bool batchNorm = false, int classes = 1000)
    {
        var features = new List<Module>();
        for (var i = 0; i < convs.Length; i++)
        {
            var (c, k, s, p, g) = convs[i];
            features.Add(new Conv2d { OutChannels = c, Kernel = k, Stride = s, Padding = p, Groups = g });
            if (batchNorm)
            {
                features.Add(BatchNorm2d.Default);
            }

            features.Add(new ReLU { Inplace = true });
            var pooled = i is 0 or 1 or 4;
            var normalised = lrn && i is 0 or 1;
            if (normalised && !lrnAfterPool)
            {
                features.Add(new LocalResponseNorm { Size = 5, Alpha = 1e-4, Beta = 0.75, K = 2 });
            }

            if (pooled)
            {
                features.Add(new MaxPool2d { Kernel = 3, Stride = 2, CeilMode = ceil });
            }

            if (normalised && lrnAfterPool)
            {
                features.Add(new LocalResponseNorm { Size = 5, Alpha = 1e-4, Beta = 0.75, K = 2 });
            }
        }

        var children = new List<Child> { new("features", new Sequential(features)) };
        if (adaptivePool)
        {
            children.Add(new("avgpool", new AdaptiveAvgPool2d { OutputSize = 6 }));
        }

        children.Add(new("flatten", new Functional(Flatten.Instance)));
        Module[] Hidden() => batchNorm
            ? [new Dropout(), new Linear { OutFeatures = 4096 }, new BatchNorm1d(), new ReLU { Inplace = true }]
            : [new Dropout(), new Linear { OutFeatures = 4096 }, new ReLU { Inplace = true }];
        children.Add(new("classifier", new Sequential([.. Hidden(), .. Hidden(), new Linear { OutFeatures = classes }])));
        return Network.Create(name, new Sequential(children), input);
    }

    internal static IEnumerable<(string Name, string Description, string Paper, Func<Network> Build)> Entries() =>
    [
        ("alexnet", "AlexNet as torchvision (64/192/384/256/256 filters, no groups, no LRN)", AlexNetPaper + "; torchvision after Krizhevsky 2014", AlexNet),
        ("alexnet_original", "AlexNet as the 2012 paper (96/256/384/384/256 filters, two groups, LRN, 227 input)", AlexNetPaper, AlexNetOriginal),
        ("zfnet", "ZFNet (conv1 7x7 stride 2, conv2 stride 2, 110/55/26/13 sizes)", ZfNetPaper, ZfNet),
        ("zfnet_large", "ZFNet with the lecture's 512/1024/512 filters in conv3-5", ZfNetPaper + "; EECS 498-007 Lecture 8", ZfNetLarge),
    ];
}

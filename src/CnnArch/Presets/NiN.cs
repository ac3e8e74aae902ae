using CnnArch.Graph;
using CnnArch.Layers;

namespace CnnArch.Presets;

/// <summary>
/// Network In Network (Lin, Chen and Yan 2014): "mlpconv" layers, each a convolution followed by two 1x1
/// convolutions (a small MLP slid over the image), and global average pooling of one map per class in
/// place of fully connected layers. The ImageNet model is the authors' Caffe model-zoo net
/// (gist mavenlin/d802a5849de39225bcc6, <c>nin_imagenet</c>).
/// </summary>
public static class NiNs
{
    internal const string Paper = "Lin, Chen, Yan. Network In Network. ICLR 2014 (arXiv 1312.4400); the ImageNet model of the Caffe model zoo (gist mavenlin/d802a5849de39225bcc6)";

    internal const string BnPaper = Paper + "; with BatchNorm after every conv, as in Canziani, Paszke, Culurciello. An Analysis of Deep Neural Network Models for Practical Applications. 2016 (arXiv 1605.07678)";

    // (filters, kernel, stride, padding) of the first conv of each mlpconv layer.
    private static readonly (int C, int K, int S, int P)[] Stages = [(96, 11, 4, 0), (256, 5, 1, 2), (384, 3, 1, 1), (1024, 3, 1, 1)];

    /// <summary>
    /// The Caffe model zoo's ImageNet NiN on 3x224x224, module paths as a PyTorch <c>nn.Sequential</c>
    /// (<c>features.0</c> is Caffe's conv1): conv 11x11/4 of 96 and two 1x1 of 96 (cccp1, cccp2), max pool
    /// 3/2; conv 5x5 of 256 and two 1x1; max pool; conv 3x3 of 384 and two 1x1; max pool; dropout 0.5; conv
    /// 3x3 of 1024, 1x1 of 1024 and 1x1 of <paramref name="classes"/>; a ReLU after every conv, the last too;
    /// global average pool (<c>avgpool</c>) and a functional flatten. Caffe's pools round up, so the max pools
    /// are ceil-mode (224 -> 54 -> 27 -> 13 -> 6); Caffe's 6x6 average pool is global at 224, and is an
    /// adaptive one here so that any input works.
    /// </summary>
    /// <param name="batchNorm">BN-NiN: BatchNorm after every conv, before its ReLU.</param>
    /// <param name="classes">Channels of the last 1x1 conv, one map per class.</param>
    public static Network ImageNet(bool batchNorm = false, int classes = 1000)
    {
        Guard.Positive(classes, nameof(classes));
        var features = new List<Module>();
        for (var i = 0; i < Stages.Length; i++)
        {
            var (c, k, s, p) = Stages[i];
            if (i == Stages.Length - 1)
            {
                features.Add(new Dropout { P = 0.5 });
            }

            var last = i == Stages.Length - 1 ? classes : c;
            foreach (var conv in new[] { new Conv2d { OutChannels = c, Kernel = k, Stride = s, Padding = p }, new Conv2d { OutChannels = c, Kernel = 1 }, new Conv2d { OutChannels = last, Kernel = 1 } })
            {
                features.Add(conv);
                if (batchNorm)
                {
                    features.Add(BatchNorm2d.Default);
                }

                features.Add(new ReLU { Inplace = true });
            }

            if (i < Stages.Length - 1)
            {
                features.Add(new MaxPool2d { Kernel = 3, Stride = 2, CeilMode = true });
            }
        }

        return Network.Create(batchNorm ? "bn_nin" : "nin", Sequential.Of(
            ("features", new Sequential(features)),
            ("avgpool", AdaptiveAvgPool2d.Global),
            ("flatten", Functional.Flatten)), TensorShape.Chw(3, 224, 224));
    }
}

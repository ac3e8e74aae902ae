#!/usr/bin/env python3
"""PyTorch re-implementations of CNNs that exist only as papers (or non-PyTorch code), for the
reference JSONs and ONNX fixtures. Imported by torchvision_reference.py / export_onnx.py:

    python3 torchvision_reference.py unet m5 ... --out ../models
    python3 export_onnx.py m5 unet_small --out ../../Fixtures/onnx

Module paths (named_modules()) are the paths CnnArch's presets use: do not rename them.
Every model is built in eval mode at batch 1 with PyTorch's default initialisation (the weights
do not matter: only the architecture does). Running `python3 paper_models.py` prints each model's
parameter count and output shape next to the figure its paper states.

Families and their sources (where the paper is silent the rule used is stated at the spot):

- unet, unet_small: Ronneberger, Fischer, Brox 2015, "U-Net", arXiv 1505.04597, Fig. 1.
- unet3d: Cicek et al. 2016, "3D U-Net", arXiv 1606.06650, Fig. 1 and Sec. 2.
- vnet: Milletari, Navab, Ahmadi 2016, "V-Net", arXiv 1606.04797, Fig. 2, checked against the
  authors' Caffe net github.com/faustomilletari/VNet Prototxt/test_noPooling_ResNet_cinque.prototxt
  and github.com/mattmacy/vnet.pytorch vnet.py.
- m3, m5, m11, m18, m34_res: Dai, Dai, Qu, Li, Das 2017, "Very deep convolutional neural networks
  for raw waveforms", arXiv 1610.00087, Table 1; the authors published no code: padding and the
  final classifier follow github.com/philipperemy/very-deep-convnets-raw-waveforms (Keras,
  models.py / model_resnet.py) and github.com/arrrrrmin/esc-learner (esc_learner/wavemxnet/model.py).
- ecg_resnet34: Hannun et al. 2019, Nature Medicine 25:65-69, re-implemented from the authors'
  Keras code github.com/awni/ecg (ecg/network.py, examples/irhythm/config.json, ecg/load.py).
- bn_alexnet: torchvision's AlexNet (Krizhevsky 2014, "One weird trick": 64/192/384/256/256) with
  BatchNorm2d after every conv and BatchNorm1d after both hidden FC layers, each before its ReLU:
  the layout of github.com/soumith/imagenet-multiGPU.torch models/alexnetowtbn_cudnn.lua, the
  BN-AlexNet of Canziani, Paszke, Culurciello 2016 ("An Analysis of Deep Neural Network Models for
  Practical Applications", arXiv 1605.07678), whose models are Torch7 ones.
- nin, bn_nin: Lin, Chen, Yan 2014, "Network In Network", arXiv 1312.4400: the ImageNet model of the
  Caffe model zoo (gist mavenlin/d802a5849de39225bcc6, nin_imagenet train_val.prototxt): conv
  11x11/4 96 + two 1x1 (cccp1, cccp2), max 3/2, conv 5x5 256 + two 1x1, max 3/2, conv 3x3 384 + two
  1x1, max 3/2, dropout, conv 3x3 1024 + 1x1 1024 + 1x1 1000, ReLU after every conv (the last
  too), average pool. Caffe pools round up (ceil_mode=True, 224 -> 54 -> 27 -> 13 -> 6) and its
  6x6 average pool is global at 224 (AdaptiveAvgPool2d(1) here, so any input works). bn_nin adds
  BatchNorm2d after every conv, before its ReLU.
- inception_v4, inception_resnet_v2, senet154: Szegedy, Ioffe, Vanhoucke, Alemi 2017 ("Inception-v4,
  Inception-ResNet and the Impact of Residual Connections on Learning", AAAI, arXiv 1602.07261) and
  Hu, Shen, Sun 2018 ("Squeeze-and-Excitation Networks", CVPR, arXiv 1709.01507) as Cadene's
  pretrained-models.pytorch builds them (pretrainedmodels/models/inceptionv4.py,
  inceptionresnetv2.py, senet.py, commit 8aae3d8): re-written here with the same module tree (every
  named_modules() path, class of leaf, argument and forward order as there), 1000 classes (the
  'imagenet' weights), inputs 299, 299 and 224 as their pretrained settings. Parameters
  42,679,816 / 55,843,464 / 115,088,984, as Cadene's and timm's. They were checked
  against Cadene's own files (paths, leaf classes, output shapes and parameters of every leaf, in
  execution order); that check is not kept here.
- enet: Paszke, Chaurasia, Kim, Culurciello 2016 ("ENet", arXiv 1606.02147, Table 1: 3x512x512) as
  github.com/davidtvs/PyTorch-ENet builds it (models/enet.py, commit e17d404; encoder PReLU, decoder
  ReLU), 19 classes (Cityscapes' evaluated categories); re-written with the same module tree and
  checked against davidtvs's file (every leaf, at 512x512, 360x480 and 500x375); that check is not kept here.
- nasnet_a_large, nasnet_a_mobile: Zoph, Vasudevan, Shlens, Le 2018, "Learning Transferable
  Architectures for Scalable Image Recognition", arXiv 1707.07012, as Cadene's
  pretrained-models.pytorch builds them (pretrainedmodels/models/nasnet.py, nasnet_mobile.py, commit
  8aae3d8), 1000 classes, inputs 331 and 224:
  generated with this folder's hooks from Cadene's own files; neither they nor a loader for them is kept here.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

SOURCE = "paper_models.py (tests/CnnArch.Tests/Reference/tools) / torch 1.13 (Debian)"


# ---------------------------------------------------------------------------------------------
# U-Net (2-D) and 3-D U-Net: valid convolutions, center-cropped skips, concatenation [skip, up]


def _center_crop(skip, like):
    """Crop skip's spatial axes (2 onward) to like's, centered: U-Net's 'copy and crop'.
    Where the margin is odd the extra element goes to the far side (floor on the near side)."""
    idx = [slice(None), slice(None)]
    for s, t in zip(skip.shape[2:], like.shape[2:]):
        lo = (s - t) // 2
        idx.append(slice(lo, lo + t))
    return skip[tuple(idx)]


class UNet(nn.Module):
    """U-Net of Ronneberger et al. 2015, Fig. 1: 3x3 valid convs with bias + ReLU, 2x2 max pool,
    2x2 up-convolution (ConvTranspose, bias) halving the channels, crop + concat, 1x1 conv head.
    dims=3 with bn=True is the 3-D U-Net of Cicek et al. 2016 (BN before each ReLU)."""

    def __init__(self, in_channels=1, num_classes=2, widths=(64, 128, 256, 512, 1024), dims=2,
                 bn=False, up_channels=None):
        super().__init__()
        Conv = {2: nn.Conv2d, 3: nn.Conv3d}[dims]
        Up = {2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}[dims]
        Pool = {2: nn.MaxPool2d, 3: nn.MaxPool3d}[dims]
        BN = {2: nn.BatchNorm2d, 3: nn.BatchNorm3d}[dims]
        self.levels = levels = len(widths) - 1  # encoders (the bottleneck is the last width)

        def double_conv(cin, cmid, cout):
            mods = [Conv(cin, cmid, 3)]
            if bn:
                mods.append(BN(cmid))
            mods += [nn.ReLU(inplace=True), Conv(cmid, cout, 3)]
            if bn:
                mods.append(BN(cout))
            mods.append(nn.ReLU(inplace=True))
            return nn.Sequential(*mods)

        # widths[i] is (mid, out) of encoder i+1 as a pair when given as a tuple
        enc = [w if isinstance(w, tuple) else (w, w) for w in widths]
        cin = in_channels
        for i in range(levels):
            mid, out = enc[i]
            setattr(self, f"encoder{i + 1}", double_conv(cin, mid, out))
            setattr(self, f"pool{i + 1}", Pool(2))
            cin = out
        mid, out = enc[levels]
        self.bottleneck = double_conv(cin, mid, out)
        cin = out
        # decoders, deepest first: decoder{i} sees [skip of encoder{i}, up{i}(x)]
        for i in range(levels, 0, -1):
            skip = enc[i - 1][1]
            upc = up_channels[i - 1] if up_channels else cin // 2
            setattr(self, f"up{i}", Up(cin, upc, kernel_size=2, stride=2))
            setattr(self, f"decoder{i}", double_conv(skip + upc, skip, skip))
            cin = skip
        self.head = Conv(cin, num_classes, kernel_size=1)

    def forward(self, x):
        skips = []
        for i in range(1, self.levels + 1):
            x = getattr(self, f"encoder{i}")(x)
            skips.append(x)
            x = getattr(self, f"pool{i}")(x)
        x = self.bottleneck(x)
        for i in range(self.levels, 0, -1):
            x = getattr(self, f"up{i}")(x)
            x = torch.cat([_center_crop(skips[i - 1], x), x], 1)  # skip FIRST, as in Fig. 1
            x = getattr(self, f"decoder{i}")(x)
        return self.head(x)


def unet():
    # Fig. 1: 1x572x572 -> 2x388x388
    return UNet(1, 2, (64, 128, 256, 512, 1024)), [1, 572, 572]


def unet_small():
    # the same structure at 1/8 the widths. U-Net's valid inputs are 16n + 124 (572 = 16*28 + 124)
    # with output 16n - 60: 188 (n = 4) is the smallest, 1x188x188 -> 2x4x4
    return UNet(1, 2, (8, 16, 32, 64, 128)), [1, 188, 188]


def unet3d():
    # Cicek et al. Fig. 1: each analysis level doubles its channels in its SECOND conv ("we
    # double the number of channels already before max pooling"): 3->32->64,
    # 64->64->128, 128->128->256, bottleneck 256->256->512. The up-convolutions keep the channel
    # count (512->512, 256->256, 128->128), then concat [skip, up]:
    # decoder3 256+512 -> 256 -> 256, decoder2 128+256 -> 128 -> 128, decoder1 64+128 -> 64 -> 64.
    # BatchNorm before each ReLU (Sec. 2). Input: the paper's 132x132x116 tile with 3 channels as
    # C x D x H x W = 3x116x132x132; output 3 labels at 28x44x44 (the paper's 44x44x28).
    # Valid inputs: every spatial size 8n + 28 (116 = 8*11 + 28, 132 = 8*13 + 28), output 8n - 60,
    # so 92 is the smallest (output 4): there is no "half size" variant.
    # Parameters: 19,075,523 here vs the paper's 19,069,955. The difference, 5,568, is exactly
    # the BatchNorm scales and shifts (4,672 = 2 x 2,336 channels) plus the three up-conv biases
    # (512 + 256 + 128 = 896): the paper's count fits a Caffe net whose BatchNorm layers have no
    # learnable scale/shift (no Scale layer) and whose up-convolutions have no bias (an inference
    # from the arithmetic only; it also confirms the channel layout above). Kept as PyTorch
    # builds it: BatchNorm3d with affine, ConvTranspose3d with bias.
    m = UNet(3, 3, ((32, 64), (64, 128), (128, 256), (256, 512)), dims=3, bn=True,
             up_channels=(128, 256, 512))
    return m, [3, 116, 132, 132]


# ---------------------------------------------------------------------------------------------
# V-Net


class VNetStage(nn.Sequential):
    """n (Conv3d 5x5x5 pad 2, PReLU) pairs with a residual: the stage input is added to the
    output of the LAST conv BEFORE that conv's PReLU, as in the authors' prototxt
    (addLayerX_Y = Eltwise SUM(last conv, stage input) -> outBlockX_Y_RELU = PReLU).
    Children 0..2n-1: conv, prelu, conv, prelu, ..."""

    def __init__(self, channels, n, in_channels=None):
        mods = []
        for i in range(n):
            cin = in_channels if (i == 0 and in_channels is not None) else channels
            mods += [nn.Conv3d(cin, channels, kernel_size=5, padding=2),
                     nn.PReLU(num_parameters=channels)]
        super().__init__(*mods)

    def forward(self, x, residual=None):
        res = x if residual is None else residual
        mods = list(self)
        for conv, prelu in zip(mods[0:-2:2], mods[1:-2:2]):
            x = prelu(conv(x))
        x = mods[-2](x)
        return mods[-1](x + res)


class VNet(nn.Module):
    """V-Net, Milletari et al. 2016, Fig. 2 (the paper's stage depths 1,2,3,3,3 / 3,3,2,1).

    The authors' released prototxt has shallower stages, 1,1,2,3,3 left and 3,2,1,1 right
    (mattmacy/vnet.pytorch copies those and keeps the figure's depths in a comment as "the
    network topology as described in the diagram"); this follows the paper's figure.

    Left stages 16, 32, 64, 128, 256 channels; down convs Conv3d k2 s2 doubling + PReLU.
    Right: ConvTranspose3d k2 s2 + PReLU to HALF the next right stage's width, concatenated
    [up, skip] (prototxt order: deconv first) with the same-resolution left stage output, giving
    right stages of 256, 128, 64, 32 channels (Fig. 2). So up4 256->128 halves, but up3 256->64,
    up2 128->32 and up1 64->16 quarter: that is what the prototxt (deconv_in16_chan64 etc.) and
    mattmacy/vnet.pytorch (UpTransition: outChans // 2) do, and the only way to reach Fig. 2's
    right-stage widths.
    """

    def __init__(self, in_channels=1, num_classes=2, depths_left=(1, 2, 3, 3, 3),
                 depths_right=(3, 3, 2, 1)):
        super().__init__()
        widths = [16, 32, 64, 128, 256]
        self.widths = widths
        # stage 1: conv 1->16; its residual is the 1-channel input repeated 16 times (prototxt
        # split1_1 + concat1_1 "tiled1_1"; mattmacy's InputTransition does the same)
        self.encoder1 = VNetStage(16, depths_left[0], in_channels=in_channels)
        for i in range(1, 5):
            setattr(self, f"down{i}", nn.Sequential(
                nn.Conv3d(widths[i - 1], widths[i], kernel_size=2, stride=2),
                nn.PReLU(num_parameters=widths[i])))
            setattr(self, f"encoder{i + 1}", VNetStage(widths[i], depths_left[i]))
        right = {4: 256, 3: 128, 2: 64, 1: 32}
        cin = widths[4]
        for k, i in enumerate((4, 3, 2, 1)):
            upc = right[i] - widths[i - 1]  # = right[i] // 2
            setattr(self, f"up{i}", nn.Sequential(
                nn.ConvTranspose3d(cin, upc, kernel_size=2, stride=2),
                nn.PReLU(num_parameters=upc)))
            setattr(self, f"decoder{i}", VNetStage(right[i], depths_right[k]))
            cin = right[i]
        # Paper: "the very last convolutional layer, having 1x1x1 kernel size ... converts [to] 2
        # feature maps" + voxelwise softmax. (The prototxt has a 5x5x5 32->2 conv + PReLU before
        # a 1x1x1 2->2 conv; this follows the paper's text: one 1x1x1 conv 32->2.)
        self.head = nn.Conv3d(32, num_classes, kernel_size=1)

    def forward(self, x):
        c = self.encoder1[0].out_channels
        x = self.encoder1(x, torch.cat([x] * (c // x.shape[1]), 1))
        skips = [x]
        for i in range(1, 5):
            x = getattr(self, f"down{i}")(x)
            x = getattr(self, f"encoder{i + 1}")(x)  # residual: the down conv's output
            skips.append(x)
        for i in (4, 3, 2, 1):
            x = getattr(self, f"up{i}")(x)
            x = torch.cat([x, skips[i - 1]], 1)
            x = getattr(self, f"decoder{i}")(x)  # residual: the concatenation
        x = self.head(x)
        return F.softmax(x, dim=1)


def vnet():
    # Fig. 2: a 128x128x64 volume, here C x D x H x W = 1x64x128x128; output 2x64x128x128
    return VNet(), [1, 64, 128, 128]


# ---------------------------------------------------------------------------------------------
# Dai et al. 2017: M3, M5, M11, M18, M34-res on 8 kHz x 4 s raw audio (1x32000), 10 classes
#
# Table 1: first conv [80/4, n] (kernel 80, stride 4), then kernel 3; every conv followed by BN
# and ReLU; max pool 4 between stages (outputs 2000, 500, 125, 32), global average pooling,
# softmax. (The paper's own text could not be fetched when this was written: the widths and
# depths are those of Table 1 as both public implementations reproduce it, and philipperemy's
# Keras models have exactly the parameter counts of the models here, 221,194 / 559,114 /
# 1,786,442 / 3,683,786, against Table 1's 0.2M / 0.5M / 1.8M / 3.7M.)
# Decisions (the paper is silent, the authors published no code):
# - padding "same" (Keras), as philipperemy/very-deep-convnets-raw-waveforms: the k=80 s=4 conv
#   pads 38 on both sides (32000 -> 8000, exactly Keras' 'same' here), the k=3 convs pad 1;
# - the pool after the 125-long stage uses ceil_mode (125 -> 32, Table 1's "output: 32 x n";
#   esc-learner does the same; Keras' valid pooling would give 31);
# - M3 has two pools (8000 -> 2000 -> 500) and M5 four, the last before the global pooling, as in
#   both public implementations (Table 1's pool rows apply to the stages a model has);
# - a Linear(n, 10) after the global average pooling: the softmax needs 10 outputs from n channels
#   and both public implementations have it (it adds 0.1-1.2% to the parameters, too little to
#   tell from Table 1's rounded counts; the abstract's "without the use of fully connected
#   layers" is read as: no hidden FC layers);
# - convs keep their bias (Keras' Conv1D default; philipperemy's trainable counts, e.g. M3
#   221,194, include it).
# M34-res: BasicBlock-like blocks (conv, bn, relu, conv, bn, + shortcut, relu); where the
# channels double (first block of layer2..4) the shortcut is a 1x1 conv + BN `downsample` (the
# paper does not say; philipperemy instead repeats the channels, parameter-free).


def _cbr(cin, cout, k=3, stride=1, padding=1):
    return nn.Sequential(nn.Conv1d(cin, cout, k, stride=stride, padding=padding),
                         nn.BatchNorm1d(cout), nn.ReLU(inplace=True))


class DaiBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv1d(cin, cout, 3, padding=1)
        self.bn1 = nn.BatchNorm1d(cout)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv1d(cout, cout, 3, padding=1)
        self.bn2 = nn.BatchNorm1d(cout)
        self.relu2 = nn.ReLU(inplace=True)
        self.downsample = None
        if cin != cout:
            self.downsample = nn.Sequential(nn.Conv1d(cin, cout, 1), nn.BatchNorm1d(cout))

    def forward(self, x):
        idt = x
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            idt = self.downsample(x)
        return self.relu2(out + idt)


class DaiNet(nn.Module):
    def __init__(self, first, stages, residual=False, num_classes=10):
        """first: channels of the [80/4] conv; stages: [(channels, count)] for layer1..; count
        is convs (plain) or two-conv blocks (residual)."""
        super().__init__()
        self.conv1 = nn.Conv1d(1, first, 80, stride=4, padding=38)
        self.bn1 = nn.BatchNorm1d(first)
        self.relu1 = nn.ReLU(inplace=True)
        self.pool1 = nn.MaxPool1d(4)
        self.stages = len(stages)
        cin = first
        for i, (c, n) in enumerate(stages, 1):
            blocks = []
            for _ in range(n):
                blocks.append(DaiBlock(cin, c) if residual else _cbr(cin, c))
                cin = c
            setattr(self, f"layer{i}", nn.Sequential(*blocks))
        # pools after layer1..: M3 one (-> 500), M5 three (the last one right before the global
        # pooling), M11/M18/M34-res three, between the four stages
        self.npools = {1: 1, 3: 3, 4: 3}[len(stages)]
        for j in range(2, 2 + self.npools):
            # the fourth pool sees 125 samples: ceil_mode gives Table 1's 32
            setattr(self, f"pool{j}", nn.MaxPool1d(4, ceil_mode=(j == 4)))
        self.avgpool = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        for i in range(1, self.stages + 1):
            x = getattr(self, f"layer{i}")(x)
            if i + 1 < 2 + self.npools:
                x = getattr(self, f"pool{i + 1}")(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


AUDIO = [1, 32000]


def m3():
    return DaiNet(256, [(256, 1)]), AUDIO


def m5():
    return DaiNet(128, [(128, 1), (256, 1), (512, 1)]), AUDIO


def m11():
    return DaiNet(64, [(64, 2), (128, 2), (256, 3), (512, 2)]), AUDIO


def m18():
    return DaiNet(64, [(64, 4), (128, 4), (256, 4), (512, 4)]), AUDIO


def m34_res():
    return DaiNet(48, [(48, 3), (96, 4), (192, 6), (384, 3)], residual=True), AUDIO


# ---------------------------------------------------------------------------------------------
# Hannun et al. 2019 (awni/ecg): 34-layer 1-D ResNet, one prediction per 256 samples
#
# network.py with examples/irhythm/config.json: conv_filter_length 16, conv_num_filters_start 32,
# conv_subsample_lengths [1,2]*8 (16 blocks), conv_increase_channels_at 4 (32 * 2^(i//4)
# filters), conv_num_skip 2, conv_dropout 0.2, he_normal init, Keras Conv1D padding 'same'
# (bias on), BatchNormalization defaults (eps 1e-3, momentum 0.99), TimeDistributed(Dense) +
# softmax.
#   stem: conv(32) -> BN -> ReLU
#   block i: shortcut = MaxPooling1D(subsample) (pool 1 = identity, no module here), zero-padded
#            to twice the channels (functional cat with zeros) when i % 4 == 0 and i > 0;
#            main = [BN, ReLU] (not in block 0) -> conv(stride subsample) -> BN -> ReLU ->
#            Dropout(0.2) -> conv; out = shortcut + main
#   end: BN -> ReLU -> Dense per time step (12 classes) -> softmax
# 'same' padding: Keras pads (k-1)//2 = 7 left and 8 right for k=16 stride 1, which Conv1d's
# symmetric padding cannot express: those convs get an explicit nn.ConstantPad1d((7, 8)) named
# pad1 / pad2 before them and padding 0. For stride 2 on an even length Keras pads 7 + 7
# (out = ceil(L/2) = L/2), which Conv1d(padding=7, stride=2) does exactly; every stride-2 conv
# sees an even length since the input is a multiple of 256.
# Input: 30-s records at 200 Hz (paper; examples/irhythm: clean_30sec_recs), which ecg/load.py
# truncates to a multiple of STEP = 256: 6000 -> 5888 samples = 23 outputs. The network itself is
# length-agnostic (input_shape [None, 1]).


def _bn(c):
    return nn.BatchNorm1d(c, eps=1e-3, momentum=0.01)  # Keras BatchNormalization defaults


class EcgBlock(nn.Module):
    def __init__(self, index, cin, cout, stride, k=16, dropout=0.2):
        super().__init__()
        self.zero_pad = cout != cin
        if index > 0:
            self.bn1 = _bn(cin)
            self.relu1 = nn.ReLU()
        if stride == 1:
            self.pad1 = nn.ConstantPad1d(((k - 1) // 2, k // 2), 0.0)
            self.conv1 = nn.Conv1d(cin, cout, k, stride=1)
        else:
            self.conv1 = nn.Conv1d(cin, cout, k, stride=stride, padding=(k - 2) // 2)
        self.bn2 = _bn(cout)
        self.relu2 = nn.ReLU()
        self.dropout = nn.Dropout(dropout)
        self.pad2 = nn.ConstantPad1d(((k - 1) // 2, k // 2), 0.0)
        self.conv2 = nn.Conv1d(cout, cout, k)
        if stride > 1:
            self.shortcut = nn.MaxPool1d(stride)

    def forward(self, x):
        sc = self.shortcut(x) if hasattr(self, "shortcut") else x
        if self.zero_pad:
            sc = torch.cat([sc, torch.zeros_like(sc)], 1)
        out = x
        if hasattr(self, "bn1"):
            out = self.relu1(self.bn1(out))
        if hasattr(self, "pad1"):
            out = self.pad1(out)
        out = self.relu2(self.bn2(self.conv1(out)))
        out = self.conv2(self.pad2(self.dropout(out)))
        return sc + out


class EcgResNet34(nn.Module):
    def __init__(self, num_classes=12, k=16, start=32, blocks=16, increase_at=4):
        super().__init__()
        self.pad1 = nn.ConstantPad1d(((k - 1) // 2, k // 2), 0.0)
        self.conv1 = nn.Conv1d(1, start, k)
        self.bn1 = _bn(start)
        self.relu1 = nn.ReLU()
        layers = []
        cin = start
        for i in range(blocks):
            cout = start * 2 ** (i // increase_at)
            stride = 2 if i % 2 == 1 else 1
            layers.append(EcgBlock(i, cin, cout, stride, k))
            cin = cout
        self.layers = nn.Sequential(*layers)
        self.bn_final = _bn(cin)
        self.relu_final = nn.ReLU()
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x):
        x = self.relu1(self.bn1(self.conv1(self.pad1(x))))
        x = self.layers(x)
        x = self.relu_final(self.bn_final(x))
        x = self.fc(x.transpose(1, 2))  # TimeDistributed(Dense): (N, T, C) -> (N, T, classes)
        return F.softmax(x, dim=-1).transpose(1, 2)  # (N, classes, T)


def ecg_resnet34():
    return EcgResNet34(), [1, 5888]


# ---------------------------------------------------------------------------------------------
# BN-AlexNet, NiN and BN-NiN (the small networks of Canziani et al. 2016's chart)


class BnAlexNet(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        layers, cin = [], 3
        for cout, k, s, p, pool in [(64, 11, 4, 2, True), (192, 5, 1, 2, True), (384, 3, 1, 1, False),
                                    (256, 3, 1, 1, False), (256, 3, 1, 1, True)]:
            layers += [nn.Conv2d(cin, cout, k, s, p), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
            if pool:
                layers.append(nn.MaxPool2d(3, 2))
            cin = cout
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(0.5), nn.Linear(256 * 6 * 6, 4096), nn.BatchNorm1d(4096), nn.ReLU(inplace=True),
            nn.Dropout(0.5), nn.Linear(4096, 4096), nn.BatchNorm1d(4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes))

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


def bn_alexnet():
    return BnAlexNet(), [3, 224, 224]


class NiN(nn.Module):
    """features: four mlpconv layers (a conv and two 1x1 convs, each followed by [BN and] ReLU)
    with a ceil-mode 3x3/2 max pool after the first three and dropout before the fourth;
    then a global average pool and torch.flatten."""

    def __init__(self, num_classes=1000, bn=False):
        super().__init__()
        layers, cin = [], 3
        stages = [(96, 11, 4, 0), (256, 5, 1, 2), (384, 3, 1, 1), (1024, 3, 1, 1)]
        for i, (cout, k, s, p) in enumerate(stages):
            if i == 3:
                layers.append(nn.Dropout(0.5))
            last = num_classes if i == 3 else cout
            for j, (ci, co, kk, ss, pp) in enumerate([(cin, cout, k, s, p), (cout, cout, 1, 1, 0), (cout, last, 1, 1, 0)]):
                layers.append(nn.Conv2d(ci, co, kk, ss, pp))
                if bn:
                    layers.append(nn.BatchNorm2d(co))
                layers.append(nn.ReLU(inplace=True))
            if i < 3:
                layers.append(nn.MaxPool2d(3, 2, ceil_mode=True))
            cin = cout
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return torch.flatten(self.avgpool(self.features(x)), 1)


def nin():
    return NiN(), [3, 224, 224]


def bn_nin():
    return NiN(bn=True), [3, 224, 224]


# ---------------------------------------------------------------------------------------------
# Inception-v4, Inception-ResNet-v2 and SENet-154 with the module tree of Cadene's
# pretrained-models.pytorch. Containers' class names are not recorded (only leaves'), so the
# containers here are generic; paths, leaves and forward order are Cadene's.


class CBR(nn.Module):
    """Cadene's BasicConv2d: conv (no bias), BatchNorm2d(eps=0.001), ReLU (in place in
    inceptionv4.py, not in inceptionresnetv2.py)."""

    def __init__(self, cin, cout, k, s=1, p=0, inplace=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, s, p, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=0.001)
        self.relu = nn.ReLU(inplace=inplace)

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


def _seq(*specs, inplace=True):
    """nn.Sequential of CBR(cin, cout, k, s, p) from tuples; a module is taken as is."""
    return nn.Sequential(*[m if isinstance(m, nn.Module) else CBR(*m, inplace=inplace) for m in specs])


def _avg3():
    return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)


class Branches(nn.Module):
    """Children run in the given order on the same input and are concatenated (Cadene's Mixed_*,
    Inception_*, Reduction_* modules)."""

    def __init__(self, **children):
        super().__init__()
        for name, m in children.items():
            setattr(self, name, m)
        self.order = list(children)

    def forward(self, x):
        return torch.cat([getattr(self, n)(x) for n in self.order], 1)


class InceptionC4(nn.Module):
    """Inception-v4's Inception_C: branch1 and branch2 end in a 1x3 and a 3x1 conv side by side."""

    def __init__(self):
        super().__init__()
        self.branch0 = CBR(1536, 256, 1)
        self.branch1_0 = CBR(1536, 384, 1)
        self.branch1_1a = CBR(384, 256, (1, 3), 1, (0, 1))
        self.branch1_1b = CBR(384, 256, (3, 1), 1, (1, 0))
        self.branch2_0 = CBR(1536, 384, 1)
        self.branch2_1 = CBR(384, 448, (3, 1), 1, (1, 0))
        self.branch2_2 = CBR(448, 512, (1, 3), 1, (0, 1))
        self.branch2_3a = CBR(512, 256, (1, 3), 1, (0, 1))
        self.branch2_3b = CBR(512, 256, (3, 1), 1, (1, 0))
        self.branch3 = _seq(_avg3(), (1536, 256, 1))

    def forward(self, x):
        x0 = self.branch0(x)
        x1 = self.branch1_0(x)
        x1 = torch.cat((self.branch1_1a(x1), self.branch1_1b(x1)), 1)
        x2 = self.branch2_2(self.branch2_1(self.branch2_0(x)))
        x2 = torch.cat((self.branch2_3a(x2), self.branch2_3b(x2)), 1)
        return torch.cat((x0, x1, x2, self.branch3(x)), 1)


def _inception_a4():
    return Branches(branch0=CBR(384, 96, 1), branch1=_seq((384, 64, 1), (64, 96, 3, 1, 1)),
                    branch2=_seq((384, 64, 1), (64, 96, 3, 1, 1), (96, 96, 3, 1, 1)),
                    branch3=_seq(_avg3(), (384, 96, 1)))


def _inception_b4():
    return Branches(
        branch0=CBR(1024, 384, 1),
        branch1=_seq((1024, 192, 1), (192, 224, (1, 7), 1, (0, 3)), (224, 256, (7, 1), 1, (3, 0))),
        branch2=_seq((1024, 192, 1), (192, 192, (7, 1), 1, (3, 0)), (192, 224, (1, 7), 1, (0, 3)),
                     (224, 224, (7, 1), 1, (3, 0)), (224, 256, (1, 7), 1, (0, 3))),
        branch3=_seq(_avg3(), (1024, 128, 1)))


class InceptionV4(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.features = nn.Sequential(
            CBR(3, 32, 3, 2), CBR(32, 32, 3), CBR(32, 64, 3, 1, 1),
            Branches(maxpool=nn.MaxPool2d(3, stride=2), conv=CBR(64, 96, 3, 2)),  # Mixed_3a
            Branches(branch0=_seq((160, 64, 1), (64, 96, 3)),  # Mixed_4a
                     branch1=_seq((160, 64, 1), (64, 64, (1, 7), 1, (0, 3)), (64, 64, (7, 1), 1, (3, 0)), (64, 96, 3))),
            Branches(conv=CBR(192, 192, 3, 2), maxpool=nn.MaxPool2d(3, stride=2)),  # Mixed_5a
            *[_inception_a4() for _ in range(4)],
            Branches(branch0=CBR(384, 384, 3, 2),  # Reduction_A
                     branch1=_seq((384, 192, 1), (192, 224, 3, 1, 1), (224, 256, 3, 2)),
                     branch2=nn.MaxPool2d(3, stride=2)),
            *[_inception_b4() for _ in range(7)],
            Branches(branch0=_seq((1024, 192, 1), (192, 192, 3, 2)),  # Reduction_B
                     branch1=_seq((1024, 256, 1), (256, 256, (1, 7), 1, (0, 3)), (256, 320, (7, 1), 1, (3, 0)), (320, 320, 3, 2)),
                     branch2=nn.MaxPool2d(3, stride=2)),
            *[InceptionC4() for _ in range(3)])
        self.last_linear = nn.Linear(1536, num_classes)

    def forward(self, x):
        x = self.features(x)
        x = F.avg_pool2d(x, kernel_size=x.shape[2])  # Cadene's logits(): a pool as wide as the map
        return self.last_linear(x.view(x.size(0), -1))


class ResidualInception(nn.Module):
    """Block35 / Block17 / Block8: branches concatenated, a 1x1 conv (with bias) back to the input
    width, out * scale + x, then ReLU (none in the last Block8)."""

    def __init__(self, branches, cat, width, scale, relu=True):
        super().__init__()
        self.scale = scale
        self.names = list(branches)
        for n, m in branches.items():
            setattr(self, n, m)
        self.conv2d = nn.Conv2d(cat, width, kernel_size=1, stride=1)
        if relu:
            self.relu = nn.ReLU(inplace=False)

    def forward(self, x):
        out = torch.cat([getattr(self, n)(x) for n in self.names], 1)
        out = self.conv2d(out) * self.scale + x
        return self.relu(out) if hasattr(self, "relu") else out


def _block35():
    q = dict(inplace=False)
    return ResidualInception(dict(
        branch0=CBR(320, 32, 1, inplace=False), branch1=_seq((320, 32, 1), (32, 32, 3, 1, 1), **q),
        branch2=_seq((320, 32, 1), (32, 48, 3, 1, 1), (48, 64, 3, 1, 1), **q)), 128, 320, 0.17)


def _block17():
    return ResidualInception(dict(
        branch0=CBR(1088, 192, 1, inplace=False),
        branch1=_seq((1088, 128, 1), (128, 160, (1, 7), 1, (0, 3)), (160, 192, (7, 1), 1, (3, 0)), inplace=False)),
        384, 1088, 0.10)


def _block8(scale=0.20, relu=True):
    return ResidualInception(dict(
        branch0=CBR(2080, 192, 1, inplace=False),
        branch1=_seq((2080, 192, 1), (192, 224, (1, 3), 1, (0, 1)), (224, 256, (3, 1), 1, (1, 0)), inplace=False)),
        448, 2080, scale, relu)


class InceptionResNetV2(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        q = dict(inplace=False)
        self.conv2d_1a = CBR(3, 32, 3, 2, **q)
        self.conv2d_2a = CBR(32, 32, 3, 1, **q)
        self.conv2d_2b = CBR(32, 64, 3, 1, 1, **q)
        self.maxpool_3a = nn.MaxPool2d(3, stride=2)
        self.conv2d_3b = CBR(64, 80, 1, 1, **q)
        self.conv2d_4a = CBR(80, 192, 3, 1, **q)
        self.maxpool_5a = nn.MaxPool2d(3, stride=2)
        self.mixed_5b = Branches(branch0=CBR(192, 96, 1, **q), branch1=_seq((192, 48, 1), (48, 64, 5, 1, 2), **q),
                                 branch2=_seq((192, 64, 1), (64, 96, 3, 1, 1), (96, 96, 3, 1, 1), **q),
                                 branch3=_seq(_avg3(), (192, 64, 1), **q))
        self.repeat = nn.Sequential(*[_block35() for _ in range(10)])
        self.mixed_6a = Branches(branch0=CBR(320, 384, 3, 2, **q),
                                 branch1=_seq((320, 256, 1), (256, 256, 3, 1, 1), (256, 384, 3, 2), **q),
                                 branch2=nn.MaxPool2d(3, stride=2))
        self.repeat_1 = nn.Sequential(*[_block17() for _ in range(20)])
        self.mixed_7a = Branches(branch0=_seq((1088, 256, 1), (256, 384, 3, 2), **q),
                                 branch1=_seq((1088, 256, 1), (256, 288, 3, 2), **q),
                                 branch2=_seq((1088, 256, 1), (256, 288, 3, 1, 1), (288, 320, 3, 2), **q),
                                 branch3=nn.MaxPool2d(3, stride=2))
        self.repeat_2 = nn.Sequential(*[_block8() for _ in range(9)])
        self.block8 = _block8(scale=1.0, relu=False)
        self.conv2d_7b = CBR(2080, 1536, 1, 1, **q)
        self.avgpool_1a = nn.AvgPool2d(8, count_include_pad=False)
        self.last_linear = nn.Linear(1536, num_classes)

    def forward(self, x):
        for n in ["conv2d_1a", "conv2d_2a", "conv2d_2b", "maxpool_3a", "conv2d_3b", "conv2d_4a", "maxpool_5a",
                  "mixed_5b", "repeat", "mixed_6a", "repeat_1", "mixed_7a", "repeat_2", "block8", "conv2d_7b",
                  "avgpool_1a"]:
            x = getattr(self, n)(x)
        return self.last_linear(x.view(x.size(0), -1))


class SEModule(nn.Module):
    def __init__(self, channels, reduction):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, channels // reduction, kernel_size=1, padding=0)
        self.relu = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(channels // reduction, channels, kernel_size=1, padding=0)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        return x * self.sigmoid(self.fc2(self.relu(self.fc1(self.avg_pool(x)))))


class SEBottleneck(nn.Module):
    """SENet-154's bottleneck: 1x1 to 2 planes, grouped 3x3 (stride here) to 4 planes, 1x1 to
    4 planes; the shortcut runs after bn3 and before the SE module; one ReLU module used 3 times."""

    def __init__(self, cin, planes, groups, reduction, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes * 2, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes * 2)
        self.conv2 = nn.Conv2d(planes * 2, planes * 4, kernel_size=3, stride=stride, padding=1, groups=groups, bias=False)
        self.bn2 = nn.BatchNorm2d(planes * 4)
        self.conv3 = nn.Conv2d(planes * 4, planes * 4, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.se_module = SEModule(planes * 4, reduction=reduction)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        residual = self.downsample(x) if self.downsample is not None else x
        return self.relu(self.se_module(out) + residual)


class SENet154(nn.Module):
    def __init__(self, num_classes=1000, layers=(3, 8, 36, 3), groups=64, reduction=16):
        super().__init__()
        from collections import OrderedDict
        self.layer0 = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(3, 64, 3, stride=2, padding=1, bias=False)), ("bn1", nn.BatchNorm2d(64)), ("relu1", nn.ReLU(inplace=True)),
            ("conv2", nn.Conv2d(64, 64, 3, stride=1, padding=1, bias=False)), ("bn2", nn.BatchNorm2d(64)), ("relu2", nn.ReLU(inplace=True)),
            ("conv3", nn.Conv2d(64, 128, 3, stride=1, padding=1, bias=False)), ("bn3", nn.BatchNorm2d(128)), ("relu3", nn.ReLU(inplace=True)),
            ("pool", nn.MaxPool2d(3, stride=2, ceil_mode=True))]))
        cin = 128
        for i, (planes, blocks) in enumerate(zip((64, 128, 256, 512), layers)):
            stride = 1 if i == 0 else 2
            # layer1's projection is 1x1 without padding; layers 2-4 project with a 3x3 conv, padding 1
            k, p = (1, 0) if i == 0 else (3, 1)
            down = nn.Sequential(nn.Conv2d(cin, planes * 4, kernel_size=k, stride=stride, padding=p, bias=False),
                                 nn.BatchNorm2d(planes * 4))
            mods = [SEBottleneck(cin, planes, groups, reduction, stride, down)]
            cin = planes * 4
            mods += [SEBottleneck(cin, planes, groups, reduction) for _ in range(1, blocks)]
            setattr(self, f"layer{i + 1}", nn.Sequential(*mods))
        self.avg_pool = nn.AvgPool2d(7, stride=1)
        self.dropout = nn.Dropout(0.2)
        self.last_linear = nn.Linear(2048, num_classes)

    def forward(self, x):
        for n in ["layer0", "layer1", "layer2", "layer3", "layer4", "avg_pool", "dropout"]:
            x = getattr(self, n)(x)
        return self.last_linear(x.view(x.size(0), -1))


class ENetInitial(nn.Module):
    def __init__(self):
        super().__init__()
        self.main_branch = nn.Conv2d(3, 13, 3, stride=2, padding=1, bias=False)
        self.ext_branch = nn.MaxPool2d(3, stride=2, padding=1)
        self.batch_norm = nn.BatchNorm2d(16)
        self.out_activation = nn.PReLU()

    def forward(self, x):
        return self.out_activation(self.batch_norm(torch.cat((self.main_branch(x), self.ext_branch(x)), 1)))


def _unit(cin, cout, act, k=1, s=1, p=0, d=1):
    """conv (no bias), BatchNorm and, unless act is None, the activation: nn.Sequential 0, 1, 2."""
    mods = [nn.Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, bias=False), nn.BatchNorm2d(cout)]
    return nn.Sequential(*(mods + ([act()] if act else [])))


class ENetRegular(nn.Module):
    def __init__(self, c, act, dilation=1, asymmetric=False, p=0.1):
        super().__init__()
        i = c // 4
        self.ext_conv1 = _unit(c, i, act)
        if asymmetric:
            self.ext_conv2 = nn.Sequential(*_unit(i, i, act, (5, 1), p=(2, 0)), *_unit(i, i, act, (1, 5), p=(0, 2)))
        else:
            self.ext_conv2 = _unit(i, i, act, 3, p=dilation, d=dilation)
        self.ext_conv3 = _unit(i, c, act)
        self.ext_regul = nn.Dropout2d(p=p)
        self.out_activation = act()

    def forward(self, x):
        ext = self.ext_regul(self.ext_conv3(self.ext_conv2(self.ext_conv1(x))))
        return self.out_activation(x + ext)


class ENetDown(nn.Module):
    def __init__(self, cin, cout, p):
        super().__init__()
        i = cin // 4
        self.main_max1 = nn.MaxPool2d(2, stride=2, return_indices=True)
        self.ext_conv1 = _unit(cin, i, nn.PReLU, 2, 2)
        self.ext_conv2 = _unit(i, i, nn.PReLU, 3, p=1)
        self.ext_conv3 = _unit(i, cout, nn.PReLU)
        self.ext_regul = nn.Dropout2d(p=p)
        self.out_activation = nn.PReLU()

    def forward(self, x):
        main, indices = self.main_max1(x)
        ext = self.ext_regul(self.ext_conv3(self.ext_conv2(self.ext_conv1(x))))
        n, c, h, w = ext.size()
        main = torch.cat((main, torch.zeros(n, c - main.size(1), h, w)), 1)
        return self.out_activation(main + ext), indices


class ENetUp(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        i = cin // 4
        self.main_conv1 = _unit(cin, cout, None)
        self.main_unpool1 = nn.MaxUnpool2d(kernel_size=2)
        self.ext_conv1 = _unit(cin, i, nn.ReLU)
        self.ext_tconv1 = nn.ConvTranspose2d(i, i, kernel_size=2, stride=2, bias=False)
        self.ext_tconv1_bnorm = nn.BatchNorm2d(i)
        self.ext_tconv1_activation = nn.ReLU()
        self.ext_conv2 = _unit(i, cout, None)
        self.ext_regul = nn.Dropout2d(p=0.1)
        self.out_activation = nn.ReLU()

    def forward(self, x, indices, output_size):
        main = self.main_unpool1(self.main_conv1(x), indices, output_size=output_size)
        ext = self.ext_tconv1(self.ext_conv1(x), output_size=output_size)
        ext = self.ext_regul(self.ext_conv2(self.ext_tconv1_activation(self.ext_tconv1_bnorm(ext))))
        return self.out_activation(main + ext)


class ENet(nn.Module):
    ENCODER = [("regular2_1", 1, False), ("dilated2_2", 2, False), ("asymmetric2_3", 1, True), ("dilated2_4", 4, False),
               ("regular2_5", 1, False), ("dilated2_6", 8, False), ("asymmetric2_7", 1, True), ("dilated2_8", 16, False),
               ("regular3_0", 1, False), ("dilated3_1", 2, False), ("asymmetric3_2", 1, True), ("dilated3_3", 4, False),
               ("regular3_4", 1, False), ("dilated3_5", 8, False), ("asymmetric3_6", 1, True), ("dilated3_7", 16, False)]

    def __init__(self, num_classes=19):
        super().__init__()
        self.initial_block = ENetInitial()
        self.downsample1_0 = ENetDown(16, 64, 0.01)
        for k in range(1, 5):
            setattr(self, f"regular1_{k}", ENetRegular(64, nn.PReLU, p=0.01))
        self.downsample2_0 = ENetDown(64, 128, 0.1)
        for name, d, asym in self.ENCODER:
            setattr(self, name, ENetRegular(128, nn.PReLU, d, asym))
        self.upsample4_0 = ENetUp(128, 64)
        self.regular4_1 = ENetRegular(64, nn.ReLU)
        self.regular4_2 = ENetRegular(64, nn.ReLU)
        self.upsample5_0 = ENetUp(64, 16)
        self.regular5_1 = ENetRegular(16, nn.ReLU)
        self.transposed_conv = nn.ConvTranspose2d(16, num_classes, kernel_size=3, stride=2, padding=1, bias=False)

    def forward(self, x):
        input_size = x.size()
        x = self.initial_block(x)
        stage1_input_size = x.size()
        x, indices1 = self.downsample1_0(x)
        for k in range(1, 5):
            x = getattr(self, f"regular1_{k}")(x)
        stage2_input_size = x.size()
        x, indices2 = self.downsample2_0(x)
        for name, _, _ in self.ENCODER:
            x = getattr(self, name)(x)
        x = self.regular4_2(self.regular4_1(self.upsample4_0(x, indices2, output_size=stage2_input_size)))
        x = self.regular5_1(self.upsample5_0(x, indices1, output_size=stage1_input_size))
        return self.transposed_conv(x, output_size=input_size)


def enet():
    return ENet(19), [3, 512, 512]


def inception_v4():
    return InceptionV4(), [3, 299, 299]


def inception_resnet_v2():
    return InceptionResNetV2(), [3, 299, 299]


def senet154():
    return SENet154(), [3, 224, 224]


# ---------------------------------------------------------------------------------------------

MODELS = {
    "unet": unet, "unet_small": unet_small, "unet3d": unet3d, "vnet": vnet,
    "m3": m3, "m5": m5, "m11": m11, "m18": m18, "m34_res": m34_res,
    "ecg_resnet34": ecg_resnet34,
    "bn_alexnet": bn_alexnet, "nin": nin, "bn_nin": bn_nin,
    "inception_v4": inception_v4, "inception_resnet_v2": inception_resnet_v2, "senet154": senet154,
    "enet": enet,
}

# figures the papers state, for the check below
PUBLISHED_PARAMS = {
    "unet3d": 19069955,  # Cicek et al. Sec. 2: "The architecture has 19069955 parameters in total"
    "m3": 0.2e6, "m5": 0.5e6, "m11": 1.8e6, "m18": 3.7e6, "m34_res": 4e6,  # Dai et al. Table 1
    # Cadene's pretrained-models.pytorch and timm (inception_v4, inception_resnet_v2, legacy_senet154)
    "inception_v4": 42679816, "inception_resnet_v2": 55843464, "senet154": 115088984,
    # Zoph et al. Tables 2 and 3: 88.9M and 5.3M; Cadene's implementation counts 88,753,150 and 5,289,978
    "nasnet_a_large": 88.9e6, "nasnet_a_mobile": 5.3e6,
}


def build(name, input_override=None):
    """(model in eval mode, input shape with batch 1). Raises KeyError for unknown names."""
    model, shape = MODELS[name]()
    if input_override:
        shape = list(input_override)
    model.eval()
    return model, [1] + list(shape)


def _leaves(model, shape):
    """(path, class, output shape, params) of every leaf module call, in execution order."""
    rows, handles = [], []
    for path, m in model.named_modules():
        if len(list(m.children())) == 0:
            handles.append(m.register_forward_hook(lambda mod, i, o, path=path: rows.append(
                (path, type(mod).__name__, list((o[0] if isinstance(o, tuple) else o).shape),
                 sum(p.numel() for p in mod.parameters())))))
    with torch.no_grad():
        model(torch.randn(shape))
    for h in handles:
        h.remove()
    return rows


if __name__ == "__main__":
    import sys
    names = sys.argv[1:] or list(MODELS)
    for n in names:
        torch.manual_seed(0)
        m, shape = build(n)
        p = sum(t.numel() for t in m.parameters())
        b = sum(t.numel() for t in m.buffers())
        with torch.no_grad():
            y = m(torch.randn(shape))
        pub = PUBLISHED_PARAMS.get(n)
        print(f"{n}: input {shape} output {list(y.shape)} params {p} buffers {b}"
              + (f" (paper: {pub:,.0f})" if pub else ""))

namespace CnnArch.Presets;

/// <summary>The presets beyond 2-D images: video (3-D over time), medical volumes and 1-D signals.</summary>
public static partial class Catalog
{
    private static readonly PresetParameter Classes400 = Classes("Output classes (Kinetics-400)", 400);

    private static PresetParameter Classes(string description, int @default) => PresetParameter.Integer("classes", description, @default, 1, 100_000);

    private static IEnumerable<Entry> VolumeEntries()
    {
        yield return Preset("r3d_18", "Video ResNet", "R3D-18 as torchvision: 3x3x3 convolutions, 16 frames of 112x112", VideoNets.TranPaper, a => VideoNets.R3D18(a.Int("classes")), Classes400);
        yield return Preset("mc3_18", "Video ResNet", "MC3-18 as torchvision: 3-D convolutions in the first stage, 1x3x3 after", VideoNets.TranPaper, a => VideoNets.MC3_18(a.Int("classes")), Classes400);
        yield return Preset("r2plus1d_18", "Video ResNet", "R(2+1)D-18 as torchvision: each 3x3x3 factorised into 1x3x3 and 3x1x1 at the mid-plane width", VideoNets.TranPaper, a => VideoNets.R2Plus1D18(a.Int("classes")), Classes400);
        yield return Preset("s3d", "S3D", "S3D as torchvision: separable 3-D inception, 16 frames of 224x224", VideoNets.S3dPaper, a => VideoNets.S3D(a.Int("classes")), Classes400);
        yield return Preset("mvit_v1_b", "MViT", "MViT V1-B as torchvision: 16 frames of 224x224, 3x7x7 patches, 16 blocks of pooling attention (a depthwise 3x3x3 conv per head) from 96 to 768 channels, absolute space-time positions",
            MultiscaleVisionTransformers.V1Paper, a => MultiscaleVisionTransformers.V1B(a.Int("classes")), Classes400);
        yield return Preset("mvit_v2_s", "MViT", "MViT V2-S as torchvision: 16 frames of 224x224, 16 blocks of pooling attention with decomposed relative positions and residual pooling, 96 to 768 channels",
            MultiscaleVisionTransformers.V2Paper, a => MultiscaleVisionTransformers.V2S(a.Int("classes")), Classes400);

        yield return Preset("unet", "U-Net", "U-Net as the paper: valid 3x3 convs, 572x572 in, 388x388 out, 2 classes", MedicalNets.UNetPaper,
            a => MedicalNets.UNet(a.Int("classes"), a.Int("width")), Classes("Output classes", 2),
            PresetParameter.Integer("width", "Channels of the first level, doubled at each level below", 64, 1, 4096));
        yield return Preset("unet3d", "U-Net", "3-D U-Net as the paper: 132x132x116 tile of 3 channels, 44x44x28 out, BN, 19,069,955 parameters", MedicalNets.UNet3DPaper,
            a => MedicalNets.UNet3D(a.Int("classes")), Classes("Output labels", 3));
        yield return Preset("vnet", "V-Net", "V-Net as the paper: residual stages of 5x5x5 convs with PReLU on a 128x128x64 volume", MedicalNets.VNetPaper,
            a => MedicalNets.VNet(a.Int("classes")), Classes("Output channels", 2));

        foreach (var name in SignalNets.DaiNames)
        {
            var description = name == "m34_res" ? "M34-res: 34 layers of residual 1-D convs on raw audio (32,000 samples)" : $"{name.ToUpperInvariant()}: {name[1..]} weight layers of 1-D convs on raw audio (32,000 samples)";
            yield return Preset(name, "Raw waveform CNN", description, SignalNets.DaiPaper,
                a => SignalNets.Dai(name, a.Int("classes")), Classes("Output classes (UrbanSound8k)", 10));
        }

        yield return Preset("ecg_resnet34", "ECG ResNet", "34-layer 1-D ResNet on 30 s of single-lead ECG: 12 rhythm classes every 256 samples", SignalNets.HannunPaper,
            a => SignalNets.EcgResNet34(a.Int("classes")), Classes("Rhythm classes", 12));
    }
}

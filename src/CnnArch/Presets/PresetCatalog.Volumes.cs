namespace CnnArch.Presets;

/// <summary>The presets beyond 2-D images: video (3-D over time), medical volumes and 1-D signals.</summary>
public static partial class Catalog
{
    private static readonly PresetParameter Classes400 = new("classes", "Output classes (Kinetics-400)", "400");

    private static IEnumerable<Entry> VolumeEntries()
    {
        yield return Preset("r3d_18", "Video ResNet", "R3D-18 as torchvision: 3x3x3 convolutions, 16 frames of 112x112", VideoNets.TranPaper, a => VideoNets.R3D18(a.Int("classes")), Classes400);
        yield return Preset("mc3_18", "Video ResNet", "MC3-18 as torchvision: 3-D convolutions in the first stage, 1x3x3 after", VideoNets.TranPaper, a => VideoNets.MC3_18(a.Int("classes")), Classes400);
        yield return Preset("r2plus1d_18", "Video ResNet", "R(2+1)D-18 as torchvision: each 3x3x3 factorised into 1x3x3 and 3x1x1 at the mid-plane width", VideoNets.TranPaper, a => VideoNets.R2Plus1D18(a.Int("classes")), Classes400);
        yield return Preset("s3d", "S3D", "S3D as torchvision: separable 3-D inception, 16 frames of 224x224", VideoNets.S3dPaper, a => VideoNets.S3D(a.Int("classes")), Classes400);
    }
}

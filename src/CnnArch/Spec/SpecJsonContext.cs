using System.Text.Json.Serialization;
using CnnArch.Layers;

namespace CnnArch.Spec;

/// <summary>
/// Compile-time JSON metadata for every layer a spec file can hold, so that reading and writing specs
/// needs no reflection (NativeAOT and trimming keep working). The options themselves are
/// <see cref="SpecFormat.Options"/>; the layer list is <see cref="LayerKinds.All"/>, checked equal by a test.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    IgnoreReadOnlyProperties = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    IncludeFields = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(Conv1d))]
[JsonSerializable(typeof(Conv2d))]
[JsonSerializable(typeof(Conv3d))]
[JsonSerializable(typeof(ConvTranspose1d))]
[JsonSerializable(typeof(ConvTranspose2d))]
[JsonSerializable(typeof(ConvTranspose3d))]
[JsonSerializable(typeof(MaxPool1d))]
[JsonSerializable(typeof(MaxPool2d))]
[JsonSerializable(typeof(MaxPool3d))]
[JsonSerializable(typeof(AvgPool1d))]
[JsonSerializable(typeof(AvgPool2d))]
[JsonSerializable(typeof(AvgPool3d))]
[JsonSerializable(typeof(AdaptiveAvgPool1d))]
[JsonSerializable(typeof(AdaptiveAvgPool2d))]
[JsonSerializable(typeof(AdaptiveAvgPool3d))]
[JsonSerializable(typeof(AdaptiveMaxPool1d))]
[JsonSerializable(typeof(AdaptiveMaxPool2d))]
[JsonSerializable(typeof(AdaptiveMaxPool3d))]
[JsonSerializable(typeof(Linear))]
[JsonSerializable(typeof(Flatten))]
[JsonSerializable(typeof(Dropout))]
[JsonSerializable(typeof(Identity))]
[JsonSerializable(typeof(BatchNorm1d))]
[JsonSerializable(typeof(BatchNorm2d))]
[JsonSerializable(typeof(BatchNorm3d))]
[JsonSerializable(typeof(InstanceNorm1d))]
[JsonSerializable(typeof(InstanceNorm2d))]
[JsonSerializable(typeof(InstanceNorm3d))]
[JsonSerializable(typeof(GroupNorm))]
[JsonSerializable(typeof(LayerNorm))]
[JsonSerializable(typeof(LocalResponseNorm))]
[JsonSerializable(typeof(ReLU))]
[JsonSerializable(typeof(ReLU6))]
[JsonSerializable(typeof(Sigmoid))]
[JsonSerializable(typeof(HardSigmoid))]
[JsonSerializable(typeof(HardSwish))]
[JsonSerializable(typeof(SiLU))]
[JsonSerializable(typeof(LeakyReLU))]
[JsonSerializable(typeof(Tanh))]
[JsonSerializable(typeof(Erf))]
[JsonSerializable(typeof(GELU))]
[JsonSerializable(typeof(Clip))]
[JsonSerializable(typeof(Softmax))]
[JsonSerializable(typeof(Add))]
[JsonSerializable(typeof(Concat))]
[JsonSerializable(typeof(Scale))]
[JsonSerializable(typeof(Elementwise))]
[JsonSerializable(typeof(MatMul))]
[JsonSerializable(typeof(Reshape))]
[JsonSerializable(typeof(Transpose))]
[JsonSerializable(typeof(Slice))]
[JsonSerializable(typeof(Pad))]
[JsonSerializable(typeof(Upsample))]
[JsonSerializable(typeof(PixelShuffle))]
[JsonSerializable(typeof(ReduceMean))]
[JsonSerializable(typeof(Opaque))]
internal sealed partial class SpecJsonContext : JsonSerializerContext;

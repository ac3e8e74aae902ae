using System.Text.Json.Serialization;
using CnnArch.Layers;

namespace CnnArch.Spec;

/// <summary>
/// Compile-time JSON metadata for every layer a spec file can hold, so that reading and writing specs
/// needs no reflection (NativeAOT and trimming keep working). The options themselves are
/// <see cref="SpecFormat.Options"/>; the layer list is <c>Conventions.BuiltInLayerTypes</c> and
/// <see cref="Opaque"/>, checked equal by a test.
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
[JsonSerializable(typeof(Conv2d))]
[JsonSerializable(typeof(MaxPool2d))]
[JsonSerializable(typeof(AvgPool2d))]
[JsonSerializable(typeof(AdaptiveAvgPool2d))]
[JsonSerializable(typeof(Linear))]
[JsonSerializable(typeof(Flatten))]
[JsonSerializable(typeof(BatchNorm2d))]
[JsonSerializable(typeof(LocalResponseNorm))]
[JsonSerializable(typeof(Dropout))]
[JsonSerializable(typeof(Identity))]
[JsonSerializable(typeof(ReLU))]
[JsonSerializable(typeof(ReLU6))]
[JsonSerializable(typeof(Sigmoid))]
[JsonSerializable(typeof(HardSigmoid))]
[JsonSerializable(typeof(HardSwish))]
[JsonSerializable(typeof(SiLU))]
[JsonSerializable(typeof(Softmax))]
[JsonSerializable(typeof(Add))]
[JsonSerializable(typeof(Concat))]
[JsonSerializable(typeof(Scale))]
[JsonSerializable(typeof(ConvTranspose2d))]
[JsonSerializable(typeof(MatMul))]
[JsonSerializable(typeof(Elementwise))]
[JsonSerializable(typeof(ReduceMean))]
[JsonSerializable(typeof(GlobalMaxPool2d))]
[JsonSerializable(typeof(LayerNorm))]
[JsonSerializable(typeof(InstanceNorm2d))]
[JsonSerializable(typeof(LeakyReLU))]
[JsonSerializable(typeof(Tanh))]
[JsonSerializable(typeof(Erf))]
[JsonSerializable(typeof(GELU))]
[JsonSerializable(typeof(Clip))]
[JsonSerializable(typeof(Reshape))]
[JsonSerializable(typeof(Transpose))]
[JsonSerializable(typeof(Slice))]
[JsonSerializable(typeof(Pad))]
[JsonSerializable(typeof(Resize))]
[JsonSerializable(typeof(Opaque))]
internal sealed partial class SpecJsonContext : JsonSerializerContext;

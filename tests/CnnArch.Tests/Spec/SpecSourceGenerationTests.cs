using CnnArch.Spec;

namespace CnnArch.Tests.Spec;

/// <summary>Specs are read and written with compile-time JSON metadata (no reflection, for NativeAOT); these pin what that needs.</summary>
public class SpecSourceGenerationTests
{
    [Fact]
    public void Every_Layer_Kind_Has_Metadata_And_Defaults_For_Spec_Files()
    {
        foreach (var kind in LayerKinds.All)
        {
            SpecFormat.Options.GetTypeInfo(kind.Type).Type.Should().Be(kind.Type);
            SpecFormat.Kind(kind.Name).Should().BeSameAs(kind);
            SpecFormat.Kind(kind.Type.Name).Should().BeSameAs(kind);
            SpecFormat.Defaults(kind.Type).Should().NotBeNull();
        }
    }

    [Fact]
    public void Optional_Properties_Left_Out_Take_Their_Defaults_Not_Zero()
    {
        var network = SpecReader.Parse("""{ "name": "d", "input": [3, 8, 8], "layers": [ { "type": "Conv2d", "outChannels": 4 }, { "type": "MaxPool2d", "kernel": 2 }, { "type": "Dropout" } ] }""");

        var conv = (Conv2d)network.Nodes[0].Layer;
        conv.Should().Be(new Conv2d { OutChannels = 4 });
        conv.Kernel.Should().Be(new SpatialSize(3, 3));
        conv.HasBias.Should().BeTrue();
        ((MaxPool2d)network.Nodes[1].Layer).Dilation.Should().Be(new SpatialSize(1, 1));
        ((Dropout)network.Nodes[2].Layer).P.Should().Be(0.5);
    }

    [Fact]
    public void A_Required_Property_Left_Out_Is_Still_An_Error()
    {
        var act = () => SpecReader.Parse("""{ "name": "d", "input": [3, 8, 8], "layers": [ { "type": "Conv2d", "kernel": 3 } ] }""");

        act.Should().Throw<SpecException>().WithMessage("*outChannels*");
    }
}

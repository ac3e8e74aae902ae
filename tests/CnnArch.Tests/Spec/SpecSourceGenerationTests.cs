using CnnArch.Spec;

namespace CnnArch.Tests.Spec;

/// <summary>Specs are read and written with compile-time JSON metadata (no reflection, for NativeAOT); these pin what that needs.</summary>
public class SpecSourceGenerationTests
{
    [Fact]
    public void Every_Spec_Layer_Type_Has_Metadata_And_A_Prototype_For_Its_Defaults()
    {
        var types = SpecFormat.LayerTypes.Values.Distinct().ToList();

        SpecFormat.PrototypeTypes.Should().BeEquivalentTo(types);
        foreach (var type in types)
        {
            SpecFormat.Options.GetTypeInfo(type).Type.Should().Be(type);
        }
    }

    [Fact]
    public void Optional_Properties_Left_Out_Take_Their_Defaults_Not_Zero()
    {
        var network = SpecReader.Parse("""{ "name": "d", "input": [3, 8, 8], "layers": [ { "type": "Conv2d", "outChannels": 4 }, { "type": "MaxPool2d", "kernel": 2 }, { "type": "Dropout" } ] }""");

        var conv = (Conv2d)network.Nodes[0].Layer;
        conv.Should().Be(new Conv2d { OutChannels = 4 });
        conv.Kernel.Should().Be(new Size2D(3, 3));
        conv.HasBias.Should().BeTrue();
        ((MaxPool2d)network.Nodes[1].Layer).Dilation.Should().Be(Size2D.One);
        ((Dropout)network.Nodes[2].Layer).P.Should().Be(0.5);
    }

    [Fact]
    public void A_Required_Property_Left_Out_Is_Still_An_Error()
    {
        var act = () => SpecReader.Parse("""{ "name": "d", "input": [3, 8, 8], "layers": [ { "type": "Conv2d", "kernel": 3 } ] }""");

        act.Should().Throw<SpecException>().WithMessage("*outChannels*");
    }
}

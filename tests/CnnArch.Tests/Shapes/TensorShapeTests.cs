namespace CnnArch.Tests.Shapes;

public class TensorShapeTests
{
    [Theory]
    [InlineData("3x227x227", new[] { 3, 227, 227 })]
    [InlineData("3,224,224", new[] { 3, 224, 224 })]
    [InlineData("1000", new[] { 1000 })]
    public void Should_Parse_Shapes(string text, int[] dims) =>
        TensorShape.Parse(text).Dims.Should().Equal(dims);

    [Theory]
    [InlineData("3x0x224")]
    [InlineData("3x-1x2")]
    [InlineData("abc")]
    [InlineData("")]
    public void Should_Reject_Malformed_Shapes(string text)
    {
        var act = () => TensorShape.Parse(text);

        act.Should().Throw<FormatException>().WithMessage($"'{text}' is not a shape*");
    }

    [Fact]
    public void Should_Compare_By_Dimensions()
    {
        TensorShape.Chw(64, 56, 56).Should().Be(TensorShape.Parse("64x56x56"));
        (TensorShape.Chw(1, 2, 3) == TensorShape.Chw(1, 3, 2)).Should().BeFalse();
        TensorShape.Chw(64, 56, 56).ToString().Should().Be("64x56x56");
    }
}

using CsCheck;

namespace CnnArch.Tests.Shapes;

public class SlidingWindowTests
{
    // Counts the window positions one by one: the definition the closed formula must agree with.
    private static int BruteForce(int size, int kernel, int stride, int pad, int dilation, bool ceil)
    {
        var span = dilation * (kernel - 1) + 1;
        var count = 0;
        for (var start = -pad; start + span <= size + pad; start += stride)
        {
            count++;
        }

        // Ceil mode admits one more, partial window if it starts inside the input or left padding.
        var next = -pad + (count * stride);
        if (ceil && next < size + pad - span + stride && next < size)
        {
            count++;
        }

        return count;
    }

    [Fact]
    public void Should_Agree_With_Counting_Window_Positions_For_Convolutions()
    {
        Gen.Select(Gen.Int[1, 64], Gen.Int[1, 7], Gen.Int[1, 4], Gen.Int[0, 3], Gen.Int[1, 3])
            .Where(t => t.Item1 + (2 * t.Item4) >= (t.Item5 * (t.Item2 - 1)) + 1)
            .Sample((size, k, s, p, d) =>
            {
                var conv = new Conv2d { OutChannels = 1, Kernel = k, Stride = s, Padding = p, Dilation = d };
                var shape = conv.InferShape([TensorShape.Chw(1, size, size)]);
                return shape.Spatial(0) == BruteForce(size, k, s, p, d, ceil: false);
            });
    }

    [Fact]
    public void Should_Agree_With_Counting_Window_Positions_For_Ceil_Mode_Pools()
    {
        Gen.Select(Gen.Int[1, 64], Gen.Int[1, 5], Gen.Int[1, 4])
            .Select((size, k, s) => (size, k, s, p: Math.Min(k / 2, 1)))
            .Where(t => t.size + (2 * t.p) >= t.k)
            .Sample(t =>
            {
                var pool = new MaxPool2d { Kernel = t.k, Stride = t.s, Padding = t.p, CeilMode = true };
                var shape = pool.InferShape([TensorShape.Chw(1, t.size, t.size)]);
                return shape.Spatial(0) == BruteForce(t.size, t.k, t.s, t.p, 1, ceil: true);
            });
    }

    [Theory]
    [InlineData(112, 3, 2, 0, 56)] // GoogLeNet maxpool1, torchvision
    [InlineData(110, 3, 2, 0, 55)] // ZFNet pool1
    [InlineData(26, 3, 2, 0, 13)] // ZFNet pool2
    [InlineData(14, 2, 2, 0, 7)] // GoogLeNet maxpool4
    [InlineData(5, 2, 2, 1, 3)] // the last window starts in the input: kept
    [InlineData(4, 3, 2, 1, 3)] // PyTorch drops a window that would start in the right padding
    public void Should_Follow_PyTorch_Ceil_Mode(int size, int k, int s, int p, int expected)
    {
        var pool = new MaxPool2d { Kernel = k, Stride = s, Padding = p, CeilMode = true };

        pool.InferShape([TensorShape.Chw(1, size, size)]).Spatial(0).Should().Be(expected);
    }

    [Fact]
    public void Should_Sum_Adaptive_Pool_Windows_Exactly()
    {
        // 7 -> 3: windows [0,3) [2,5) [4,7) cover 3 + 3 + 3 rows.
        var pool = new AdaptiveAvgPool2d { OutputSize = 3 };

        pool.WindowCellsPerChannel(TensorShape.Chw(1, 7, 7)).Should().Be(81);
        AdaptiveAvgPool2d.Global.WindowCellsPerChannel(TensorShape.Chw(1, 7, 7)).Should().Be(49);
    }
}

namespace CnnArch.Tests.Reliability;

public class BoundedReadTests
{
    private static readonly byte[] Data = [.. Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7 % 256))];

    private static Exception TooLarge() => new InvalidDataException("too large");

    [Fact]
    public void A_Stream_That_Tells_Its_Length_Is_Read_Whole()
    {
        BoundedRead.ReadAll(new MemoryStream(Data), 1 << 20, TooLarge).Should().Equal(Data);
    }

    [Fact]
    public void Reading_Starts_Where_The_Stream_Stands()
    {
        var stream = new MemoryStream(Data) { Position = 40_000 };
        BoundedRead.ReadAll(stream, 1 << 20, TooLarge).Should().Equal(Data[40_000..]);
    }

    [Fact]
    public void A_Stream_Without_A_Length_Is_Read_In_Chunks()
    {
        BoundedRead.ReadAll(new Unseekable(Data, lengthTold: null), 1 << 20, TooLarge).Should().Equal(Data);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(10L)]
    [InlineData(99_999L)]
    public void A_Stream_That_Tells_Too_Short_A_Length_Is_Still_Read_To_Its_End(long told)
    {
        // A file in /proc says 0 bytes; a file that grows says less than it has.
        BoundedRead.ReadAll(new Unseekable(Data, told), 1 << 20, TooLarge).Should().Equal(Data);
    }

    [Fact]
    public void A_Stream_That_Tells_Too_Long_A_Length_Gives_What_It_Has()
    {
        BoundedRead.ReadAll(new Unseekable(Data, lengthTold: 200_000), 1 << 20, TooLarge).Should().Equal(Data);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    [InlineData(100_000L)]
    public void More_Than_The_Cap_Is_Refused(long? told)
    {
        var act = () => BoundedRead.ReadAll(new Unseekable(Data, told), 99_999, TooLarge);
        act.Should().Throw<InvalidDataException>().WithMessage("too large");
    }

    [Fact]
    public void Exactly_The_Cap_Is_Read()
    {
        BoundedRead.ReadAll(new Unseekable(Data, lengthTold: null), 100_000, TooLarge).Should().Equal(Data);
        BoundedRead.ReadAll(new MemoryStream(Data), 100_000, TooLarge).Should().Equal(Data);
    }

    // Hands out at most 1000 bytes a read; seekable only when it tells a length, which may be wrong.
    private sealed class Unseekable(byte[] data, long? lengthTold) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => lengthTold is not null;

        public override bool CanWrite => false;

        public override long Length => lengthTold ?? throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 1000), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

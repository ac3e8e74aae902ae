namespace CnnArch;

/// <summary>Reads a whole stream up to a cap: a device or a pipe says nothing of its length (/dev/zero never ends).</summary>
internal static class BoundedRead
{
    /// <summary>The stream's bytes; <paramref name="tooLarge"/> is thrown as soon as more than <paramref name="maxBytes"/> arrive.</summary>
    /// <remarks>
    /// A stream that tells its length (a file) is read straight into an array of that length; one more
    /// read then confirms the end (a file in /proc reports 0 bytes and still has content). Anything
    /// beyond, or a stream without a length, is read in chunks up to the cap.
    /// </remarks>
    public static byte[] ReadAll(Stream stream, int maxBytes, Func<Exception> tooLarge)
    {
        var told = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : 0;
        if (told > maxBytes)
        {
            throw tooLarge();
        }

        var data = new byte[told];
        var filled = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (filled < data.Length)
        {
            return data[..filled];
        }

        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) == 0)
        {
            return data;
        }

        if (filled + 1L > maxBytes)
        {
            throw tooLarge();
        }

        using var buffer = new MemoryStream();
        buffer.Write(data);
        buffer.Write(probe);
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw tooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The UTF-8 text of the file at <paramref name="path"/> (a byte-order mark dropped), read up to
    /// <paramref name="maxBytes"/> whatever the file says of its length; <paramref name="tooLarge"/> beyond.
    /// </summary>
    public static string ReadText(string path, int maxBytes, Func<Exception> tooLarge)
    {
        using var stream = File.OpenRead(path);
        var bytes = ReadAll(stream, maxBytes, tooLarge);
        var text = bytes.AsSpan().StartsWith(System.Text.Encoding.UTF8.Preamble) ? bytes.AsSpan(System.Text.Encoding.UTF8.Preamble.Length) : bytes;
        return System.Text.Encoding.UTF8.GetString(text);
    }
}

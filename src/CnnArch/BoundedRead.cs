namespace CnnArch;

/// <summary>Reads a whole stream up to a cap: a device or a pipe says nothing of its length (/dev/zero never ends).</summary>
internal static class BoundedRead
{
    /// <summary>The stream's bytes; <paramref name="tooLarge"/> is thrown as soon as more than <paramref name="maxBytes"/> arrive.</summary>
    public static byte[] ReadAll(Stream stream, int maxBytes, Func<Exception> tooLarge)
    {
        using var buffer = new MemoryStream();
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
}

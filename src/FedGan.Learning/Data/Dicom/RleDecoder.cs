using System.Buffers.Binary;

namespace FedGan.Learning.Data.Dicom;

/// <summary>
/// DICOM RLE Lossless (PS3.5 annex G): a 64-byte header of little-endian segment offsets, then one
/// PackBits-coded segment per byte plane, most significant byte of each sample first.
/// </summary>
internal static class RleDecoder
{
    /// <summary>Decodes one frame into little-endian, sample-interleaved bytes (as native pixel data).</summary>
    public static byte[] Decode(byte[] frame, int pixels, int samplesPerPixel, int bytesPerSample, string path)
    {
        if (frame.Length < 64)
            throw new ImageLoadException(path, $"the RLE frame is {frame.Length} bytes, shorter than its 64-byte header.");
        var segments = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        var expected = samplesPerPixel * bytesPerSample;
        if (segments != expected)
            throw new ImageLoadException(path, $"the RLE header lists {segments} segments; {samplesPerPixel} samples of {bytesPerSample} bytes need {expected}.");

        // The whole segment table is checked against the frame before the output is allocated:
        // PackBits turns 2 bytes into at most 128, so a segment shorter than 1/64 of a byte plane
        // cannot fill it, however large Rows x Columns claims the image is.
        var bounds = new (uint Start, uint End)[segments];
        for (var segment = 0; segment < segments; segment++)
        {
            var start = BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(4 + 4 * segment));
            var end = segment + 1 < segments ? BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(8 + 4 * segment)) : (uint)frame.Length;
            if (start < 64 || end > frame.Length || end < start)
                throw new ImageLoadException(path, $"RLE segment {segment} has invalid offsets [{start}, {end}) in a {frame.Length}-byte frame.");
            if (64L * (end - start) < pixels)
                throw new ImageLoadException(path, $"RLE segment {segment} is {end - start:N0} bytes; PackBits decodes that to at most {64L * (end - start):N0}, and the image needs {pixels:N0}.");
            bounds[segment] = (start, end);
        }

        var output = new byte[(long)pixels * expected];
        for (var segment = 0; segment < segments; segment++)
        {
            var (start, end) = bounds[segment];
            var sample = segment / bytesPerSample;
            var byteInSample = bytesPerSample - 1 - segment % bytesPerSample; // MSB segment first, stored little-endian
            UnpackBits(frame.AsSpan((int)start, (int)(end - start)), output, sample * bytesPerSample + byteInSample, expected, pixels, path, segment);
        }
        return output;
    }

    private static void UnpackBits(ReadOnlySpan<byte> source, byte[] output, int offset, int stride, int pixels, string path, int segment)
    {
        var written = 0;
        var i = 0;
        while (written < pixels && i < source.Length)
        {
            var header = (sbyte)source[i++];
            if (header >= 0)
            {
                var count = header + 1;
                if (i + count > source.Length)
                    throw new ImageLoadException(path, $"RLE segment {segment} ends inside a literal run.");
                for (var k = 0; k < count && written < pixels; k++)
                    output[offset + stride * written++] = source[i + k];
                i += count;
            }
            else if (header != -128)
            {
                if (i >= source.Length)
                    throw new ImageLoadException(path, $"RLE segment {segment} ends inside a repeat run.");
                var value = source[i++];
                for (var k = 0; k < 1 - header && written < pixels; k++)
                    output[offset + stride * written++] = value;
            }
        }
        if (written < pixels)
            throw new ImageLoadException(path, $"RLE segment {segment} decodes to {written} bytes; the image needs {pixels}.");
    }
}

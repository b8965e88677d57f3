using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FedGan.Learning.Data.Dicom;

/// <summary>Turns a parsed data set's pixel data (native, RLE or baseline JPEG) into a <see cref="DicomImage"/>.</summary>
internal static class DicomPixelDecoder
{
    private static readonly string[] Monochrome = ["MONOCHROME1", "MONOCHROME2"];
    private static readonly string[] Color = ["RGB", "YBR_FULL", "YBR_FULL_422"];

    /// <param name="maxPixels">Largest frame accepted: a damaged or hostile Rows/Columns pair must not allocate gigabytes.</param>
    public static DicomImage Decode(DicomDataSet data, long maxPixels)
    {
        if (!data.HasPixelData)
            throw new ImageLoadException(data.Path, "the file has no Pixel Data (7FE0,0010): it is not an image.");
        var rows = data.RequiredUShort(DicomTag.Rows);
        var columns = data.RequiredUShort(DicomTag.Columns);
        var bitsAllocated = data.RequiredUShort(DicomTag.BitsAllocated);
        var bitsStored = data.UShort(DicomTag.BitsStored) ?? bitsAllocated;
        var highBit = data.UShort(DicomTag.HighBit) ?? (ushort)(bitsStored - 1);
        var signed = (data.UShort(DicomTag.PixelRepresentation) ?? 0) == 1;
        var samples = data.UShort(DicomTag.SamplesPerPixel) ?? 1;
        var planar = data.UShort(DicomTag.PlanarConfiguration) ?? 0;
        var photometric = data.Text(DicomTag.PhotometricInterpretation) ?? (samples == 1 ? "MONOCHROME2" : "RGB");
        var frames = data.Integer(DicomTag.NumberOfFrames) ?? 1;

        // Every size below is checked against the cap and the data present before anything is
        // allocated for pixels, in 64-bit arithmetic (Rows and Columns are 16-bit, their product is not).
        if (rows == 0 || columns == 0)
            throw new ImageLoadException(data.Path, $"the image is {rows}x{columns} pixels.");
        if ((long)rows * columns > maxPixels)
            throw new ImageLoadException(data.Path, $"the image is {rows}x{columns}, more than the {maxPixels:N0} pixels accepted.");
        if (bitsAllocated is not (1 or 8 or 16 or 32))
            throw data.Invalid(DicomTag.BitsAllocated, $"is {bitsAllocated}; 1, 8, 16 or 32 are supported");
        if (bitsStored == 0 || bitsStored > bitsAllocated || highBit >= bitsAllocated || highBit + 1 < bitsStored)
            throw data.Invalid(DicomTag.BitsStored, $"({bitsStored}, high bit {highBit}) does not fit {bitsAllocated} allocated bits");
        if (frames < 1)
            throw data.Invalid(DicomTag.NumberOfFrames, $"is {frames}");
        var isColor = samples == 3 && Color.Contains(photometric);
        if (!(samples == 1 && Monochrome.Contains(photometric)) && !isColor)
            throw new ImageLoadException(data.Path, $"photometric interpretation {photometric} with {samples} samples per pixel is not supported (MONOCHROME1/2, RGB, YBR_FULL and YBR_FULL_422 are).");

        var pixels = rows * columns;
        // Bytes of one frame as stored natively (also what RLE decodes to); YBR_FULL_422 keeps 2 bytes per 8-bit pixel pair member.
        long frameBits = photometric == "YBR_FULL_422" && data.Syntax.PixelEncoding == DicomPixelEncoding.Native
            ? 16L * pixels
            : (long)pixels * samples * bitsAllocated;
        if (frameBits / 8 > Array.MaxLength)
            throw new ImageLoadException(data.Path, $"one {rows}x{columns} frame of {samples} x {bitsAllocated}-bit samples is more than one array can hold.");
        double[] values;
        if (data.Syntax.PixelEncoding == DicomPixelEncoding.JpegBaseline)
        {
            // Baseline JPEG is 8 bits per sample; ImageSharp decodes to RGB (grey frames give R = G = B).
            values = DecodeJpeg(FirstFrameFragments(data, frames), rows, columns, data.Path);
            return isColor
                ? new DicomImage(rows, columns, photometric, data.Syntax, values, 1, 0, null, true, 8, frames)
                : WithGreyMapping(data, rows, columns, photometric, values, frames, 8);
        }

        var layout = new SampleLayout(bitsAllocated, bitsStored, highBit, signed, samples, planar, pixels);
        if (data.Syntax.PixelEncoding == DicomPixelEncoding.JpegLossless)
        {
            values = LosslessJpegValues(JpegLosslessDecoder.Decode(FirstFrameFragments(data, frames), rows, columns, samples, data.Path), layout, rows, columns, photometric, data.Path);
            return isColor
                ? new DicomImage(rows, columns, photometric, data.Syntax, values, 1, 0, null, true, bitsStored, frames)
                : WithGreyMapping(data, rows, columns, photometric, values, frames, bitsStored);
        }
        byte[] frame;
        if (data.Syntax.PixelEncoding == DicomPixelEncoding.Rle)
        {
            if (bitsAllocated == 1)
                throw new ImageLoadException(data.Path, "RLE with 1 bit allocated is not supported.");
            frame = RleDecoder.Decode(FirstFrameFragments(data, frames), pixels, samples, bitsAllocated / 8, data.Path);
            layout = layout with { Planar = 0 };
        }
        else
        {
            frame = NativeFrame(data, layout, frames, frameBits);
        }
        values = photometric == "YBR_FULL_422" && data.Syntax.PixelEncoding == DicomPixelEncoding.Native
            ? LumaOf422(frame, pixels, data.Path)
            : Samples(frame, layout, photometric);
        return isColor
            ? new DicomImage(rows, columns, photometric, data.Syntax, values, 1, 0, null, true, bitsStored, frames)
            : WithGreyMapping(data, rows, columns, photometric, values, frames, bitsStored);
    }

    private static DicomImage WithGreyMapping(DicomDataSet data, int rows, int columns, string photometric, double[] values, int frames, int bitsStored)
    {
        var slope = data.FirstDecimal(DicomTag.RescaleSlope) ?? 1.0;
        var intercept = data.FirstDecimal(DicomTag.RescaleIntercept) ?? 0.0;
        var center = data.FirstDecimal(DicomTag.WindowCenter);
        var width = data.FirstDecimal(DicomTag.WindowWidth);
        // PS3.3 requires a width of at least 1; a file with less has no usable window.
        (double, double)? window = center is { } c && width is { } w && w >= 1 ? (c, w) : null;
        return new DicomImage(rows, columns, photometric, data.Syntax, values, slope, intercept, window, false, bitsStored, frames);
    }

    /// <summary>Frame 1's bytes, once the declared Pixel Data length has been checked against every frame the header declares.</summary>
    private static byte[] NativeFrame(DicomDataSet data, SampleLayout layout, int frames, long frameBits)
    {
        var pixelData = data.NativePixels
            ?? throw new ImageLoadException(data.Path, $"Pixel Data (7FE0,0010) is encapsulated (compressed), but the transfer syntax {data.Syntax.Uid} ({data.Syntax.Name}) is uncompressed.");
        // 1-bit frames are packed back to back, so only the whole run is padded to a byte.
        var frameBytes = (frameBits + 7) / 8;
        var needed = ((Int128)frameBits * frames + 7) / 8;
        var geometry = $"{frames:N0} frame{(frames == 1 ? "" : "s")} of {layout.Pixels:N0} pixels x {layout.Samples} x {layout.BitsAllocated} bits";
        if (pixelData.Length < needed)
            throw new ImageLoadException(data.Path, $"Pixel Data (7FE0,0010) holds {pixelData.Length:N0} bytes; {geometry} need {needed:N0} (truncated file, or a wrong Number of Frames?).");
        // Trailing padding is tolerated; a whole frame or more beyond the declared frames is not (a bomb, or a wrong header).
        if (pixelData.Length - needed >= Math.Max(frameBytes, 2))
            throw new ImageLoadException(data.Path, $"Pixel Data (7FE0,0010) declares {pixelData.Length:N0} bytes, but {geometry} need only {needed:N0}.");
        var frame = pixelData.ReadPrefix((int)frameBytes);
        if (data.Syntax.BigEndian)
        {
            // Big endian OW words: swap each word's bytes so the frame reads as little endian.
            var word = layout.BitsAllocated == 8 && pixelData.Vr == "OW" ? 2 : layout.BitsAllocated > 8 ? layout.BitsAllocated / 8 : 1;
            for (var i = 0; i + word <= frame.Length; i += word)
                frame.AsSpan(i, word).Reverse();
        }
        return frame;
    }

    /// <summary>The bytes of frame 1: all fragments when the file has one frame, else the first fragment.</summary>
    private static byte[] FirstFrameFragments(DicomDataSet data, int frames)
    {
        var fragments = data.PixelFragments
            ?? throw new ImageLoadException(data.Path, $"{data.Syntax.Name} needs encapsulated Pixel Data, but it has a defined length.");
        // The first item is the Basic Offset Table (often empty); frames start after it.
        var frameFragments = fragments.Skip(1).ToList();
        if (frameFragments.Count == 0)
            throw new ImageLoadException(data.Path, "encapsulated Pixel Data holds no frame.");
        // PS3.5 A.4: a fragment holds data of one frame only, so each frame has at least one.
        if (frameFragments.Count < frames)
            throw new ImageLoadException(data.Path, $"encapsulated Pixel Data holds {frameFragments.Count:N0} fragments, but Number of Frames (0028,0008) is {frames:N0} and each frame needs at least one.");
        return frames == 1 ? [.. frameFragments.SelectMany(f => f)] : frameFragments[0];
    }

    /// <summary>Decoded lossless JPEG samples (interleaved) to grey values, signed and masked as the header says.</summary>
    private static double[] LosslessJpegValues(int[] decoded, SampleLayout layout, int rows, int columns, string photometric, string path)
    {
        if (decoded.Length != rows * columns * layout.Samples)
            throw new ImageLoadException(path, $"the lossless JPEG frame holds {decoded.Length} samples; {rows}x{columns}x{layout.Samples} are expected.");
        var values = new double[rows * columns];
        for (var p = 0; p < values.Length; p++)
        {
            if (layout.Samples == 1)
                values[p] = layout.FromRaw((uint)decoded[p]);
            else
            {
                double a = layout.FromRaw((uint)decoded[3 * p]), b = layout.FromRaw((uint)decoded[3 * p + 1]), c = layout.FromRaw((uint)decoded[3 * p + 2]);
                values[p] = photometric == "RGB" ? Luminance.Bt601(a, b, c) : a;
            }
        }
        return values;
    }

    private static double[] DecodeJpeg(byte[] jpeg, int rows, int columns, string path)
    {
        try
        {
            // The frame header first: a few bytes can declare a huge image, which must not be decoded to find out.
            var info = Image.Identify(jpeg) ?? throw new ImageLoadException(path, "the JPEG frame is not a recognised JPEG stream.");
            if (info.Height != rows || info.Width != columns)
                throw new ImageLoadException(path, $"the JPEG frame is {info.Height}x{info.Width}; the header says {rows}x{columns}.");
            // Each 8x8 block of the first component costs at least 2 bits (a DC code and an end-of-block code).
            var blocks = (long)((rows + 7) / 8) * ((columns + 7) / 8);
            if (8L * jpeg.Length < 2 * blocks)
                throw new ImageLoadException(path, $"the JPEG frame is {jpeg.Length:N0} bytes, too few for the {blocks:N0} blocks of a {rows}x{columns} image.");
            using var image = Image.Load<Rgb24>(jpeg);
            if (image.Height != rows || image.Width != columns)
                throw new ImageLoadException(path, $"the JPEG frame is {image.Height}x{image.Width}; the header says {rows}x{columns}.");
            var values = new double[rows * columns];
            image.ProcessPixelRows(access =>
            {
                for (var y = 0; y < rows; y++)
                {
                    var row = access.GetRowSpan(y);
                    for (var x = 0; x < columns; x++)
                        values[y * columns + x] = Luminance.Bt601(row[x].R, row[x].G, row[x].B);
                }
            });
            return values;
        }
        catch (Exception e) when (e is ImageFormatException or UnknownImageFormatException or NotSupportedException)
        {
            throw new ImageLoadException(path, $"the JPEG frame cannot be decoded: {e.Message}", e);
        }
    }

    private static double[] LumaOf422(byte[] frame, int pixels, string path)
    {
        if (pixels % 2 != 0)
            throw new ImageLoadException(path, "YBR_FULL_422 needs an even number of pixels.");
        // Each pair of pixels is stored as Y1 Y2 Cb Cr; Y is the luminance.
        var values = new double[pixels];
        for (var p = 0; p < pixels; p++)
            values[p] = frame[p / 2 * 4 + p % 2];
        return values;
    }

    private static double[] Samples(byte[] frame, SampleLayout layout, string photometric)
    {
        var values = new double[layout.Pixels];
        for (var p = 0; p < layout.Pixels; p++)
        {
            if (layout.Samples == 1)
            {
                values[p] = layout.Read(frame, p);
                continue;
            }
            var (a, b, c) = layout.Planar == 0
                ? (layout.Read(frame, 3 * p), layout.Read(frame, 3 * p + 1), layout.Read(frame, 3 * p + 2))
                : (layout.Read(frame, p), layout.Read(frame, layout.Pixels + p), layout.Read(frame, 2 * layout.Pixels + p));
            // YBR_FULL's Y already is luminance; RGB gets the ITU-R BT.601 weights that define that Y.
            values[p] = photometric == "RGB" ? Luminance.Bt601(a, b, c) : a;
        }
        return values;
    }

    private sealed record SampleLayout(int BitsAllocated, int BitsStored, int HighBit, bool Signed, int Samples, int Planar, int Pixels)
    {
        /// <summary>Sample number <paramref name="index"/> of a little-endian frame, masked to its stored bits and sign-extended.</summary>
        public double Read(byte[] frame, int index)
        {
            uint raw = BitsAllocated switch
            {
                1 => (uint)(frame[index >> 3] >> (index & 7)) & 1,
                8 => frame[index],
                16 => BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(2 * index)),
                _ => BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(4 * index)),
            };
            return FromRaw(raw);
        }

        /// <summary>A raw sample masked to its stored bits (ending at HighBit) and sign-extended when signed.</summary>
        public double FromRaw(uint raw)
        {
            var shift = HighBit + 1 - BitsStored;
            var value = (long)((raw >> shift) & (uint)((1UL << BitsStored) - 1));
            if (Signed && (value & (1L << (BitsStored - 1))) != 0)
                value -= 1L << BitsStored;
            return value;
        }
    }
}

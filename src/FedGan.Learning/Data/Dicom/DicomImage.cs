namespace FedGan.Learning.Data.Dicom;

/// <summary>
/// The first frame of a DICOM image as grey levels: stored pixel values (colour images reduced
/// to luminance) and what PS3.3 says maps them to display intensities: modality rescale
/// (slope/intercept), the VOI window, and MONOCHROME1's inverted polarity.
/// </summary>
public sealed class DicomImage
{
    internal DicomImage(int rows, int columns, string photometric, DicomTransferSyntax syntax, double[] storedValues,
        double slope, double intercept, (double Center, double Width)? window, bool isColor, int bitsStored, int frames)
    {
        Rows = rows;
        Columns = columns;
        PhotometricInterpretation = photometric;
        TransferSyntax = syntax;
        StoredValues = storedValues;
        RescaleSlope = slope;
        RescaleIntercept = intercept;
        Window = window;
        IsColor = isColor;
        BitsStored = bitsStored;
        FrameCount = frames;
    }

    public int Rows { get; }
    public int Columns { get; }
    public string PhotometricInterpretation { get; }
    public DicomTransferSyntax TransferSyntax { get; }

    /// <summary>Row-major stored values of frame 1 (signed where Pixel Representation says so; luminance for colour).</summary>
    public double[] StoredValues { get; }

    public double RescaleSlope { get; }
    public double RescaleIntercept { get; }

    /// <summary>The first VOI window of the file, if it has a usable one (width at least 1).</summary>
    public (double Center, double Width)? Window { get; }

    public bool IsColor { get; }
    public int BitsStored { get; }
    public int FrameCount { get; }

    /// <summary>Reads and decodes a DICOM file; throws <see cref="ImageLoadException"/> naming the file and the problem.</summary>
    /// <param name="maxPixels">Largest frame accepted; every size the file declares is checked against it before pixels are allocated.</param>
    public static DicomImage Read(string path, long maxPixels = ImageFolder.MaxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        try
        {
            using var data = DicomParser.Parse(path);
            return DicomPixelDecoder.Decode(data, maxPixels);
        }
        catch (Exception e) when (ImageLoadException.IsForeign(e))
        {
            throw ImageLoadException.Unexpected(path, e);
        }
    }

    /// <summary>
    /// Intensities in [0,1]. Grey: rescaled values through the window (PS3.3 C.11.2.1.2.1, linear:
    /// 0 at or below c - 0.5 - (w-1)/2, 1 above c - 0.5 + (w-1)/2, ((x - (c - 0.5)) / (w - 1) + 0.5)
    /// between), or min-max scaled when there is no window; MONOCHROME1 is inverted so bright
    /// always means dense. Colour: luminance over the largest stored value.
    /// </summary>
    public float[] ToUnitRange()
    {
        var result = new float[StoredValues.Length];
        if (IsColor)
        {
            var max = Math.Pow(2, BitsStored) - 1;
            for (var i = 0; i < result.Length; i++)
                result[i] = (float)Math.Clamp(StoredValues[i] / max, 0, 1);
            return result;
        }

        var modality = StoredValues.Select(v => v * RescaleSlope + RescaleIntercept).ToArray();
        if (Window is { } window)
        {
            var low = window.Center - 0.5 - (window.Width - 1) / 2;
            var high = window.Center - 0.5 + (window.Width - 1) / 2;
            for (var i = 0; i < result.Length; i++)
            {
                var x = modality[i];
                result[i] = x <= low ? 0f : x > high ? 1f
                    : (float)Math.Clamp((x - (window.Center - 0.5)) / (window.Width - 1) + 0.5, 0, 1);
            }
        }
        else
        {
            var min = modality.Min();
            var range = modality.Max() - min;
            for (var i = 0; i < result.Length; i++)
                result[i] = range > 0 ? (float)((modality[i] - min) / range) : 0f;
        }

        if (PhotometricInterpretation == "MONOCHROME1")
            for (var i = 0; i < result.Length; i++)
                result[i] = 1f - result[i];
        return result;
    }

    /// <summary><see cref="ToUnitRange"/> resized to the requested output.</summary>
    public float[] ToUnitRange(int height, int width, ResizeFilter filter) =>
        ImageResizer.Resize(ToUnitRange(), Rows, Columns, height, width, filter);
}

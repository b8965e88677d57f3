using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FedGan.Learning.Data;

/// <summary>
/// PNG and JPEG images in class sub-folders (root/Pneumonia/x.png is labelled "Pneumonia"),
/// converted to grayscale (ITU-R BT.601 luminance of 16-bit RGB, so 16-bit PNGs keep their precision)
/// and resized to the requested size.
/// </summary>
public static class ImageFolder
{
    /// <summary>Largest image accepted (a 12k x 8k scan); decoding needs 6 bytes per pixel.</summary>
    public const long MaxPixels = 100_000_000;

    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg" };

    public static LoadResult Load(string root, ImageLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= ImageLoadOptions.Default;
        options.Validate();
        var (files, stray) = LabeledFileCollector.ByClassFolder(root, f => Extensions.Contains(Path.GetExtension(f)));
        return LabeledFileCollector.Collect(root, files, stray, options, path => ReadImage(path, options.Height, options.Width, options.Filter, options.MaxPixels));
    }

    /// <summary>One image file as grayscale intensities in [0,1], resized to height x width.</summary>
    /// <param name="maxPixels">Largest image accepted; checked on the header, before the pixels are decoded.</param>
    public static float[] ReadImage(string path, int height, int width, ResizeFilter filter = ResizeFilter.Area, long maxPixels = MaxPixels)
    {
        try
        {
            // Look at the header first: a small file can declare a huge image (a decompression bomb).
            var info = Image.Identify(path) ?? throw new ImageLoadException(path, "not a recognised image format.");
            if ((long)info.Width * info.Height > maxPixels)
                throw new ImageLoadException(path, $"{info.Width}x{info.Height} is larger than the {maxPixels:N0} pixels accepted.");
            using var image = Image.Load<Rgb48>(path);
            var pixels = new float[image.Height * image.Width];
            image.ProcessPixelRows(access =>
            {
                for (var y = 0; y < access.Height; y++)
                {
                    var row = access.GetRowSpan(y);
                    for (var x = 0; x < row.Length; x++)
                        pixels[y * access.Width + x] = (float)(Luminance.Bt601(row[x].R, row[x].G, row[x].B) / 65535.0);
                }
            });
            return ImageResizer.Resize(pixels, image.Height, image.Width, height, width, filter);
        }
        catch (Exception e) when (e is ImageFormatException or UnknownImageFormatException or NotSupportedException or IOException or UnauthorizedAccessException or InvalidImageContentException)
        {
            throw new ImageLoadException(path, e.Message, e);
        }
        catch (Exception e) when (ImageLoadException.IsForeign(e))
        {
            throw ImageLoadException.Unexpected(path, e);
        }
    }
}

using System.IO.Compression;

namespace FedGan.Learning.Data.Npz;

/// <summary>
/// MedMNIST-style .npz archives (Yang et al., 2023): a zip of .npy arrays named
/// {train,val,test}_{images,labels}; images uint8 N x H x W (or N x H x W x 3, reduced to luminance),
/// labels N x 1 (or N).
/// </summary>
public static class MedMnistArchive
{
    public static readonly string[] Splits = ["train", "val", "test"];

    /// <summary>
    /// One split as <see cref="LabeledImages"/>, resized to the options' size when it differs.
    /// <paramref name="classNames"/> defaults to "0" .. "K-1" with K one more than the largest label.
    /// </summary>
    public static LabeledImages Load(string path, string split = "train", ImageLoadOptions? options = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Splits.Contains(split))
            throw new ArgumentException($"Split '{split}' is not one of {string.Join(", ", Splits)}.", nameof(split));
        options ??= ImageLoadOptions.Default;
        options.Validate();

        NpyArray images, labels;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            images = ReadEntry(zip, path, $"{split}_images");
            labels = ReadEntry(zip, path, $"{split}_labels");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ImageLoadException(path, $"not a readable .npz (zip) archive: {e.Message}", e);
        }

        var (count, height, width, channels) = images.Shape switch
        {
            [var n, var h, var w] => (n, h, w, 1),
            [var n, var h, var w, var c] when c is 1 or 3 => (n, h, w, c),
            _ => throw new ImageLoadException(path, $"{split}_images has shape ({string.Join(", ", images.Shape)}); N x H x W or N x H x W x 1|3 is expected."),
        };
        if (!(labels.Shape is [var m] && m == count || labels.Shape is [var k, 1] && k == count))
            throw new ImageLoadException(path, $"{split}_labels has shape ({string.Join(", ", labels.Shape)}); ({count}, 1) is expected for {count} images.");
        if (images.Values.Any(v => v < 0 || v > 255))
            throw new ImageLoadException(path, $"{split}_images holds values outside 0..255.");

        var labelValues = new int[count];
        for (var i = 0; i < count; i++)
        {
            var value = labels.Values[i];
            if (value < 0 || value != Math.Floor(value) || value > 100_000)
                throw new ImageLoadException(path, $"{split}_labels[{i}] = {value} is not a class index.");
            labelValues[i] = (int)value;
        }
        var names = classNames ?? Enumerable.Range(0, labelValues.Length == 0 ? 1 : labelValues.Max() + 1).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (labelValues.Length > 0 && labelValues.Max() >= names.Count)
            throw new ImageLoadException(path, $"label {labelValues.Max()} has no name among the {names.Count} class names given.");

        var output = new float[(long)count * options.Height * options.Width];
        var source = new float[height * width];
        for (var i = 0; i < count; i++)
        {
            for (var p = 0; p < source.Length; p++)
            {
                var at = ((long)i * height * width + p) * channels;
                // Colour MedMNIST sets (e.g. PathMNIST) become ITU-R BT.601 luminance.
                var value = channels == 1
                    ? images.Values[at]
                    : Luminance.Bt601(images.Values[at], images.Values[at + 1], images.Values[at + 2]);
                source[p] = (float)(value / 255.0);
            }
            ImageResizer.Resize(source, height, width, options.Height, options.Width, options.Filter)
                .CopyTo(output, (long)i * options.Height * options.Width);
        }
        return new LabeledImages(output, labelValues, options.Height, options.Width, names);
    }

    private static NpyArray ReadEntry(ZipArchive zip, string path, string name)
    {
        var entry = zip.GetEntry(name + ".npy") ?? zip.GetEntry(name)
            ?? throw new ImageLoadException(path, $"the archive has no '{name}.npy' (it holds {string.Join(", ", zip.Entries.Select(e => e.FullName))}).");
        if (entry.Length > Array.MaxLength)
            throw new ImageLoadException(path, $"'{entry.FullName}' is too large ({entry.Length} bytes).");
        using var stream = entry.Open();
        using var buffer = new MemoryStream((int)entry.Length);
        stream.CopyTo(buffer);
        return NpyArray.Parse(buffer.ToArray(), $"{path}!{entry.FullName}");
    }
}

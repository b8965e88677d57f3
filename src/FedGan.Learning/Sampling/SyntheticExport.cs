using System.Globalization;
using System.Security.Cryptography;
using FedGan.Learning.Data.Dicom;
using FedGan.Learning.Data.Npz;
using FedGan.Learning.Evaluation;

namespace FedGan.Learning.Sampling;

public enum SyntheticFormat
{
    /// <summary>One PNG per image, in a folder per class.</summary>
    Png,

    /// <summary>One DICOM Secondary Capture file per image, in a folder per class, marked synthetic.</summary>
    Dicom,

    /// <summary>One MedMNIST-style archive (train_images, train_labels).</summary>
    Npz,
}

/// <summary>A file an export wrote: its path relative to the export folder, so the folder can move.</summary>
public sealed record ExportedFile(string Path, string Sha256, long SizeBytes);

/// <summary>
/// Writes drawn images into an export folder in one format, plus <see cref="GridFile"/>: a PNG with a
/// row per class of its first images. Returns every file with its SHA-256 for the provenance record.
/// </summary>
public sealed class SyntheticExport(string directory, SyntheticFormat format, SyntheticOrigin origin, int imageSize, Func<int, string> labelMeaning)
{
    public const string GridFile = "grid.png";
    public const string ArchiveFile = "synthetic.npz";
    private const int GridColumns = 10;

    private readonly List<ExportedFile> _files = [];
    private readonly List<int> _labels = [];
    private readonly MemoryStream _archivePixels = new();
    private readonly Dictionary<int, List<byte[]>> _gridImages = [];

    public IReadOnlyList<ExportedFile> Files => _files;

    public void Add(SyntheticBatch batch)
    {
        var pixels = imageSize * imageSize;
        for (var i = 0; i < batch.Labels.Length; i++)
        {
            var label = batch.Labels[i];
            var image = batch.GreyLevels.AsSpan(i * pixels, pixels);
            var instance = _labels.Count + 1;
            _labels.Add(label);
            var grid = _gridImages.TryGetValue(label, out var list) ? list : _gridImages[label] = [];
            if (grid.Count < GridColumns)
                grid.Add(image.ToArray());

            switch (format)
            {
                case SyntheticFormat.Png:
                    var png = Png.EncodeGrayscale(image, imageSize, imageSize);
                    Write(ImagePath(label, instance, "png"), stream => stream.Write(png));
                    break;
                case SyntheticFormat.Dicom:
                    var bytes = image.ToArray();
                    Write(ImagePath(label, instance, "dcm"),
                        stream => SyntheticSecondaryCapture.Write(stream, origin, instance, label, labelMeaning(label), bytes, imageSize));
                    break;
                case SyntheticFormat.Npz:
                    _archivePixels.Write(image);
                    break;
            }
        }
    }

    /// <summary>Writes what is written once at the end (the archive, the grid).</summary>
    public IReadOnlyList<ExportedFile> Complete()
    {
        if (format == SyntheticFormat.Npz)
            Write(ArchiveFile, stream => MedMnistArchiveWriter.Write(stream, "train", _archivePixels.GetBuffer().AsSpan(0, (int)_archivePixels.Length), _labels, imageSize));

        var rows = _gridImages.OrderBy(row => _labels.IndexOf(row.Key)).ToList();
        var columns = rows.Max(row => row.Value.Count);
        var tiles = new byte[rows.Count * columns * imageSize * imageSize];
        for (var r = 0; r < rows.Count; r++)
            for (var c = 0; c < rows[r].Value.Count; c++)
                rows[r].Value[c].CopyTo(tiles, (r * columns + c) * imageSize * imageSize);
        Write(GridFile, stream => stream.Write(SampleGrid.FromGreyLevels(tiles, rows.Count, columns, imageSize)));
        return _files;
    }

    private static string ImagePath(int label, int instance, string extension) =>
        Path.Combine("images", label.ToString(CultureInfo.InvariantCulture), $"{instance:D6}.{extension}");

    private void Write(string relativePath, Action<Stream> write)
    {
        var path = Path.Combine(directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var file = File.Create(path))
            write(file);
        using var written = File.OpenRead(path);
        _files.Add(new ExportedFile(relativePath.Replace('\\', '/'), Convert.ToHexStringLower(SHA256.HashData(written)), written.Length));
    }
}

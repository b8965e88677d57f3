using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace FedGan.Learning.Data.Npz;

/// <summary>
/// Writes one split of a MedMNIST-style .npz (the layout <see cref="MedMnistArchive"/> reads and
/// <c>numpy.load</c> opens): <c>{split}_images</c> uint8 N x H x W and <c>{split}_labels</c> uint8 N x 1.
/// </summary>
public static class MedMnistArchiveWriter
{
    /// <param name="pixels">N images of <paramref name="size"/> x <paramref name="size"/> grey levels, row-major, one after another.</param>
    public static void Write(Stream output, string split, ReadOnlySpan<byte> pixels, IReadOnlyList<int> labels, int size)
    {
        if (!MedMnistArchive.Splits.Contains(split))
            throw new ArgumentException($"Split '{split}' is not one of {string.Join(", ", MedMnistArchive.Splits)}.", nameof(split));
        if (pixels.Length != (long)labels.Count * size * size)
            throw new ArgumentException($"{labels.Count} images of {size}x{size} need {(long)labels.Count * size * size} pixels, not {pixels.Length}.");
        if (labels.Any(label => label is < 0 or > byte.MaxValue))
            throw new ArgumentException("Labels must be between 0 and 255 to be stored as uint8.");

        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        WriteArray(zip, $"{split}_images", [labels.Count, size, size], pixels);
        WriteArray(zip, $"{split}_labels", [labels.Count, 1], labels.Select(label => (byte)label).ToArray());
    }

    /// <summary>.npy version 1.0: magic, header length, a Python dict literal padded so the data starts on a 64-byte boundary.</summary>
    private static void WriteArray(ZipArchive zip, string name, int[] shape, ReadOnlySpan<byte> values)
    {
        var dimensions = string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var header = $"{{'descr': '|u1', 'fortran_order': False, 'shape': ({dimensions}{(shape.Length == 1 ? "," : "")}), }}";
        var padded = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";

        using var entry = zip.CreateEntry(name + ".npy", CompressionLevel.Optimal).Open();
        entry.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)padded.Length);
        entry.Write(length);
        entry.Write(Encoding.Latin1.GetBytes(padded));
        entry.Write(values);
    }
}

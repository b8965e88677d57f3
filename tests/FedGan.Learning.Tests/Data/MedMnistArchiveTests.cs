using System.IO.Compression;
using System.Text;
using FedGan.Learning.Data;
using FedGan.Learning.Data.Npz;

namespace FedGan.Learning.Tests.Data;

/// <summary>.npz archives written byte by byte here, following the NumPy .npy format specification (NEP 1).</summary>
public sealed class MedMnistArchiveTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A version 1.0 .npy: magic, version, little-endian header length, dict header padded with spaces and a newline.</summary>
    private static byte[] Npy(string descr, string shape, byte[] data, byte major = 1)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        var prefix = major == 1 ? 10 : 12;
        var padded = dict.PadRight((prefix + dict.Length + 1 + 63) / 64 * 64 - prefix - 1) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0 };
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)padded.Length) : BitConverter.GetBytes((uint)padded.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(padded));
        bytes.AddRange(data);
        return [.. bytes];
    }

    private string Npz(params (string Name, byte[] Content)[] entries)
    {
        var path = _folder.PathOf($"{Guid.NewGuid():N}.npz");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, content) in entries)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open(); // as numpy.savez_compressed
            stream.Write(content);
        }
        return path;
    }

    // Two 2x2 images (0, 51, 102, 153) and (255, 204, 153, 102), labels 1 and 0.
    private static readonly byte[] TwoImages = [0, 51, 102, 153, 255, 204, 153, 102];

    [Fact]
    public void Reads_a_medmnist_style_split()
    {
        var path = Npz(
            ("train_images.npy", Npy("|u1", "(2, 2, 2)", TwoImages)),
            ("train_labels.npy", Npy("|u1", "(2, 1)", [1, 0])),
            ("test_images.npy", Npy("|u1", "(1, 2, 2)", [9, 9, 9, 9])),
            ("test_labels.npy", Npy("|u1", "(1, 1)", [0])));

        var train = MedMnistArchive.Load(path, "train", ImageLoadOptions.Square(2), ["normal", "tumour"]);
        var test = MedMnistArchive.Load(path, "test", ImageLoadOptions.Square(2));

        Assert.Equal(TwoImages.Select(b => b / 255f), train.Pixels);
        Assert.Equal([1, 0], train.Labels);
        Assert.Equal(["normal", "tumour"], train.ClassNames);
        Assert.Equal(1, test.Count);
        Assert.Equal(["0"], test.ClassNames);
    }

    [Fact]
    public void Resizes_to_the_requested_size()
    {
        var path = Npz(
            ("train_images.npy", Npy("|u1", "(2, 2, 2)", TwoImages)),
            ("train_labels.npy", Npy("|u1", "(2,)", [1, 0])));

        var images = MedMnistArchive.Load(path, options: ImageLoadOptions.Square(4));

        Assert.Equal((4, 4), (images.Height, images.Width));
        // Bilinear-free check: the area filter upscales 2 -> 4 by pixel replication.
        Assert.Equal(0f, images.Pixels[0]);
        Assert.Equal(51 / 255f, images.Pixels[3], 6);
    }

    [Fact]
    public void Rgb_images_become_luminance_and_version_2_headers_parse()
    {
        var path = Npz(
            ("train_images.npy", Npy("|u1", "(1, 1, 1, 3)", [255, 0, 0], major: 2)),
            ("train_labels.npy", Npy("<i8", "(1, 1)", BitConverter.GetBytes(0L), major: 2)));

        var images = MedMnistArchive.Load(path, options: ImageLoadOptions.Square(1));

        Assert.Equal(0.299f, images.Pixels[0], 5);
    }

    [Theory]
    [InlineData("train_labels.npy", "(3, 1)", "(2, 1) is expected")]
    [InlineData("train_labels.npy", "(2, 2)", "(2, 1) is expected")]
    public void Mismatched_labels_are_refused(string entry, string shape, string reason)
    {
        var labels = new byte[shape == "(3, 1)" ? 3 : 4];
        var path = Npz(("train_images.npy", Npy("|u1", "(2, 2, 2)", TwoImages)), (entry, Npy("|u1", shape, labels)));

        var error = Assert.Throws<ImageLoadException>(() => MedMnistArchive.Load(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Missing_entries_truncated_arrays_and_non_zip_files_are_refused()
    {
        var noLabels = Npz(("train_images.npy", Npy("|u1", "(2, 2, 2)", TwoImages)));
        var truncated = Npz(("train_images.npy", Npy("|u1", "(2, 2, 2)", TwoImages[..5])), ("train_labels.npy", Npy("|u1", "(2, 1)", [0, 1])));
        var notZip = _folder.Write("fake.npz", "hello"u8.ToArray());

        Assert.Contains("no 'train_labels.npy'", Assert.Throws<ImageLoadException>(() => MedMnistArchive.Load(noLabels)).Message);
        Assert.Contains("needs 8 data bytes, found 5", Assert.Throws<ImageLoadException>(() => MedMnistArchive.Load(truncated)).Message);
        Assert.Contains("not a readable .npz", Assert.Throws<ImageLoadException>(() => MedMnistArchive.Load(notZip)).Message);
        Assert.Throws<ArgumentException>(() => MedMnistArchive.Load(noLabels, "validation"));
    }

    [Fact]
    public void Damaged_npy_bytes_only_ever_raise_the_load_error()
    {
        var valid = Npy("<i2", "(2, 2, 2)", [.. TwoImages, .. TwoImages]);
        var random = new Random(5);

        for (var trial = 0; trial < 3000; trial++)
        {
            var bytes = random.Next(2) == 0 ? valid[..random.Next(valid.Length)] : (byte[])valid.Clone();
            if (bytes.Length == valid.Length)
                for (var i = random.Next(1, 4); i > 0; i--)
                    bytes[random.Next(bytes.Length)] = "0123456789(),'<|>uif:TF "u8[random.Next(24)];
            try
            {
                var array = NpyArray.Parse(bytes, "damaged.npy");
                _ = array.Count > 0 ? array[array.Count - 1] : 0;
            }
            catch (ImageLoadException e)
            {
                Assert.Equal("damaged.npy", e.FilePath);
            }
        }
    }

    [Fact]
    public void Fortran_order_is_refused_with_a_fix()
    {
        var bytes = Npy("|u1", "(2, 2, 2)", TwoImages);
        var text = Encoding.Latin1.GetString(bytes).Replace("False", "True ");
        var path = Npz(("train_images.npy", Encoding.Latin1.GetBytes(text)), ("train_labels.npy", Npy("|u1", "(2, 1)", [0, 1])));

        Assert.Contains("Fortran", Assert.Throws<ImageLoadException>(() => MedMnistArchive.Load(path)).Message);
    }
}

using FedGan.Learning.Data;
using FedGan.Learning.Data.Dicom;

namespace FedGan.Learning.Tests.Data;

/// <summary>Damaged DICOM files must fail with <see cref="ImageLoadException"/> (path and reason), never with a crash.</summary>
public sealed class DicomRobustnessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("MR_small.dcm")]
    [InlineData("MR_small_RLE.dcm")]
    [InlineData("MR_small_bigendian.dcm")]
    [InlineData("SC_rgb_jpeg_gdcm.dcm")]
    [InlineData("SC_rgb_jpeg_dcmtk.dcm")]
    [InlineData("image_dfl.dcm")]
    public void Damaged_files_only_ever_raise_the_load_error(string name)
    {
        var valid = File.ReadAllBytes(DicomImageTests.File(name));
        var random = new Random(name.Length);
        var path = _folder.PathOf(name);

        for (var trial = 0; trial < 400; trial++)
        {
            File.WriteAllBytes(path, Damage(valid, random));
            try
            {
                var image = DicomImage.Read(path);
                Assert.All(image.ToUnitRange(), v => Assert.InRange(v, 0f, 1f));
            }
            catch (ImageLoadException e)
            {
                Assert.Equal(path, e.FilePath);
                // The reader's own checks caught it, not the catch-all that turns a crash into a load error.
                Assert.True(e.InnerException is null or InvalidDataException or SixLabors.ImageSharp.ImageFormatException or NotSupportedException,
                    $"trial {trial}: {e.InnerException}");
            }
        }
    }

    private static byte[] Damage(byte[] valid, Random random)
    {
        var bytes = (byte[])valid.Clone();
        switch (random.Next(3))
        {
            case 0:
                for (var i = random.Next(1, 6); i > 0; i--)
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            default: // damage the first kilobyte, where the element headers are
                for (var i = random.Next(1, 4); i > 0; i--)
                    bytes[random.Next(Math.Min(1024, bytes.Length))] = (byte)random.Next(256);
                return bytes;
        }
    }
}

using FedGan.ModelRegistry.Weights;
using FedGan.Tensors;

namespace FedGan.ModelRegistry.Tests;

/// <summary>The streaming finiteness check, fed the data section in pieces that split values between reads.</summary>
public class FiniteValueScanTests
{
    private static (SafetensorsHeader Header, byte[] Data) File(float[] first, float[] second)
    {
        var bytes = Safetensors.Serialize([new NamedTensor("a", [first.Length], first), new NamedTensor("b", [second.Length], second)]);
        var header = WeightsHeaderReader.Parse(bytes[..(8 + (int)BitConverter.ToUInt64(bytes, 0))]);
        return (header, bytes[(int)header.DataStart..]);
    }

    private static void Feed(FiniteValueScan scan, byte[] data, int piece)
    {
        for (var offset = 0; offset < data.Length; offset += piece)
        {
            scan.Append(data.AsSpan(offset, Math.Min(piece, data.Length - offset)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Finds_the_first_bad_value_whatever_the_piece_size(int piece)
    {
        var second = Enumerable.Range(0, 40).Select(i => i * 0.5f).ToArray();
        second[37] = float.PositiveInfinity;
        second[39] = float.NaN;
        var (header, data) = File([1f, float.MaxValue, -float.Epsilon], second);

        var error = Assert.Throws<WeightsRejectedException>(() => Feed(new FiniteValueScan(header), data, piece));

        Assert.Contains("Tensor 'b' holds a non-finite value (NaN or infinity) at element 37", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void Accepts_extreme_but_finite_values(int piece)
    {
        var (header, data) = File([float.MaxValue, float.MinValue, float.Epsilon], [-0f, 1e-45f, 3.4e38f]);

        Feed(new FiniteValueScan(header), data, piece);
    }
}

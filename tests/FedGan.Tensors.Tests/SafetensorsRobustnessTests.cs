namespace FedGan.Tensors.Tests;

/// <summary>An aggregator reads untrusted uploads: damaged files must fail with the format error, never crash otherwise.</summary>
public class SafetensorsRobustnessTests
{
    [Fact]
    public void Damaged_files_only_ever_raise_the_format_error()
    {
        var valid = Safetensors.Serialize(
            [new NamedTensor("d.weight", [3, 2], [1, 2, 3, 4, 5, 6]), new NamedTensor("d.bias", [3], [7, 8, 9])],
            new Dictionary<string, string> { ["round"] = "4" }, TensorDType.BF16);
        var random = new Random(20261129);
        var accepted = 0;

        for (var trial = 0; trial < 3000; trial++)
        {
            var bytes = Damage(valid, random);
            try
            {
                Safetensors.Deserialize(bytes);
                accepted++;
            }
            catch (SafetensorsFormatException)
            {
            }
        }

        // Flips inside the tensor data leave a valid file, so some damaged files are accepted.
        Assert.InRange(accepted, 1, 2999);
    }

    private static byte[] Damage(byte[] valid, Random random)
    {
        var bytes = (byte[])valid.Clone();
        switch (random.Next(4))
        {
            case 0: // flip a few bytes anywhere
                for (var i = random.Next(1, 4); i > 0; i--)
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                return bytes;
            case 1: // truncate
                return bytes[..random.Next(bytes.Length)];
            case 2: // append junk
                return [.. bytes, .. Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256))];
            default: // overwrite a header character with JSON punctuation or a digit
                bytes[8 + random.Next(bytes.Length - 8 - 12)] = "{}[]\":,0123456789-"u8[random.Next(18)];
                return bytes;
        }
    }
}

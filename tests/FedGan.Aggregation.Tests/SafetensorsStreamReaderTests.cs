using System.Security.Cryptography;
using FedGan.Tensors;
using FedGan.Testing;

namespace FedGan.Aggregation.Tests;

public class SafetensorsStreamReaderTests
{
    /// <summary>Mixed dtypes with odd element counts, so blocks end inside tensors and off 4-byte boundaries.</summary>
    private static byte[] MixedFile()
    {
        using var buffer = new MemoryStream();
        var writer = new SafetensorsWriter(buffer, [new TensorSpec("a", [37], TensorDType.F32), new TensorSpec("b", [3, 7], TensorDType.F16),
            new TensorSpec("c", [5], TensorDType.BF16), new TensorSpec("empty", [0], TensorDType.F32)],
            new Dictionary<string, string> { ["num_samples"] = "3" });
        foreach (var entry in writer.Layout)
            writer.Write(entry.Name, Enumerable.Range(0, entry.ElementCount).Select(i => (i - 9) / 8f).ToArray());
        return buffer.ToArray();
    }

    [Theory]
    [InlineData(64, 1)]
    [InlineData(72, 3)]
    [InlineData(1 << 20, 4096)]
    public async Task Chunks_put_back_together_are_the_file_the_in_memory_reader_reads(int blockBytes, int trickle)
    {
        var bytes = MixedFile();
        var sunk = new MemoryStream();
        var values = new Dictionary<string, float[]>();

        await using (var reader = await SafetensorsStreamReader.OpenAsync(new TrickleStream(bytes, trickle), 10_000, bytes.Length,
            (chunk, _) => { sunk.Write(chunk.Span); return ValueTask.CompletedTask; }, blockBytes))
        {
            while (await reader.ReadNextAsync() is { } chunk)
            {
                var target = values.TryGetValue(chunk.Tensor.Name, out var existing) ? existing : values[chunk.Tensor.Name] = new float[chunk.Tensor.ElementCount];
                reader.Decode(chunk).CopyTo(target.AsSpan(chunk.Start));
            }
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), await reader.CompleteAsync());
        }

        var reference = Safetensors.Deserialize(bytes);
        foreach (var tensor in reference.Tensors.Where(t => t.Values.Length > 0))
            Assert.Equal(tensor.Values, values[tensor.Name]);
        Assert.Equal(bytes, sunk.ToArray());
    }

    [Fact]
    public async Task A_truncated_file_trailing_bytes_and_bytes_past_the_limit_are_told_apart()
    {
        var bytes = MixedFile();

        await Assert.ThrowsAsync<SafetensorsFormatException>(() => ReadAllAsync(bytes[..^3], bytes.Length));
        await Assert.ThrowsAsync<SafetensorsFormatException>(() => ReadAllAsync([.. bytes, 0, 0], bytes.Length + 10));
        var tooLarge = await Assert.ThrowsAsync<PayloadTooLargeException>(() => ReadAllAsync([.. bytes, .. new byte[100]], bytes.Length + 10));
        Assert.Equal(bytes.Length + 10, tooLarge.Limit);
    }

    [Fact]
    public async Task A_header_describing_more_than_the_limit_is_too_large_before_any_data_is_read()
    {
        var bytes = MixedFile();

        await Assert.ThrowsAsync<PayloadTooLargeException>(() => ReadAllAsync(bytes, bytes.Length - 1));
    }

    [Fact]
    public async Task A_well_formed_header_with_a_foreign_dtype_is_reported_as_such()
    {
        var json = "{\"w\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}"u8.ToArray();
        byte[] bytes = [.. BitConverter.GetBytes((long)json.Length), .. json, .. new byte[16]];

        var error = await Assert.ThrowsAsync<UnsupportedDTypeException>(() => ReadAllAsync(bytes, bytes.Length));

        Assert.Equal("w", error.Tensor);
        Assert.Equal("I64", error.DType);
    }

    private static async Task ReadAllAsync(byte[] bytes, long limit)
    {
        await using var reader = await SafetensorsStreamReader.OpenAsync(new TrickleStream(bytes, 5), 10_000, limit, blockBytes: 64);
        while (await reader.ReadNextAsync() is not null)
        {
        }
        await reader.CompleteAsync();
    }
}

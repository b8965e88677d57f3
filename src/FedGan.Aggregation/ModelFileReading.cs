using FedGan.Contracts;
using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>Reads a whole model-shaped file chunk by chunk, checking its layout first and its hash last.</summary>
internal static class ModelFileReading
{
    /// <summary>
    /// Streams every chunk of <paramref name="source"/> to <paramref name="onChunk"/> with the
    /// chunk's offset in <paramref name="layout"/>'s flat vector; throws <see cref="AggregationInputException"/>
    /// when the file is not this layout or its SHA-256 is not <paramref name="expectedSha256"/> (when given).
    /// </summary>
    public static async Task<string> ReadAsync(ITensorFileSource source, ModelLayout layout, string? expectedSha256,
        string mismatchCode, ChunkAction onChunk, CancellationToken cancellationToken)
    {
        await using var stream = await source.OpenReadAsync(cancellationToken);
        string sha256;
        try
        {
            await using var reader = await SafetensorsStreamReader.OpenAsync(stream, layout.MaxHeaderLength,
                layout.MaxUpdateBytes, cancellationToken: cancellationToken);
            if (layout.FindMismatch(reader.Header) is { } mismatch)
                throw new AggregationInputException(mismatchCode, $"The {source.Description} does not match the model: {mismatch}");
            while (await reader.ReadNextAsync(cancellationToken) is { } chunk)
                onChunk(reader.Decode(chunk), layout[chunk.Tensor.Name].Offset + chunk.Start);
            sha256 = await reader.CompleteAsync(cancellationToken);
        }
        catch (Exception e) when (e is SafetensorsFormatException or UnsupportedDTypeException or PayloadTooLargeException)
        {
            throw new AggregationInputException(mismatchCode, $"The {source.Description} is not a readable model file: {e.Message}", e);
        }

        if (expectedSha256 is not null && !string.Equals(sha256, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new AggregationInputException(mismatchCode,
                $"The {source.Description} has SHA-256 {sha256}, not the {expectedSha256} it was recorded with.");
        return sha256;
    }

    public delegate void ChunkAction(ReadOnlySpan<float> values, int flatOffset);
}

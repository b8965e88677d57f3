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
        var hashes = await ModelFileGroup.ReadAsync([new ModelFile(source, expectedSha256)], layout, mismatchCode,
            chunk => onChunk(chunk.Values(0), chunk.FlatOffset), cancellationToken);
        return hashes[0];
    }

    public delegate void ChunkAction(ReadOnlySpan<float> values, int flatOffset);
}

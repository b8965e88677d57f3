using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>One file of a <see cref="ModelFileGroup"/>: where to read it and the hash it must have (null: any).</summary>
internal readonly record struct ModelFile(ITensorFileSource Source, string? ExpectedSha256);

/// <summary>
/// Reads a few model-shaped files side by side. When their data sections are laid out alike (the
/// usual case: the same model written by the same code), every step hands the caller the same run
/// of the model's flat vector from each file at once, so a sum over the files can stay in cache
/// for that run instead of streaming a whole accumulator through memory once per file. Files laid
/// out differently (another tensor order or dtype) are handed out one after the other instead,
/// first to last. Each file is checked as a single file is: its layout on open, its format as it
/// is read, its SHA-256 at the end. Memory: the readers' buffers, bounded by the group's size.
/// </summary>
internal static class ModelFileGroup
{
    /// <summary>Reads every file of the group to the end; returns their SHA-256 hashes, in order.</summary>
    /// <exception cref="AggregationInputException">A file is not the layout, not readable, or not its expected hash (<paramref name="mismatchCode"/>).</exception>
    public static async Task<string[]> ReadAsync(IReadOnlyList<ModelFile> files, ModelLayout layout, string mismatchCode,
        Action<GroupChunk> onChunk, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(files.Count);
        var streams = new List<Stream>(files.Count);
        var readers = new List<SafetensorsStreamReader>(files.Count);
        var current = 0; // the file being read, to name it when it turns out unreadable
        try
        {
            for (current = 0; current < files.Count; current++)
            {
                streams.Add(await files[current].Source.OpenReadAsync(cancellationToken));
                readers.Add(await SafetensorsStreamReader.OpenAsync(streams[current], layout.MaxHeaderLength, layout.MaxUpdateBytes,
                    cancellationToken: cancellationToken));
                if (layout.FindMismatch(readers[current].Header) is { } mismatch)
                    throw new AggregationInputException(mismatchCode, $"The {files[current].Source.Description} does not match the model: {mismatch}");
            }

            using var step = new GroupChunk(files.Count);
            if (SameDataLayout(readers))
            {
                while (true)
                {
                    // Alike layouts and block sizes make every reader cut its data at the same places.
                    for (current = 0; current < readers.Count; current++)
                    {
                        var chunk = await readers[current].ReadNextAsync(cancellationToken);
                        if (chunk is null)
                            break;
                        step.Set(current, chunk.Value, layout[chunk.Value.Tensor.Name].Offset + chunk.Value.Start);
                    }
                    if (current == 0)
                        break;
                    if (current < readers.Count)
                        throw new InvalidOperationException("Files with the same data layout were cut into different chunks.");
                    onChunk(step);
                }
            }
            else
            {
                for (current = 0; current < readers.Count; current++)
                {
                    while (await readers[current].ReadNextAsync(cancellationToken) is { } chunk)
                    {
                        step.SetOnly(current, chunk, layout[chunk.Tensor.Name].Offset + chunk.Start);
                        onChunk(step);
                    }
                }
            }

            var hashes = new string[files.Count];
            for (current = 0; current < readers.Count; current++)
            {
                hashes[current] = await readers[current].CompleteAsync(cancellationToken);
                if (files[current].ExpectedSha256 is { } expected && !string.Equals(hashes[current], expected, StringComparison.OrdinalIgnoreCase))
                    throw new AggregationInputException(mismatchCode,
                        $"The {files[current].Source.Description} has SHA-256 {hashes[current]}, not the {expected} it was recorded with.");
            }
            return hashes;
        }
        catch (Exception e) when (e is SafetensorsFormatException or UnsupportedDTypeException or PayloadTooLargeException)
        {
            throw new AggregationInputException(mismatchCode,
                $"The {files[Math.Min(current, files.Count - 1)].Source.Description} is not a readable model file: {e.Message}", e);
        }
        finally
        {
            foreach (var reader in readers)
                await reader.DisposeAsync();
            foreach (var stream in streams)
                await stream.DisposeAsync();
        }
    }

    /// <summary>Every tensor at the same place with the same dtype in every file's data section.</summary>
    private static bool SameDataLayout(IReadOnlyList<SafetensorsStreamReader> readers)
    {
        var first = readers[0].Header.Tensors;
        return readers.Skip(1).All(reader =>
        {
            var tensors = reader.Header.Tensors;
            if (tensors.Count != first.Count)
                return false;
            for (var i = 0; i < tensors.Count; i++)
            {
                if (tensors[i].Name != first[i].Name || tensors[i].DType != first[i].DType
                    || tensors[i].Begin != first[i].Begin || tensors[i].End != first[i].End)
                    return false;
            }
            return true;
        });
    }
}

using System.Globalization;
using FedGan.Contracts;
using FedGan.Contracts.Updates;
using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>
/// Validates an uploaded update while it streams through (to staging storage, via the sink): the
/// header first (model names and shapes, num_samples), then every value finite and the squared L2
/// norm accumulated in double, then the norm against the clip bound. Memory stays at two read
/// blocks whatever the update's size. Throws <see cref="UpdateRefusedException"/> with the first problem.
/// </summary>
public static class UpdateInspector
{
    public static async Task<InspectedUpdate> InspectAsync(Stream body, long? declaredLength, UpdateExpectations expected,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>? sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(expected);
        var layout = expected.Layout;
        SafetensorsStreamReader reader;
        try
        {
            reader = await SafetensorsStreamReader.OpenAsync(body, layout.MaxHeaderLength, layout.MaxUpdateBytes, sink,
                cancellationToken: cancellationToken);
        }
        catch (Exception e) when (Translate(e, layout) is { } refusal)
        {
            throw refusal;
        }

        await using (reader)
        {
            var header = reader.Header;
            if (declaredLength is { } length && length != header.FileLength)
                throw Malformed($"The body is {length} bytes (Content-Length) but its header describes a {header.FileLength}-byte file.");
            if (layout.FindMismatch(header) is { } mismatch)
                throw new UpdateRefusedException(422, ErrorCodes.UpdateShapeMismatch, $"The update does not match the model: {mismatch}");
            var numSamples = ReadMetadata(header.Metadata, expected);

            double sumOfSquares = 0;
            string sha256;
            try
            {
                while (await reader.ReadNextAsync(cancellationToken) is { } chunk)
                    sumOfSquares += Check(chunk, reader.Decode(chunk));
                sha256 = await reader.CompleteAsync(cancellationToken);
            }
            catch (Exception e) when (Translate(e, layout) is { } refusal)
            {
                throw refusal;
            }

            var norm = Math.Sqrt(sumOfSquares);
            if (norm > expected.MaxNorm)
                throw new UpdateRefusedException(422, ErrorCodes.UpdateNormExceeded,
                    $"The update's L2 norm is {norm.ToString("G9", CultureInfo.InvariantCulture)}; this round's clip bound is {expected.ClipNorm.ToString("G9", CultureInfo.InvariantCulture)}. Clip the update before uploading it.");
            return new InspectedUpdate(sha256, reader.BytesRead, numSamples, norm);
        }
    }

    private static double Check(TensorChunk chunk, ReadOnlySpan<float> values)
    {
        var bad = FlatVector.IndexOfNonFinite(values);
        if (bad >= 0)
            throw new UpdateRefusedException(422, ErrorCodes.UpdateNotFinite,
                $"Tensor '{chunk.Tensor.Name}' holds a NaN or infinite value (element {chunk.Start + bad}); every value of an update must be finite.");
        return FlatVector.SumOfSquares(values);
    }

    private static long ReadMetadata(IReadOnlyDictionary<string, string>? metadata, UpdateExpectations expected)
    {
        if (metadata is null || !metadata.TryGetValue(UpdateMetadata.NumSamples, out var text))
            throw Unprocessable($"The update's __metadata__ has no '{UpdateMetadata.NumSamples}': it is the update's weight in the average.");
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var numSamples) || numSamples <= 0)
            throw Unprocessable($"'{UpdateMetadata.NumSamples}' is \"{text}\"; it must be a positive integer.");
        // The optional labels must agree with where the update was sent: a stale update uploaded
        // to the next round would otherwise be averaged into a model it was not computed from.
        Same(metadata, UpdateMetadata.SiteId, expected.SiteId);
        Same(metadata, UpdateMetadata.Round, expected.Round.ToString(CultureInfo.InvariantCulture));
        Same(metadata, UpdateMetadata.BaseVersion, expected.BaseVersion.ToString(CultureInfo.InvariantCulture));
        return numSamples;
    }

    private static void Same(IReadOnlyDictionary<string, string> metadata, string key, string expected)
    {
        if (metadata.TryGetValue(key, out var value) && value != expected)
            throw Unprocessable($"The update's metadata says {key} \"{value}\"; this upload is for {key} \"{expected}\".");
    }

    private static UpdateRefusedException? Translate(Exception e, ModelLayout layout) => e switch
    {
        SafetensorsFormatException format => Malformed($"The body is not a valid safetensors file: {format.Message}", format),
        UnsupportedDTypeException dtype => new UpdateRefusedException(422, ErrorCodes.UpdateShapeMismatch, dtype.Message, dtype),
        PayloadTooLargeException tooLarge => TooLarge(layout, tooLarge),
        _ => null,
    };

    public static UpdateRefusedException TooLarge(ModelLayout layout, Exception? inner = null) =>
        new(413, ErrorCodes.UpdateTooLarge,
            $"An update of this model ({layout.Parameters} parameters) is at most {layout.MaxUpdateBytes} bytes.", inner);

    private static UpdateRefusedException Malformed(string detail, Exception? inner = null) =>
        new(400, ErrorCodes.UpdateMalformed, detail, inner);

    private static UpdateRefusedException Unprocessable(string detail) =>
        new(422, ErrorCodes.UpdateMalformed, detail);
}

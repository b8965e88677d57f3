using System.Security.Cryptography;
using FedGan.Contracts.Models;
using FedGan.ModelRegistry.Storage;
using FedGan.Tensors;
using Microsoft.Extensions.Options;

namespace FedGan.ModelRegistry.Weights;

/// <summary>
/// Streams an uploaded safetensors file into blob storage without holding it in memory: the
/// header is parsed from the first bytes, then every data byte is hashed, checked finite and
/// staged as it arrives. The file is stored under its SHA-256 only once it is complete and valid;
/// memory per upload is one staging block, whatever the file size.
/// </summary>
public sealed class WeightsIngest(WeightsStore store, IOptions<RegistryOptions> options, ILogger<WeightsIngest> logger)
{
    /// <summary>Throws <see cref="WeightsRejectedException"/> for a file the registry refuses.</summary>
    public async Task<WeightsUploadResult> IngestAsync(string studyId, Stream body, long? contentLength, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (contentLength > limits.MaxWeightsBytes)
        {
            throw new WeightsRejectedException(RegistryErrors.WeightsTooLarge(contentLength.Value, limits.MaxWeightsBytes));
        }

        using var activity = FedGanTelemetry.ActivitySource.StartActivity("registry.upload_weights");
        activity?.SetTag("fedgan.study_id", studyId);

        var head = await ReadHeadAsync(body, limits.MaxHeaderBytes, cancellationToken);
        var header = head.Header;
        CheckDeclaredFile(header, contentLength, limits.MaxWeightsBytes);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var upload = await store.StartUploadAsync(studyId, cancellationToken);
        hash.AppendData(head.Bytes);
        await upload.WriteAsync(head.Bytes, cancellationToken);
        await CopyDataAsync(body, header, hash, upload, cancellationToken);
        await EnsureEndAsync(body, header, cancellationToken);

        var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        // Identical bytes already stored: the staged blocks were never committed and simply expire.
        var created = !await store.ExistsAsync(studyId, sha256, cancellationToken)
            && await store.PromoteAsync(upload, studyId, sha256, cancellationToken);

        RegistryMetrics.WeightsUploaded(header.FileLength);
        activity?.SetTag("fedgan.weights_sha256", sha256);
        logger.LogInformation("Weights {Sha256} of study {StudyId} uploaded: {Bytes} bytes, {Tensors} tensors, {Outcome}",
            sha256, studyId, header.FileLength, header.Tensors.Count, created ? "stored" : "already stored");
        return new WeightsUploadResult(sha256, header.FileLength, header.Tensors.Count, header.TotalElements);
    }

    private static async Task<WeightsHead> ReadHeadAsync(Stream body, int maxHeaderBytes, CancellationToken cancellationToken)
    {
        try
        {
            return await WeightsHeaderReader.ReadAsync(body, maxHeaderBytes, cancellationToken);
        }
        catch (SafetensorsFormatException e)
        {
            throw new WeightsRejectedException(RegistryErrors.WeightsMalformed(e.Message));
        }
    }

    private static void CheckDeclaredFile(SafetensorsHeader header, long? contentLength, long maxBytes)
    {
        if (header.Tensors.Count == 0)
        {
            throw new WeightsRejectedException(RegistryErrors.WeightsMalformed("it holds no tensors."));
        }

        if (header.Tensors.FirstOrDefault(t => t.DType != TensorDType.F32) is { } narrow)
        {
            throw new WeightsRejectedException(RegistryErrors.WeightsMalformed(
                $"tensor '{narrow.Name}' is {narrow.DType.WireName()}; the registry stores F32 weights only."));
        }

        if (header.FileLength > maxBytes)
        {
            throw new WeightsRejectedException(RegistryErrors.WeightsTooLarge(header.FileLength, maxBytes));
        }

        if (contentLength is { } declared && declared != header.FileLength)
        {
            throw new WeightsRejectedException(RegistryErrors.WeightsMalformed(
                $"the request is {declared} bytes long but the header describes a file of {header.FileLength} bytes " +
                $"({WeightsHeaderReader.PrefixBytes} + {header.HeaderLength} header + {header.DataLength} data)."));
        }
    }

    private static async Task CopyDataAsync(Stream body, SafetensorsHeader header, IncrementalHash hash, StagedBlocks upload, CancellationToken cancellationToken)
    {
        var scan = new FiniteValueScan(header);
        var remaining = header.DataLength;
        while (remaining > 0)
        {
            // Read straight into the staging block: no copy of the data is made in between.
            var target = upload.Free;
            if (target.Length > remaining)
            {
                target = target[..(int)remaining];
            }

            var read = await body.ReadAsync(target, cancellationToken);
            if (read == 0)
            {
                throw new WeightsRejectedException(RegistryErrors.WeightsMalformed(
                    $"the file ends after {header.DataLength - remaining} of the {header.DataLength} data bytes its header describes."));
            }

            var bytes = target.Span[..read];
            hash.AppendData(bytes);
            scan.Append(bytes);
            await upload.AdvanceAsync(read, cancellationToken);
            remaining -= read;
        }
    }

    private static async Task EnsureEndAsync(Stream body, SafetensorsHeader header, CancellationToken cancellationToken)
    {
        var probe = new byte[1];
        if (await body.ReadAsync(probe, cancellationToken) > 0)
        {
            throw new WeightsRejectedException(RegistryErrors.WeightsMalformed(
                $"bytes follow the end of the file at {header.FileLength} bytes, as its header describes it."));
        }
    }
}

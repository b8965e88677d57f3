using System.Text.Json;

namespace FedGan.Aggregation;

/// <summary>A well-formed safetensors header with a tensor of a dtype FedGan does not take (F64, I8, ...).</summary>
public sealed class UnsupportedDTypeException(string tensor, string dtype)
    : Exception($"Tensor '{tensor}' is {dtype}; updates must be F32, F16 or BF16.")
{
    public string Tensor { get; } = tensor;

    public string DType { get; } = dtype;

    /// <summary>
    /// Looks through a header the strict parser refused for the first tensor whose dtype is some
    /// other safetensors dtype: that is a wrong update rather than a broken file.
    /// </summary>
    internal static UnsupportedDTypeException? Find(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return null;
            foreach (var tensor in document.RootElement.EnumerateObject())
            {
                if (tensor.Value.ValueKind == JsonValueKind.Object
                    && tensor.Value.TryGetProperty("dtype", out var dtype)
                    && dtype.ValueKind == JsonValueKind.String
                    && dtype.GetString() is { Length: > 0 } name
                    && name is not ("F32" or "F16" or "BF16"))
                    return new UnsupportedDTypeException(tensor.Name, name);
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

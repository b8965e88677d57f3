namespace FedGan.Tensors;

/// <summary>Element types FedGan puts on the wire; values are float32 in memory either way.</summary>
public enum TensorDType
{
    F32,
    F16,
    BF16,
}

public static class TensorDTypeExtensions
{
    public static int ByteSize(this TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => 4,
        TensorDType.F16 or TensorDType.BF16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown tensor dtype."),
    };

    /// <summary>The name safetensors headers use ("F32", "F16", "BF16").</summary>
    public static string WireName(this TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => "F32",
        TensorDType.F16 => "F16",
        TensorDType.BF16 => "BF16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown tensor dtype."),
    };

    /// <summary>
    /// Rank of the dtype in the safetensors reference's Dtype enumeration (declared in increasing
    /// alignment: ..., F16, BF16, ..., F32, ...). Its writer puts higher ranks first.
    /// </summary>
    internal static int ReferenceOrder(this TensorDType dtype) => dtype switch
    {
        TensorDType.F16 => 0,
        TensorDType.BF16 => 1,
        _ => 2,
    };
}

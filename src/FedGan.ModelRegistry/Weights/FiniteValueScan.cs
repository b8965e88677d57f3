using System.Runtime.InteropServices;
using FedGan.Tensors;

namespace FedGan.ModelRegistry.Weights;

/// <summary>
/// Checks the data section of an all-F32 file for NaN and infinity as it streams past in chunks
/// of any size, and names the tensor and element of the first bad value.
/// </summary>
public sealed class FiniteValueScan
{
    private readonly SafetensorsHeader _header;
    private readonly byte[] _partial = new byte[sizeof(float)];
    private int _partialCount;
    private long _valuesSeen;

    public FiniteValueScan(SafetensorsHeader header)
    {
        // F32 on the wire is little-endian; the values are reinterpreted in place, not decoded.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The weights check reads F32 values in place and needs a little-endian machine.");
        }

        if (header.Tensors.Any(t => t.DType != TensorDType.F32))
        {
            throw new ArgumentException("Only all-F32 files can be scanned.", nameof(header));
        }

        _header = header;
    }

    /// <summary>Scans the next bytes of the data section; throws <see cref="WeightsRejectedException"/> at the first non-finite value.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_partialCount > 0)
        {
            var take = Math.Min(sizeof(float) - _partialCount, data.Length);
            data[..take].CopyTo(_partial.AsSpan(_partialCount));
            _partialCount += take;
            data = data[take..];
            if (_partialCount < sizeof(float))
            {
                return;
            }

            Check(_partial);
            _partialCount = 0;
        }

        var whole = data.Length - data.Length % sizeof(float);
        Check(data[..whole]);
        data[whole..].CopyTo(_partial);
        _partialCount = data.Length - whole;
    }

    private void Check(ReadOnlySpan<byte> bytes)
    {
        var values = MemoryMarshal.Cast<byte, float>(bytes);
        var bad = FlatVector.IndexOfNonFinite(values);
        if (bad >= 0)
        {
            var offset = (_valuesSeen + bad) * sizeof(float);
            var tensor = _header.Tensors.First(t => offset >= t.Begin && offset < t.End);
            throw new WeightsRejectedException(RegistryErrors.WeightsNotFinite(tensor.Name, (offset - tensor.Begin) / sizeof(float)));
        }

        _valuesSeen += values.Length;
    }
}

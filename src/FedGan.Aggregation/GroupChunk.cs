using System.Buffers;
using System.Runtime.InteropServices;
using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>
/// One step of <see cref="ModelFileGroup.ReadAsync"/>: <see cref="Count"/> values of the model's
/// flat vector from <see cref="FlatOffset"/> on, from <see cref="Files"/> of the group's files
/// (all of them when they are laid out alike, else one). Valid only during the callback.
/// </summary>
internal sealed class GroupChunk : IDisposable
{
    private readonly TensorChunk[] _chunks;
    private readonly int[] _members;
    private readonly float[]?[] _decoded;

    public GroupChunk(int files)
    {
        _chunks = new TensorChunk[files];
        _members = new int[files];
        _decoded = new float[files][];
    }

    public int FlatOffset { get; private set; }

    public int Count { get; private set; }

    /// <summary>How many files this step holds values of.</summary>
    public int Files { get; private set; }

    /// <summary>The position in the group of this step's <paramref name="file"/>-th file.</summary>
    public int Member(int file) => _members[file];

    /// <summary>The <paramref name="file"/>-th file's values, as float32.</summary>
    public ReadOnlySpan<float> Values(int file) => IsRaw(_chunks[file])
        ? MemoryMarshal.Cast<byte, float>(_chunks[file].Bytes.Span)
        : _decoded[_members[file]].AsSpan(0, Count);

    internal void Set(int member, in TensorChunk chunk, int flatOffset)
    {
        if (member == 0)
        {
            FlatOffset = flatOffset;
            Count = chunk.Count;
        }
        else if (flatOffset != FlatOffset || chunk.Count != Count)
        {
            throw new InvalidOperationException("Files with the same data layout were cut into different chunks.");
        }
        Files = member + 1;
        Hold(member, member, chunk);
    }

    internal void SetOnly(int member, in TensorChunk chunk, int flatOffset)
    {
        FlatOffset = flatOffset;
        Count = chunk.Count;
        Files = 1;
        Hold(0, member, chunk);
    }

    public void Dispose()
    {
        foreach (var decoded in _decoded)
        {
            if (decoded is not null)
                ArrayPool<float>.Shared.Return(decoded);
        }
    }

    private void Hold(int slot, int member, in TensorChunk chunk)
    {
        _chunks[slot] = chunk;
        _members[slot] = member;
        if (IsRaw(chunk))
            return;
        // F16 and BF16 are decoded once per chunk, into a buffer of the member's own.
        var decoded = _decoded[member];
        if (decoded is null || decoded.Length < chunk.Count)
        {
            if (decoded is not null)
                ArrayPool<float>.Shared.Return(decoded);
            _decoded[member] = decoded = ArrayPool<float>.Shared.Rent(chunk.Count);
        }
        chunk.Decode(decoded);
    }

    private static bool IsRaw(in TensorChunk chunk) => chunk.Tensor.DType == TensorDType.F32 && BitConverter.IsLittleEndian;
}

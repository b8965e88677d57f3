namespace FedGan.EndToEnd.Tests.Otlp;

/// <summary>
/// Just enough of the protobuf wire format to read OTLP trace exports: fields as (number, wire type,
/// value). Written here so the test checks the exporters' bytes, not a library's view of them.
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public bool TryReadField(out int number, out int wireType)
    {
        if (_position >= _buffer.Length)
        {
            number = 0;
            wireType = 0;
            return false;
        }

        var key = ReadVarint();
        number = (int)(key >> 3);
        wireType = (int)(key & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = _buffer[_position++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("varint longer than 10 bytes");
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = (int)ReadVarint();
        var slice = _buffer.Slice(_position, length);
        _position += length;
        return slice;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1: _position += 8; break;
            case 2: ReadLengthDelimited(); break;
            case 5: _position += 4; break;
            default: throw new InvalidDataException($"unsupported wire type {wireType}");
        }
    }
}

namespace FedGan.Learning.Data.Dicom;

/// <summary>
/// Decodes lossless JPEG (ITU-T T.81 process 14, Huffman coded, DICOM transfer syntaxes
/// 1.2.840.10008.1.2.4.57 and .70): the codec of many CR, DX, CT and MR archives. Returns the
/// samples interleaved (pixel by pixel, component by component), row-major.
/// </summary>
internal static class JpegLosslessDecoder
{
    /// <summary>
    /// Decodes a frame that must be <paramref name="rows"/> x <paramref name="columns"/> with
    /// <paramref name="samples"/> components (what the DICOM header declares); the frame header is
    /// checked against them, and against the data present, before the samples are allocated.
    /// </summary>
    public static int[] Decode(byte[] data, int rows, int columns, int samples, string path)
    {
        var state = new Decoder(data, rows, columns, samples, path);
        return state.Run();
    }

    private sealed class Decoder(byte[] data, int rows, int columns, int samples, string path)
    {
        private readonly HuffmanTable?[] _tables = new HuffmanTable?[4];
        private int _position;
        private int _precision, _height, _width, _restartInterval;
        private int[] _componentIds = [];
        private int _bitBuffer, _bitCount;

        public int[] Run()
        {
            if (ReadMarker() != 0xD8)
                throw Fail("the frame does not start with a JPEG SOI marker");
            while (true)
            {
                var marker = ReadMarker();
                switch (marker)
                {
                    case 0xC3: ReadFrameHeader(); break;
                    case 0xC4: ReadHuffmanTables(); break;
                    case 0xDD: ReadRestartInterval(); break;
                    case 0xDA: return ReadScan();
                    case 0xC0 or 0xC1 or 0xC2 or 0xC5 or 0xC6 or 0xC7 or 0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF:
                        throw Fail($"JPEG process SOF{marker - 0xC0} is not lossless Huffman (SOF3)");
                    case 0xD9: throw Fail("the JPEG stream ends before its scan");
                    default: ReadSegment(); break; // APPn, COM, DQT and the like carry nothing we need
                }
            }
        }

        private void ReadFrameHeader()
        {
            var (start, end) = ReadSegment();
            if (end - start < 6 || end - start < 6 + 3 * data[start + 5])
                throw Fail("the SOF3 frame header is too short");
            _precision = data[start];
            _height = ReadUInt16(start + 1);
            _width = ReadUInt16(start + 3);
            var count = data[start + 5];
            if (_precision is < 2 or > 16 || _height == 0 || _width == 0 || count is 0 or > 4)
                throw Fail($"unsupported lossless frame: {_precision}-bit, {_height}x{_width}, {count} components");
            if (_height != rows || _width != columns || count != samples)
                throw Fail($"the frame header declares {_height}x{_width} with {count} component(s); the DICOM header says {rows}x{columns} with {samples}");
            _componentIds = new int[count];
            for (var c = 0; c < count; c++)
            {
                _componentIds[c] = data[start + 6 + 3 * c];
                if (data[start + 7 + 3 * c] != 0x11)
                    throw Fail("subsampled lossless components are not supported");
            }
        }

        private void ReadRestartInterval()
        {
            var (start, end) = ReadSegment();
            if (end - start < 2)
                throw Fail("the DRI segment is too short");
            _restartInterval = ReadUInt16(start);
        }

        private void ReadHuffmanTables()
        {
            var (start, end) = ReadSegment();
            var at = start;
            while (at < end)
            {
                var id = data[at] & 0x0F;
                if (data[at] >> 4 != 0 || id > 3 || at + 17 > end)
                    throw Fail("malformed DHT segment");
                var counts = data.AsSpan(at + 1, 16).ToArray();
                var total = counts.Sum(c => c);
                if (at + 17 + total > end)
                    throw Fail("DHT segment shorter than its code counts");
                _tables[id] = new HuffmanTable(counts, data.AsSpan(at + 17, total).ToArray());
                at += 17 + total;
            }
        }

        private int[] ReadScan()
        {
            if (_componentIds.Length == 0)
                throw Fail("the scan comes before the SOF3 frame header");
            var (start, end) = ReadSegment();
            var count = end > start ? data[start] : 0;
            if (end - start < 4 + 2 * count)
                throw Fail("the SOS scan header is too short");
            if (count != _componentIds.Length)
                throw Fail($"the scan codes {count} of {_componentIds.Length} components; only single-scan images are supported");
            var tables = new HuffmanTable[count];
            for (var c = 0; c < count; c++)
            {
                var table = data[start + 2 + 2 * c] >> 4;
                tables[c] = (table < _tables.Length ? _tables[table] : null) ?? throw Fail($"the scan uses Huffman table {table}, which was never defined");
            }
            var predictor = data[start + 1 + 2 * count];
            var pointTransform = data[start + 3 + 2 * count] & 0x0F;
            if (predictor is < 1 or > 7)
                throw Fail($"predictor {predictor} is not one of 1..7");
            if (pointTransform >= _precision)
                throw Fail($"point transform {pointTransform} is not below the precision {_precision}");

            // Every sample costs at least one bit of Huffman code, so a short stream cannot hold a large frame.
            var total = (long)_height * _width * count;
            if (total > 8L * (data.Length - _position))
                throw Fail($"the scan holds {data.Length - _position:N0} bytes, too few for the {total:N0} samples of a {_height}x{_width} frame");
            var samples = new int[total];
            var initial = 1 << (_precision - pointTransform - 1);
            var sinceRestart = 0;
            var rowOfRestart = 0;
            for (var y = 0; y < _height; y++)
            {
                for (var x = 0; x < _width; x++)
                {
                    if (_restartInterval > 0 && sinceRestart == _restartInterval)
                    {
                        ExpectRestart();
                        sinceRestart = 0;
                        rowOfRestart = y;
                        if (x != 0)
                            throw Fail("restart intervals that do not start a row are not supported");
                    }
                    for (var c = 0; c < count; c++)
                    {
                        var at = (y * _width + x) * count + c;
                        int prediction;
                        if (y == rowOfRestart && x == 0) prediction = initial;
                        else if (y == rowOfRestart) prediction = samples[at - count];
                        else if (x == 0) prediction = samples[at - _width * count];
                        else
                        {
                            int a = samples[at - count], b = samples[at - _width * count], d = samples[at - (_width + 1) * count];
                            prediction = predictor switch
                            {
                                1 => a, 2 => b, 3 => d, 4 => a + b - d,
                                5 => a + ((b - d) >> 1), 6 => b + ((a - d) >> 1), _ => (a + b) >> 1,
                            };
                        }
                        samples[at] = (prediction + DecodeDifference(tables[c])) & 0xFFFF; // modulo 2^16 (T.81 H.2.1)
                    }
                    sinceRestart++;
                }
            }
            if (pointTransform > 0)
                for (var i = 0; i < samples.Length; i++)
                    samples[i] <<= pointTransform;
            return samples;
        }

        private int DecodeDifference(HuffmanTable table)
        {
            var category = table.Decode(this);
            if (category == 0) return 0;
            if (category == 16) return 32768;
            if (category > 16) throw Fail($"Huffman category {category} is out of range");
            var bits = ReadBits(category);
            return bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits;
        }

        public int ReadBit()
        {
            if (_bitCount == 0)
            {
                if (_position >= data.Length)
                    throw Fail("the JPEG stream ends inside the scan (truncated?)");
                var next = data[_position++];
                if (next == 0xFF)
                {
                    var after = _position < data.Length ? data[_position] : 0;
                    if (after == 0x00) _position++;
                    else throw Fail($"marker FF{after:X2} inside the entropy-coded data");
                }
                _bitBuffer = next;
                _bitCount = 8;
            }
            _bitCount--;
            return (_bitBuffer >> _bitCount) & 1;
        }

        private int ReadBits(int count)
        {
            var value = 0;
            for (var i = 0; i < count; i++)
                value = (value << 1) | ReadBit();
            return value;
        }

        private void ExpectRestart()
        {
            _bitCount = 0;
            if (_position + 1 >= data.Length || data[_position] != 0xFF || data[_position + 1] is < 0xD0 or > 0xD7)
                throw Fail("an expected RST marker is missing");
            _position += 2;
        }

        private int ReadMarker()
        {
            while (_position < data.Length && data[_position] != 0xFF) _position++; // tolerate padding
            while (_position < data.Length && data[_position] == 0xFF) _position++;
            if (_position >= data.Length)
                throw Fail("the JPEG stream ends before its image data");
            return data[_position++];
        }

        private (int Start, int End) ReadSegment()
        {
            if (_position + 2 > data.Length)
                throw Fail("the JPEG stream ends inside a segment length");
            var length = ReadUInt16(_position);
            if (length < 2 || _position + length > data.Length)
                throw Fail("a JPEG segment runs past the end of the stream");
            var start = _position + 2;
            _position += length;
            return (start, _position);
        }

        private int ReadUInt16(int at) => data[at] << 8 | data[at + 1];

        public ImageLoadException Fail(string problem) => new(path, $"lossless JPEG: {problem}.");
    }

    /// <summary>Canonical Huffman codes from a DHT table (T.81 annex C), decoded bit by bit.</summary>
    private sealed class HuffmanTable
    {
        private readonly int[] _maxCode = new int[17];
        private readonly int[] _valuePointer = new int[17];
        private readonly int[] _minCode = new int[17];
        private readonly byte[] _values;

        public HuffmanTable(byte[] counts, byte[] values)
        {
            _values = values;
            int code = 0, k = 0;
            for (var length = 1; length <= 16; length++)
            {
                _valuePointer[length] = k;
                _minCode[length] = code;
                code += counts[length - 1];
                k += counts[length - 1];
                _maxCode[length] = counts[length - 1] == 0 ? -1 : code - 1;
                code <<= 1;
            }
        }

        public int Decode(Decoder decoder)
        {
            var code = 0;
            for (var length = 1; length <= 16; length++)
            {
                code = (code << 1) | decoder.ReadBit();
                if (_maxCode[length] >= code && code >= _minCode[length])
                    return _values[_valuePointer[length] + code - _minCode[length]];
            }
            throw decoder.Fail("an invalid Huffman code");
        }
    }
}

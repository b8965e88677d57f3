namespace FedGan.EndToEnd.Tests.Otlp;

/// <summary>Reads an OTLP ExportTraceServiceRequest (opentelemetry/proto/trace/v1/trace.proto).</summary>
internal static class TraceExportParser
{
    public static List<ExportedSpan> Parse(ReadOnlySpan<byte> request)
    {
        var spans = new List<ExportedSpan>();
        var reader = new ProtobufReader(request);
        while (reader.TryReadField(out var number, out var wireType))
        {
            if (number == 1 && wireType == 2)
            {
                ParseResourceSpans(reader.ReadLengthDelimited(), spans);
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return spans;
    }

    private static void ParseResourceSpans(ReadOnlySpan<byte> message, List<ExportedSpan> spans)
    {
        var serviceName = string.Empty;
        var scopeSpans = new List<byte[]>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadField(out var number, out var wireType))
        {
            if (number == 1 && wireType == 2)
            {
                serviceName = ReadServiceName(reader.ReadLengthDelimited()) ?? serviceName;
            }
            else if (number == 2 && wireType == 2)
            {
                scopeSpans.Add(reader.ReadLengthDelimited().ToArray());
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        foreach (var scope in scopeSpans)
        {
            var scopeReader = new ProtobufReader(scope);
            while (scopeReader.TryReadField(out var number, out var wireType))
            {
                if (number == 2 && wireType == 2)
                {
                    spans.Add(ParseSpan(scopeReader.ReadLengthDelimited(), serviceName));
                }
                else
                {
                    scopeReader.Skip(wireType);
                }
            }
        }
    }

    private static string? ReadServiceName(ReadOnlySpan<byte> resource)
    {
        var reader = new ProtobufReader(resource);
        while (reader.TryReadField(out var number, out var wireType))
        {
            if (number != 1 || wireType != 2)
            {
                reader.Skip(wireType);
                continue;
            }

            var (key, value) = ReadStringAttribute(reader.ReadLengthDelimited());
            if (key == "service.name")
            {
                return value;
            }
        }

        return null;
    }

    private static (string Key, string? Value) ReadStringAttribute(ReadOnlySpan<byte> keyValue)
    {
        string key = string.Empty;
        string? value = null;
        var reader = new ProtobufReader(keyValue);
        while (reader.TryReadField(out var number, out var wireType))
        {
            if (number == 1 && wireType == 2)
            {
                key = System.Text.Encoding.UTF8.GetString(reader.ReadLengthDelimited());
            }
            else if (number == 2 && wireType == 2)
            {
                var anyValue = new ProtobufReader(reader.ReadLengthDelimited());
                while (anyValue.TryReadField(out var valueNumber, out var valueWireType))
                {
                    if (valueNumber == 1 && valueWireType == 2)
                    {
                        value = System.Text.Encoding.UTF8.GetString(anyValue.ReadLengthDelimited());
                    }
                    else
                    {
                        anyValue.Skip(valueWireType);
                    }
                }
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return (key, value);
    }

    private static ExportedSpan ParseSpan(ReadOnlySpan<byte> span, string serviceName)
    {
        string traceId = string.Empty, spanId = string.Empty, parent = string.Empty, name = string.Empty;
        var kind = 0;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new ProtobufReader(span);
        while (reader.TryReadField(out var number, out var wireType))
        {
            switch (number, wireType)
            {
                case (1, 2): traceId = Convert.ToHexStringLower(reader.ReadLengthDelimited()); break;
                case (2, 2): spanId = Convert.ToHexStringLower(reader.ReadLengthDelimited()); break;
                case (4, 2): parent = Convert.ToHexStringLower(reader.ReadLengthDelimited()); break;
                case (5, 2): name = System.Text.Encoding.UTF8.GetString(reader.ReadLengthDelimited()); break;
                case (6, 0): kind = (int)reader.ReadVarint(); break;
                case (9, 2):
                    var (key, value) = ReadStringAttribute(reader.ReadLengthDelimited());
                    if (value is not null)
                    {
                        attributes[key] = value;
                    }

                    break;
                default: reader.Skip(wireType); break;
            }
        }

        return new ExportedSpan(serviceName, traceId, spanId, parent, name, kind, attributes);
    }
}

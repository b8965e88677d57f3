namespace FedGan.EndToEnd.Tests.Otlp;

/// <summary>One span as an exporter sent it: which service, which trace, which parent.</summary>
public sealed record ExportedSpan(string ServiceName, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind,
    IReadOnlyDictionary<string, string>? Attributes = null);

namespace FedGan.Aggregation;

/// <summary>A stream held more bytes than its reader was allowed to take; reading stopped at the limit.</summary>
public sealed class PayloadTooLargeException(long limit)
    : Exception($"The content is longer than the {limit} bytes allowed.")
{
    public long Limit { get; } = limit;
}

namespace FedGan.Contracts;

/// <summary>Problem-details codes of access control, the same from the gateway and from every service.</summary>
public static class AccessErrorCodes
{
    public const string Unauthenticated = "unauthenticated";
    public const string Forbidden = "forbidden";
    public const string RateLimited = "rate_limited";
    public const string PayloadTooLarge = "payload_too_large";
    public const string Unavailable = "unavailable";
}

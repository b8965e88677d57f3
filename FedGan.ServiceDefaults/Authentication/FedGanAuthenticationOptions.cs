using System.ComponentModel.DataAnnotations;
using FedGan.Contracts.Identity;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The <c>Authentication</c> section: where Identity is and what a valid token looks like. Every value
/// has a safe default, and there is no switch to turn checking off.
/// </summary>
public sealed class FedGanAuthenticationOptions
{
    public const string SectionName = "Authentication";

    /// <summary>Identity's base address (service discovery name); the JWKS is read from there.</summary>
    [Required]
    public string Authority { get; set; } = "https+http://identity";

    [Required]
    public string Issuer { get; set; } = TokenConventions.Issuer;

    [Required]
    public string Audience { get; set; } = TokenConventions.Audience;

    /// <summary>Tolerated clock difference between Identity and this service.</summary>
    [TimeSpanRange("00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the signing keys are read again even when no unknown key was seen (drops retired keys).</summary>
    [TimeSpanRange("00:00:05", "1.00:00:00")]
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The shortest time between two reads of the JWKS triggered by unknown key ids, so tokens with
    /// made-up key ids cannot make this service hammer Identity.
    /// </summary>
    [TimeSpanRange("00:00:00", "00:01:00")]
    public TimeSpan UnknownKeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The connection name of the Redis that holds Identity's revocation markers.</summary>
    [Required]
    public string RevocationStore { get; set; } = "redis";
}

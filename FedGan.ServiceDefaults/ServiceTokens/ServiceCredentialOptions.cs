using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The <c>ServiceCredential</c> section: this process's own client credential (handed over by the
/// AppHost's bootstrap or a deployment secret, never committed) and where to exchange it for tokens.
/// </summary>
public sealed class ServiceCredentialOptions
{
    public const string SectionName = "ServiceCredential";

    [Required]
    public string ClientId { get; set; } = string.Empty;

    [Required]
    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>Identity's token endpoint; edge sites use the gateway's (<c>https+http://gateway/identity/connect/token</c>).</summary>
    [Required]
    public string TokenEndpoint { get; set; } = "https+http://identity/connect/token";
}

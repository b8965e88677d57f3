namespace FedGan.Contracts;

/// <summary>Who may call what. Tokens carry one role; site tokens also carry <see cref="FedGanClaims.SiteId"/>.</summary>
public static class Roles
{
    /// <summary>Creates studies, opens and closes rounds, enrolls sites.</summary>
    public const string Coordinator = "coordinator";

    /// <summary>A hospital's edge trainer: fetches its tasks and weights, uploads its own updates.</summary>
    public const string Site = "site";

    /// <summary>Reads ledgers and lineage, nothing else.</summary>
    public const string Auditor = "auditor";

    /// <summary>A FedGan service calling another (scheduler to accountant, aggregator to registry...).</summary>
    public const string Service = "service";
}

public static class FedGanClaims
{
    public const string Role = "role";
    public const string SiteId = "site_id";

    /// <summary>The OAuth client the token was issued to (RFC 9068); equal to <c>sub</c>.</summary>
    public const string ClientId = "client_id";

    /// <summary>The credential (secret) the token was obtained with: revoking it voids the token.</summary>
    public const string CredentialId = "cid";
}

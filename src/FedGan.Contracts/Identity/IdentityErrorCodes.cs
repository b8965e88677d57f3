namespace FedGan.Contracts.Identity;

/// <summary>Problem codes of Identity's administration API (the token endpoint answers with OAuth error codes instead).</summary>
public static class IdentityErrorCodes
{
    public const string InvalidClientId = "invalid_client_id";
    public const string InvalidRole = "invalid_role";
    public const string ClientExists = "client_exists";
    public const string ClientNotFound = "client_not_found";
    public const string CredentialNotFound = "credential_not_found";
    public const string TooManySecrets = "too_many_secrets";
}

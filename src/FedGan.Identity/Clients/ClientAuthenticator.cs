namespace FedGan.Identity.Clients;

/// <summary>Checks a client id and secret against the stored hashes (of each active credential).</summary>
public sealed class ClientAuthenticator(ClientStore store, SecretHasher hasher)
{
    public async Task<(ClientRecord Client, CredentialRecord Credential)?> AuthenticateAsync(string clientId, string secret)
    {
        var client = await store.GetAsync(clientId);
        if (client is null || client.Credentials.Count == 0)
        {
            // Same cost as a real check: response times do not reveal which client ids exist.
            hasher.VerifyDecoy(secret);
            return null;
        }

        foreach (var credential in client.Credentials)
        {
            if (SecretHasher.Verify(secret, credential))
            {
                return (client, credential);
            }
        }

        return null;
    }
}

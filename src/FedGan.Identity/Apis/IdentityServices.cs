using FedGan.Identity.Clients;
using FedGan.Identity.Keys;
using FedGan.Identity.Tokens;

namespace FedGan.Identity.Apis;

public sealed record IdentityServices(
    Enrollment Enrollment, ClientStore Clients, ClientAuthenticator Authenticator, AccessTokenIssuer Tokens, SigningKeyRing Keys);

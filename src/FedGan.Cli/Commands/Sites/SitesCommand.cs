using System.CommandLine;
using FedGan.Cli.Platform;
using FedGan.Contracts;
using FedGan.Contracts.Identity;

namespace FedGan.Cli.Commands.Sites;

/// <summary><c>fedgan sites</c>: enroll hospitals, list them, rotate and revoke their secrets (coordinators only).</summary>
public static class SitesCommand
{
    private sealed record SiteList(IReadOnlyList<ClientSummary> Sites);

    private sealed record RotatedSecret(string ClientId, string CredentialId, string ClientSecret, DateTimeOffset CreatedAt,
        IReadOnlyList<string> RevokeAfterDeploying);

    public static Command Create() =>
        new("sites", "Enroll hospitals and manage their credentials (needs a coordinator credential).")
        {
            Enroll(), List(), RotateSecret(), Revoke(),
        };

    private static Command Enroll()
    {
        var name = new Option<string>("--name") { Description = $"The site id ({ResourceIds.Description}).", Required = true };
        var displayName = new Option<string?>("--display-name") { Description = "A human-readable name, e.g. the hospital's." };
        var command = new Command("enroll", "Enroll a site; prints its secret, which is shown this once only.") { name, displayName };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
        {
            var site = SiteId(parsed.GetValue(name)!);
            return JsonOutput.Write(await platform.SendAsync<IssuedSecret>(HttpMethod.Post, "identity/clients",
                new EnrollClientRequest(site, Roles.Site, parsed.GetValue(displayName)), cancellationToken));
        });
    }

    private static Command List()
    {
        var command = new Command("list", "List enrolled sites and their active credentials (never secrets).");
        return PlatformCommand.WithPlatform(command, async (_, platform, cancellationToken) =>
            JsonOutput.Write(new SiteList(await platform.GetAsync<IReadOnlyList<ClientSummary>>("identity/clients?role=site", cancellationToken))));
    }

    private static Command RotateSecret()
    {
        var site = SiteOption();
        var command = new Command("rotate-secret",
            "Give a site a second secret (printed once). Deploy it, then revoke the old one with `fedgan sites revoke --site S --credential C`.")
        {
            site,
        };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
        {
            var siteId = SiteId(parsed.GetValue(site)!);
            var before = await platform.GetAsync<ClientSummary>($"identity/clients/{siteId}", cancellationToken);
            var issued = await platform.SendAsync<IssuedSecret>(HttpMethod.Post, $"identity/clients/{siteId}/secrets", null, cancellationToken);
            return JsonOutput.Write(new RotatedSecret(issued.ClientId, issued.CredentialId, issued.ClientSecret, issued.CreatedAt,
                [.. before.Credentials.Select(c => c.CredentialId)]));
        });
    }

    private static Command Revoke()
    {
        var site = SiteOption();
        var credential = new Option<string?>("--credential") { Description = "Revoke only this credential (after a rotation); without it the whole site is revoked." };
        var command = new Command("revoke", "Revoke a site (or one of its secrets): its tokens stop working at once.") { site, credential };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
        {
            var siteId = SiteId(parsed.GetValue(site)!);
            var path = parsed.GetValue(credential) is { Length: > 0 } credentialId
                ? $"identity/clients/{siteId}/secrets/{Uri.EscapeDataString(credentialId)}"
                : $"identity/clients/{siteId}";
            return JsonOutput.Write(await platform.SendAsync<RevocationResult>(HttpMethod.Delete, path, null, cancellationToken));
        });
    }

    private static Option<string> SiteOption() => new("--site") { Description = "The site id.", Required = true };

    private static string SiteId(string value) =>
        ResourceIds.IsValid(value) ? value : throw new CliUsageException($"'{value}' is not a valid site id: {ResourceIds.Description}.");
}

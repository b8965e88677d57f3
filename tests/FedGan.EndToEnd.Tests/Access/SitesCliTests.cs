using System.Net;

namespace FedGan.EndToEnd.Tests.Access;

/// <summary><c>fedgan sites ...</c> against the running stack's gateway.</summary>
[Collection(AccessCollection.Name)]
public class SitesCliTests(AccessStackFixture fixture)
{
    private PlatformAccess Platform => fixture.Platform;

    private Dictionary<string, string> As(string clientId, string secret) => new()
    {
        ["FEDGAN_GATEWAY"] = Platform.GatewayAddress.ToString(),
        ["FEDGAN_CLIENT_ID"] = clientId,
        ["FEDGAN_CLIENT_SECRET"] = secret,
    };

    private async Task<Dictionary<string, string>> AsCoordinatorAsync() =>
        As(PlatformAccess.Coordinator, await Platform.SecretAsync("identity-coordinator-secret"));

    [Fact]
    public async Task A_coordinator_enrolls_lists_rotates_and_revokes_a_site_from_the_command_line()
    {
        var coordinator = await AsCoordinatorAsync();
        var site = "cli-" + Guid.NewGuid().ToString("N")[..8];

        var enrolled = await FedganCli.RunAsync(coordinator, "sites", "enroll", "--name", site, "--display-name", "St Elsewhere");
        Assert.True(enrolled.ExitCode == 0, enrolled.Stderr);
        var firstSecret = (string)enrolled.Json["client_secret"]!;
        var firstCredential = (string)enrolled.Json["credential_id"]!;
        var siteToken = await Platform.TokenAsync(site, firstSecret);
        Assert.Equal(site, (string)AccessControlTests.JwtClaims(siteToken)["site_id"]!);

        var listed = await FedganCli.RunAsync(coordinator, "sites", "list");
        Assert.Equal(0, listed.ExitCode);
        var entry = Assert.Single(listed.Json["sites"]!.AsArray(), s => (string)s!["client_id"]! == site)!;
        Assert.Equal("St Elsewhere", (string)entry["display_name"]!);
        Assert.DoesNotContain(firstSecret, listed.Stdout);

        var rotated = await FedganCli.RunAsync(coordinator, "sites", "rotate-secret", "--site", site);
        Assert.True(rotated.ExitCode == 0, rotated.Stderr);
        var secondSecret = (string)rotated.Json["client_secret"]!;
        Assert.Equal([firstCredential], rotated.Json["revoke_after_deploying"]!.AsArray().Select(c => (string)c!));
        Assert.Equal(HttpStatusCode.OK, (await Platform.RequestTokenAsync(site, firstSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Platform.RequestTokenAsync(site, secondSecret)).StatusCode);

        var oldRevoked = await FedganCli.RunAsync(coordinator, "sites", "revoke", "--site", site, "--credential", firstCredential);
        Assert.True(oldRevoked.ExitCode == 0, oldRevoked.Stderr);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Platform.RequestTokenAsync(site, firstSecret)).StatusCode);
        var currentToken = await Platform.TokenAsync(site, secondSecret);
        using (var asSite = Platform.Gateway(currentToken))
        {
            Assert.NotEqual(HttpStatusCode.Unauthorized, (await asSite.GetAsync($"/privacy/studies/any/sites/{site}/spending", TestContext.Current.CancellationToken)).StatusCode);
        }

        var revoked = await FedganCli.RunAsync(coordinator, "sites", "revoke", "--site", site);
        Assert.True(revoked.ExitCode == 0, revoked.Stderr);
        Assert.True((bool)revoked.Json["client_removed"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Platform.RequestTokenAsync(site, secondSecret)).StatusCode);
        using var afterRevocation = Platform.Gateway(currentToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await afterRevocation.GetAsync($"/privacy/studies/any/sites/{site}/spending", TestContext.Current.CancellationToken)).StatusCode);
        var relisted = await FedganCli.RunAsync(coordinator, "sites", "list");
        Assert.DoesNotContain(relisted.Json["sites"]!.AsArray(), s => (string)s!["client_id"]! == site);
    }

    [Fact]
    public async Task Refusals_are_one_line_on_stderr_with_exit_code_1()
    {
        var wrongSecret = await FedganCli.RunAsync(As(PlatformAccess.Coordinator, "not-the-secret"), "sites", "list");
        var site = await FedganCli.RunAsync(As("hospital-1", await Platform.SecretAsync("hospital-1-client-secret")),
            "sites", "enroll", "--name", "rogue-site");

        Assert.Equal(1, wrongSecret.ExitCode);
        Assert.Contains("invalid_client (401)", wrongSecret.Stderr);
        Assert.Single(wrongSecret.Stderr.Split('\n'));
        Assert.Equal(1, site.ExitCode);
        Assert.Contains("forbidden (403)", site.Stderr);
        Assert.Empty(site.Stdout);
    }
}

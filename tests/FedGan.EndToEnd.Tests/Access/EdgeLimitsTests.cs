using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace FedGan.EndToEnd.Tests.Access;

[Collection(AccessCollection.Name)]
public class EdgeLimitsTests(AccessStackFixture fixture)
{
    private PlatformAccess Platform => fixture.Platform;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_burst_beyond_a_clients_rate_limit_gets_429_problems_with_Retry_After_and_other_clients_are_unaffected()
    {
        const int burst = 120;
        var token = await Platform.EnrolledTokenAsync("burst-" + Guid.NewGuid().ToString("N")[..8], "site");
        using var client = Platform.Gateway(token);

        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, burst).Select(_ => client.GetAsync("/privacy/info", Cancellation)));
        var elapsed = clock.Elapsed;

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        var served = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(burst, limited.Count + served);
        // A token bucket lets through at most its burst plus what it refilled while the burst lasted.
        var refilled = (int)Math.Ceiling(elapsed.TotalSeconds) * AccessStackFixture.RateLimitPerSecond;
        Assert.InRange(served, AccessStackFixture.RateLimitBurst - 1, AccessStackFixture.RateLimitBurst + refilled);
        Assert.NotEmpty(limited);
        foreach (var response in limited)
        {
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After is missing");
            Assert.Equal("rate_limited", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))?["code"]);
        }

        // Limits are per client: the coordinator is not slowed down by a noisy site.
        using var coordinator = Platform.Gateway(await Platform.CoordinatorTokenAsync());
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync("/privacy/info", Cancellation)).StatusCode);
    }

    [Theory]
    [InlineData("/aggregator/studies/s/rounds/1/sites/x/update", 1L << 30)]
    [InlineData("/privacy/studies/s/budget", 2L * 1024 * 1024)]
    public async Task An_oversized_upload_is_refused_with_413_before_any_of_its_body_is_sent(string path, long declaredLength)
    {
        var token = await Platform.CoordinatorTokenAsync();
        var gateway = Platform.GatewayAddress;

        // Headers only: a gateway that tried to read (or buffer) the body would wait for it and never answer.
        using var socket = new TcpClient();
        await socket.ConnectAsync(gateway.Host, gateway.Port, Cancellation);
        var stream = socket.GetStream();
        var head = $"PUT {path} HTTP/1.1\r\nHost: {gateway.Authority}\r\nAuthorization: Bearer {token}\r\n"
            + $"Content-Type: application/octet-stream\r\nContent-Length: {declaredLength}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Cancellation);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        var buffer = new byte[8192];
        var received = new StringBuilder();
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var response = received.ToString();
        Assert.StartsWith("HTTP/1.1 413", response);
        Assert.Contains("application/problem+json", response, StringComparison.OrdinalIgnoreCase);
    }
}

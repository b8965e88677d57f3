using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using FedGan.ServiceDefaults.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FedGan.ServiceDefaults.Tests;

/// <summary>
/// The key cache every service validates tokens with, against a key set published the way Identity
/// publishes it (RFC 7517 JSON): when it reads the set again, and when it does not.
/// </summary>
public class JwksSigningKeySourceTests
{
    /// <summary>Serves a JWKS of P-256 public keys, counts reads, and can be switched off.</summary>
    private sealed class KeySetServer : HttpMessageHandler
    {
        public List<string> KeyIds { get; } = [];
        public int Reads;
        public bool Down;

        public string AddKey()
        {
            var kid = "k" + KeyIds.Count;
            KeyIds.Add(kid);
            return kid;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Reads);
            if (Down)
            {
                throw new HttpRequestException("connection refused");
            }

            Assert.Equal("http://identity.test/.well-known/jwks.json", request.RequestUri!.ToString());
            var keys = KeyIds.Select(kid =>
            {
                var point = ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportParameters(false).Q;
                return $"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{Base64Url.EncodeToString(point.X)}\",\"y\":\"{Base64Url.EncodeToString(point.Y)}\",\"kid\":\"{kid}\",\"use\":\"sig\",\"alg\":\"ES256\"}}";
            });
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($"{{\"keys\":[{string.Join(',', keys)}]}}", Encoding.UTF8, "application/json"),
            });
        }
    }

    private static (JwksSigningKeySource Source, KeySetServer Server) Create(TimeSpan refreshInterval, TimeSpan unknownKeyInterval)
    {
        var server = new KeySetServer();
        var services = new ServiceCollection();
        services.AddHttpClient(JwksSigningKeySource.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => server);
        var options = Options.Create(new FedGanAuthenticationOptions
        {
            Authority = "http://identity.test",
            KeyRefreshInterval = refreshInterval,
            UnknownKeyRefreshInterval = unknownKeyInterval,
        });
        var source = new JwksSigningKeySource(services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>(), options,
            TimeProvider.System, NullLogger<JwksSigningKeySource>.Instance);
        return (source, server);
    }

    [Fact]
    public async Task A_known_key_is_served_from_the_cache_and_an_unknown_one_is_read_at_once()
    {
        var (source, server) = Create(TimeSpan.FromMinutes(10), TimeSpan.Zero);
        var first = server.AddKey();

        await source.EnsureKeyAsync(first, CancellationToken.None);
        await source.EnsureKeyAsync(first, CancellationToken.None);
        Assert.Equal(1, server.Reads);

        var rotated = server.AddKey();
        await source.EnsureKeyAsync(rotated, CancellationToken.None);

        Assert.Equal(2, server.Reads);
        Assert.Equal([first, rotated], source.Current.Select(k => k.KeyId));
    }

    [Fact]
    public async Task Made_up_key_ids_cannot_make_it_read_the_set_more_than_once_per_interval()
    {
        var interval = TimeSpan.FromMilliseconds(400);
        var (source, server) = Create(TimeSpan.FromMinutes(10), interval);
        server.AddKey();
        await source.EnsureKeyAsync("k0", CancellationToken.None);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            await source.EnsureKeyAsync("made-up-" + i, CancellationToken.None);
        }

        // Three unknown ids: three reads, each at least one interval after the previous one.
        Assert.Equal(4, server.Reads);
        Assert.True(clock.Elapsed >= 3 * interval - TimeSpan.FromMilliseconds(50), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task When_Identity_is_down_the_known_keys_keep_working()
    {
        var (source, server) = Create(TimeSpan.FromMinutes(10), TimeSpan.Zero);
        var kid = server.AddKey();
        await source.EnsureKeyAsync(kid, CancellationToken.None);

        server.Down = true;
        await source.EnsureKeyAsync("rotated-while-down", CancellationToken.None);

        Assert.Equal([kid], source.Current.Select(k => k.KeyId));
    }

    [Fact]
    public async Task A_stale_set_is_read_again_in_the_background_without_holding_up_the_request()
    {
        var (source, server) = Create(TimeSpan.FromMilliseconds(200), TimeSpan.Zero);
        var kid = server.AddKey();
        await source.EnsureKeyAsync(kid, CancellationToken.None);
        await Task.Delay(300);

        server.AddKey();
        await source.EnsureKeyAsync(kid, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (source.Current.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(2, server.Reads);
        Assert.Equal(2, source.Current.Count);
    }
}

using System.Collections.Concurrent;
using FedGan.Contracts;
using FedGan.Contracts.Models;
using FedGan.Contracts.Updates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedGan.RoundScheduler.Tests;

/// <summary>The scheduler's calls to its dependencies, one per operation, that a test can make fail.</summary>
public static class Operation
{
    public const string ReadVersion = "registry.read_version";
    public const string Reserve = "accountant.reserve";
    public const string Commit = "accountant.commit";
    public const string Release = "accountant.release";
    public const string RegisterRound = "aggregator.register_round";
    public const string ListReceipts = "aggregator.list_receipts";
    public const string Aggregate = "aggregator.aggregate";
}

/// <summary>
/// A real HTTP server on loopback that answers the scheduler's calls to the model registry, the
/// privacy accountant and the aggregator (they share no route), as those services answer them when
/// healthy. A test makes an operation fail with a status and a problem code: the dependency being
/// down (500/503) or refusing (4xx with the code the real service uses).
/// </summary>
public sealed class DependencyStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (int Status, string? Code)> _faults = new();
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _uploads = new();
    private readonly ConcurrentDictionary<string, string> _reservations = new();
    private readonly ConcurrentQueue<string> _settlements = new();

    private DependencyStandIn(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public static async Task<DependencyStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new DependencyStandIn(app);
        standIn.Map(app);
        await app.StartAsync();
        standIn.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return standIn;
    }

    /// <summary>Every call of <paramref name="operation"/> answers <paramref name="status"/> (with a problem <paramref name="code"/>) until <see cref="Recover"/>.</summary>
    public void Fail(string operation, int status, string? code = null) => _faults[operation] = (status, code);

    public void Recover(string operation) => _faults.TryRemove(operation, out _);

    /// <summary>Sites whose update the aggregator has accepted for the round.</summary>
    public void Uploaded(string studyId, int round, params IReadOnlyList<string> sites) => _uploads[$"{studyId}/{round}"] = sites;

    /// <summary>The reservations settled so far, as "commit|release study/round/site", in order.</summary>
    public IReadOnlyList<string> Settlements => _settlements.ToArray();

    /// <summary>A reservation's state: pending, committed or released; null when never made.</summary>
    public string? Reservation(string studyId, int round, string site) => _reservations.GetValueOrDefault($"{studyId}/{round}/{site}");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private void Map(WebApplication app)
    {
        app.MapGet("/studies/{studyId}/versions/{version:int}", (string studyId, int version) =>
            Answer(Operation.ReadVersion, () => Results.Json(new ModelVersionManifest(studyId, version, new string('a', 64), 1024, null, null,
                new ModelDescription(new ModelArchitecture(), [], 0), [], null, null, null, DateTimeOffset.UtcNow), ContractJson.Options)));

        app.MapPut("/studies/{studyId}/rounds/{round:int}/sites/{site}/reservation", (string studyId, int round, string site) =>
            Answer(Operation.Reserve, () =>
            {
                _reservations.TryAdd($"{studyId}/{round}/{site}", "pending");
                return Results.Json(new { epsilon_after = 0.5 });
            }));
        app.MapPost("/studies/{studyId}/rounds/{round:int}/sites/{site}/reservation/{verb}", (string studyId, int round, string site, string verb) =>
            Answer(verb == "commit" ? Operation.Commit : Operation.Release, () => Settle($"{studyId}/{round}/{site}", verb)));

        app.MapPut("/studies/{studyId}/rounds/{round:int}", () => Answer(Operation.RegisterRound, () => Results.Ok()));
        app.MapGet("/studies/{studyId}/rounds/{round:int}/updates", (string studyId, int round) =>
            Answer(Operation.ListReceipts, () => Results.Json(UploadsOf(studyId, round)
                .Select(site => new UpdateReceipt(studyId, round, site, new string('b', 64), 100, 10, 0.5, DateTimeOffset.UtcNow)), ContractJson.Options)));
        app.MapPost("/studies/{studyId}/rounds/{round:int}/aggregation", (string studyId, int round) =>
            Answer(Operation.Aggregate, () =>
            {
                var sites = UploadsOf(studyId, round);
                return Results.Json(new AggregationResult(round, new string('c', 64),
                    sites.Select(site => new Contribution(site, 10, 1.0 / sites.Count, new string('b', 64))).ToList()), ContractJson.Options);
            }));
    }

    private IReadOnlyList<string> UploadsOf(string studyId, int round) => _uploads.GetValueOrDefault($"{studyId}/{round}") ?? [];

    // As the accountant: settling twice the same way is accepted once, otherwise refused.
    private IResult Settle(string key, string verb)
    {
        var target = verb == "commit" ? "committed" : "released";
        var state = _reservations.GetValueOrDefault(key);
        if (state is null)
        {
            return Problem(404, "reservation_not_found");
        }

        if (state != "pending" && state != target)
        {
            return Problem(409, "reservation_settled");
        }

        if (state == "pending" && _reservations.TryUpdate(key, target, "pending"))
        {
            _settlements.Enqueue($"{verb} {key}");
        }

        return Results.Json(new { status = target });
    }

    private IResult Answer(string operation, Func<IResult> healthy) =>
        _faults.TryGetValue(operation, out var fault) ? Problem(fault.Status, fault.Code) : healthy();

    private static IResult Problem(int status, string? code) =>
        Results.Problem(statusCode: status, detail: $"stand-in answered {status}",
            extensions: code is null ? null : new Dictionary<string, object?> { ["code"] = code });
}

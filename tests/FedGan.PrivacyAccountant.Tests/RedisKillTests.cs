using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using FedGan.Testing;

namespace FedGan.PrivacyAccountant.Tests;

/// <summary>
/// Redis as the deployments run it (append-only file, fsync every second) killed with SIGKILL while
/// sites' reservations are being committed. A killed process leaves what it wrote in the kernel's page
/// cache, so every commit acknowledged to a caller must be in the ledger after the restart, even one
/// acknowledged microseconds before the kill. (A machine crash may lose up to ~1 s: not tested here.)
/// </summary>
public class RedisKillTests(ITestOutputHelper output)
{
    private const int Kills = 3;
    private const int CommitsBetweenKills = 40;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Killing_Redis_mid_round_loses_no_acknowledged_commit_and_the_audit_chain_still_verifies()
    {
        await using var redis = await RedisServer.StartAsync(RedisDurability.FsyncEverySecond);
        var study = Studies.NewId();
        var workload = new CommitWorkload(study, [.. Enumerable.Range(1, 6).Select(i => $"hospital-{i}")]);
        await using (var setup = new PrivacyAccountantHost(redis.ConnectionString))
        {
            Assert.Equal(HttpStatusCode.Created, (await new LedgerClient(setup.CreateClient()).SetBudgetAsync(study, epsilonMax: 1000)).StatusCode);
        }

        for (var kill = 1; kill <= Kills; kill++)
        {
            await using (var service = new PrivacyAccountantHost(redis.ConnectionString))
            {
                var run = workload.Start(new LedgerClient(service.CreateClient()), workload.Acknowledged.Count + CommitsBetweenKills);
                try
                {
                    await run.TargetReached.Task.WaitAsync(Deadline);
                }
                catch (TimeoutException)
                {
                    await run.StopAsync();
                    Assert.Fail($"{workload.Acknowledged.Count} commits acknowledged within {Deadline}; last unexpected status {run.LastUnexpected}");
                }

                // Right after the last acknowledgement, with the other sites' requests in flight.
                var inFlight = run.InFlight;
                var killedAt = Stopwatch.GetTimestamp();
                await redis.KillAsync();
                await run.StopAsync().WaitAsync(Deadline);
                var lastSecond = workload.Acknowledged.Count(a => Stopwatch.GetElapsedTime(a.At, killedAt) < TimeSpan.FromSeconds(1));
                output.WriteLine($"kill {kill}: {workload.Acknowledged.Count} commits acknowledged so far, {lastSecond} of them within 1 s before SIGKILL; " +
                    $"{inFlight} requests in flight at the kill, {run.Failed} failed after it");
                Assert.True(inFlight > 0, "the kill should land while requests are in flight");
            }

            var restartedAt = Stopwatch.GetTimestamp();
            await redis.RestartAsync();
            output.WriteLine($"restart {kill}: Redis answered PONG after {Stopwatch.GetElapsedTime(restartedAt).TotalMilliseconds:F0} ms");
            await using var restarted = new PrivacyAccountantHost(redis.ConnectionString);
            await AssertLedgerHoldsAsync(new LedgerClient(restarted.CreateClient()), study, workload.Acknowledged);
        }
    }

    private static async Task AssertLedgerHoldsAsync(LedgerClient ledger, string study, IReadOnlyCollection<(string Site, int Round, long At)> acknowledged)
    {
        var entries = (await ledger.GetArrayAsync($"/studies/{study}/ledger"))
            .ToDictionary(e => ((string)e!["site_id"]!, (int)e!["round"]!), e => (string)e!["status"]!);
        foreach (var (site, round, _) in acknowledged)
        {
            Assert.True(entries.TryGetValue((site, round), out var status), $"acknowledged commit of round {round} at {site} is lost");
            Assert.Equal("committed", status);
        }

        var verification = await ledger.GetAsync($"/studies/{study}/audit/verification");
        Assert.True((bool)verification["intact"]!, (string?)verification["problem"]);
        // One link per write, in the same MULTI/EXEC as the write: the budget, each reservation, each
        // commit. A write torn by the kill would show as a ledger entry without its link, or the reverse.
        var committed = entries.Values.Count(s => s == "committed");
        Assert.Equal(1 + entries.Count + committed, (long)verification["records"]!);
    }

    /// <summary>Each site reserves and commits round after round, as the scheduler drives it, resuming where it stopped.</summary>
    private sealed class CommitWorkload(string study, IReadOnlyList<string> sites)
    {
        private readonly ConcurrentDictionary<string, int> _nextRound = new(sites.Select(s => KeyValuePair.Create(s, 1)));
        private readonly ConcurrentQueue<(string Site, int Round, long At)> _acknowledged = new();

        public IReadOnlyCollection<(string Site, int Round, long At)> Acknowledged => _acknowledged;

        public Run Start(LedgerClient ledger, int target)
        {
            var run = new Run();
            run.Workers = [.. sites.Select(site => Task.Run(() => WorkAsync(ledger, site, target, run)))];
            return run;
        }

        private async Task WorkAsync(LedgerClient ledger, string site, int target, Run run)
        {
            while (!run.Stopping.IsCancellationRequested)
            {
                var round = _nextRound[site];
                // Small mechanisms: hundreds of rounds fit in the budget.
                if (await run.SendAsync(() => ledger.ReserveAsync(study, round, site, steps: 10, cancellationToken: run.Stopping.Token))
                        is HttpStatusCode.Created or HttpStatusCode.OK
                    && await run.SendAsync(() => ledger.CommitAsync(study, round, site, run.Stopping.Token)) == HttpStatusCode.OK)
                {
                    _acknowledged.Enqueue((site, round, Stopwatch.GetTimestamp()));
                    _nextRound[site] = round + 1;
                    if (_acknowledged.Count >= target)
                    {
                        run.TargetReached.TrySetResult();
                    }
                }
            }
        }
    }

    private sealed class Run
    {
        private int _inFlight;
        private int _failed;

        public CancellationTokenSource Stopping { get; } = new();

        public TaskCompletionSource TargetReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task[] Workers { get; set; } = [];

        public int InFlight => Volatile.Read(ref _inFlight);

        public int Failed => Volatile.Read(ref _failed);

        public HttpStatusCode? LastUnexpected { get; private set; }

        /// <returns>The status, or null when the request failed (Redis gone, or the run stopping).</returns>
        public async Task<HttpStatusCode?> SendAsync(Func<Task<HttpResponseMessage>> request)
        {
            Interlocked.Increment(ref _inFlight);
            try
            {
                using var response = await request();
                if ((int)response.StatusCode >= 500)
                {
                    Interlocked.Increment(ref _failed);
                }

                if (!response.IsSuccessStatusCode)
                {
                    LastUnexpected = response.StatusCode;
                }

                return response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                Interlocked.Increment(ref _failed);
                return null;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public async Task StopAsync()
        {
            await Stopping.CancelAsync();
            await Task.WhenAll(Workers);
            Stopping.Dispose();
        }
    }
}

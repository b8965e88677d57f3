using System.Diagnostics;
using FedGan.Contracts.Studies;
using FedGan.EdgeTrainer.Local;
using FedGan.EdgeTrainer.Platform;
using Microsoft.Extensions.Options;

namespace FedGan.EdgeTrainer.Training;

/// <summary>
/// The hospital's worker: first finishes whatever a previous run left (uploads an update already
/// trained, resumes a checkpointed training), then polls the platform outbound for tasks. One trace
/// per round covers every call this site makes for it.
/// </summary>
public sealed class TaskLoop(
    PlatformClient platform,
    LocalDataset dataset,
    LocalPrivacyLedger ledger,
    StudyApprovalPolicy approvals,
    SiteRoundTrainer trainer,
    EdgeMetrics metrics,
    TimeProvider clock,
    IOptions<EdgeTrainerOptions> options,
    ILogger<TaskLoop> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private EdgeTrainerOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (Options.ApprovedStudies.Count == 0)
        {
            logger.LogWarning("No study is approved (EdgeTrainer:ApprovedStudies): every task will be declined");
        }
        else
        {
            logger.LogInformation("Approved studies: {Studies}", string.Join(", ", Options.ApprovedStudies.Keys.Order(StringComparer.Ordinal)));
        }

        foreach (var pending in TaskWorkspace.Pending(Options.StateDirectory))
        {
            logger.LogInformation("Resuming unfinished work in {Workspace}", pending.Directory);
            await RunGuardedAsync(async () =>
            {
                var task = pending.ReadTask();
                // The operator may have withdrawn the approval since: then nothing more is trained or uploaded.
                if (approvals.Check(task) is { } decline)
                {
                    await DeclineAsync(task, decline, stoppingToken);
                    pending.MarkRefused($"{decline.Reason}: {decline.Detail}");
                    return;
                }

                await ProcessAsync(task, pending, stoppingToken);
            }, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await RunGuardedAsync(async () =>
            {
                var task = await platform.WaitForTaskAsync(Options.SiteId, Options.PollWaitSeconds, stoppingToken);
                if (task is null)
                {
                    return;
                }

                // Consent first: an unapproved study gets no workspace, no download and no training.
                if (approvals.Check(task) is { } decline)
                {
                    if (!await DeclineAsync(task, decline, stoppingToken))
                    {
                        // Not recorded (e.g. a platform too old to know declines): the task will be offered
                        // again, so do not ask for it in a tight loop.
                        await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, Options.PollWaitSeconds)), clock, stoppingToken);
                    }

                    return;
                }

                var workspace = TaskWorkspace.For(Options.StateDirectory, task.StudyId, task.Round);
                if (workspace.IsFinished)
                {
                    // The scheduler has not seen our upload (or refusal) yet: do not spin on it.
                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, Options.PollWaitSeconds)), clock, stoppingToken);
                    return;
                }

                await ProcessAsync(task, workspace, stoppingToken);
            }, stoppingToken);
        }
    }

    private async Task ProcessAsync(TrainingTask task, TaskWorkspace workspace, CancellationToken cancellationToken)
    {
        // A new trace per site and round, whatever polled before it.
        Activity.Current = null;
        using var activity = FedGanTelemetry.ActivitySource.StartActivity("edge.round");
        activity?.SetTag("fedgan.study", task.StudyId);
        activity?.SetTag("fedgan.round", task.Round);
        activity?.SetTag("fedgan.site", Options.SiteId);
        workspace.SaveTask(task);

        if (!workspace.HasUpdate && !await TrainAsync(task, workspace, cancellationToken))
        {
            return;
        }

        await UploadAsync(task, workspace, cancellationToken);
    }

    private async Task<bool> TrainAsync(TrainingTask task, TaskWorkspace workspace, CancellationToken cancellationToken)
    {
        if (ledger.Refusal(task) is { } reason)
        {
            await DeclineAsync(task, new RoundDecline(RoundDeclineReasons.LocalBudgetExhausted, reason), cancellationToken);
            workspace.MarkRefused(reason);
            return false;
        }

        var round = await platform.GetRoundAsync(task.StudyId, task.Round, cancellationToken);
        if (round is not { State: RoundState.Open } || clock.GetUtcNow() >= task.Deadline)
        {
            logger.LogInformation("Round {Round} of study {StudyId} is no longer open; skipping it", task.Round, task.StudyId);
            workspace.MarkRefused("the round closed before training started");
            return false;
        }

        var platformEpsilon = await platform.GetPlatformEpsilonAsync(task.StudyId, Options.SiteId, cancellationToken);
        logger.LogInformation("Starting round {Round} of study {StudyId}: platform ledger epsilon {PlatformEpsilon}, local ledger epsilon {LocalEpsilon}",
            task.Round, task.StudyId, platformEpsilon, ledger.EpsilonSpent(task.StudyId));

        if (!File.Exists(workspace.GlobalWeights))
        {
            await platform.DownloadWeightsAsync(task.StudyId, task.ModelVersion, task.ModelSha256, workspace.GlobalWeights, cancellationToken);
        }

        // Charged before the first step: a crash after this point resumes the same round, never a second one.
        ledger.Charge(task);
        metrics.EpsilonSpent(ledger.EpsilonSpent(task.StudyId));
        var images = dataset.Load(task.Architecture.ImageSize);
        await Task.Run(() => trainer.Train(task, images, workspace, progress: null, cancellationToken), cancellationToken);
        return true;
    }

    /// <summary>Logs why this site will not take part and tells the platform, which shows it in the round.</summary>
    /// <returns>Whether the platform recorded the decline.</returns>
    private async Task<bool> DeclineAsync(TrainingTask task, RoundDecline decline, CancellationToken cancellationToken)
    {
        logger.LogWarning("Declining round {Round} of study {StudyId} ({Reason}): {Detail}", task.Round, task.StudyId, decline.Reason, decline.Detail);
        metrics.Declined(decline.Reason);
        if (await platform.DeclineRoundAsync(Options.SiteId, task.StudyId, task.Round, decline, cancellationToken) is { } code)
        {
            logger.LogInformation("The platform did not record the decline of round {Round} of study {StudyId}: {Code}", task.Round, task.StudyId, code);
            return false;
        }

        return true;
    }

    private async Task UploadAsync(TrainingTask task, TaskWorkspace workspace, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var receipt = await platform.UploadUpdateAsync(task.StudyId, task.Round, Options.SiteId, workspace.Update, cancellationToken);
                workspace.MarkUploaded(receipt);
                metrics.Uploaded("accepted");
                logger.LogInformation("Uploaded the update for round {Round} of study {StudyId}", task.Round, task.StudyId);
                return;
            }
            catch (UploadRefusedException ex)
            {
                workspace.MarkRefused(ex.Message);
                metrics.Uploaded(ex.Code ?? "refused");
                logger.LogWarning("The platform refused the update for round {Round} of study {StudyId}: {Code}", task.Round, task.StudyId, ex.Code);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
            {
                if (clock.GetUtcNow() >= task.Deadline)
                {
                    workspace.MarkRefused("the deadline passed before the update could be uploaded");
                    metrics.Uploaded("expired");
                    return;
                }

                logger.LogWarning("Upload failed ({Error}); retrying", ex.Message);
                await Task.Delay(RetryDelay, clock, cancellationToken);
            }
        }
    }

    private async Task RunGuardedAsync(Func<Task> work, CancellationToken stoppingToken)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "The edge trainer's work failed; retrying in {Delay}", RetryDelay);
            await Task.Delay(RetryDelay, clock, stoppingToken);
        }
    }
}

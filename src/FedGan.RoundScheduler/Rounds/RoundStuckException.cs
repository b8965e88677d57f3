using FedGan.Contracts.Studies;
using FedGan.RoundScheduler.Clients;

namespace FedGan.RoundScheduler.Rounds;

/// <summary>A round step that a dependency held up, with the <see cref="StuckReasons"/> code the round shows.</summary>
public sealed class RoundStuckException(string code, string detail, Exception? inner = null) : Exception(detail, inner)
{
    public string Code { get; } = code;
}

/// <summary>
/// Calls another service for a round step and turns its failure into the reason the round shows:
/// no answer (network, timeout, 5xx, 429) is "unreachable", any other refusal is the step's own code.
/// </summary>
public static class RoundDependency
{
    public static async Task<T> CallAsync<T>(string unreachable, string refused, string step, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (UpstreamProblemException ex) when (ex.Status < 500 && ex.Status != StatusCodes.Status429TooManyRequests)
        {
            throw new RoundStuckException(refused, $"{step}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is not RoundStuckException && !cancellationToken.IsCancellationRequested)
        {
            throw new RoundStuckException(unreachable, $"{step}: {ex.Message}", ex);
        }
    }

    public static Task CallAsync(string unreachable, string refused, string step, Func<Task> call, CancellationToken cancellationToken) =>
        CallAsync(unreachable, refused, step, async () =>
        {
            await call();
            return true;
        }, cancellationToken);
}

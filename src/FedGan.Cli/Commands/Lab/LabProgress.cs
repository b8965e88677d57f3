using FedGan.Learning.Simulation;
using Spectre.Console;

namespace FedGan.Cli.Commands.Lab;

/// <summary>Spectre.Console progress bars on stderr, one per simulation stage; stdout stays pure JSON.</summary>
internal static class LabProgress
{
    public static T Show<T>(Func<Action<SimulationProgress>, T> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                return work(update =>
                {
                    if (!tasks.TryGetValue(update.Stage, out var task))
                        tasks[update.Stage] = task = context.AddTask(Markup.Escape(update.Stage), maxValue: Math.Max(1, update.Total));
                    if (update.Done == 1 && task.Value >= task.MaxValue)
                    {
                        // A stage that runs again (e.g. TSTR for each site) starts a fresh bar.
                        task.StopTask();
                        tasks[update.Stage] = task = context.AddTask(Markup.Escape(update.Stage), maxValue: Math.Max(1, update.Total));
                    }

                    task.MaxValue = Math.Max(1, update.Total);
                    task.Value = update.Done;
                });
            });
    }
}

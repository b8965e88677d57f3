namespace FedGan.Cli.Tests;

public sealed class StudiesCommandTests
{
    // A gateway nothing listens on: a study that passes the checks would fail to connect, so a
    // usage error here can only come from the options themselves, before anything is sent.
    private static readonly string[] Create =
    [
        "studies", "create", "--study", "s1", "--sites", "hospital-1,hospital-2",
        "--gateway", "http://127.0.0.1:9", "--client-id", "coordinator", "--client-secret", "unused",
    ];

    [Theory]
    [InlineData("--d-learning-rate", "0")]
    [InlineData("--g-learning-rate", "-1e-4")]
    [InlineData("--g-learning-rate", "NaN")]
    [InlineData("--d-steps-per-g-step", "0")]
    public async Task Training_settings_that_cannot_train_are_refused_before_anything_is_sent(string option, string value)
    {
        var run = await FedganProcess.RunAsync([.. Create, option, value]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Stderr);
        Assert.DoesNotContain("127.0.0.1", run.Stderr);
    }
}

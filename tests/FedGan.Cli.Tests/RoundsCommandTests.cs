namespace FedGan.Cli.Tests;

public sealed class RoundsCommandTests
{
    // A gateway nothing listens on: a usage error can only come from the options themselves.
    private static readonly string[] Resolve =
    [
        "rounds", "resolve", "--study", "s1", "--round", "2",
        "--gateway", "http://127.0.0.1:9", "--client-id", "coordinator", "--client-secret", "unused",
    ];

    [Fact]
    public async Task Resolve_accepts_only_retry_or_fail_before_anything_is_sent()
    {
        var run = await FedganProcess.RunAsync([.. Resolve, "--action", "skip"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("skip", run.Stderr);
        Assert.Contains("retry", run.Stderr);
        Assert.Contains("fail", run.Stderr);
        Assert.DoesNotContain("127.0.0.1", run.Stderr);
    }

    [Fact]
    public async Task Resolve_needs_an_action()
    {
        var run = await FedganProcess.RunAsync(Resolve);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--action", run.Stderr);
    }
}

namespace FedGan.Cli.Tests;

public sealed class PrivacyCommandTests
{
    [Fact]
    public async Task Epsilon_with_rdp_prints_epsilon_and_order()
    {
        // pytorch/opacus accountants_test.py test_rdp_accountant: noise 1.5, rate 0.04, 2250 steps,
        // delta 1e-5 -> 7.32911117143.
        var run = await FedganProcess.RunAsync("privacy", "epsilon", "--noise-multiplier", "1.5",
            "--sampling-rate", "0.04", "--steps", "2250", "--delta", "1e-5");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(7.32911117143, run.Json.GetProperty("epsilon").GetDouble(), 7);
        Assert.Equal("rdp", run.Json.GetProperty("accountant").GetString());
        Assert.True(run.Json.GetProperty("order").GetDouble() > 1);
    }

    [Fact]
    public async Task Epsilon_with_pld_is_tighter_and_has_no_order()
    {
        string[] arguments = ["privacy", "epsilon", "--noise-multiplier", "1.5", "--sampling-rate", "0.04", "--steps", "2250", "--delta", "1e-5"];
        var pld = await FedganProcess.RunAsync([.. arguments, "--accountant", "pld"]);
        Assert.Equal(0, pld.ExitCode);
        Assert.Equal("pld", pld.Json.GetProperty("accountant").GetString());
        Assert.False(pld.Json.TryGetProperty("order", out _));
        Assert.InRange(pld.Json.GetProperty("epsilon").GetDouble(), 5, 7.32911117143);
    }

    [Fact]
    public async Task No_noise_prints_an_infinite_epsilon()
    {
        var run = await FedganProcess.RunAsync("privacy", "epsilon", "--noise-multiplier", "0",
            "--sampling-rate", "0.01", "--steps", "10", "--delta", "1e-5");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("Infinity", run.Json.GetProperty("epsilon").GetString());
    }

    [Theory]
    [InlineData("rdp")]
    [InlineData("pld")]
    public async Task Noise_meets_the_target_without_overshooting(string accountant)
    {
        var run = await FedganProcess.RunAsync("privacy", "noise", "--epsilon", "3", "--delta", "1e-5",
            "--sampling-rate", "0.02", "--steps", "1000", "--accountant", accountant);
        Assert.Equal(0, run.ExitCode);
        var sigma = run.Json.GetProperty("noise_multiplier").GetDouble();
        var achieved = run.Json.GetProperty("epsilon").GetDouble();
        Assert.InRange(achieved, 2.9, 3);

        // The printed noise, fed back to `privacy epsilon`, gives the printed epsilon.
        var check = await FedganProcess.RunAsync("privacy", "epsilon", "--noise-multiplier", sigma.ToString("R"),
            "--sampling-rate", "0.02", "--steps", "1000", "--delta", "1e-5", "--accountant", accountant);
        Assert.Equal(achieved, check.Json.GetProperty("epsilon").GetDouble(), 12);
    }

    [Theory]
    [InlineData("noise multiplier", "privacy", "epsilon", "--noise-multiplier", "-1", "--sampling-rate", "0.01", "--steps", "10", "--delta", "1e-5")]
    [InlineData("sampling rate", "privacy", "epsilon", "--noise-multiplier", "1", "--sampling-rate", "1.5", "--steps", "10", "--delta", "1e-5")]
    [InlineData("steps", "privacy", "epsilon", "--noise-multiplier", "1", "--sampling-rate", "0.01", "--steps", "-4", "--delta", "1e-5")]
    [InlineData("Delta", "privacy", "epsilon", "--noise-multiplier", "1", "--sampling-rate", "0.01", "--steps", "10", "--delta", "0")]
    [InlineData("--noise-multiplier", "privacy", "epsilon", "--sampling-rate", "0.01", "--steps", "10", "--delta", "1e-5")]
    [InlineData("abc", "privacy", "epsilon", "--noise-multiplier", "abc", "--sampling-rate", "0.01", "--steps", "10", "--delta", "1e-5")]
    [InlineData("prv", "privacy", "epsilon", "--noise-multiplier", "1", "--sampling-rate", "0.01", "--steps", "10", "--delta", "1e-5", "--accountant", "prv")]
    [InlineData("target epsilon", "privacy", "noise", "--epsilon", "-2", "--delta", "1e-5", "--sampling-rate", "0.01", "--steps", "10")]
    [InlineData("No noise multiplier", "privacy", "noise", "--epsilon", "1e-7", "--delta", "1e-10", "--sampling-rate", "1", "--steps", "1000000")]
    public async Task Invalid_input_exits_2_with_one_line(string mentioned, params string[] arguments)
    {
        var run = await FedganProcess.RunAsync(arguments);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.StartsWith("fedgan: ", run.Stderr);
        Assert.Single(run.Stderr.Split('\n'));
        Assert.Contains(mentioned, run.Stderr);
    }
}

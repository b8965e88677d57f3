namespace FedGan.Cli.Tests;

public sealed class BenchCommandTests
{
    [Fact]
    public async Task Bench_lists_its_subcommands()
    {
        var run = await FedganProcess.RunAsync("bench");
        Assert.Equal(0, run.ExitCode);
        var names = run.Json.GetProperty("subcommands").EnumerateArray().Select(e => e.GetProperty("name").GetString());
        Assert.Contains("accountant", names);
    }

    [Fact]
    public async Task Accountant_bench_prints_one_object_with_every_timing()
    {
        var run = await FedganProcess.RunAsync("bench", "accountant", "--steps", "200", "--repetitions", "1");
        Assert.Equal(0, run.ExitCode);
        Assert.Single(run.Stdout.Split('\n'));
        var json = run.Json;
        Assert.Equal(200, json.GetProperty("steps").GetInt64());
        var rdp = json.GetProperty("rdp");
        var pld = json.GetProperty("pld");
        Assert.True(rdp.GetProperty("median_ms").GetDouble() > 0);
        Assert.True(pld.GetProperty("epsilon").GetDouble() <= rdp.GetProperty("epsilon").GetDouble());
        Assert.True(json.GetProperty("noise_search_pld").GetProperty("achieved_epsilon").GetDouble()
                    <= json.GetProperty("noise_search_target_epsilon").GetDouble());
    }
}

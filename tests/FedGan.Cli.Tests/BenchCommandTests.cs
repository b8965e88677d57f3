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

    [Fact]
    public async Task Aggregate_bench_reports_each_configuration_once_with_the_same_result_for_the_same_updates()
    {
        var run = await FedganProcess.RunAsync("bench", "aggregate", "--sites", "2", "3", "--parameters", "5000", "--repeat", "3");
        Assert.Equal(0, run.ExitCode);
        var runs = run.Json.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal([2, 3], runs.Select(r => r.GetProperty("sites").GetInt32()));
        Assert.All(runs, r =>
        {
            Assert.Equal(3, r.GetProperty("repeats").GetInt32());
            // 5,000 float32 values per update plus its header.
            Assert.True(r.GetProperty("update_bytes").GetInt64() > r.GetProperty("sites").GetInt32() * 20_000L);
            Assert.True(r.GetProperty("seconds").GetDouble() <= r.GetProperty("max_seconds").GetDouble());
        });
        // Two sites or three: different means, so different weights.
        Assert.NotEqual(runs[0].GetProperty("weights_sha256").GetString(), runs[1].GetProperty("weights_sha256").GetString());
    }

    [Fact]
    public async Task Aggregate_bench_refuses_a_repeat_count_below_one()
    {
        var run = await FedganProcess.RunAsync("bench", "aggregate", "--repeat", "0");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--repeat", run.Stderr);
    }
}

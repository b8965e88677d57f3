using System.Text;

namespace FedGan.Cli.Tests;

public sealed class LabCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fedgan-lab-cli-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Scoring_a_file_that_does_not_exist_names_it_and_fails()
    {
        var path = Path.Combine(_folder, "missing.safetensors");

        var run = await FedganProcess.RunAsync("lab", "score", "--model", path);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(path, run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task Scoring_a_safetensors_file_that_lab_run_did_not_write_says_what_is_missing()
    {
        // A valid safetensors file, written here byte by byte, but with no GAN architecture in its metadata.
        var path = Path.Combine(_folder, "foreign.safetensors");
        var header = Encoding.UTF8.GetBytes("""{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""");
        using (var file = File.Create(path))
        {
            file.Write(BitConverter.GetBytes((ulong)header.Length));
            file.Write(header);
            file.Write(BitConverter.GetBytes(1f));
            file.Write(BitConverter.GetBytes(2f));
        }

        var run = await FedganProcess.RunAsync("lab", "score", "--model", path);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("architecture", run.Stderr);
    }

    [Fact]
    public async Task Scoring_a_file_that_is_not_safetensors_fails_with_the_reason()
    {
        var path = Path.Combine(_folder, "notes.safetensors");
        await File.WriteAllTextAsync(path, "not a model");

        var run = await FedganProcess.RunAsync("lab", "score", "--model", path);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Cannot read the model file", run.Stderr);
    }
}

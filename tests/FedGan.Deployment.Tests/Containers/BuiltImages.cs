using System.Diagnostics;
using System.Text;
using FedGan.Testing;

namespace FedGan.Deployment.Tests.Containers;

/// <summary>
/// The images build/images.sh builds (cached on this machine: a warm run takes seconds), by name:
/// "gateway" => "localhost:5000/fedgan/gateway:1.0.0". Failing to build them fails the test.
/// </summary>
public sealed class BuiltImages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static BuiltImages? _built;

    private BuiltImages(IReadOnlyDictionary<string, string> references, string tag, string summary)
    {
        References = references;
        Tag = tag;
        Summary = summary;
    }

    /// <summary>Image name (gateway, edgetrainer, redis, ...) => the local reference podman runs.</summary>
    public IReadOnlyDictionary<string, string> References { get; }

    public string Tag { get; }

    /// <summary>What the script printed: names, tags, digests and sizes.</summary>
    public string Summary { get; }

    public static async Task<BuiltImages> BuildAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _built ??= await RunScriptAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<BuiltImages> RunScriptAsync()
    {
        var script = Path.Combine(Repository.Root, "build", "images.sh");
        var info = new ProcessStartInfo(script)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("build/images.sh could not be started");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // A cold build (debootstrap, base image, eight images) takes 5-10 minutes on two cores.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(25));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"build/images.sh did not finish within 25 minutes:\n{output}");
        }

        process.WaitForExit();
        var text = output.ToString();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"build/images.sh failed ({process.ExitCode}); the images cannot be tested:\n{text}");
        }

        // The summary: "<registry>/fedgan/<name>  <tag>  <digest>  <size> MB".
        var references = new Dictionary<string, string>();
        string? tag = null;
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 3 && fields[0].Contains("/fedgan/", StringComparison.Ordinal) && fields[2].StartsWith("sha256:", StringComparison.Ordinal))
            {
                references[fields[0][(fields[0].LastIndexOf('/') + 1)..]] = $"{fields[0]}:{fields[1]}";
                tag = fields[1];
            }
        }

        if (references.Count == 0 || tag is null)
        {
            throw new InvalidOperationException($"build/images.sh printed no images:\n{text}");
        }

        return new BuiltImages(references, tag, text);
    }
}

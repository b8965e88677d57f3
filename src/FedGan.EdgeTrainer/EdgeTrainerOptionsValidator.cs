using System.Globalization;
using FedGan.Contracts;
using Microsoft.Extensions.Options;

namespace FedGan.EdgeTrainer;

/// <summary>
/// Checks the whole edge configuration at once and names every problem by its configuration key
/// (EdgeTrainer:Data:Path, ...), so hospital IT fixes them in one pass. Runs at start and in <c>check</c>.
/// </summary>
public sealed class EdgeTrainerOptionsValidator : IValidateOptions<EdgeTrainerOptions>
{
    private const string Section = EdgeTrainerOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, EdgeTrainerOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IEnumerable<string> Problems(EdgeTrainerOptions options)
    {
        foreach (var problem in GatewayProblems(options))
            yield return problem;

        if (!ResourceIds.IsValid(options.SiteId))
            yield return $"{Section}:SiteId is '{options.SiteId}': it must be the site id the coordinator gave you ({ResourceIds.Description}).";

        foreach (var problem in SecretProblems(options))
            yield return problem;

        if (!string.IsNullOrWhiteSpace(options.Proxy)
            && !(Uri.TryCreate(options.Proxy, UriKind.Absolute, out var proxy) && proxy.Scheme is "http" or "https"))
            yield return $"{Section}:Proxy is '{options.Proxy}': it must be an http:// or https:// URL such as http://proxy.hospital.local:3128.";

        if (string.IsNullOrWhiteSpace(options.StateDirectory) || !System.IO.Path.IsPathFullyQualified(options.StateDirectory))
            yield return $"{Section}:StateDirectory is '{options.StateDirectory}': it must be an absolute path on local disk (e.g. /var/lib/fedgan-edge).";

        foreach (var problem in DataProblems(options.Data))
            yield return problem;

        if (!(options.Privacy.EpsilonBudget is > 0 and <= 1000))
            yield return $"{Section}:Privacy:EpsilonBudget is {Format(options.Privacy.EpsilonBudget)}: it must be more than 0 and at most 1000.";
        if (!(options.Privacy.Delta is > 0 and < 0.5))
            yield return $"{Section}:Privacy:Delta is {Format(options.Privacy.Delta)}: it must be more than 0 and less than 0.5 (e.g. 1e-5).";

        foreach (var (studyId, approval) in options.ApprovedStudies)
        {
            foreach (var problem in ApprovalProblems($"{Section}:ApprovedStudies:{studyId}", studyId, approval))
                yield return problem;
        }

        if (options.PollWaitSeconds is < 0 or > 30)
            yield return $"{Section}:PollWaitSeconds is {options.PollWaitSeconds}: it must be between 0 and 30.";
        if (options.TorchThreads is < 1 or > 256)
            yield return $"{Section}:TorchThreads is {options.TorchThreads}: it must be between 1 and 256.";
        if (options.CheckpointEvery is < 1 or > 100_000)
            yield return $"{Section}:CheckpointEvery is {options.CheckpointEvery}: it must be between 1 and 100000.";
    }

    private static IEnumerable<string> GatewayProblems(EdgeTrainerOptions options)
    {
        // https+http://name is Aspire's service discovery, used by the local stack's simulated hospitals.
        if (!Uri.TryCreate(options.Gateway, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("https" or "http" or "https+http"))
        {
            yield return $"{Section}:Gateway is '{options.Gateway}': it must be the platform gateway's URL the coordinator gave you, e.g. https://fedgan.example.org.";
        }
        else if (gateway.AbsolutePath != "/" || !string.IsNullOrEmpty(gateway.Query))
        {
            yield return $"{Section}:Gateway is '{options.Gateway}': give the gateway's root URL, without a path.";
        }

        if (!string.IsNullOrWhiteSpace(options.TokenEndpoint) && !Uri.TryCreate(options.TokenEndpoint, UriKind.Absolute, out _))
            yield return $"{Section}:TokenEndpoint is '{options.TokenEndpoint}': it must be an absolute URL (or be left out: {{Gateway}}/identity/connect/token).";
    }

    private static IEnumerable<string> SecretProblems(EdgeTrainerOptions options)
    {
        var hasSecret = !string.IsNullOrEmpty(options.ClientSecret);
        var hasFile = !string.IsNullOrWhiteSpace(options.ClientSecretFile);
        if (hasSecret == hasFile)
        {
            yield return $"{Section}:ClientSecret / {Section}:ClientSecretFile: set exactly one (the file is preferred), not {(hasSecret ? "both" : "neither")}.";
            yield break;
        }

        if (hasFile)
        {
            string? problem = null;
            try
            {
                if (File.ReadAllText(options.ClientSecretFile!).Trim().Length == 0)
                    problem = "it is empty";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                problem = $"it cannot be read ({e.Message})";
            }

            if (problem is not null)
                yield return $"{Section}:ClientSecretFile is '{options.ClientSecretFile}': {problem}.";
        }
    }

    private static IEnumerable<string> DataProblems(LocalDataOptions data)
    {
        var key = $"{Section}:Data";
        if (!LocalDataOptions.Sources.Contains(data.Source))
        {
            yield return $"{key}:Source is '{data.Source}': it must be one of {string.Join(", ", LocalDataOptions.Sources)}.";
            yield break;
        }

        if (data.Source == "fashion-mnist-partition")
        {
            if (data.PartitionSites is < 1 or > 1024 || data.PartitionIndex < 1 || data.PartitionIndex > data.PartitionSites)
                yield return $"{key}:PartitionIndex is {data.PartitionIndex} of {key}:PartitionSites {data.PartitionSites}: the index must be between 1 and the number of sites (at most 1024).";
            if (!(data.PartitionAlpha is >= 0.001 and <= 1000))
                yield return $"{key}:PartitionAlpha is {Format(data.PartitionAlpha)}: it must be between 0.001 and 1000.";
            yield break;
        }

        if (string.IsNullOrWhiteSpace(data.Path))
        {
            yield return $"{key}:Path is required for source '{data.Source}'.";
            yield break;
        }

        var wantsFile = data.Source is "dicom-manifest" or "npz";
        if (wantsFile && !File.Exists(data.Path))
            yield return $"{key}:Path is '{data.Path}': no such file (source '{data.Source}' reads a {(data.Source == "npz" ? ".npz archive" : "CSV manifest")}).";
        else if (!wantsFile && !Directory.Exists(data.Path))
            yield return $"{key}:Path is '{data.Path}': no such folder (source '{data.Source}' reads a folder).";
    }

    private static IEnumerable<string> ApprovalProblems(string key, string studyId, StudyApproval approval)
    {
        if (!ResourceIds.IsValid(studyId))
            yield return $"{key}: '{studyId}' is not a study id ({ResourceIds.Description}).";
        if (!IsSha256(approval.ArchitectureSha256))
            yield return $"{key}:ArchitectureSha256 is '{approval.ArchitectureSha256}': it must be the 64 lower-case hex digits of architecture_sha256 in `fedgan studies show`.";
        if (approval.TrainingSha256 is not null && !IsSha256(approval.TrainingSha256))
            yield return $"{key}:TrainingSha256 is '{approval.TrainingSha256}': it must be 64 lower-case hex digits (training_sha256), or be left out.";
        if (!(approval.MaxEpsilon is > 0 and <= 1000))
            yield return $"{key}:MaxEpsilon is {Format(approval.MaxEpsilon)}: it must be more than 0 and at most 1000.";
    }

    private static bool IsSha256(string? value) =>
        value is { Length: 64 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}

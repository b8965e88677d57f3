namespace FedGan.Testing;

/// <summary>Where the repository's own files (manifests, tools) are, seen from a test's output folder.</summary>
public static class Repository
{
    public static string Root => LocalProcess.RepositoryRoot();
}

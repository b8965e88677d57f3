namespace FedGan.EdgeTrainer;

/// <summary>
/// The hospital's own settings (section <c>EdgeTrainer</c> of its config file, see docs/hospital.md):
/// who it is, how it reaches the platform, where its images and state live, its own privacy cap and
/// the studies it agreed to. Checked as a whole by <see cref="EdgeTrainerOptionsValidator"/>.
/// </summary>
public sealed class EdgeTrainerOptions
{
    public const string SectionName = "EdgeTrainer";

    /// <summary>The platform gateway's root URL (e.g. https://fedgan.example.org); the only address this trainer calls.</summary>
    public string Gateway { get; set; } = string.Empty;

    /// <summary>The site id the platform knows this hospital by (also its client id).</summary>
    public string SiteId { get; set; } = string.Empty;

    /// <summary>The site's client secret, given once by the coordinator. Prefer <see cref="ClientSecretFile"/>.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>A file holding the client secret (a Kubernetes Secret volume, a systemd credential).</summary>
    public string? ClientSecretFile { get; set; }

    /// <summary>Where to get tokens; default <c>{Gateway}/identity/connect/token</c>.</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>The hospital's outbound HTTP proxy (http://[user:password@]host:port); none when empty.</summary>
    public string? Proxy { get; set; }

    /// <summary>Where task workspaces, checkpoints and the local privacy ledger are kept (local disk only).</summary>
    public string StateDirectory { get; set; } = string.Empty;

    public LocalDataOptions Data { get; set; } = new();

    public LocalPrivacyOptions Privacy { get; set; } = new();

    /// <summary>The studies this hospital agreed to train, by study id; any other study is declined.</summary>
    public Dictionary<string, StudyApproval> ApprovedStudies { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Long-poll wait for a task, in seconds (0-30).</summary>
    public int PollWaitSeconds { get; set; } = 20;

    /// <summary>libtorch threads; simulated hospitals sharing one machine each use one.</summary>
    public int TorchThreads { get; set; } = 1;

    /// <summary>Checkpoint the local model every this many discriminator steps, to resume after a crash.</summary>
    public int CheckpointEvery { get; set; } = 10;

    /// <summary>The token endpoint actually used: the configured one, else the gateway's.</summary>
    public string EffectiveTokenEndpoint =>
        string.IsNullOrWhiteSpace(TokenEndpoint) ? Gateway.TrimEnd('/') + "/identity/connect/token" : TokenEndpoint;

    /// <summary>The secret from <see cref="ClientSecret"/> or the file <see cref="ClientSecretFile"/> names (trailing newline dropped).</summary>
    public string ReadClientSecret() =>
        !string.IsNullOrEmpty(ClientSecret) ? ClientSecret : File.ReadAllText(ClientSecretFile!).TrimEnd('\r', '\n');
}

/// <summary>Which local images to train on, read by one of the readers in FedGan.Learning.Data.</summary>
public sealed class LocalDataOptions
{
    public static readonly IReadOnlyList<string> Sources = ["dicom-folder", "dicom-manifest", "image-folder", "npz", "idx", "fashion-mnist-partition"];

    /// <summary>dicom-folder, dicom-manifest, image-folder, npz, idx, or fashion-mnist-partition (simulated hospitals).</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>The folder (dicom-folder, image-folder, idx), CSV manifest (dicom-manifest) or .npz file (npz).</summary>
    public string? Path { get; set; }

    /// <summary>For fashion-mnist-partition: this hospital's index (1-based) among <see cref="PartitionSites"/>.</summary>
    public int PartitionIndex { get; set; } = 1;

    public int PartitionSites { get; set; } = 1;

    /// <summary>Dirichlet label skew across simulated hospitals (smaller is more skewed).</summary>
    public double PartitionAlpha { get; set; } = 0.5;

    public int PartitionSeed { get; set; } = 20261129;
}

/// <summary>The hospital's own privacy cap: it refuses work past it even if the platform asks.</summary>
public sealed class LocalPrivacyOptions
{
    /// <summary>
    /// Epsilon this site may spend per study, by its own ledger: the study's accountant at the smaller
    /// of the study's delta and <see cref="Delta"/>.
    /// </summary>
    public double EpsilonBudget { get; set; } = 10;

    /// <summary>The delta its epsilon is counted at; a study asking for a larger delta is declined.</summary>
    public double Delta { get; set; } = 1e-5;
}

/// <summary>
/// The hospital's consent to one study (Fed-BioMed's training-plan approval, per study and with the
/// privacy terms): the model it may train, optionally the exact training settings, and the most
/// epsilon the study may plan per site.
/// </summary>
public sealed class StudyApproval
{
    /// <summary>SHA-256 of the study's model architecture (<c>architecture_sha256</c> in <c>fedgan studies show</c>).</summary>
    public string ArchitectureSha256 { get; set; } = string.Empty;

    /// <summary>If set, SHA-256 of the study's training settings (<c>training_sha256</c>); any change is declined.</summary>
    public string? TrainingSha256 { get; set; }

    /// <summary>The largest per-site epsilon budget the study may declare.</summary>
    public double MaxEpsilon { get; set; }
}

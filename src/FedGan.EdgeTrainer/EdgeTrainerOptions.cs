using System.ComponentModel.DataAnnotations;

namespace FedGan.EdgeTrainer;

/// <summary>The hospital's own settings: who it is, where its images and state live, its own privacy cap.</summary>
public sealed class EdgeTrainerOptions
{
    /// <summary>The site id the platform knows this hospital by.</summary>
    [Required]
    public string SiteName { get; set; } = string.Empty;

    /// <summary>Where task workspaces, checkpoints and the local privacy ledger are kept (local disk only).</summary>
    public string StateDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "fedgan-edge");

    [Required]
    public LocalDataOptions Data { get; set; } = new();

    [Required]
    public LocalPrivacyOptions Privacy { get; set; } = new();

    /// <summary>Long-poll wait for a task, in seconds.</summary>
    [Range(0, 30)]
    public int PollWaitSeconds { get; set; } = 20;

    /// <summary>libtorch threads; simulated hospitals sharing one machine each use one.</summary>
    [Range(1, 256)]
    public int TorchThreads { get; set; } = 1;

    /// <summary>Checkpoint the local model every this many discriminator steps, to resume after a crash.</summary>
    [Range(1, 100_000)]
    public int CheckpointEvery { get; set; } = 10;
}

/// <summary>Which local images to train on.</summary>
public sealed class LocalDataOptions
{
    /// <summary>fashion-mnist-partition (simulated hospitals), idx, image-folder, dicom-folder or npz.</summary>
    [Required]
    public string Source { get; set; } = "fashion-mnist-partition";

    /// <summary>The folder or file for idx (folder with train-*-ubyte.gz), image-folder, dicom-folder, npz.</summary>
    public string? Path { get; set; }

    /// <summary>For fashion-mnist-partition: this hospital's index (1-based) among <see cref="PartitionSites"/>.</summary>
    [Range(1, 1024)]
    public int PartitionIndex { get; set; } = 1;

    [Range(1, 1024)]
    public int PartitionSites { get; set; } = 1;

    /// <summary>Dirichlet label skew across simulated hospitals (smaller is more skewed).</summary>
    [Range(0.001, 1000)]
    public double PartitionAlpha { get; set; } = 0.5;

    public int PartitionSeed { get; set; } = 20261129;
}

/// <summary>The hospital's own privacy cap: it refuses work past it even if the platform asks.</summary>
public sealed class LocalPrivacyOptions
{
    [Range(0.0001, 1000)]
    public double EpsilonBudget { get; set; } = 10;

    [Range(1e-12, 0.5)]
    public double Delta { get; set; } = 1e-5;
}

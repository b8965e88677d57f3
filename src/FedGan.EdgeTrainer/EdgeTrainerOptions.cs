using System.ComponentModel.DataAnnotations;

namespace FedGan.EdgeTrainer;

/// <summary>The hospital's own settings: who it is on the platform.</summary>
public sealed class EdgeTrainerOptions
{
    [Required]
    public string SiteName { get; set; } = string.Empty;

    [Range(1, int.MaxValue)]
    public int SiteIndex { get; set; } = 1;

    [Range(1, int.MaxValue)]
    public int SiteCount { get; set; } = 1;
}

namespace FedGan.Learning.Training;

/// <summary>
/// Which fake images a DP-SGD step of D compares its records with, and how they are clipped
/// (see <see cref="DiscriminatorStep"/>). Without DP every record gets a fake of its own class.
/// </summary>
public enum PrivateFakes
{
    /// <summary>
    /// Record i gets a fake of its own class, and the gradient of the pair's two rows is clipped
    /// to C together: the fake shares the record's bound. D sees fakes in the site's own class
    /// proportions, whatever G's label mix is.
    /// </summary>
    PairedWithRecords,

    /// <summary>
    /// A fixed number of fakes (the expected batch), labelled from G's label mix, each row clipped
    /// on its own: a record's whole bound C is its real row's, and the fakes add signal that costs
    /// no privacy. Under label skew the mix should be the site's own (the noised histogram of
    /// <see cref="GeneratorLabelMix.FromHistogram"/>): with a uniform mix a site's D sees classes
    /// it holds no record of only as fakes and learns that those labels mean "fake".
    /// </summary>
    FromLabelMix,
}

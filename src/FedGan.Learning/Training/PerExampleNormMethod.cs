namespace FedGan.Learning.Training;

/// <summary>How a layer's per-example gradient norms are computed; all give the same numbers.</summary>
public enum PerExampleNormMethod
{
    /// <summary>Per layer, whichever of the two below needs fewer multiply-adds (mixed ghost clipping, Bu et al. 2022).</summary>
    Automatic,

    /// <summary>Build each example's gradient B_i^T A_i and take its norm: cost n T out in.</summary>
    Materialized,

    /// <summary>Ghost norm (Li et al. 2021): ||B_i^T A_i||^2 = sum (A_i A_i^T) * (B_i B_i^T), cost n T^2 (out + in).</summary>
    Ghost,
}

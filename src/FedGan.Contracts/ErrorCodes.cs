namespace FedGan.Contracts;

/// <summary>
/// Stable problem-details codes clients switch on. Framework-level codes (invalid_request,
/// unauthenticated, forbidden, not_found, payload_too_large, rate_limited) come with every service.
/// </summary>
public static class ErrorCodes
{
    public const string PrivacyBudgetExceeded = "privacy_budget_exceeded";
    public const string StudyNotFound = "study_not_found";
    public const string StudyExists = "study_exists";
    public const string RoundNotFound = "round_not_found";
    public const string RoundClosed = "round_closed";
    public const string SiteNotAdmitted = "site_not_admitted";
    public const string UpdateMalformed = "update_malformed";
    public const string UpdateShapeMismatch = "update_shape_mismatch";
    public const string UpdateNotFinite = "update_not_finite";
    public const string UpdateNormExceeded = "update_norm_exceeded";
    public const string UpdateConflict = "update_conflict";
    public const string UpdateTooLarge = "update_too_large";
    public const string UpdateNotFound = "update_not_found";
    public const string RoundConflict = "round_conflict";
    public const string RoundHasNoUpdates = "round_has_no_updates";
    public const string StagedUpdateCorrupt = "staged_update_corrupt";
    public const string OptimizerStateMissing = "optimizer_state_missing";
    public const string OptimizerStateCorrupt = "optimizer_state_corrupt";
    public const string ServerNoiseUnconfigured = "server_noise_unconfigured";
    public const string RegistryUnavailable = "registry_unavailable";
    public const string VersionNotFound = "version_not_found";
    public const string VersionConflict = "version_conflict";
    public const string WeightsNotFound = "weights_not_found";
    public const string WeightsMismatch = "weights_mismatch";
    public const string StudyDefinitionInvalid = "study_definition_invalid";
    public const string InitialVersionMissing = "initial_version_missing";
    public const string WeightsMalformed = "weights_malformed";
    public const string WeightsNotFinite = "weights_not_finite";
    public const string ParentVersionNotFound = "parent_version_not_found";
    public const string LineageInvalid = "lineage_invalid";
    public const string EvaluationInvalid = "evaluation_invalid";
    public const string EvaluationMismatch = "evaluation_mismatch";
    public const string DeclineReasonInvalid = "decline_reason_invalid";
    public const string SiteAlreadyUploaded = "site_already_uploaded";
    public const string RoundNotStuck = "round_not_stuck";
    public const string ResolutionInvalid = "resolution_invalid";
    public const string AccountantUnavailable = "accountant_unavailable";
}

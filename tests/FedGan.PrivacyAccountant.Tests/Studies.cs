namespace FedGan.PrivacyAccountant.Tests;

internal static class Studies
{
    /// <summary>A study id no other test uses, so tests share one Redis without seeing each other.</summary>
    public static string NewId() => "study-" + Guid.NewGuid().ToString("N")[..12];

    // pytorch/opacus opacus/tests/accountants_test.py, test_rdp_accountant: noise 1.5, sampling rate
    // 0.04, 2250 steps, delta 1e-5 -> epsilon 7.32911117143 (RDP). Two rounds of 1125 such steps
    // compose to exactly that mechanism.
    public const double OpacusEpsilonFor2250Steps = 7.32911117143;

    // tensorflow/privacy compute_dp_sgd_privacy_test.py, test_compute_dp_sgd_example_privacy with the
    // PLD accountant: noise 0.7, sampling rate 0.01, 120 steps, delta 1e-5 -> epsilon 2.4612381.
    // Two rounds of 60 such steps compose to exactly that mechanism.
    public const double TensorflowPrivacyPldEpsilonFor120Steps = 2.4612381;
}

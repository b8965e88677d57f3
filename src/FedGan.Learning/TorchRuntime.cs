using System.Runtime.InteropServices;
using TorchSharp;

namespace FedGan.Learning;

/// <summary>Facts about the libtorch this process loaded, for logs and `fedgan info`, and how it should run.</summary>
public static class TorchRuntime
{
    public static string Describe() =>
        $"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch {torch.__version__}, threads {torch.get_num_threads()}";

    /// <summary>
    /// Makes libtorch's OpenMP threads sleep rather than spin while they wait, unless the user set
    /// OMP_WAIT_POLICY. On a machine whose cores are shared with other work, spinning threads
    /// waste the time slices their siblings need (measured here on 2 busy cores: a discriminator
    /// step took 554 ms spinning, 64 ms passive). Only effective before libtorch is loaded, that
    /// is before the first torch call, because OpenMP reads the variable when it starts.
    /// </summary>
    public static void PreferPassiveThreadWaiting()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null)
            return;
        // Environment.SetEnvironmentVariable only changes .NET's copy; OpenMP reads the C environment.
        SetEnvironment("OMP_WAIT_POLICY", "PASSIVE", overwrite: 0);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvironment(string name, string value, int overwrite);
}

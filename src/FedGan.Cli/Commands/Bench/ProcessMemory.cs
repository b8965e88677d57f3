namespace FedGan.Cli.Commands.Bench;

/// <summary>
/// The process's peak resident set (Linux VmHWM), and resetting it between measurements by writing
/// 5 to /proc/self/clear_refs (Linux 4.0 and later), so each configuration reports its own peak.
/// </summary>
internal static class ProcessMemory
{
    public static bool CanMeasurePeak => File.Exists("/proc/self/status") && File.Exists("/proc/self/clear_refs");

    /// <summary>Releases garbage back to the OS, then makes the current resident set the new peak.</summary>
    public static void ResetPeak()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        if (CanMeasurePeak)
            File.WriteAllText("/proc/self/clear_refs", "5");
    }

    /// <summary>VmHWM in bytes, or null where /proc does not say.</summary>
    public static long? PeakWorkingSet() => Status("VmHWM:");

    /// <summary>VmRSS in bytes (the resident set now), or null where /proc does not say.</summary>
    public static long? WorkingSet() => Status("VmRSS:");

    private static long? Status(string field)
    {
        if (!CanMeasurePeak)
            return null;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kilobytes is null ? null : long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}

using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on one version requirement (.gnu.version_r, vna_flags) of ELF64 little-endian
/// shared libraries, when the machine's libstdc++ does not define that version.
/// </summary>
public sealed class MarkGlibcxxRequirementWeak : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    private static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    };

    [Required]
    public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    [Required]
    public string Version { get; set; } = string.Empty;

    /// <summary>Fix even if this machine's libstdc++ has the version: the library runs elsewhere
    /// (a Debian 12 container image built on a newer machine).</summary>
    public bool Always { get; set; }

    public override bool Execute()
    {
        var libStdCxx = Always ? "the target system's libstdc++" : LibStdCxxCandidates.FirstOrDefault(File.Exists);
        if (libStdCxx is null)
        {
            Log.LogMessage(MessageImportance.Low, "No libstdc++.so.6 found; leaving TorchSharp's native library as it is.");
            return true;
        }

        if (!Always && Contains(File.ReadAllBytes(libStdCxx), Encoding.ASCII.GetBytes(Version + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, "{0} defines {1}; no fix needed.", libStdCxx, Version);
            return true;
        }

        foreach (var item in Libraries)
        {
            var path = item.GetMetadata("FullPath");
            var bytes = File.ReadAllBytes(path);
            var result = MarkWeak(bytes, Version);
            if (result == null)
            {
                Log.LogError("{0} is not an ELF64 little-endian library with a .gnu.version_r section.", path);
                return false;
            }

            if (result.Value)
            {
                File.WriteAllBytes(path, bytes);
                Log.LogMessage(MessageImportance.High, "Marked {0} weak in {1} ({2} lacks it).", Version, path, libStdCxx);
            }
        }

        return true;
    }

    /// <returns>true if a flag was changed, false if already weak or not required, null if not ELF64 LE.</returns>
    private static bool? MarkWeak(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
            || elf[4] != 2 || elf[5] != 1)
        {
            return null;
        }

        var sectionTable = (long)BitConverter.ToUInt64(elf, 0x28);
        var sectionSize = BitConverter.ToUInt16(elf, 0x3A);
        var sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        for (var index = 0; index < sectionCount; index++)
        {
            var header = sectionTable + index * sectionSize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed)
            {
                continue;
            }

            var offset = (long)BitConverter.ToUInt64(elf, (int)header + 0x18);
            var linkedStrings = BitConverter.ToUInt32(elf, (int)header + 0x28);
            var needCount = BitConverter.ToUInt32(elf, (int)header + 0x2C);
            var stringsHeader = sectionTable + linkedStrings * sectionSize;
            var strings = (long)BitConverter.ToUInt64(elf, (int)stringsHeader + 0x18);

            var changed = false;
            var need = offset;
            for (var n = 0; n < needCount; n++)
            {
                var auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                var aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = ReadString(elf, strings + BitConverter.ToUInt32(elf, (int)aux + 8));
                    var flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                    if (name == version && (flags & VerFlgWeak) == 0)
                    {
                        var weak = BitConverter.GetBytes((ushort)(flags | VerFlgWeak));
                        elf[aux + 4] = weak[0];
                        elf[aux + 5] = weak[1];
                        changed = true;
                    }

                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }

                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }

            return changed;
        }

        return null;
    }

    private static string ReadString(byte[] bytes, long offset)
    {
        var end = offset;
        while (bytes[end] != 0)
        {
            end++;
        }

        return Encoding.ASCII.GetString(bytes, (int)offset, (int)(end - offset));
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }

            if (match)
            {
                return true;
            }
        }

        return false;
    }
}

namespace FedGan.Learning.Tests.Data;

/// <summary>A temporary folder tree a test builds and that disappears afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("fedgan-data-").FullName;

    public string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    public string Copy(string source, string relative)
    {
        var target = PathOf(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        File.Copy(source, target);
        return target;
    }

    public string Write(string relative, byte[] content)
    {
        var target = PathOf(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        File.WriteAllBytes(target, content);
        return target;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

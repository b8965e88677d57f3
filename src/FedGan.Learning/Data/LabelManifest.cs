using System.Text;

namespace FedGan.Learning.Data;

/// <summary>
/// A CSV of "file,label" lines (an optional "file,label" header; fields may be double-quoted, with
/// "" for a quote). Relative paths resolve against the manifest's folder. Bad lines become
/// <see cref="LoadFailure"/>s naming the manifest line.
/// </summary>
internal static class LabelManifest
{
    public static (List<(string Path, string ClassName)> Files, List<LoadFailure> Problems) Read(string manifestPath)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(manifestPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageLoadException(manifestPath, e.Message, e);
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var files = new List<(string, string)>();
        var problems = new List<LoadFailure>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var where = $"{manifestPath} line {i + 1}";
            if (string.IsNullOrWhiteSpace(lines[i]))
                continue;
            var fields = SplitCsv(lines[i]);
            if (i == 0 && fields is [var h1, var h2] && h1.Trim().Equals("file", StringComparison.OrdinalIgnoreCase) && h2.Trim().Equals("label", StringComparison.OrdinalIgnoreCase))
                continue;
            if (fields is not [var file, var label] || file.Trim().Length == 0 || label.Trim().Length == 0)
            {
                problems.Add(new LoadFailure(where, $"expected two non-empty fields 'file,label', found '{lines[i]}'."));
                continue;
            }
            var path = Path.GetFullPath(Path.Combine(folder, file.Trim()));
            if (!seen.Add(path))
            {
                problems.Add(new LoadFailure(where, $"{path} is listed more than once."));
                continue;
            }
            files.Add((path, label.Trim()));
        }
        return (files, problems);
    }

    private static List<string>? SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    field.Append(c);
            }
            else if (c == '"' && field.ToString().Trim().Length == 0)
                quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        if (quoted)
            return null;
        fields.Add(field.ToString());
        return fields;
    }
}

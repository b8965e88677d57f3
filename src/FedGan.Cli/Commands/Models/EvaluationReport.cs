using System.Globalization;
using System.Net;
using System.Text;
using FedGan.Contracts.Models;

namespace FedGan.Cli.Commands.Models;

/// <summary>A human-readable evaluation: Markdown with the grid as a PNG beside it, or one self-contained HTML page.</summary>
internal static class EvaluationReport
{
    public static void Write(string path, ModelEvaluation evaluation, byte[] gridPng)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        switch (Path.GetExtension(full).ToLowerInvariant())
        {
            case ".md":
                var grid = Path.ChangeExtension(full, ".grid.png");
                File.WriteAllBytes(grid, gridPng);
                File.WriteAllText(full, Markdown(evaluation, Path.GetFileName(grid)));
                break;
            case ".html" or ".htm":
                File.WriteAllText(full, Html(evaluation, $"data:image/png;base64,{Convert.ToBase64String(gridPng)}"));
                break;
            default:
                throw new CliUsageException($"--report {full}: name a .md or .html file.");
        }
    }

    private static IEnumerable<(string Name, string Value)> Rows(ModelEvaluation e) =>
    [
        ("Study", e.StudyId),
        ("Version", Number(e.Version)),
        ("Weights SHA-256", e.WeightsSha256),
        ("TSTR accuracy", Number(e.TstrAccuracy)),
        ("Real-data accuracy (ceiling)", Number(e.RealDataAccuracy)),
        ("Frechet distance", Number(e.FrechetDistance)),
        ("Frechet distance floor", Number(e.FrechetDistanceFloor)),
        ("Synthetic images (TSTR)", Number(e.SyntheticImages)),
        ("Test set", $"{e.Test.Name}: {Number(e.Test.Images)} images, SHA-256 {e.Test.Sha256}"),
        ("Reference set", $"{e.Reference.Name}: {Number(e.Reference.Images)} images, SHA-256 {e.Reference.Sha256}"),
        ("Seed", Number(e.Seed)),
        ("Evaluated", e.EvaluatedAt.ToString("u", CultureInfo.InvariantCulture)),
        ("Software", e.Software),
    ];

    private static string Markdown(ModelEvaluation e, string gridFile)
    {
        var text = new StringBuilder($"# {e.StudyId} version {e.Version}: evaluation\n\n| | |\n| --- | --- |\n");
        foreach (var (name, value) in Rows(e))
            text.Append(CultureInfo.InvariantCulture, $"| {name} | {value.Replace("|", "\\|")} |\n");
        text.Append("\n## Recall per class\n\n| class | recall |\n| --- | --- |\n");
        for (var c = 0; c < e.PerClassRecall.Count; c++)
            text.Append(CultureInfo.InvariantCulture, $"| {c} | {Number(e.PerClassRecall[c])} |\n");
        text.Append(CultureInfo.InvariantCulture, $"\n## Samples (a row per class)\n\n![samples]({gridFile})\n");
        return text.ToString();
    }

    private static string Html(ModelEvaluation e, string gridSource)
    {
        static string Encode(string value) => WebUtility.HtmlEncode(value);
        var text = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        text.Append(CultureInfo.InvariantCulture, $"<title>{Encode(e.StudyId)} v{e.Version}: evaluation</title>");
        text.Append("<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left}img{image-rendering:pixelated;width:40em}</style></head><body>");
        text.Append(CultureInfo.InvariantCulture, $"<h1>{Encode(e.StudyId)} version {e.Version}: evaluation</h1><table>");
        foreach (var (name, value) in Rows(e))
            text.Append(CultureInfo.InvariantCulture, $"<tr><th>{Encode(name)}</th><td>{Encode(value)}</td></tr>");
        text.Append("</table><h2>Recall per class</h2><table><tr><th>class</th><th>recall</th></tr>");
        for (var c = 0; c < e.PerClassRecall.Count; c++)
            text.Append(CultureInfo.InvariantCulture, $"<tr><td>{c}</td><td>{Number(e.PerClassRecall[c])}</td></tr>");
        text.Append(CultureInfo.InvariantCulture, $"</table><h2>Samples (a row per class)</h2><img alt=\"synthetic samples, a row per class\" src=\"{gridSource}\"></body></html>");
        return text.ToString();
    }

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}

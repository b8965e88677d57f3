using System.Text.Json;
using FedGan.Contracts;
using FedGan.Contracts.Studies;

namespace FedGan.EdgeTrainer.Local;

/// <summary>What a finished local training produced, kept on disk until the upload is acknowledged.</summary>
public sealed record TrainedUpdate(long NumSamples, double NormBeforeClip, double NormAfterClip, double? ClippedFraction);

/// <summary>
/// One (study, round) task's folder on the hospital's disk: the task, the verified global weights,
/// training checkpoints, the finished update, and the upload receipt. It is what lets the trainer
/// resume after a crash at any point without training (and spending privacy on) a round twice.
/// </summary>
public sealed class TaskWorkspace
{
    private TaskWorkspace(string directory) => Directory = directory;

    public string Directory { get; }

    public string TaskFile => Path.Combine(Directory, "task.json");

    public string GlobalWeights => Path.Combine(Directory, "global.safetensors");

    /// <summary>
    /// The checkpoint after <paramref name="steps"/> D steps: the weights and the optimizers'
    /// state, in a folder of its own. Which folder is the current checkpoint is said by
    /// <see cref="CheckpointSteps"/>, written only once the folder is complete.
    /// </summary>
    public string CheckpointFolder(int steps) => Path.Combine(Directory, "checkpoints", $"step-{steps:D6}");

    public string CheckpointWeights(int steps) => Path.Combine(CheckpointFolder(steps), "weights.safetensors");

    /// <summary>Writes the weights of the checkpoint after <paramref name="steps"/> (not yet the current one: see <see cref="CommitCheckpoint"/>).</summary>
    public void WriteCheckpointWeights(int steps, byte[] safetensors)
    {
        System.IO.Directory.CreateDirectory(CheckpointFolder(steps));
        AtomicWriteBytes(CheckpointWeights(steps), safetensors);
    }

    public string CheckpointSteps => Path.Combine(Directory, "checkpoint.json");

    public string Update => Path.Combine(Directory, "update.safetensors");

    public string UpdateSummary => Path.Combine(Directory, "update.json");

    public string Receipt => Path.Combine(Directory, "uploaded.json");

    /// <summary>Why this site will not (or can no longer) contribute to the round; never retried.</summary>
    public string Refusal => Path.Combine(Directory, "refused.txt");

    public static TaskWorkspace For(string stateDirectory, string studyId, int round)
    {
        var workspace = new TaskWorkspace(Path.Combine(stateDirectory, "tasks", studyId, $"round-{round:D5}"));
        System.IO.Directory.CreateDirectory(workspace.Directory);
        return workspace;
    }

    /// <summary>Every workspace whose update was produced but not acknowledged: uploads to retry first.</summary>
    public static IEnumerable<TaskWorkspace> Pending(string stateDirectory)
    {
        var root = Path.Combine(stateDirectory, "tasks");
        return !System.IO.Directory.Exists(root)
            ? []
            : System.IO.Directory.EnumerateDirectories(root, "round-*", SearchOption.AllDirectories)
                .Select(d => new TaskWorkspace(d))
                .Where(w => File.Exists(w.TaskFile) && !w.IsFinished)
                .OrderBy(w => w.Directory, StringComparer.Ordinal);
    }

    public bool IsUploaded => File.Exists(Receipt);

    /// <summary>Uploaded, or given up for a reason that retrying cannot change.</summary>
    public bool IsFinished => IsUploaded || File.Exists(Refusal);

    public void MarkRefused(string reason) => AtomicWrite(Refusal, reason);

    public bool HasUpdate => File.Exists(Update) && File.Exists(UpdateSummary);

    public TrainingTask ReadTask() => Read<TrainingTask>(TaskFile);

    public void SaveTask(TrainingTask task) => Write(TaskFile, task);

    public TrainedUpdate ReadUpdateSummary() => Read<TrainedUpdate>(UpdateSummary);

    public void SaveUpdateSummary(TrainedUpdate summary) => Write(UpdateSummary, summary);

    /// <summary>D steps of the last complete checkpoint, 0 when there is none.</summary>
    public int ReadCheckpointSteps()
    {
        if (!File.Exists(CheckpointSteps))
            return 0;
        var steps = Read<int>(CheckpointSteps);
        return File.Exists(CheckpointWeights(steps)) ? steps : 0;
    }

    /// <summary>
    /// Makes the checkpoint after <paramref name="steps"/> (its folder complete) the current one,
    /// then removes the others. Weights and the step count change together or not at all: a crash
    /// between two writes cannot leave weights that have taken steps the count does not show
    /// (on resume they would be taken again, spending privacy the round did not reserve).
    /// </summary>
    public void CommitCheckpoint(int steps)
    {
        Write(CheckpointSteps, steps);
        var current = Path.GetFileName(CheckpointFolder(steps));
        foreach (var folder in System.IO.Directory.EnumerateDirectories(Path.Combine(Directory, "checkpoints")))
        {
            if (Path.GetFileName(folder) != current)
                System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    public void MarkUploaded(string receiptJson) => AtomicWrite(Receipt, receiptJson);

    /// <summary>Writes through a temporary file and a rename, so a crash never leaves half a file.</summary>
    public static void AtomicWrite(string path, string contents)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, contents);
        File.Move(temporary, path, overwrite: true);
    }

    public static void AtomicWriteBytes(string path, byte[] contents)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, contents);
        File.Move(temporary, path, overwrite: true);
    }

    private static void Write<T>(string path, T value) => AtomicWrite(path, JsonSerializer.Serialize(value, ContractJson.Options));

    private static T Read<T>(string path) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(path), ContractJson.Options) ?? throw new InvalidDataException($"{path} is empty.");
}

using FedGan.EdgeTrainer.Local;

namespace FedGan.EdgeTrainer.Tests;

public sealed class TaskWorkspaceCheckpointTests : IDisposable
{
    private readonly string stateDirectory = Directory.CreateTempSubdirectory("fedgan-edge-checkpoints-").FullName;

    [Fact]
    public void A_checkpoint_written_but_not_committed_is_not_resumed_from_and_a_commit_removes_the_others()
    {
        var workspace = TaskWorkspace.For(stateDirectory, "study-a", 2);
        Assert.Equal(0, workspace.ReadCheckpointSteps());

        WriteWeights(workspace, 10);
        workspace.CommitCheckpoint(10);
        // A crash after the weights of step 20 were written but before they were committed: the
        // round resumes from step 10 with step 10's weights, never from weights that have taken
        // ten steps more than the count says.
        WriteWeights(workspace, 20);
        Assert.Equal(10, workspace.ReadCheckpointSteps());
        Assert.Equal("weights after 10", File.ReadAllText(workspace.CheckpointWeights(10)));

        workspace.CommitCheckpoint(20);
        Assert.Equal(20, workspace.ReadCheckpointSteps());
        Assert.False(Directory.Exists(workspace.CheckpointFolder(10)));
    }

    [Fact]
    public void A_count_whose_weights_are_missing_means_no_checkpoint()
    {
        var workspace = TaskWorkspace.For(stateDirectory, "study-a", 3);
        WriteWeights(workspace, 10);
        workspace.CommitCheckpoint(10);
        File.Delete(workspace.CheckpointWeights(10));

        Assert.Equal(0, workspace.ReadCheckpointSteps());
    }

    private static void WriteWeights(TaskWorkspace workspace, int steps) =>
        workspace.WriteCheckpointWeights(steps, System.Text.Encoding.UTF8.GetBytes($"weights after {steps}"));

    public void Dispose() => Directory.Delete(stateDirectory, recursive: true);
}

namespace WaifuLab.Evaluation;

/// <summary>Progress of classifier training, reported after each epoch.</summary>
public sealed record ClassifierEpoch(int Epoch, int Epochs, double Loss, TimeSpan Elapsed);

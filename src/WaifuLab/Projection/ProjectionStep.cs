namespace WaifuLab.Projection;

/// <summary>One restart's state after one optimisation step: the total loss (noise included) and its pixel MSE.</summary>
public readonly record struct ProjectionStep(int Restart, int Step, double Loss, double PixelMse);

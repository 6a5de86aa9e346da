namespace WaifuLab.Stabilizers;

/// <summary>What <see cref="DominanceDetector"/> reads to decide that D is winning an iteration.</summary>
public enum DominanceSignal
{
    /// <summary>
    /// Mean probabilities: D(G(z)) below FakeBelow and D(x) above RealAbove (the signals of pytorch/examples dcgan's log).
    /// Only meaningful for BCE-trained D without label smoothing: smoothing caps D(x) near 0.9 and hinge's margin keeps
    /// logits near +-1 (sigmoid 0.73), so a D that wins outright can stay under the thresholds.
    /// </summary>
    Probability,

    /// <summary>D's accuracy on both the real and the fake batch at or above AccuracyAbove: independent of the loss's scale.</summary>
    Accuracy,
}

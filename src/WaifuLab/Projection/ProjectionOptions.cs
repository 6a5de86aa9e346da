namespace WaifuLab.Projection;

/// <summary>
/// How <see cref="Projector"/> searches for the (z, c) that make a conditional generator redraw a target image. Adam on
/// z and the condition's logits; several restarts from random z, the best kept. The schedule follows StyleGAN2's
/// projector: the learning rate warms up over the first <see cref="LrRampUp"/> of the steps and falls along a cosine over
/// the last <see cref="LrRampDown"/>; Gaussian noise of <see cref="NoiseStart"/> (in units of z's standard deviation)
/// is added to z in the forward pass and decays quadratically to zero at <see cref="NoiseRampLength"/> of the steps, so
/// the early search explores instead of settling in the first local minimum.
/// </summary>
public sealed record ProjectionOptions
{
    public int Steps { get; init; } = 300;
    /// <summary>Independent searches from different random z, run together as one batch; the lowest final loss wins.</summary>
    public int Restarts { get; init; } = 4;
    /// <summary>Peak Adam learning rate for z and the condition logits.</summary>
    public double Lr { get; init; } = 0.05;
    public double LrRampUp { get; init; } = 0.05;
    public double LrRampDown { get; init; } = 0.25;
    /// <summary>Weight of the mean squared pixel error (images in [-1,1]).</summary>
    public double PixelWeight { get; init; } = 1;
    /// <summary>
    /// Weight of the feature distance (only with a classifier): squared distance between the unit-length penultimate
    /// features of G(z,c) and of the target, in [0,4] whatever the classifier's feature scale (as LPIPS normalises).
    /// </summary>
    public double FeatureWeight { get; init; } = 0.5;
    public double NoiseStart { get; init; } = 0.05;
    public double NoiseRampLength { get; init; } = 0.75;
    /// <summary>
    /// Weight of (|z|²/nz - 1)²: keeps z near the shell where N(0,I) puts its mass, so the result stays an image G
    /// draws well and edits of c behave as they do on samples, instead of an off-distribution z that only fits pixels.
    /// </summary>
    public double LatentWeight { get; init; } = 0.01;
    /// <summary>Optimise the condition too (false: keep the initial condition fixed, search z only).</summary>
    public bool OptimizeCondition { get; init; } = true;
    /// <summary>
    /// Starting condition (schema width). Null: the classifier's prediction when a classifier is given, else uniform
    /// (every categorical value equally likely, continuous values at the middle). <see cref="Projector.MeanCondition"/>
    /// gives the data's mean condition.
    /// </summary>
    public float[]? InitialCondition { get; init; }
    /// <summary>
    /// The initial condition is mixed with the uniform one by this share before it becomes logits: a softmax started at
    /// exactly one-hot has vanishing gradients and could never leave a wrong prediction.
    /// </summary>
    public double ConditionSmoothing { get; init; } = 0.3;
    public long Seed { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad option.</summary>
    public ProjectionOptions Validate()
    {
        if (Steps < 1) throw new ArgumentException($"Steps must be at least 1, got {Steps}");
        if (Restarts < 1) throw new ArgumentException($"Restarts must be at least 1, got {Restarts}");
        Positive(Lr, nameof(Lr));
        Fraction(LrRampUp, nameof(LrRampUp));
        Fraction(LrRampDown, nameof(LrRampDown));
        Fraction(NoiseRampLength, nameof(NoiseRampLength));
        NonNegative(PixelWeight, nameof(PixelWeight));
        NonNegative(FeatureWeight, nameof(FeatureWeight));
        NonNegative(NoiseStart, nameof(NoiseStart));
        NonNegative(LatentWeight, nameof(LatentWeight));
        if (!(ConditionSmoothing > 0 && ConditionSmoothing <= 1))
            throw new ArgumentException($"ConditionSmoothing must be in (0, 1], got {ConditionSmoothing}");
        if (PixelWeight == 0 && FeatureWeight == 0)
            throw new ArgumentException("PixelWeight and FeatureWeight are both 0: nothing ties the projection to the target");
        return this;
    }

    static void Positive(double v, string name)
    {
        if (!(v > 0) || !double.IsFinite(v)) throw new ArgumentException($"{name} must be a positive number, got {v}");
    }

    static void NonNegative(double v, string name)
    {
        if (!(v >= 0) || !double.IsFinite(v)) throw new ArgumentException($"{name} must be a finite number >= 0, got {v}");
    }

    static void Fraction(double v, string name)
    {
        if (!(v > 0 && v <= 1)) throw new ArgumentException($"{name} must be a share of the steps in (0, 1], got {v}");
    }
}

namespace WaifuLab.Conditional;

/// <summary>How the discriminator takes the condition vector c into account.</summary>
public enum ConditioningMode
{
    /// <summary>Projection discriminator (Miyato and Koyama 2018): logit = psi(phi(x)) + &lt;embed(c), phi(x)&gt;.</summary>
    Projection,
    /// <summary>AC-GAN (Odena et al. 2017): D ignores c as input and predicts it from the image with extra heads.</summary>
    AuxiliaryClassifier,
    /// <summary>Classic cGAN (Mirza and Osindero 2014): c is appended to the image as constant channels.</summary>
    Concat,
    /// <summary>
    /// Projection D with an AC-GAN attribute head on the same features: D judges (x, c) by projection, learns to read the
    /// attributes of real faces, and G is also rewarded when that head reads the requested attributes off its fakes.
    /// </summary>
    ProjectionClassifier,
}

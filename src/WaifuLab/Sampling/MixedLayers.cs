namespace WaifuLab.Sampling;

/// <summary>
/// Which layers of a style mix read the coarse source's ws (<see cref="StyleBandAttribution"/>): all of them, as in
/// StyleGAN's mixing, or only the convolutions or only the toRGB outputs, to tell which of the two carries an attribute.
/// </summary>
public enum MixedLayers
{
    /// <summary>Convolutions and toRGB layers: the style mix of StyleGAN's papers.</summary>
    Both,
    /// <summary>Only the synthesis convolutions; every toRGB layer reads the fine source's ws.</summary>
    ConvolutionsOnly,
    /// <summary>Only the toRGB layers; every convolution reads the fine source's ws.</summary>
    ToRgbOnly,
}

namespace WaifuLab.Data.Synthetic;

/// <summary>Iris colours of the synthetic faces; the lower-case names are the label values.</summary>
public enum EyeColor { Blue, Red, Green, Purple, Brown, Gold }

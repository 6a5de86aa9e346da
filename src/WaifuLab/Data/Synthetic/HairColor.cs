namespace WaifuLab.Data.Synthetic;

/// <summary>Hair colours of the synthetic faces; the lower-case names are the label values.</summary>
public enum HairColor { White, Black, Blonde, Pink, Blue, Red, Brown, Green }

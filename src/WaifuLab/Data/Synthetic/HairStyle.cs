namespace WaifuLab.Data.Synthetic;

/// <summary>Hair styles: a jaw-length bob, hair falling past the shoulders, or two tails tied at the sides.</summary>
public enum HairStyle { Short, Long, TwinTails }

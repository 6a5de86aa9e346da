namespace WaifuLab.Data;

/// <summary>A labelled attribute is either one of a set of names (hair colour) or a number in a range (mouth opening).</summary>
public enum AttributeKind { Categorical, Continuous }

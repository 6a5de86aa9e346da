namespace WaifuLab.Data.Synthetic;

/// <summary>What a face wears on its head: nothing, a ribbon bow, or a brimmed hat.</summary>
public enum FaceAccessory { None, Ribbon, Hat }

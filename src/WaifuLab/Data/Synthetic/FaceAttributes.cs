using System.Globalization;

namespace WaifuLab.Data.Synthetic;

/// <summary>
/// The labelled attributes of one synthetic face: exactly what labels.csv records and what a conditional
/// generator is asked for. <see cref="Mouth"/> is the mouth opening, 0 closed to 1 wide open.
/// </summary>
public sealed record FaceAttributes(
    HairColor Hair,
    EyeColor Eyes,
    HairStyle Style,
    bool Glasses,
    bool Blush,
    FaceAccessory Accessory,
    double Mouth)
{
    /// <summary>The label values by attribute name, as written to labels.csv and read by <see cref="LabelSchema.Encode"/>.</summary>
    public IReadOnlyDictionary<string, string> ToLabels() => new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["hair"] = Label(Hair),
        ["eyes"] = Label(Eyes),
        ["style"] = Label(Style),
        ["glasses"] = Glasses ? "yes" : "no",
        ["blush"] = Blush ? "yes" : "no",
        ["accessory"] = Label(Accessory),
        ["mouth"] = Mouth.ToString("0.000", CultureInfo.InvariantCulture),
    };

    /// <summary>Label text of an enum value: its name in lower case (TwinTails -> twintails).</summary>
    public static string Label<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}

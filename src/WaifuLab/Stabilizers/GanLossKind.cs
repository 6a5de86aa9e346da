namespace WaifuLab.Stabilizers;

/// <summary>Which adversarial objective G and D play (see <see cref="GanLoss"/>).</summary>
public enum GanLossKind
{
    /// <summary>Non-saturating: D minimises BCE, G maximises log D(G(z)) (Goodfellow et al. 2014, sec. 3).</summary>
    NonSaturating,

    /// <summary>Saturating minimax: G minimises log(1 - D(G(z))), whose gradient vanishes when D wins (Goodfellow 2014); kept for the failure analysis.</summary>
    Saturating,

    /// <summary>Hinge: D minimises relu(1 - D(x)) + relu(1 + D(G(z))), G minimises -D(G(z)) (Lim &amp; Ye 2017; Miyato et al. 2018).</summary>
    Hinge,
}

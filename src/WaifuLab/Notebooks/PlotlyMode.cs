namespace WaifuLab.Notebooks;

/// <summary>How chart outputs get plotly.js.</summary>
public enum PlotlyMode
{
    /// <summary>The first chart of a notebook carries plotly.js (gzip + base64, ~1.4 MB); charts render offline.</summary>
    Inline,

    /// <summary>The first chart loads plotly.js from cdn.plot.ly; small notebooks, but rendering needs the internet.</summary>
    Cdn,
}

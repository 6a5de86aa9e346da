using WaifuLab.Cli.Notebooks;

namespace WaifuLab.Tests.Notebooks;

public class NotebookParametersTests
{
    private const string Cell = """
        string preset = "quick"; // smoke | quick | full
        int epochs = 5;
        long steps = 100L;
        double lr = 2e-4; // learning rate
        float beta = 0.5f;
        bool save = true;
        var tag = "run";
        WaifuLab.Backend.ComputeDevice device = WaifuLab.Backend.ComputeDevice.Auto;
        """;

    private static IReadOnlyList<NotebookParameters.Bound> Bind(params (string, string)[] given) =>
        NotebookParameters.Bind(NotebookParameters.Parse(Cell), given.Select(g => new KeyValuePair<string, string>(g.Item1, g.Item2)));

    [Fact]
    public void Declarations_are_read_with_types_and_choices()
    {
        var ps = NotebookParameters.Parse(Cell).ToDictionary(p => p.Name);
        Assert.Equal(["preset", "epochs", "steps", "lr", "beta", "save", "tag", "device"], NotebookParameters.Parse(Cell).Select(p => p.Name));
        Assert.Equal(["smoke", "quick", "full"], ps["preset"].Choices);
        Assert.Empty(ps["lr"].Choices); // an ordinary comment is not a list of choices
        Assert.Equal(ParameterKind.Double, ps["lr"].Kind);
        Assert.Equal(ParameterKind.String, ps["tag"].Kind);
        Assert.Equal(ParameterKind.Enum, ps["device"].Kind);
    }

    [Fact]
    public void Values_are_typed_into_csharp_literals()
    {
        var bound = Bind(("save", "false"), ("preset", "smoke"), ("lr", "0.001"), ("steps", "7"), ("beta", "0.9"),
            ("epochs", "3"), ("tag", "a \"quoted\" name"), ("device", "cpu"));
        var source = NotebookParameters.InjectedSource(bound);
        Assert.Contains("string preset = \"smoke\";", source);
        Assert.Contains("int epochs = 3;", source);
        Assert.Contains("long steps = 7L;", source);
        Assert.Contains("double lr = 0.001d;", source);
        Assert.Contains("float beta = 0.9f;", source);
        Assert.Contains("bool save = false;", source);
        Assert.Contains("string tag = \"a \\\"quoted\\\" name\";", source);
        Assert.Contains("WaifuLab.Backend.ComputeDevice device = WaifuLab.Backend.ComputeDevice.Cpu;", source);
        Assert.Equal(3, bound.Single(b => b.Parameter.Name == "epochs").Value);
    }

    [Theory]
    [InlineData("nope", "1", "unknown parameter 'nope'")]
    [InlineData("epochs", "five", "'five' is not an int")]
    [InlineData("epochs", "2.5", "'2.5' is not an int")]
    [InlineData("save", "yes", "true or false")]
    [InlineData("lr", "NaN", "finite")]
    [InlineData("preset", "huge", "must be one of smoke | quick | full")]
    [InlineData("device", "Tpu", "must be one of Auto | Cpu | Cuda")]
    public void Bad_values_are_refused_naming_the_parameter(string name, string value, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Bind((name, value)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Parameter_file_values_are_read_as_text()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{"epochs": 2, "preset": "full", "save": false}""");
            var bound = NotebookParameters.Bind(NotebookParameters.Parse(Cell), NotebookParameters.ReadFile(path));
            var values = bound.ToDictionary(b => b.Parameter.Name, b => b.Value);
            Assert.Equal(2, values["epochs"]);
            Assert.Equal("full", values["preset"]);
            Assert.Equal(false, values["save"]);
        }
        finally { File.Delete(path); }
    }
}

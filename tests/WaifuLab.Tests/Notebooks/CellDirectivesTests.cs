using WaifuLab.Cli.Notebooks;
using WaifuLab.Notebooks;

namespace WaifuLab.Tests.Notebooks;

public class CellDirectivesTests
{
    [Fact]
    public void Carried_packages_and_the_library_are_satisfied_keeping_line_numbers()
    {
        var cell = NotebookCell.Code("#!csharp\n#r \"nuget: TorchSharp, 0.107.0\"\n#r \"nuget:Plotly.NET.CSharp\"\n#r \"../src/WaifuLab/bin/Release/net10.0/WaifuLab.dll\"\nvar x = 1;");
        var code = CellDirectives.Process(cell)!;
        Assert.Equal("\n\n\n\nvar x = 1;", code);
    }

    [Fact]
    public void A_directive_may_end_with_a_comment_as_in_the_kernel()
    {
        var cell = NotebookCell.Code("#r \"nuget: ScottPlot, 5.1.59\"   // the loss chart\n#r \"../src/WaifuLab/bin/Release/net10.0/WaifuLab.dll\" // the library\nvar x = 1;");
        Assert.Equal("\n\nvar x = 1;", CellDirectives.Process(cell));
    }

    [Fact]
    public void Every_package_the_library_references_is_carried()
    {
        // A notebook declares the library's packages with #r "nuget: ..." for VS Code; the runner must accept each one.
        var project = System.Xml.Linq.XDocument.Load(Repo.PathOf("src", "WaifuLab", "WaifuLab.csproj"));
        var referenced = project.Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!).ToList();
        Assert.Contains("TorchSharp", referenced);
        Assert.All(referenced, id => Assert.Contains(id, CellDirectives.CarriedPackages));
    }

    [Fact]
    public void Unknown_package_fails_naming_it()
    {
        var e = Assert.Throws<CellDirectiveException>(() => CellDirectives.Process(NotebookCell.Code("// setup\n#r \"nuget: Newtonsoft.Json, 13.0.3\"")));
        Assert.Equal(2, e.Line);
        Assert.Contains("'Newtonsoft.Json'", e.Message);
    }

    [Fact]
    public void Markdown_magic_skips_the_cell_and_other_languages_fail()
    {
        Assert.Null(CellDirectives.Process(NotebookCell.Code("#!markdown\n# A heading")));
        var fsharp = Assert.Throws<CellDirectiveException>(() => CellDirectives.Process(NotebookCell.Code("#!fsharp\nlet x = 1")));
        Assert.Contains("#!fsharp is not supported: WaifuLab's runner executes C# cells only", fsharp.Message);
        var time = Assert.Throws<CellDirectiveException>(() => CellDirectives.Process(NotebookCell.Code("var a = 1;\n#!time")));
        Assert.Contains("#!time is not supported", time.Message);
        var byMetadata = NotebookCell.Code("let x = 1");
        byMetadata.Metadata["polyglot_notebook"]!["kernelName"] = "fsharp";
        Assert.Throws<CellDirectiveException>(() => CellDirectives.Process(byMetadata));
    }
}

using System.Text.Json.Nodes;
using WaifuLab.Notebooks;

namespace WaifuLab.Tests.Notebooks;

public class NotebookDocumentTests
{
    private const string Polyglot = """
    {
     "cells": [
      {
       "cell_type": "markdown",
       "metadata": {},
       "attachments": { "a.png": { "image/png": "AAAA" } },
       "source": ["# Title\n", "text"]
      },
      {
       "cell_type": "code",
       "execution_count": 3,
       "metadata": { "dotnet_interactive": { "language": "csharp" }, "tags": ["parameters"], "custom": { "x": 1 } },
       "outputs": [ { "output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"] },
                    { "output_type": "something_new", "payload": 42 } ],
       "source": "int n = 5;"
      }
     ],
     "metadata": {
      "kernelspec": { "display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp" },
      "language_info": { "name": "polyglot-notebook" },
      "authors_own": { "keep": [1, 2, 3] }
     },
     "nbformat": 4,
     "nbformat_minor": 2
    }
    """;

    [Fact]
    public void Round_trip_keeps_cells_outputs_and_unknown_metadata()
    {
        var doc = NotebookDocument.Parse(Polyglot);
        Assert.Equal(2, doc.Cells.Count);
        Assert.Equal("# Title\ntext", doc.Cells[0].Source);
        var code = doc.Cells[1];
        Assert.True(code.HasTag("parameters"));
        Assert.Equal("csharp", code.KernelName);
        Assert.Equal(3, code.ExecutionCount);
        Assert.Equal("a\nb\n", code.Outputs[0].Text);

        var again = JsonNode.Parse(NotebookDocument.Parse(doc.ToJson()).ToJson())!;
        Assert.Equal("[1,2,3]", again["metadata"]!["authors_own"]!["keep"]!.ToJsonString());
        Assert.Equal(".net-csharp", again["metadata"]!["kernelspec"]!["name"]!.GetValue<string>());
        Assert.Equal("AAAA", again["cells"]![0]!["attachments"]!["a.png"]!["image/png"]!.GetValue<string>());
        Assert.Equal(1, again["cells"]![1]!["metadata"]!["custom"]!["x"]!.GetValue<int>());
        Assert.Equal(42, again["cells"]![1]!["outputs"]![1]!["payload"]!.GetValue<int>());
        Assert.Equal(2, again["nbformat_minor"]!.GetValue<int>());
        // Jupyter's layout: sources as lists of lines.
        Assert.Equal("""["# Title\n","text"]""", again["cells"]![0]!["source"]!.ToJsonString());
    }

    [Fact]
    public void Html_is_written_unescaped_like_Jupyter_does()
    {
        var doc = new NotebookDocument([NotebookCell.Code("display(x)")]);
        doc.Cells[0].Outputs.Add(NotebookOutput.DisplayData(new MimeBundle().Add("text/html", "<div id=\"a\">&</div>")));
        Assert.Contains("\"<div id=\\\"a\\\">&</div>\"", doc.ToJson());
    }

    [Fact]
    public void Save_is_atomic_and_loads_back()
    {
        var dir = Directory.CreateTempSubdirectory("waifulab-nb-");
        try
        {
            var path = Path.Combine(dir.FullName, "sub", "n.ipynb");
            new NotebookDocument([NotebookCell.Markdown("hi"), NotebookCell.Code("1 + 1", "t")]).Save(path);
            var back = NotebookDocument.Load(path);
            Assert.Equal(["t"], back.Cells[1].Tags);
            Assert.Equal(".net-csharp", back.Metadata["kernelspec"]!["name"]!.GetValue<string>());
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left
        }
        finally { dir.Delete(recursive: true); }
    }

    [Theory]
    [InlineData("not json", "invalid JSON")]
    [InlineData("""{"nbformat": 3, "cells": []}""", "nbformat 3")]
    [InlineData("""{"nbformat": 4}""", "cells")]
    public void Bad_files_are_refused_clearly(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => NotebookDocument.Parse(json));
        Assert.Contains(expected, e.Message);
    }
}

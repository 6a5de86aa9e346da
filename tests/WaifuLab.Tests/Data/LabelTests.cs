using SkiaSharp;
using WaifuLab.Data;

namespace WaifuLab.Tests.Data;

public class LabelTests
{
    static readonly ImageFolderOptions NoCache = new() { UseCache = false };

    /// <summary>Three faces a, b, c with a labels.csv; <paramref name="csv"/> replaces the default table.</summary>
    static TestFolder Labelled(string? csv = null)
    {
        var folder = new TestFolder();
        foreach (var name in new[] { "a.png", "b.png", "c.png" }) folder.Solid(name, 4, SKColors.Gray);
        folder.Text("labels.csv", csv ??
            "file,hair,glasses,mouth\n" +
            "a.png,pink,yes,0.5\n" +
            "b.png,black,no,0\n" +
            "\"c.png\",\"silver, long\",no,1.0\n");
        return folder;
    }

    static float[] Row(ImageFolderResult result, int i) => result.Dataset.Conditions![i].data<float>().ToArray();

    [Fact]
    public void Labels_are_inferred_and_encoded_as_condition_vectors()
    {
        using var result = ImageFolder.Load(Labelled().Root, 4, NoCache);
        var schema = result.Schema!;
        Assert.Equal(["hair", "glasses", "mouth"], schema.Attributes.Select(a => a.Name));
        Assert.Equal(["black", "pink", "silver, long"], schema["hair"].Values);
        Assert.Equal(["no", "yes"], schema["glasses"].Values);
        Assert.Equal((AttributeKind.Continuous, 0.0, 1.0), (schema["mouth"].Kind, schema["mouth"].Min, schema["mouth"].Max));
        Assert.Equal([3L, 6], result.Dataset.Conditions!.shape);
        //                  black pink silver  no yes  mouth
        Assert.Equal([0f, 1f, 0f, 0f, 1f, 0.5f], Row(result, 0));
        Assert.Equal([1f, 0f, 0f, 1f, 0f, 0f], Row(result, 1));
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 1f], Row(result, 2));
    }

    [Fact]
    public void A_given_schema_fixes_order_and_ranges_and_synthetic_style_tables_load()
    {
        var folder = new TestFolder();
        for (int i = 0; i < 3; i++) folder.Solid($"face_{i:000000}.png", 4, SKColors.Gray);
        folder.Text("labels.csv",
            "file,hair,eyes,style,glasses,blush,accessory,mouth\n" +
            "face_000000.png,blonde,blue,short,no,yes,none,0.25\n" +
            "face_000001.png,pink,red,twintails,yes,no,ribbon,0.75\n" +
            "face_000002.png,Blonde,red,long,no,no,hat,0\n");
        var schema = new LabelSchema([
            AttributeSpec.Continuous("mouth", 0, 1),
            AttributeSpec.Categorical("hair", "black", "blonde", "pink"),
            AttributeSpec.Categorical("eyes", "blue", "red"),
            AttributeSpec.Categorical("style", "short", "long", "twintails"),
            AttributeSpec.Categorical("glasses", "no", "yes"),
            AttributeSpec.Categorical("blush", "no", "yes"),
            AttributeSpec.Categorical("accessory", "none", "ribbon", "hat"),
        ]);
        using var result = ImageFolder.Load(folder.Root, 4, NoCache with { Schema = schema });
        Assert.Same(schema, result.Schema);
        Assert.Equal([3L, schema.Width], result.Dataset.Conditions!.shape);
        Assert.Equal(schema.Encode(new Dictionary<string, string>
        {
            ["hair"] = "pink", ["eyes"] = "red", ["style"] = "twintails", ["glasses"] = "yes", ["blush"] = "no",
            ["accessory"] = "ribbon", ["mouth"] = "0.75",
        }), Row(result, 1));
        Assert.Equal(0.25f, Row(result, 0)[0]);
        Assert.Equal(1f, Row(result, 2)[schema.Offset("hair") + 1]); // "Blonde" matches "blonde"
    }

    [Fact]
    public void Inference_treats_numbers_as_continuous_and_flags_as_categorical()
    {
        var table = LabelTable.Parse(new StringReader(
            "file,age,flag,truth,tag\n" +
            "a.png,12.5,1,true,x\n" +
            "b.png,3,0,false,y\n" +
            "c.png,-1e1,1,TRUE,7\n"), "t.csv");
        var schema = LabelSchemaInference.Infer(table);
        Assert.Equal((AttributeKind.Continuous, -10.0, 12.5), (schema["age"].Kind, schema["age"].Min, schema["age"].Max));
        Assert.Equal(AttributeKind.Categorical, schema["flag"].Kind);
        Assert.Equal(["0", "1"], schema["flag"].Values);
        Assert.Equal(["false", "true"], schema["truth"].Values);
        Assert.Equal(["7", "x", "y"], schema["tag"].Values);
    }

    [Fact]
    public void Csv_quotes_escapes_line_breaks_and_windows_paths_are_read()
    {
        var table = LabelTable.Parse(new StringReader(
            "\uFEFFfile , note\r\n" +
            "\"sub\\a.png\",\"say \"\"hi\"\"\nthere\"\r\n" +
            "\r\n" +
            "./b.png,  plain  \n"), "q.csv");
        Assert.Equal(["note"], table.Columns);
        Assert.Equal(2, table.Rows.Count);
        Assert.True(table.TryGetRow("sub/a.png", out var a));
        Assert.Equal("say \"hi\"\nthere", a.Values["note"]);
        Assert.Equal(2, a.Line);
        Assert.True(table.TryGetRow("b.png", out var b));
        Assert.Equal(("plain", 5), (b.Values["NOTE"], b.Line));
    }

    static string LoadError(string csv, LabelSchema? schema = null) =>
        Assert.Throws<LabelFileException>(() => ImageFolder.Load(Labelled(csv).Root, 4, NoCache with { Schema = schema })).Message;

    [Fact]
    public void Label_errors_name_the_file_line_and_column()
    {
        var unknown = LoadError("file,hair\na.png,pink\nb.png,pink\nc.png,pink\nzzz.png,pink\n");
        Assert.Contains("labels.csv line 5, column 'file'", unknown);
        Assert.Contains("'zzz.png' is not an image", unknown);

        var schema = new LabelSchema([AttributeSpec.Categorical("hair", "pink", "black"), AttributeSpec.Continuous("mouth", 0, 1)]);
        var missing = LoadError("file,hair\na.png,pink\nb.png,pink\nc.png,pink\n", schema);
        Assert.Contains("labels.csv, column 'mouth': the column is missing", missing);

        var badValue = LoadError("file,hair,mouth\na.png,pink,0\nb.png,green,0\nc.png,pink,0\n", schema);
        Assert.Contains("labels.csv line 3, column 'hair'", badValue);
        Assert.Contains("'green' is not a value of attribute 'hair'", badValue);

        var outOfRange = LoadError("file,hair,mouth\na.png,pink,0\nb.png,pink,0\nc.png,pink,1.5\n", schema);
        Assert.Contains("labels.csv line 4, column 'mouth'", outOfRange);
        Assert.Contains("outside the range", outOfRange);

        var extraField = LoadError("file,hair,mouth\na.png,pink,0,5\nb.png,pink,0\nc.png,pink,1\n", schema);
        Assert.Contains("line 2", extraField);
        Assert.Contains("4 fields but the header has 3", extraField);

        var duplicate = LoadError("file,hair\na.png,pink\nb.png,pink\nc.png,pink\n./a.png,black\n");
        Assert.Contains("line 5, column 'file'", duplicate);
        Assert.Contains("already has a row on line 2", duplicate);

        var empty = LoadError("file,hair\na.png,pink\nb.png,\nc.png,pink\n");
        Assert.Contains("line 3, column 'hair'", empty);

        Assert.Contains("first column must be 'file'", LoadError("name,hair\na.png,pink\n"));
        Assert.Contains("not closed", LoadError("file,hair\na.png,\"pink\n"));
    }

    [Fact]
    public void Unlabelled_images_fail_by_default_and_are_dropped_on_request()
    {
        const string csv = "file,hair\na.png,pink\nc.png,black\n";
        var error = LoadError(csv);
        Assert.Contains("1 of 3 images have no row", error);
        Assert.Contains("'b.png'", error);

        using var dropped = ImageFolder.Load(Labelled(csv).Root, 4, NoCache with { MissingLabels = MissingLabelPolicy.Drop });
        Assert.Equal(["a.png", "c.png"], dropped.Files);
        Assert.Equal(["b.png"], dropped.Report.SkippedUnlabelled);
        Assert.Equal([2L, 2], dropped.Dataset.Conditions!.shape);
        Assert.Equal([0f, 1f], Row(dropped, 0));

        using var unlabelled = ImageFolder.Load(Labelled(csv).Root, 4, NoCache with { UseLabels = false });
        Assert.Equal(3, unlabelled.Dataset.Count);
        Assert.Null(unlabelled.Dataset.Conditions);
    }

    [Fact]
    public void A_named_labels_file_must_exist_and_may_live_elsewhere()
    {
        var folder = Labelled();
        Assert.Throws<FileNotFoundException>(() => ImageFolder.Load(folder.Root, 4, NoCache with { LabelsFile = folder.PathOf("none.csv") }));
        var other = Path.Combine(Directory.CreateTempSubdirectory("waifulab-labels").FullName, "tags.csv");
        File.WriteAllText(other, "file,tag\r\na.png,x\r\nb.png,y\r\nc.png,x\r\n");
        using var result = ImageFolder.Load(folder.Root, 4, NoCache with { LabelsFile = other });
        Assert.Equal(["x", "y"], result.Schema!["tag"].Values);
    }
}

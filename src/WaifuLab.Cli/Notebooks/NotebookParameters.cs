using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace WaifuLab.Cli.Notebooks;

/// <summary>
/// Papermill-style parameters: the cell tagged <c>parameters</c> declares defaults; values given on the command
/// line are typed from those declarations and written as a new cell tagged <c>injected-parameters</c> right after
/// it, so a later declaration shadows the default. Every check happens before any cell runs.
/// </summary>
public static class NotebookParameters
{
    public const string ParametersTag = "parameters";
    public const string InjectedTag = "injected-parameters";

    /// <summary>A value ready to inject: the declaration it sets, the C# literal, and the typed value (for metadata).</summary>
    public sealed record Bound(NotebookParameter Parameter, string Literal, object Value);

    /// <summary>The declarations of a parameters cell (fields or locals with an initializer).</summary>
    public static IReadOnlyList<NotebookParameter> Parse(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script));
        var list = new List<NotebookParameter>();
        foreach (var member in tree.GetCompilationUnitRoot().Members)
        {
            var (declaration, semicolon) = member switch
            {
                FieldDeclarationSyntax f => (f.Declaration, f.SemicolonToken),
                GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax l } => (l.Declaration, l.SemicolonToken),
                _ => ((VariableDeclarationSyntax?)null, default),
            };
            if (declaration is null) continue;
            var comment = semicolon.TrailingTrivia.FirstOrDefault(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia)).ToString();
            foreach (var variable in declaration.Variables)
            {
                if (variable.Initializer is null) continue;
                var init = variable.Initializer.Value;
                var (kind, typeName) = KindOf(declaration.Type, init);
                var choices = kind == ParameterKind.String ? Choices(comment) : [];
                list.Add(new NotebookParameter(variable.Identifier.Text, kind, typeName, init.ToString(), choices));
            }
        }
        return list;
    }

    /// <summary>
    /// Types each given value from its declaration. Throws ArgumentException naming the parameter for an unknown
    /// name, a value of the wrong type or a value outside the declared choices. Later values of a name win.
    /// </summary>
    public static IReadOnlyList<Bound> Bind(IReadOnlyList<NotebookParameter> declared, IEnumerable<KeyValuePair<string, string>> given)
    {
        var byName = declared.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var bound = new Dictionary<string, Bound>(StringComparer.Ordinal);
        foreach (var (name, value) in given)
        {
            if (!byName.TryGetValue(name, out var p))
                throw new ArgumentException(declared.Count == 0
                    ? $"unknown parameter '{name}': the notebook declares no parameters"
                    : $"unknown parameter '{name}'; the notebook declares: {string.Join(", ", declared.Select(d => d.Name))}");
            bound[name] = Convert(p, value);
        }
        // Declaration order keeps the injected cell readable next to the parameters cell.
        return declared.Where(d => bound.ContainsKey(d.Name)).Select(d => bound[d.Name]).ToList();
    }

    /// <summary>The source of the injected-parameters cell.</summary>
    public static string InjectedSource(IReadOnlyList<Bound> values)
    {
        var text = new StringBuilder("// Parameters injected by `waifulab notebook run`.\n");
        foreach (var b in values) text.Append(b.Parameter.TypeName).Append(' ').Append(b.Parameter.Name).Append(" = ").Append(b.Literal).Append(";\n");
        return text.ToString().TrimEnd('\n');
    }

    /// <summary>Name/value pairs of a JSON object file (papermill's -f): strings, numbers and booleans.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ReadFile(string path)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: expected a JSON object of parameter names to values");
            return doc.RootElement.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number => p.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => throw new InvalidDataException($"{path}: parameter '{p.Name}' must be a string, number or boolean, not {p.Value.ValueKind}"),
            })).ToList();
        }
    }

    private static Bound Convert(NotebookParameter p, string value)
    {
        var inv = CultureInfo.InvariantCulture;
        ArgumentException Wrong(string what) =>
            new($"parameter '{p.Name}' is {p.TypeName} (default {p.DefaultText}); '{value}' is not {what}");
        switch (p.Kind)
        {
            case ParameterKind.Int:
                return int.TryParse(value, NumberStyles.Integer, inv, out var i)
                    ? new Bound(p, i.ToString(inv), i) : throw Wrong("an int");
            case ParameterKind.Long:
                return long.TryParse(value, NumberStyles.Integer, inv, out var l)
                    ? new Bound(p, l.ToString(inv) + "L", l) : throw Wrong("a long");
            case ParameterKind.Double:
                return double.TryParse(value, NumberStyles.Float, inv, out var d) && double.IsFinite(d)
                    ? new Bound(p, d.ToString("R", inv) + "d", d) : throw Wrong("a finite number");
            case ParameterKind.Float:
                return float.TryParse(value, NumberStyles.Float, inv, out var f) && float.IsFinite(f)
                    ? new Bound(p, f.ToString("R", inv) + "f", f) : throw Wrong("a finite number");
            case ParameterKind.Bool:
                return bool.TryParse(value, out var b)
                    ? new Bound(p, b ? "true" : "false", b) : throw Wrong("true or false");
            case ParameterKind.String:
                if (p.Choices.Count > 0 && !p.Choices.Contains(value, StringComparer.Ordinal))
                    throw new ArgumentException($"parameter '{p.Name}' must be one of {string.Join(" | ", p.Choices)}; got '{value}'");
                return new Bound(p, SymbolDisplay.FormatLiteral(value, quote: true), value);
            case ParameterKind.Enum:
                return new Bound(p, $"{p.TypeName}.{EnumMember(p, value)}", value);
            default:
                throw new ArgumentException($"parameter '{p.Name}' has type {p.TypeName}, which cannot be set from the command line " +
                    "(use int, long, double, float, bool, string or an enum)");
        }
    }

    /// <summary>The enum member named <paramref name="value"/>, checked against the enum when WaifuLab or its dependencies define it.</summary>
    private static string EnumMember(NotebookParameter p, string value)
    {
        if (!SyntaxFacts.IsValidIdentifier(value))
            throw new ArgumentException($"parameter '{p.Name}' is {p.TypeName}; '{value}' is not a member name");
        var type = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic)
            .SelectMany(a => { try { return a.GetExportedTypes(); } catch (Exception e) when (e is NotSupportedException or TypeLoadException or FileNotFoundException) { return []; } })
            .FirstOrDefault(t => t.IsEnum && (t.Name == p.TypeName || t.FullName == p.TypeName));
        if (type is null) return value; // declared in the notebook itself: the compiler checks it
        var names = Enum.GetNames(type);
        return names.FirstOrDefault(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"parameter '{p.Name}' must be one of {string.Join(" | ", names)}; got '{value}'");
    }

    private static (ParameterKind, string) KindOf(TypeSyntax type, ExpressionSyntax init)
    {
        var name = type.ToString();
        if (type.IsVar)
        {
            // var: the type of the literal.
            return init switch
            {
                LiteralExpressionSyntax lit when lit.IsKind(SyntaxKind.StringLiteralExpression) => (ParameterKind.String, "string"),
                LiteralExpressionSyntax lit when lit.IsKind(SyntaxKind.TrueLiteralExpression) || lit.IsKind(SyntaxKind.FalseLiteralExpression) => (ParameterKind.Bool, "bool"),
                LiteralExpressionSyntax { Token.Value: int } => (ParameterKind.Int, "int"),
                LiteralExpressionSyntax { Token.Value: long } => (ParameterKind.Long, "long"),
                LiteralExpressionSyntax { Token.Value: double } => (ParameterKind.Double, "double"),
                LiteralExpressionSyntax { Token.Value: float } => (ParameterKind.Float, "float"),
                _ => (ParameterKind.Unsupported, "var"),
            };
        }
        var kind = name switch
        {
            "int" or "Int32" or "System.Int32" => ParameterKind.Int,
            "long" or "Int64" or "System.Int64" => ParameterKind.Long,
            "double" or "Double" or "System.Double" => ParameterKind.Double,
            "float" or "Single" or "System.Single" => ParameterKind.Float,
            "bool" or "Boolean" or "System.Boolean" => ParameterKind.Bool,
            "string" or "String" or "System.String" => ParameterKind.String,
            // Mode mode = Mode.Fast;  an enum, as far as the syntax tells.
            _ when init is MemberAccessExpressionSyntax m && m.Expression.ToString() == name => ParameterKind.Enum,
            _ => ParameterKind.Unsupported,
        };
        return (kind, name);
    }

    /// <summary>"// smoke | quick | full" lists the allowed values; any other comment is just a comment.</summary>
    private static IReadOnlyList<string> Choices(string comment)
    {
        if (!comment.StartsWith("//", StringComparison.Ordinal)) return [];
        var parts = comment[2..].Split('|', StringSplitOptions.TrimEntries);
        return parts.Length >= 2 && parts.All(s => s.Length > 0 && !s.Any(char.IsWhiteSpace)) ? parts : [];
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CnnArch;

/// <summary>
/// How errors show what the user wrote, in the user's terms: a number as written (never "Infinity" for a
/// literal too large to hold, never "NaN"), and a JSON problem as what was expected where, never a .NET
/// type name.
/// </summary>
internal static partial class UserText
{
    /// <summary>A number in a message: six significant digits; one too large to hold, or not a number, said so.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "a number too large to hold",
        double.NegativeInfinity => "a negative number too large to hold",
        double.NaN => "not a number",
        _ => value.ToString("G6", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// What a <see cref="JsonException"/> says, without its path, position or .NET wording: an empty
    /// document is "the file is empty", a value of the wrong kind is "expected a number" (or a list of
    /// numbers, text, true or false).
    /// </summary>
    public static string Json(JsonException ex)
    {
        var message = ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].Trim();
        if (message.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "the file is empty (no JSON value)";
        }

        if (ConvertedTo().Match(message) is { Success: true } converted)
        {
            return "expected " + Expected(converted.Groups[1].Value);
        }

        if (ex.InnerException is InvalidOperationException inner && TokenType().Match(inner.Message) is { Success: true } token)
        {
            return $"expected {token.Groups[2].Value switch { "number" => "a number", "string" => "text", "boolean" => "true or false", _ => "another kind of value" }}, got {Kind(token.Groups[1].Value)}";
        }

        // The reader's own messages ("'x' is an invalid start of a value.") are JSON's terms; .NET's
        // sentence about blocks is not.
        message = message.Replace(", when isFinalBlock is true", string.Empty, StringComparison.Ordinal)
            .Replace(" when isFinalBlock is true", string.Empty, StringComparison.Ordinal);
        return message;
    }

    private static string Kind(string tokenType) => tokenType switch
    {
        "String" or "PropertyName" => "text",
        "Number" => "a number",
        "True" or "False" => "true or false",
        "Null" => "null",
        "StartArray" => "a list",
        "StartObject" => "an object",
        _ => "another kind of value",
    };

    private static string Expected(string type)
    {
        var list = type.Contains("Array", StringComparison.Ordinal) || type.Contains("List", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal);
        var element = ElementName().Match(type) is { Success: true } m ? m.Groups[1].Value : type;
        var one = element.Split('.')[^1].TrimEnd(']').TrimEnd('[') switch
        {
            "Double" or "Single" or "Decimal" => "number",
            "Int32" or "Int64" or "Int16" or "Byte" or "UInt32" or "UInt64" => "whole number",
            "Boolean" => "true or false",
            "String" => "text",
            _ => "value of another kind",
        };
        return list
            ? one switch { "true or false" => "a list of true or false values", "text" => "a list of text values", "value of another kind" => "a list", _ => $"a list of {one}s" }
            : one switch { "true or false" or "text" => one, "whole number" => "a whole number", "number" => "a number", _ => "an object of another shape" };
    }

    [GeneratedRegex(@"could not be converted to (\S+?)\.?(?:\s|$)")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"token type '(\w+)' as an? (\w+)")]
    private static partial Regex TokenType();

    [GeneratedRegex(@"\[(?:System\.)?([\w.]+)\]")]
    private static partial Regex ElementName();
}

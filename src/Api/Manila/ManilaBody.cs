using System.Globalization;
using System.Text.Json;

namespace ZfsPortal.Api.Manila;

/// <summary>
/// Reads a Manila request body (<c>{"share": {…}}</c>): bad JSON, a missing root and attributes Manila does not
/// know are refused with 400 before any service is asked, so a typo never turns into a silently ignored option.
/// </summary>
public sealed class ManilaBody(JsonElement root)
{
    public JsonElement Root { get; } = root;

    public static async Task<(ManilaBody? Body, IResult? Error)> ReadAsync(HttpRequest request, string element, IReadOnlySet<string>? known)
    {
        JsonElement document;
        try
        {
            using var parsed = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            document = parsed.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (null, ManilaErrors.BadRequest("Malformed request body."));
        }
        if (document.ValueKind != JsonValueKind.Object || !document.TryGetProperty(element, out var body) || body.ValueKind != JsonValueKind.Object)
            return (null, ManilaErrors.BadRequest($"Missing required element '{element}' in request body."));
        var unknown = body.EnumerateObject().Select(p => p.Name).Where(n => known is not null && !known.Contains(n)).ToList();
        if (unknown.Count > 0)
            return (null, ManilaErrors.BadRequest($"Unrecognized attribute(s) in '{element}': {string.Join(", ", unknown.Select(u => $"'{Shorten(u)}'"))}."));
        return (new ManilaBody(body), null);
    }

    /// <summary>An action body holds exactly one action: its name and its argument object.</summary>
    public static async Task<(string? Action, JsonElement Argument, IResult? Error)> ReadActionAsync(HttpRequest request)
    {
        try
        {
            using var parsed = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Count() != 1)
                return (null, default, ManilaErrors.BadRequest("The action body must hold exactly one action."));
            var action = root.EnumerateObject().Single();
            return (action.Name, action.Value.Clone(), null);
        }
        catch (JsonException)
        {
            return (null, default, ManilaErrors.BadRequest("Malformed request body."));
        }
    }

    public string? Text(params string[] keys) => Text(Root, keys);

    public static string? Text(JsonElement obj, params string[] keys)
    {
        if (obj.ValueKind != JsonValueKind.Object)
            return null;
        foreach (var key in keys)
            if (obj.TryGetProperty(key, out var value))
                switch (value.ValueKind)
                {
                    case JsonValueKind.String: return value.GetString();
                    case JsonValueKind.Number: return value.GetRawText();
                    case JsonValueKind.True or JsonValueKind.False: return value.GetBoolean().ToString(CultureInfo.InvariantCulture);
                }
        return null;
    }

    /// <summary>True, false or absent (null); the client sends booleans as JSON or as "True"/"False" strings.</summary>
    public bool? Bool(string key, out bool invalid) => Bool(Root, key, out invalid);

    public static bool? Bool(JsonElement obj, string key, out bool invalid)
    {
        invalid = false;
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return value.GetBoolean();
        if (value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString(), out var parsed))
            return parsed;
        invalid = true;
        return null;
    }

    public bool Has(string key) => Root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null;

    public JsonElement? Member(string key) =>
        Root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40];
}

using System.Text.Json;

namespace ZfsPortal.Api.Identity;

/// <summary>The project a token is asked for: by id, or by name in the Default domain.</summary>
public sealed record ProjectScope(string? Id, string? Name);

/// <summary>
/// <c>POST /identity/v3/auth/tokens</c>'s body as Keystone defines it: the methods (password or token), the user by id
/// or by name in a domain, and an optional project scope. Only the Default domain exists here.
/// </summary>
public sealed record KeystoneAuthBody(bool ByPassword, string? UserId, string? UserName, string? Password, string? Token, ProjectScope? Scope)
{
    public static async Task<(KeystoneAuthBody? Body, string? Error)> ReadAsync(HttpRequest request)
    {
        try
        {
            using var parsed = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return Parse(parsed.RootElement);
        }
        catch (JsonException)
        {
            return (null, "Malformed request body.");
        }
    }

    private static (KeystoneAuthBody?, string?) Parse(JsonElement root)
    {
        if (Object(root, "auth") is not { } auth || Object(auth, "identity") is not { } identity)
            return (null, "'identity' is a required property of 'auth'.");
        var methods = identity.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : null).ToList()
            : [];
        var (scope, scopeError) = ReadScope(auth);
        if (scopeError is not null)
            return (null, scopeError);
        if (methods.Contains("password"))
        {
            if (Object(identity, "password") is not { } password || Object(password, "user") is not { } user)
                return (null, "'user' is a required property of 'password'.");
            var (id, name) = (Text(user, "id"), Text(user, "name"));
            if (id is null && name is null)
                return (null, "Expecting to find id or name in user.");
            if (id is null && !IsDefaultDomain(Object(user, "domain")))
                return (null, "Expecting to find the domain Default in user: it is the only domain.");
            return (new KeystoneAuthBody(true, id, name, Text(user, "password"), null, scope), null);
        }
        if (methods.Contains("token"))
        {
            var token = Object(identity, "token") is { } t ? Text(t, "id") : null;
            return token is null ? (null, "'id' is a required property of 'token'.") : (new KeystoneAuthBody(false, null, null, null, token, scope), null);
        }
        return (null, "The only authentication methods are password and token.");
    }

    private static (ProjectScope?, string?) ReadScope(JsonElement auth)
    {
        if (!auth.TryGetProperty("scope", out var scope) || scope.ValueKind == JsonValueKind.String && scope.GetString() == "unscoped")
            return (null, null);
        if (Object(auth, "scope") is { } s && Object(s, "project") is { } project)
        {
            var (id, name) = (Text(project, "id"), Text(project, "name"));
            if (id is null && name is null)
                return (null, "Expecting to find id or name in project.");
            if (id is null && !IsDefaultDomain(Object(project, "domain")))
                return (null, "Expecting to find the domain Default in project: it is the only domain.");
            return (new ProjectScope(id, name), null);
        }
        return (null, "Only project scope is supported (the portal has no domain or system scope).");
    }

    private static bool IsDefaultDomain(JsonElement? domain) =>
        domain is { } d && (string.Equals(Text(d, "id"), "default", StringComparison.OrdinalIgnoreCase)
                            || string.Equals(Text(d, "name"), "Default", StringComparison.OrdinalIgnoreCase));

    private static JsonElement? Object(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.String && child.GetString() is { Length: > 0 } text ? text : null;
}

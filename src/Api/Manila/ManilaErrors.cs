using ZfsPortal.Features.Common;

namespace ZfsPortal.Api.Manila;

/// <summary>Manila's fault bodies (<c>{"itemNotFound": {"code": 404, "message": …}}</c>), named as manila/api/openstack/wsgi.py names them.</summary>
public static class ManilaErrors
{
    public static IResult NotFound(string message) => Fault(404, "itemNotFound", message);
    public static IResult BadRequest(string message) => Fault(400, "badRequest", message);
    public static IResult Forbidden(string message = "Policy doesn't allow this operation to be performed.") => Fault(403, "forbidden", message);
    public static IResult Conflict(string message) => Fault(409, "conflictingRequest", message);
    public static IResult OverLimit(string message) => Fault(413, "overLimit", message);

    /// <summary>Manila answers an unsupported microversion with a plain HTTPNotAcceptable, which its wsgi names computeFault.</summary>
    public static IResult NotAcceptable(string message) => Fault(406, "computeFault", message);

    public static IResult Fault(int code, string name, string message) =>
        Results.Json(new Dictionary<string, object> { [name] = new { code, message } }, statusCode: code);

    /// <summary>
    /// A refused accept step as Manila would answer it. The services speak sentences for people, not codes; their
    /// sentences start in a few known ways, and this is the one place that reads them (tests pin each kind).
    /// </summary>
    public static IResult Refusal(CommandResult result)
    {
        var message = result.Error ?? "The request was refused.";
        if (message.Contains("does not exist", StringComparison.Ordinal) || message.Contains("not a member", StringComparison.Ordinal))
            return NotFound(message);
        if (message.Contains("quota", StringComparison.Ordinal))
            return OverLimit(message);
        if (message.StartsWith("The share is ", StringComparison.Ordinal) || message.StartsWith("The snapshot is ", StringComparison.Ordinal)
            || message.StartsWith("The share has ", StringComparison.Ordinal) || message.Contains("being removed", StringComparison.Ordinal)
            || message.Contains("depends on it", StringComparison.Ordinal) || message.Contains("already has", StringComparison.Ordinal)
            || message.StartsWith("Only the latest snapshot", StringComparison.Ordinal))
            return Conflict(message);
        return BadRequest(message);
    }
}

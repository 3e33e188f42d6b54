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

    /// <summary>A refused accept step as Manila would answer it: the services name the kind, the sentence is the message.</summary>
    public static IResult Refusal(CommandResult result)
    {
        var message = result.Error ?? "The request was refused.";
        return StatusOf(result) switch
        {
            404 => NotFound(message),
            413 => OverLimit(message),
            409 => Conflict(message),
            _ => BadRequest(message),
        };
    }

    /// <summary>The HTTP status of a refusal's kind; the portal's own API answers with it too.</summary>
    public static int StatusOf(CommandResult result) => result.Kind switch
    {
        RefusalKind.NotFound => 404,
        RefusalKind.Conflict => 409,
        RefusalKind.OverQuota => 413,
        _ => 400,
    };
}

using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace ZfsPortal.Api.Manila;

/// <summary>
/// Manila's list paging (manila/api/common.py, <c>limited</c> and <c>limited_by_marker</c>): <c>offset</c> skips,
/// <c>marker</c> starts after the item with that id, <c>limit</c> caps the page; Manila's 400s for bad values.
/// </summary>
public static class ManilaPaging
{
    public static (List<T>? Page, IResult? Error) Apply<T>(HttpRequest request, IEnumerable<T> items, Func<T, string> id)
    {
        var query = request.Query;
        if (!TryCount(query["limit"], "limit", out var limit, out var error) || !TryCount(query["offset"], "offset", out var offset, out error))
            return (null, error);
        var list = items.ToList();
        if (query["marker"].ToString() is { Length: > 0 } marker)
        {
            var at = list.FindIndex(i => id(i) == marker);
            if (at < 0)
                return (null, ManilaErrors.BadRequest($"marker [{ManilaShares.Clip(marker)}] not found"));
            list = list.Skip(at + 1).ToList();
        }
        IEnumerable<T> page = list.Skip(offset ?? 0);
        if (limit is { } max)
            page = page.Take(max);
        return (page.ToList(), null);
    }

    private static bool TryCount(StringValues value, string name, out int? count, out IResult? error)
    {
        (count, error) = (null, null);
        if (StringValues.IsNullOrEmpty(value))
            return true;
        if (!int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            error = ManilaErrors.BadRequest($"{name} param must be an integer");
            return false;
        }
        count = parsed;
        return true;
    }
}

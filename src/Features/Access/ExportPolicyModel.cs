using ZfsPortal.Data;

namespace ZfsPortal.Features.Access;

/// <summary>What <see cref="ExportPolicyFields"/> edits in place; the form sends it as an <see cref="ExportPolicyInput"/>.</summary>
public sealed class ExportPolicyModel
{
    public string? AllowedNetworks { get; set; }
    public string? WidestIPv4Prefix { get; set; }
    public string? WidestIPv6Prefix { get; set; }
    public bool NoRootSquashAllowed { get; set; }
    public bool WiderNeedsApproval { get; set; }

    public static ExportPolicyModel From(ExportPolicy policy)
    {
        var input = ExportPolicyInput.From(policy);
        return new ExportPolicyModel
        {
            AllowedNetworks = input.AllowedNetworks, WidestIPv4Prefix = input.WidestIPv4Prefix, WidestIPv6Prefix = input.WidestIPv6Prefix,
            NoRootSquashAllowed = input.NoRootSquashAllowed, WiderNeedsApproval = input.WiderNeedsApproval,
        };
    }

    public ExportPolicyInput ToInput() => new(AllowedNetworks, WidestIPv4Prefix, WidestIPv6Prefix, NoRootSquashAllowed, WiderNeedsApproval);
}

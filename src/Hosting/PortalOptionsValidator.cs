using Microsoft.Extensions.Options;

namespace ZfsPortal.Hosting;

/// <summary>
/// Checks the recovery's timing keys at start, so that a bad appsettings.json stops the portal with a message that
/// names the exact key and the value it found (<c>Portal:HeartbeatSeconds is 0; …</c>), as the storage backends'
/// validator does. Data annotations would say only "The field HeartbeatSeconds must be between 1 and 600.".
/// </summary>
public sealed class PortalOptionsValidator : IValidateOptions<PortalOptions>
{
    public const int MaxHeartbeatSeconds = 600;
    public const int MaxRecoverySeconds = 3600;
    public const int MaxQueuedGraceSeconds = 3600;

    public ValidateOptionsResult Validate(string? name, PortalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Seconds(string key, int value, int max, string what)
        {
            if (value < 1 || value > max)
                failures.Add($"{PortalOptions.Section}:{key} is {value}; it must be a whole number of seconds from 1 to {max} ({what}).");
        }
        Seconds(nameof(PortalOptions.HeartbeatSeconds), options.HeartbeatSeconds, MaxHeartbeatSeconds,
            "how often a running operation writes its heartbeat; six missed beats mean its run died");
        Seconds(nameof(PortalOptions.RecoverySeconds), options.RecoverySeconds, MaxRecoverySeconds,
            "how often stranded operations are looked for");
        Seconds(nameof(PortalOptions.QueuedGraceSeconds), options.QueuedGraceSeconds, MaxQueuedGraceSeconds,
            "how long a queued operation may wait before it is queued again");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

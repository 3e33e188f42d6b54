using Microsoft.Extensions.DependencyInjection.Extensions;
using ZfsPortal.Provisioning.Cluster;

namespace ZfsPortal.Provisioning;

public static class ProvisioningServices
{
    /// <summary>
    /// The machinery every operation uses, and every <see cref="IOperationHandler"/> in the portal, found by scanning:
    /// adding an operation adds a folder, not a line here.
    /// </summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ShareEvents>();
        services.TryAddSingleton<NodeIdentity>();
        services.TryAddSingleton<SingleRunnerLease>();
        services.AddSingleton<IOperationScheduler, OperationScheduler>();
        services.AddSingleton<OperationSlots>();
        services.AddSingleton<OperationIntake>();
        services.AddSingleton<OperationRecovery>();
        services.AddTransient<OperationJob>();
        foreach (var type in HandlerTypes)
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IOperationHandler), type));
        return services;
    }

    public static IReadOnlyList<Type> HandlerTypes { get; } = typeof(IOperationHandler).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.IsAssignableTo(typeof(IOperationHandler)))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToList();
}

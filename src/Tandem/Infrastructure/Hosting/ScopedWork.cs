using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// For live (interactive server) components: a circuit lives long and has no HttpContext, so
/// each operation runs in its own DI scope (fresh DbContext) that carries the circuit's
/// signed-in person and address. Static pages do not need this.
/// </summary>
public sealed class ScopedWork(IServiceScopeFactory scopes, AuthenticationStateProvider auth, IHttpContextAccessor http)
{
    private readonly IPAddress? _address = http.HttpContext?.Connection.RemoteIpAddress;

    public Task<T> RunAsync<T>(Func<IServiceProvider, Task<T>> work) => RunAsync(work, readPurpose: null);

    /// <summary>
    /// Work a live page does to show a change someone else made, while its person is looking:
    /// its reads are recorded as "shown as it changed" (purpose live-update), not as the person
    /// opening the record again (docs/live-updates.md).
    /// </summary>
    public Task<T> RunLiveAsync<T>(Func<IServiceProvider, Task<T>> work) => RunAsync(work, Features.Audit.AuditPurposes.LiveUpdate);

    public Task RunLiveAsync(Func<IServiceProvider, Task> work) =>
        RunLiveAsync<bool>(async sp =>
        {
            await work(sp);
            return true;
        });

    private async Task<T> RunAsync<T>(Func<IServiceProvider, Task<T>> work, string? readPurpose)
    {
        var user = (await auth.GetAuthenticationStateAsync()).User;
        await using var scope = scopes.CreateAsyncScope();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        tenant.SetCircuitUser(user);
        tenant.SetSourceAddress(_address);
        scope.ServiceProvider.GetRequiredService<Features.Audit.AuditOccasion>().ReadPurpose = readPurpose;
        return await work(scope.ServiceProvider);
    }

    public Task RunAsync(Func<IServiceProvider, Task> work) =>
        RunAsync<bool>(async sp =>
        {
            await work(sp);
            return true;
        });

    public async Task<ClaimsPrincipal> UserAsync() => (await auth.GetAuthenticationStateAsync()).User;
}

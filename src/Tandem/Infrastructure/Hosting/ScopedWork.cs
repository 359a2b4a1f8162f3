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

    public async Task<T> RunAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        var user = (await auth.GetAuthenticationStateAsync()).User;
        await using var scope = scopes.CreateAsyncScope();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        tenant.SetCircuitUser(user);
        tenant.SetSourceAddress(_address);
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

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

    /// <summary>
    /// The reads of a live page's first drawing, which happens twice for one look: on the server, into the page the
    /// browser receives (prerendering), and again when the page's live connection starts. Prerendering: runs
    /// <paramref name="work"/> as usual and returns, beside its result, the <see cref="RecordedLook"/> the component keeps
    /// in the page (<c>[PersistentState]</c>, protected by the framework). Over the connection, given that look: when it
    /// is this person's, less than a minute old, and the practice's record has not changed since (the same data version,
    /// read before the prerender's reads), this drawing shows what the person was just shown and recorded, so its
    /// successful reads are not recorded again (refusals and changes are). Otherwise it is recorded like any look.
    /// </summary>
    public Task<(T Result, RecordedLook? Look)> RunLookAsync<T>(Func<IServiceProvider, Task<T>> work, RecordedLook? carried, bool interactive) =>
        RunAsync(async sp =>
        {
            var look = await LookAsync(sp, carried, interactive);
            return (await work(sp), interactive ? null : look);
        }, readPurpose: null);

    /// <summary>This drawing's look (read before its reads), and whether it repeats the carried one unchanged.</summary>
    private static async Task<RecordedLook?> LookAsync(IServiceProvider sp, RecordedLook? carried, bool interactive)
    {
        var tenant = sp.GetRequiredService<TenantContext>();
        var me = sp.GetRequiredService<Security.CurrentUser>();
        if (!me.IsSignedIn || tenant.PracticeId is not { } practice || tenant.IsSystem)
        {
            return null;
        }

        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var version = await Data.DataVersions.CurrentAsync(sp.GetRequiredService<Data.TandemDbContext>(), practice, CancellationToken.None);
        var look = new RecordedLook(me.Id, practice, version, now);
        sp.GetRequiredService<Features.Audit.AuditOccasion>().RepeatsRecordedLook = interactive && carried is { } before
            && before.UserId == look.UserId && before.PracticeId == look.PracticeId && before.Version == look.Version
            && now - before.At >= TimeSpan.Zero && now - before.At < RecordedLook.Lasts;
        return look;
    }

    public Task RunAsync(Func<IServiceProvider, Task> work) =>
        RunAsync<bool>(async sp =>
        {
            await work(sp);
            return true;
        });

    public async Task<ClaimsPrincipal> UserAsync() => (await auth.GetAuthenticationStateAsync()).User;
}

/// <summary>
/// What a prerendered live page recorded: whose look, in which practice, under which data version, when
/// (<see cref="ScopedWork.RunLookAsync"/>).
/// </summary>
public sealed record RecordedLook(Guid UserId, Guid PracticeId, Guid Version, DateTimeOffset At)
{
    /// <summary>A page's live connection starts within seconds of the page; a look older than this is a new one.</summary>
    public static readonly TimeSpan Lasts = TimeSpan.FromMinutes(1);
}

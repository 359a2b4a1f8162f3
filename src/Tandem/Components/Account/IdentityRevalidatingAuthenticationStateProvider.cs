using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using System.Security.Claims;
using Tandem.Infrastructure.Security;

namespace Tandem.Components.Account;

/// <summary>
/// Live (interactive) pages re-check the session every minute with the same rules as every HTTP request: open sign-in
/// session, active account, unchanged security stamp, absolute limit. A session that fails the check signs the live
/// page out (its state becomes anonymous, so its authorised parts give way to the sign-in page).
/// <para>
/// Only a live circuit runs the check (<see cref="RevalidationCircuitHandler"/> starts it when the circuit opens). A page
/// rendered for one HTTP request ends with its answer, and each request is checked by the session middleware anyway.
/// Framework's <see cref="RevalidatingServerAuthenticationStateProvider"/> started its loop for every page request too:
/// a one-minute timer and a cancellation source made, then cancelled with an exception thrown and caught when the
/// request ended (issue 25: one exception per signed-in page view, measured with dotnet-counters).
/// </para>
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider : ServerAuthenticationStateProvider, IDisposable
{
    /// <summary>How often a live page re-checks its session.</summary>
    public static readonly TimeSpan RevalidationInterval = TimeSpan.FromMinutes(1);

    private readonly SessionValidator _validator;
    private readonly TimeProvider _time;
    private readonly ILogger<IdentityRevalidatingAuthenticationStateProvider> _logger;
    private readonly Lock _gate = new();
    private Task<AuthenticationState>? _state;
    private CancellationTokenSource? _loop;
    private bool _live;
    private bool _disposed;

    public IdentityRevalidatingAuthenticationStateProvider(SessionValidator validator, TimeProvider time, ILogger<IdentityRevalidatingAuthenticationStateProvider> logger)
    {
        _validator = validator;
        _time = time;
        _logger = logger;

        // Every new state (the circuit's first, a sign-out) restarts the check for it, once the page is live.
        AuthenticationStateChanged += state =>
        {
            lock (_gate)
            {
                _state = state;
                if (_live)
                {
                    RestartLocked(state);
                }
            }
        };
    }

    /// <summary>The page is live (its circuit opened): check its session every <see cref="RevalidationInterval"/> from now on.</summary>
    internal void StartRevalidating()
    {
        lock (_gate)
        {
            if (_live || _disposed)
            {
                return;
            }

            _live = true;
            if (_state is { } state)
            {
                RestartLocked(state);
            }
        }
    }

    private void RestartLocked(Task<AuthenticationState> state)
    {
        if (_disposed)
        {
            return;
        }

        _loop?.Cancel();
        _loop?.Dispose();
        _loop = new CancellationTokenSource();
        _ = RevalidateAsync(state, _loop.Token);
    }

    private async Task RevalidateAsync(Task<AuthenticationState> stateTask, CancellationToken ct)
    {
        try
        {
            var state = await stateTask;
            if (state.User.Identity?.IsAuthenticated != true)
            {
                return;
            }

            using var timer = new PeriodicTimer(RevalidationInterval, _time);
            while (await timer.WaitForNextTickAsync(ct))
            {
                if (!await _validator.IsValidAsync(state.User, ct))
                {
                    SignOut();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // A newer state took over, or the circuit ended.
        }
        catch (Exception ex)
        {
            // As the framework's provider does: a check that cannot be made does not leave the page signed in.
            _logger.LogError(ex, "An error occurred while revalidating authentication state");
            SignOut();
        }
    }

    private void SignOut() => SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _loop?.Cancel();
            _loop?.Dispose();
            _loop = null;
        }
    }
}

/// <summary>Starts the session re-check of a live page when its circuit opens (see <see cref="IdentityRevalidatingAuthenticationStateProvider"/>).</summary>
internal sealed class RevalidationCircuitHandler(AuthenticationStateProvider auth) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        (auth as IdentityRevalidatingAuthenticationStateProvider)?.StartRevalidating();
        return Task.CompletedTask;
    }
}

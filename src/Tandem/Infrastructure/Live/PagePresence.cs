using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.JSInterop;

namespace Tandem.Infrastructure.Live;

/// <summary>
/// Whether a person is looking at this circuit's page now: the circuit is connected, and the
/// browser said recently (wwwroot/js/presence.js) that the page is visible. A browser that goes
/// away without a goodbye stops saying so, and within <see cref="FreshFor"/> the page counts as
/// not looked at. Live pages refresh, mark read and audit only while someone is looking; what
/// arrives meanwhile waits, and is shown when the person is back (<see cref="BecameLooking"/>).
/// One per circuit (scoped).
/// </summary>
public sealed class PagePresence(TimeProvider time) : IDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    /// <summary>Two missed heartbeats and a little: after this a silent page is not looked at.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(12);

    private readonly object _gate = new();
    private bool _connected = true;
    private bool _visible;
    private DateTimeOffset _lastReport = DateTimeOffset.MinValue;
    private DotNetObjectReference<PagePresence>? _self;
    private bool _started;

    /// <summary>Raised when the page goes from not looked at to looked at (visible again, back online, reconnected).</summary>
    public event Func<Task>? BecameLooking;

    public bool IsLooking
    {
        get
        {
            lock (_gate)
            {
                return _connected && _visible && time.GetUtcNow() - _lastReport <= FreshFor;
            }
        }
    }

    /// <summary>Starts the browser's reports, once per circuit (call from OnAfterRenderAsync).</summary>
    public async Task StartAsync(IJSRuntime js)
    {
        ArgumentNullException.ThrowIfNull(js);
        if (_started)
        {
            return;
        }

        _started = true;
        _self = DotNetObjectReference.Create(this);
        try
        {
            await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./js/presence.js");
            await module.InvokeVoidAsync("start", _self, (int)HeartbeatInterval.TotalMilliseconds);
        }
        catch (JSDisconnectedException)
        {
            _started = false;
        }
    }

    /// <summary>The browser's report: visible or not (called by presence.js).</summary>
    [JSInvokable]
    public Task Report(bool visible)
    {
        bool was;
        bool now;
        lock (_gate)
        {
            was = IsLookingUnlocked();
            _visible = visible;
            _lastReport = time.GetUtcNow();
            now = IsLookingUnlocked();
        }

        return !was && now ? RaiseAsync() : Task.CompletedTask;
    }

    internal void ConnectionChanged(bool connected)
    {
        lock (_gate)
        {
            _connected = connected;
        }
    }

    private bool IsLookingUnlocked() => _connected && _visible && time.GetUtcNow() - _lastReport <= FreshFor;

    private async Task RaiseAsync()
    {
        foreach (var handler in BecameLooking?.GetInvocationList().Cast<Func<Task>>() ?? [])
        {
            await handler();
        }
    }

    public void Dispose() => _self?.Dispose();
}

/// <summary>Tells the circuit's <see cref="PagePresence"/> when its browser connection goes down and comes back.</summary>
internal sealed class PresenceCircuitHandler(PagePresence presence) : CircuitHandler
{
    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        presence.ConnectionChanged(false);
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        presence.ConnectionChanged(true);
        return Task.CompletedTask;
    }
}

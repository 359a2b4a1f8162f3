namespace Tandem.Infrastructure.Live;

/// <summary>
/// A live page's side of the rule "only a person's own looking reads, audits or marks read"
/// (docs/live-updates.md). Changes by others arrive from <see cref="LiveUpdates"/>; while a
/// person is looking (<see cref="PagePresence.IsLooking"/>) the page refreshes at once, otherwise
/// the change waits and the page refreshes when the person is back. A page that is never looked
/// at again never reads.
/// </summary>
public sealed class LiveWatch : IDisposable
{
    private readonly PagePresence _presence;
    private readonly Func<Func<Task>, Task> _dispatch;
    private readonly Func<IReadOnlyList<EngagementChanged>, Task> _refresh;
    private readonly List<EngagementChanged> _waiting = [];
    private readonly object _gate = new();
    private IDisposable? _subscription;

    private LiveWatch(PagePresence presence, Func<Func<Task>, Task> dispatch, Func<IReadOnlyList<EngagementChanged>, Task> refresh)
    {
        _presence = presence;
        _dispatch = dispatch;
        _refresh = refresh;
        _presence.BecameLooking += OnBackAsync;
    }

    /// <summary>How many changes wait for the person to look (for tests and the page's own hint).</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>
    /// Starts watching. <paramref name="subscribe"/> subscribes to <see cref="LiveUpdates"/> with the handler it is given;
    /// <paramref name="dispatch"/> is the component's InvokeAsync; <paramref name="refresh"/> reads and renders (it runs on the
    /// component's dispatcher, only while someone is looking, with every change that arrived since the last refresh).
    /// </summary>
    public static LiveWatch Start(PagePresence presence, Func<Func<EngagementChanged, Task>, IDisposable> subscribe,
        Func<Func<Task>, Task> dispatch, Func<IReadOnlyList<EngagementChanged>, Task> refresh)
    {
        ArgumentNullException.ThrowIfNull(subscribe);
        var watch = new LiveWatch(presence, dispatch, refresh);
        watch._subscription = subscribe(watch.OnChangeAsync);
        return watch;
    }

    private Task OnChangeAsync(EngagementChanged change)
    {
        lock (_gate)
        {
            _waiting.Add(change);
        }

        return _presence.IsLooking ? FlushAsync() : Task.CompletedTask;
    }

    private Task OnBackAsync() => FlushAsync();

    private Task FlushAsync() => _dispatch(async () =>
    {
        // Checked again on the dispatcher: the person may have gone between the event and now.
        if (!_presence.IsLooking)
        {
            return;
        }

        List<EngagementChanged> changes;
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                return;
            }

            changes = [.. _waiting];
            _waiting.Clear();
        }

        await _refresh(changes);
    });

    public void Dispose()
    {
        _presence.BecameLooking -= OnBackAsync;
        _subscription?.Dispose();
        _subscription = null;
    }
}

using System.Collections.Concurrent;

namespace Tandem.Features.Sessions;

public enum SessionChange
{
    Session,
    Agenda,
    Note,
}

/// <summary>
/// Tells open session rooms in this process that something changed. It carries only the
/// session id and what kind of thing changed, never content: each room reloads through its
/// own person's access checks, so nobody receives what they may not see. (Several web nodes
/// would relay these through the SignalR backplane.)
/// </summary>
public sealed class SessionNotifier(ILogger<SessionNotifier> logger)
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, Func<SessionChange, Task>>> _rooms = new();

    public IDisposable Subscribe(Guid sessionId, Func<SessionChange, Task> onChange)
    {
        var key = Guid.NewGuid();
        _rooms.GetOrAdd(sessionId, _ => new()).TryAdd(key, onChange);
        return new Subscription(() =>
        {
            if (_rooms.TryGetValue(sessionId, out var handlers))
            {
                handlers.TryRemove(key, out _);
            }
        });
    }

    public void Publish(Guid sessionId, SessionChange change)
    {
        if (!_rooms.TryGetValue(sessionId, out var handlers))
        {
            return;
        }

        foreach (var handler in handlers.Values)
        {
            _ = RunAsync(handler, change);
        }
    }

    private async Task RunAsync(Func<SessionChange, Task> handler, SessionChange change)
    {
        try
        {
            await handler(change);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A closed circuit must not break the writer that published.
            logger.LogDebug(ex, "A session room could not refresh");
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose()
        {
            _dispose?.Invoke();
            _dispose = null;
        }
    }
}

using System.Collections.Concurrent;

namespace Tandem.Infrastructure.Live;

/// <summary>What part of an engagement changed.</summary>
public enum LiveTopic
{
    /// <summary>The plan, its proposals, goals, ratings or commitments.</summary>
    Plan,

    /// <summary>A session: its time and place, agenda or note (<see cref="EngagementChanged.ItemId"/> is the session).</summary>
    Session,

    /// <summary>A message was posted or read, or the thread settings changed.</summary>
    Messages,

    /// <summary>A questionnaire raised alerts for the engagement's therapists.</summary>
    Alerts,

    /// <summary>The engagement itself: its participants, status or agreement.</summary>
    Engagement,
}

/// <summary>
/// "Engagement changed: what, by whom." The one event every live page listens to, published once
/// by the use case that made the change and delivered to every web node. It carries ids and a
/// few words, never content: each page reads the change again through its own person's access
/// checks, so nobody receives what they may not see.
/// </summary>
public sealed record EngagementChanged(Guid PracticeId, Guid EngagementId, LiveTopic Topic, Guid ById, string ByName, string What)
{
    /// <summary>The session, message or alert concerned, when there is one.</summary>
    public Guid? ItemId { get; init; }

    /// <summary>Who may hear of it; empty means every participant of the engagement.</summary>
    public IReadOnlyCollection<Guid> Audience { get; init; } = [];

    /// <summary>Messages: the one-to-one thread (the client's id), or empty for the shared thread.</summary>
    public Guid ThreadWith { get; init; }

    /// <summary>Messages: the kind of change (posted, read, settings), and its place in the thread.</summary>
    public string? Kind { get; init; }

    public long Sequence { get; init; }

    /// <summary>Alerts: whether any of them is about risk.</summary>
    public bool IncludesRisk { get; init; }

    /// <summary>The node that published it (for figures; delivery does not depend on it).</summary>
    public string? Node { get; init; }

    public DateTimeOffset PublishedAt { get; init; }

    public bool IsFor(Guid userId) => Audience.Count == 0 || Audience.Contains(userId);
}

/// <summary>Carries events between web nodes: in-process on one node, Redis pub/sub on several.</summary>
public interface ILiveTransport
{
    /// <summary>Sends the event to every node, this one included; each node hands it to <see cref="LiveUpdates.Deliver"/>.</summary>
    Task SendAsync(EngagementChanged change, CancellationToken ct = default);
}

/// <summary>One node: delivery is a direct call.</summary>
public sealed class InProcessLiveTransport(IServiceProvider services) : ILiveTransport
{
    public Task SendAsync(EngagementChanged change, CancellationToken ct = default)
    {
        services.GetRequiredService<LiveUpdates>().Deliver(change);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The one live-update path (issue 27). Use cases <see cref="PublishAsync"/> after their change
/// commits; the transport takes it to every node; each node hands it to the live pages open
/// there that subscribed to that engagement. Whether a page then reads anything is the page's
/// own decision, and it reads only for a person who is looking (see <see cref="PagePresence"/>).
/// </summary>
public sealed class LiveUpdates(ILiveTransport transport, TimeProvider time, ILogger<LiveUpdates> logger)
{
    public static readonly string NodeName = $"{Environment.MachineName}:{Environment.ProcessId}";

    private readonly ConcurrentDictionary<Guid, Listener> _listeners = new();

    /// <summary>Events delivered to this node (for figures and tests).</summary>
    public event Action<EngagementChanged>? Delivered;

    public async Task PublishAsync(EngagementChanged change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        try
        {
            await transport.SendAsync(change with { Node = NodeName, PublishedAt = time.GetUtcNow() }, ct);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The change itself is committed: a live page that misses it shows it on its next load.
            logger.LogWarning(ex, "A live update could not be sent");
        }
    }

    /// <summary>Listens to one engagement's changes of the given topics (none given: all) for one person.</summary>
    public IDisposable Subscribe(Guid engagementId, Guid userId, Func<EngagementChanged, Task> handler, params LiveTopic[] topics) =>
        Add(new Listener(Guid.NewGuid(), c => c.EngagementId == engagementId && c.IsFor(userId) && (topics.Length == 0 || topics.Contains(c.Topic)), handler));

    /// <summary>Listens to any change that <paramref name="wants"/> (e.g. alerts of every engagement a therapist is in).</summary>
    public IDisposable Subscribe(Func<EngagementChanged, bool> wants, Func<EngagementChanged, Task> handler) =>
        Add(new Listener(Guid.NewGuid(), wants, handler));

    /// <summary>Hands an event that reached this node to the pages open here.</summary>
    public void Deliver(EngagementChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Delivered?.Invoke(change);
        foreach (var listener in _listeners.Values)
        {
            if (listener.Wants(change))
            {
                _ = RunAsync(listener, change);
            }
        }
    }

    public int ListenerCount => _listeners.Count;

    private Subscription Add(Listener listener)
    {
        _listeners[listener.Id] = listener;
        return new Subscription(() => _listeners.TryRemove(listener.Id, out _));
    }

    private async Task RunAsync(Listener listener, EngagementChanged change)
    {
        try
        {
            await listener.Handler(change);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // One closed page must not stop the others hearing about the change.
            logger.LogDebug(ex, "A live page could not take an update");
        }
    }

    private sealed record Listener(Guid Id, Func<EngagementChanged, bool> Wants, Func<EngagementChanged, Task> Handler);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose()
        {
            Interlocked.Exchange(ref _dispose, null)?.Invoke();
        }
    }
}

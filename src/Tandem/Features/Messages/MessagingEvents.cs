using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Tandem.Features.Messages;

public enum MessagingEventKind
{
    Posted,
    Read,
    SettingsChanged,
}

/// <summary>
/// Something changed in a thread. Carries no content, only ids: whoever receives it reads
/// the change again through the access-checked (and audited) use cases.
/// </summary>
public sealed record MessagingEvent(MessagingEventKind Kind, Guid EngagementId, Guid ThreadWith, Guid ActorId, long Sequence, Guid? MessageId)
{
    /// <summary>Who may learn of it: everyone in the engagement for the shared thread, otherwise its people only.</summary>
    public required IReadOnlyCollection<Guid> Audience { get; init; }
}

/// <summary>What API and script clients of <c>/hubs/engagement</c> receive (camelCase JSON).</summary>
public sealed record HubMessagingEvent(string Kind, Guid EngagementId, Guid? WithClient, Guid ActorId, long Sequence, Guid? MessageId);

/// <summary>
/// Pushes thread changes to open pages: to live components in this process (each subscribes
/// per engagement and person) and to hub groups for API and script clients. With several web
/// nodes the hub groups fan out through the SignalR backplane (ARCHITECTURE.md).
/// </summary>
public sealed class MessagingEvents(IHubContext<EngagementHub> hub, ILogger<MessagingEvents> logger)
{
    private readonly ConcurrentDictionary<Guid, Subscription> _subscriptions = new();

    public IDisposable Subscribe(Guid engagementId, Guid userId, Func<MessagingEvent, Task> handler)
    {
        var subscription = new Subscription(Guid.NewGuid(), engagementId, userId, handler, this);
        _subscriptions[subscription.Id] = subscription;
        return subscription;
    }

    public async Task PublishAsync(MessagingEvent e)
    {
        foreach (var s in _subscriptions.Values.Where(s => s.EngagementId == e.EngagementId && e.Audience.Contains(s.UserId)))
        {
            try
            {
                await s.Handler(e);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One closed page must not stop the others hearing about the change.
                logger.LogDebug(ex, "A live messaging subscriber failed");
            }
        }

        var payload = new HubMessagingEvent(e.Kind.ToString(), e.EngagementId, e.ThreadWith == Guid.Empty ? null : e.ThreadWith, e.ActorId, e.Sequence, e.MessageId);
        var groups = e.ThreadWith == Guid.Empty
            ? [EngagementHub.EveryoneGroup(e.EngagementId)]
            : new[] { EngagementHub.TherapistsGroup(e.EngagementId), EngagementHub.ClientGroup(e.EngagementId, e.ThreadWith) };
        try
        {
            await hub.Clients.Groups(groups).SendAsync("messaging", payload);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Could not push a messaging event to hub clients");
        }
    }

    private sealed class Subscription(Guid id, Guid engagementId, Guid userId, Func<MessagingEvent, Task> handler, MessagingEvents owner) : IDisposable
    {
        public Guid Id { get; } = id;

        public Guid EngagementId { get; } = engagementId;

        public Guid UserId { get; } = userId;

        public Func<MessagingEvent, Task> Handler { get; } = handler;

        public void Dispose() => owner._subscriptions.TryRemove(Id, out _);
    }
}

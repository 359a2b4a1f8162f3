using Microsoft.AspNetCore.SignalR;
using Tandem.Infrastructure.Live;

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

    public Guid PracticeId { get; init; }

    public string ActorName { get; init; } = "";

    public static MessagingEvent From(EngagementChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new(Enum.TryParse<MessagingEventKind>(change.Kind, out var kind) ? kind : MessagingEventKind.Posted, change.EngagementId, change.ThreadWith, change.ById, change.Sequence, change.ItemId)
        {
            Audience = change.Audience,
            PracticeId = change.PracticeId,
            ActorName = change.ByName,
        };
    }

    public EngagementChanged ToChange() => new(PracticeId, EngagementId, LiveTopic.Messages, ActorId, ActorName, Kind switch
    {
        MessagingEventKind.Posted => "wrote a message",
        MessagingEventKind.Read => "read a message",
        _ => "changed the message settings",
    })
    {
        Audience = Audience,
        ThreadWith = ThreadWith,
        Kind = Kind.ToString(),
        Sequence = Sequence,
        ItemId = MessageId,
    };
}

/// <summary>What API and script clients of <c>/hubs/engagement</c> receive (camelCase JSON).</summary>
public sealed record HubMessagingEvent(string Kind, Guid EngagementId, Guid? WithClient, Guid ActorId, long Sequence, Guid? MessageId);

/// <summary>
/// Thread changes on the one live-update path (<see cref="LiveUpdates"/>): live pages on every
/// node hear them there; API and script clients of the hub hear them through its groups (with
/// several nodes, the SignalR Redis backplane fans them out), pushed once by the node that
/// published.
/// </summary>
public sealed class MessagingEvents(IHubContext<EngagementHub> hub, LiveUpdates live, ILogger<MessagingEvents> logger)
{
    public IDisposable Subscribe(Guid engagementId, Guid userId, Func<MessagingEvent, Task> handler) =>
        live.Subscribe(engagementId, userId, change => handler(MessagingEvent.From(change)), LiveTopic.Messages);

    public async Task PublishAsync(MessagingEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        await live.PublishAsync(e.ToChange());

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
}

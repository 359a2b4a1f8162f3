using System.Collections.Concurrent;

namespace Tandem.Features.Plans;

/// <summary>
/// Tells open plan pages in this process that an engagement's plan or proposals changed, so
/// they refresh without a reload. (Several web nodes would relay this through the SignalR
/// backplane; see ARCHITECTURE.md.)
/// </summary>
public sealed class PlanNotifier
{
    private readonly ConcurrentDictionary<Guid, Action<PlanChanged>?> _listeners = new();

    public IDisposable Subscribe(Guid engagementId, Action<PlanChanged> listener)
    {
        _listeners.AddOrUpdate(engagementId, listener, (_, existing) => existing + listener);
        return new Subscription(() => _listeners.AddOrUpdate(engagementId, (Action<PlanChanged>?)null, (_, existing) => existing - listener));
    }

    public void Publish(PlanChanged change)
    {
        if (_listeners.TryGetValue(change.EngagementId, out var listeners) && listeners is not null)
        {
            listeners(change);
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

public sealed record PlanChanged(Guid EngagementId, Guid ByUserId, string ByName, string What);

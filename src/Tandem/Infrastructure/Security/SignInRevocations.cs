namespace Tandem.Infrastructure.Security;

/// <summary>
/// Tells the web tier to forget what it cached about an account or a sign-in session, so an ended
/// session or a changed account takes effect on the next request. The implementation here reaches
/// this process only; <see cref="Cluster.RedisSignInRevocations"/> also publishes them over Redis pub/sub and, on receipt,
/// calls the same local invalidation on every node (the callers stay as they are).
/// </summary>
public interface ISignInRevocations
{
    void AccountChanged(Guid userId);

    void SessionsEnded(IEnumerable<Guid> sessionIds);
}

/// <summary>The single-node implementation: drop the entries from this process's caches.</summary>
internal sealed class LocalSignInRevocations(AccountStatusCache accounts, SignInSessionCache sessions) : ISignInRevocations
{
    public void AccountChanged(Guid userId) => accounts.Invalidate(userId);

    public void SessionsEnded(IEnumerable<Guid> sessionIds)
    {
        foreach (var id in sessionIds)
        {
            sessions.Invalidate(id);
        }
    }
}

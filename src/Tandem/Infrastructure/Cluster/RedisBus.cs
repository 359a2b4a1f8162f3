using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;
using Tandem.Infrastructure.Live;
using Tandem.Infrastructure.Security;

namespace Tandem.Infrastructure.Cluster;

/// <summary>
/// This node's ear on Redis pub/sub: live updates go to <see cref="LiveUpdates.Deliver"/>, ended
/// sessions and changed accounts to this node's own caches. Every node, the sender included,
/// hears every message, so a sender needs no special case.
/// </summary>
public sealed class RedisBus(IConnectionMultiplexer redis, RedisNames names, IServiceProvider services, ILogger<RedisBus> logger) : IHostedService
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var subscriber = redis.GetSubscriber();
        var live = services.GetRequiredService<LiveUpdates>();
        var local = services.GetRequiredService<LocalSignInRevocations>();
        await subscriber.SubscribeAsync(names.LiveChannel, (_, value) =>
        {
            if (Read<EngagementChanged>(value) is { } change)
            {
                live.Deliver(change);
            }
        });
        await subscriber.SubscribeAsync(names.RevocationChannel, (_, value) =>
        {
            if (Read<Revocation>(value) is not { } revocation)
            {
                return;
            }

            if (revocation.AccountId is { } account)
            {
                local.AccountChanged(account);
            }

            local.SessionsEnded(revocation.SessionIds);
        });
        logger.LogInformation("Several nodes: live updates, sign-in revocations and shared counts go through Redis");
    }

    public Task StopAsync(CancellationToken cancellationToken) => redis.GetSubscriber().UnsubscribeAllAsync();

    public Task PublishLiveAsync(EngagementChanged change) =>
        redis.GetSubscriber().PublishAsync(names.LiveChannel, JsonSerializer.Serialize(change, Json));

    /// <summary>Waits for Redis to take the message, so the other nodes hear of it before the change's request returns.</summary>
    public void PublishRevocation(Revocation revocation) =>
        redis.GetSubscriber().Publish(names.RevocationChannel, JsonSerializer.Serialize(revocation, Json));

    private T? Read<T>(RedisValue value)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>((string)value!, Json);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "A message on Redis could not be read");
            return null;
        }
    }
}

/// <summary>An account changed (deactivated, password or roles changed) or sign-in sessions ended.</summary>
public sealed record Revocation(Guid? AccountId, IReadOnlyList<Guid> SessionIds);

/// <summary>Live updates between nodes over Redis pub/sub.</summary>
public sealed class RedisLiveTransport(RedisBus bus, IServiceProvider services, ILogger<RedisLiveTransport> logger) : ILiveTransport
{
    public async Task SendAsync(EngagementChanged change, CancellationToken ct = default)
    {
        try
        {
            await bus.PublishLiveAsync(change);
        }
        catch (RedisException ex)
        {
            // Redis away: at least this node's own pages hear of it; the others show it on their next load.
            logger.LogError(ex, "Redis is unreachable: a live update reaches this node's pages only");
            services.GetRequiredService<LiveUpdates>().Deliver(change);
        }
    }
}

/// <summary>Forgets here at once, and tells every other node to forget too.</summary>
internal sealed class RedisSignInRevocations(LocalSignInRevocations local, RedisBus bus, ILogger<RedisSignInRevocations> logger) : ISignInRevocations
{
    public void AccountChanged(Guid userId)
    {
        local.AccountChanged(userId);
        Publish(new Revocation(userId, []));
    }

    public void SessionsEnded(IEnumerable<Guid> sessionIds)
    {
        var ids = sessionIds.ToList();
        local.SessionsEnded(ids);
        if (ids.Count > 0)
        {
            Publish(new Revocation(null, ids));
        }
    }

    private void Publish(Revocation revocation)
    {
        try
        {
            bus.PublishRevocation(revocation);
        }
        catch (RedisException ex)
        {
            // The change is committed; other nodes then learn of it when their cached copy expires (Security:AccountStatusCacheDuration).
            logger.LogError(ex, "Other nodes could not be told at once of an ended session or changed account");
        }
    }
}

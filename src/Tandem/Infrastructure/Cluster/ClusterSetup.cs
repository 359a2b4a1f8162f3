using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;
using Tandem.Infrastructure.Live;
using Tandem.Infrastructure.Security;

namespace Tandem.Infrastructure.Cluster;

/// <summary>
/// Several web nodes (issue 27). With <c>Redis:Configuration</c> set, what one node must tell the
/// others goes through Redis: live updates (pub/sub), the SignalR hub's groups (the SignalR Redis
/// backplane), ended sessions and changed accounts (pub/sub, so every node forgets its cached copy
/// at once), and the counts behind sign-in slow-downs and rate limits (shared counters). Without
/// it Tandem is one node and each of these stays in-process; nothing else changes.
/// </summary>
public static class ClusterSetup
{
    public const string ConfigurationKey = "Redis:Configuration";

    public static bool IsShared(IConfiguration config) => !string.IsNullOrWhiteSpace(config[ConfigurationKey]);

    public static IServiceCollection AddTandemCluster(this IServiceCollection services, IConfiguration config)
    {
        var configuration = config[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(configuration))
        {
            return services;
        }

        var options = ConfigurationOptions.Parse(configuration);
        // Start even while Redis is briefly away, and keep trying; until it is back, this node still serves its own pages.
        options.AbortOnConnectFail = false;
        options.ClientName ??= "tandem";
        var prefix = config["Redis:Prefix"] is { Length: > 0 } p ? p : "tandem";
        services.AddSingleton(new RedisNames(prefix));
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        services.AddSingleton<RedisBus>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisBus>());

        services.Replace(ServiceDescriptor.Singleton<ILiveTransport, RedisLiveTransport>());
        services.AddSingleton<LocalSignInRevocations>();
        services.Replace(ServiceDescriptor.Singleton<ISignInRevocations, RedisSignInRevocations>());
        services.Replace(ServiceDescriptor.Singleton<ISignInThrottle, RedisSignInThrottle>());
        services.AddSingleton<ISharedWindowCounter, RedisWindowCounter>();
        services.AddSignalR().AddStackExchangeRedis(configuration, o =>
        {
            o.Configuration.AbortOnConnectFail = false;
            o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix + ":hub");
        });
        return services;
    }
}

/// <summary>Channel and key names, under one prefix so several Tandem installations can share a Redis.</summary>
public sealed record RedisNames(string Prefix)
{
    public RedisChannel LiveChannel => RedisChannel.Literal(Prefix + ":live");

    public RedisChannel RevocationChannel => RedisChannel.Literal(Prefix + ":revocations");

    public RedisKey Key(string name) => new(Prefix + ":" + name);
}

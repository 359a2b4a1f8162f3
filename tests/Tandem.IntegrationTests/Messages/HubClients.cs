using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Tandem.Features.Messages;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Messages;

/// <summary>The .NET SignalR client against the in-memory server, signed in with a bearer token, hearing the hub's "messaging" events.</summary>
public static class HubClients
{
    public static async Task<(HubConnection Connection, Channel<HubMessagingEvent> Events)> ConnectAsync(TandemApp app, string email, string path = MessagingModule.HubPath)
    {
        var token = (await app.LoginAsync(email)).AccessToken;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, path), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var events = Channel.CreateUnbounded<HubMessagingEvent>();
        connection.On<HubMessagingEvent>("messaging", e => events.Writer.TryWrite(e));
        try
        {
            await connection.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return (connection, events);
    }

    /// <summary>The next event, or null when none comes within <paramref name="wait"/>.</summary>
    public static async Task<HubMessagingEvent?> NextAsync(Channel<HubMessagingEvent> events, TimeSpan wait)
    {
        var ct = TestContext.Current.CancellationToken;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(wait);
        try
        {
            return await events.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }
}

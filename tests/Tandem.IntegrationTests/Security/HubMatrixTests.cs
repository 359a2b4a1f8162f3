using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Threading.Channels;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Messages;
using Tandem.IntegrationTests.Messages;
using Tandem.IntegrationTests.Security.Matrix;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// QUALITY.md S1 for the live hubs, which the HTTP matrix cannot reach: every hub the app maps
/// (from its own endpoint list, checked against every Hub type in the assembly) and every method
/// it declares (a new method whose arguments the test cannot fill fails it), called by every role
/// of the matrix with the engagements that role must not see and with a made-up id. Expected:
/// before sign-in no connection; admins (no clinical role) no connection; a foreign engagement
/// refused exactly like a made-up one ("Not found."), never a server error. Then every
/// engagement's therapist posts a shared message and a one-to-one message to each client, and no
/// connection may hear an event of an engagement it is not in, or of a one-to-one thread that is
/// not its own (the other partner of a couple), while every participant hears their own.
/// </summary>
public sealed class HubMatrixTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Caller(string Role, Person Person, HubConnection Connection, Channel<HubMessagingEvent> Events, List<Guid> Own, List<Guid> Foreign);

    [Fact]
    public async Task Every_hub_method_for_every_role_refuses_other_engagements_and_nothing_of_them_is_heard()
    {
        await using var app = await TandemApp.StartAsync();
        var index = await RecordIndex.LoadAsync(app);
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Hub: e.Metadata.GetMetadata<HubMetadata>()?.HubType, Pattern: "/" + (e.RoutePattern.RawText ?? "").TrimStart('/')))
            // The app's own hubs; Blazor's circuit hub (/_blazor) is the framework's, and the interactive pages it serves check access themselves.
            .Where(h => h.Hub is not null && h.Hub.Assembly == typeof(EngagementHub).Assembly)
            .GroupBy(h => h.Hub!)
            .ToDictionary(g => g.Key, g => g.Select(h => h.Pattern).OrderBy(p => p.Length).First());
        var hubTypes = typeof(EngagementHub).Assembly.GetTypes().Where(t => typeof(Hub).IsAssignableFrom(t) && !t.IsAbstract).ToList();
        Assert.True(hubTypes.Count > 0);
        Assert.Empty(hubTypes.Where(t => !mapped.ContainsKey(t)).Select(t => t.Name));
        Assert.Equal([typeof(EngagementHub), typeof(Tandem.Features.Video.VideoGuestHub)], mapped.Keys.OrderBy(t => t.Name == nameof(EngagementHub) ? 0 : 1).ToList());
        var hubPath = mapped[typeof(EngagementHub)];
        var guestProblems = await GuestHubRefusesEveryoneWithoutAGuestCookieAsync(app, index, mapped[typeof(Tandem.Features.Video.VideoGuestHub)]);

        var methods = typeof(EngagementHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(EngagementHub))
            // Joining last: a join that wrongly succeeded is not undone by a later leave before the hearing check.
            .OrderBy(m => m.Name == nameof(EngagementHub.JoinEngagement)).ThenBy(m => m.Name, StringComparer.Ordinal).ToList();
        // The first argument names what the call is about (an engagement, or one of its sessions for the online call); the rest are filled with plausible values.
        var unfillable = methods.Where(m => m.GetParameters() is not [{ Name: "engagementId" or "sessionId" } first, ..] rest || first.ParameterType != typeof(Guid)
            || rest.Any(p => p.ParameterType != typeof(Guid) && p.ParameterType != typeof(string) && p.ParameterType != typeof(bool))).Select(m => m.Name).ToList();
        Assert.True(unfillable.Count == 0, "Hub methods whose arguments the hub matrix cannot fill (teach it): " + string.Join(", ", unfillable));
        Assert.Contains(methods, m => m.Name == nameof(EngagementHub.JoinEngagement));

        var problems = new List<string>();
        var calls = 0;
        var refusedConnections = 0;
        var callers = new List<Caller>();
        try
        {
            foreach (var (role, email, targets) in AuthorisationMatrixTests.Roles)
            {
                if (email is null)
                {
                    using var anonymous = app.CreateAnonymousClient();
                    using var negotiate = await anonymous.PostAsync(hubPath + "/negotiate?negotiateVersion=1", null, Ct);
                    refusedConnections++;
                    if ((int)negotiate.StatusCode is >= 200 and < 300)
                    {
                        problems.Add($"{role}: the hub accepted a connection before sign-in ({(int)negotiate.StatusCode})");
                    }

                    continue;
                }

                var person = index.Person(email);
                if (person.IsAdmin)
                {
                    // The hub's policy is clinical: an admin cannot even connect.
                    try
                    {
                        var (c, _) = await HubClients.ConnectAsync(app, email, hubPath);
                        await c.DisposeAsync();
                        problems.Add($"{role}: connected to the hub");
                    }
                    catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or AggregateException)
                    {
                        refusedConnections++;
                    }

                    continue;
                }

                var (connection, events) = await HubClients.ConnectAsync(app, email, hubPath);
                var own = index.OfType("Engagement").Select(e => e.Id).Where(e => index.IsParticipant(person.Id, e)).ToList();
                var foreign = targets.Select(t => index.EngagementOfClient(AuthorisationMatrixTests.ClientOf[t])).Where(e => !own.Contains(e)).Distinct().ToList();
                callers.Add(new Caller(role, person, connection, events, own, foreign));
            }

            foreach (var caller in callers)
            {
                foreach (var method in methods)
                {
                    var madeUp = await OutcomeAsync(caller.Connection, method, Guid.NewGuid());
                    calls++;
                    var aboutSessions = method.GetParameters()[0].Name == "sessionId";
                    var targets = aboutSessions
                        ? caller.Foreign.Select(e => index.OfType("Session").First(r => r.EngagementId == e).Id).ToList()
                        : caller.Foreign;
                    foreach (var engagement in targets)
                    {
                        var outcome = await OutcomeAsync(caller.Connection, method, engagement);
                        calls++;
                        if (outcome.StartsWith("server error", StringComparison.Ordinal))
                        {
                            problems.Add($"{caller.Role}: {method.Name}(foreign) -> {outcome}");
                        }
                        else if (outcome != madeUp)
                        {
                            problems.Add($"{caller.Role}: {method.Name}(foreign) -> {outcome}, but a made-up id -> {madeUp}: the answer tells whether the engagement exists");
                        }
                        else if (method.Name is nameof(EngagementHub.JoinEngagement) or nameof(EngagementHub.JoinVideo) && outcome != "refused: Not found.")
                        {
                            problems.Add($"LEAK: {caller.Role}: {method.Name} into a foreign engagement's {(aboutSessions ? "session" : "engagement")} ({outcome})");
                        }
                    }
                }

                // Their own engagements, so the hearing check below is not vacuous.
                foreach (var engagement in caller.Own)
                {
                    var outcome = await OutcomeAsync(caller.Connection, typeof(EngagementHub).GetMethod(nameof(EngagementHub.JoinEngagement))!, engagement);
                    calls++;
                    if (outcome != "ok")
                    {
                        problems.Add($"{caller.Role}: could not join their own engagement: {outcome}");
                    }
                }
            }

            // Every engagement any caller owns or targets: a shared message and a one-to-one message to each client.
            var engagements = callers.SelectMany(c => c.Own.Concat(c.Foreign)).Distinct().ToList();
            var emailOf = index.People.Values.ToDictionary(p => p.Id, p => p.Email);
            var threads = new HashSet<(Guid Engagement, Guid Client)>();
            foreach (var engagement in engagements)
            {
                var participants = index.ParticipantsOf(engagement);
                var therapist = participants.First(p => p.Role == "Therapist").UserId;
                using var api = await app.ClientForAsync(emailOf[therapist]);
                await api.PostJsonAsync($"/api/engagements/{engagement}/messages", new { body = "hub matrix: for everyone in this engagement" }, HttpStatusCode.Created);
                foreach (var client in participants.Where(p => p.Role == "Client").Select(p => p.UserId))
                {
                    // One-to-one threads exist where the engagement allows them (the couple's); elsewhere the post answers 404.
                    using var sent = await api.PostAsJsonAsync($"/api/engagements/{engagement}/messages", new { body = "hub matrix: one to one", withClient = client }, Ct);
                    Assert.True(sent.StatusCode is HttpStatusCode.Created or HttpStatusCode.NotFound, $"a one-to-one message answered {(int)sent.StatusCode}");
                    if (sent.StatusCode == HttpStatusCode.Created)
                    {
                        threads.Add((engagement, client));
                    }
                }
            }

            var heard = 0;
            foreach (var caller in callers)
            {
                var received = new List<HubMessagingEvent>();
                while (await HubClients.NextAsync(caller.Events, received.Count == 0 ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(2)) is { } e)
                {
                    received.Add(e);
                }

                heard += received.Count;

                foreach (var e in received)
                {
                    if (!caller.Own.Contains(e.EngagementId))
                    {
                        problems.Add($"LEAK: {caller.Role} heard {e.Kind} of an engagement they are not in");
                    }
                    else if (e.WithClient is { } client && client != caller.Person.Id && !index.IsTherapistOf(caller.Person.Id, e.EngagementId))
                    {
                        problems.Add($"LEAK: {caller.Role} heard {e.Kind} of another client's one-to-one thread");
                    }
                }

                foreach (var engagement in caller.Own)
                {
                    if (!received.Any(e => e.EngagementId == engagement && e.WithClient is null))
                    {
                        problems.Add($"{caller.Role} did not hear the shared message of their own engagement");
                    }

                    var ownThreads = threads.Count(t => t.Engagement == engagement && (t.Client == caller.Person.Id || index.IsTherapistOf(caller.Person.Id, engagement)));
                    var threadEvents = received.Where(e => e.EngagementId == engagement && e.WithClient is not null).Select(e => e.WithClient).Distinct().Count();
                    if (threadEvents != ownThreads)
                    {
                        problems.Add($"{caller.Role} heard {threadEvents} one-to-one threads of their own engagement, expected {ownThreads}");
                    }
                }
            }

            Assert.True(threads.Count >= 2, "no one-to-one thread was opened: the thread check would be vacuous");
            problems.AddRange(guestProblems);
            var leaks = problems.Count(p => p.StartsWith("LEAK", StringComparison.Ordinal));
            Figures.Print($"hub matrix: {mapped.Count} hub, {methods.Count} methods, {AuthorisationMatrixTests.Roles.Length} roles ({refusedConnections} refused a connection), "
                + $"{calls} calls, {heard} events heard, {leaks} leaks ({problems.Count} problems in all)");
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }
        finally
        {
            foreach (var caller in callers)
            {
                await caller.Connection.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The guests' hub (issue 23) is open before sign-in, by design: without the guest cookie a used guest link sets, every
    /// method of it answers "Not found." for every session, anonymously and for every signed-in person.
    /// </summary>
    private static async Task<List<string>> GuestHubRefusesEveryoneWithoutAGuestCookieAsync(TandemApp app, RecordIndex index, string path)
    {
        var problems = new List<string>();
        var methods = typeof(Tandem.Features.Video.VideoGuestHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(Tandem.Features.Video.VideoGuestHub)).ToList();
        var sessions = index.OfType("Session").Select(s => s.Id).Take(3).Append(Guid.NewGuid()).ToList();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, path), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
            })
            .Build();
        await connection.StartAsync(Ct);
        await using (connection)
        {
            foreach (var method in methods)
            {
                foreach (var session in sessions)
                {
                    var outcome = await OutcomeAsync(connection, method, session);
                    if (outcome != "refused: Not found.")
                    {
                        problems.Add($"LEAK: the guest hub's {method.Name} without a guest cookie -> {outcome}");
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>What a call answered: ok, refused with the hub's message, or a server error (an unhandled exception).</summary>
    private static async Task<string> OutcomeAsync(HubConnection connection, MethodInfo method, Guid target)
    {
        var args = method.GetParameters().Select((p, i) => i == 0 ? target : p.ParameterType == typeof(Guid) ? Guid.NewGuid()
            : p.ParameterType == typeof(bool) ? true : (object)(p.Name == "kind" ? "description" : "{}")).ToArray();
        try
        {
            await connection.InvokeCoreAsync(method.Name, args, Ct);
            return "ok";
        }
        catch (HubException ex)
        {
            // SignalR words a refusal the hub threw on purpose as "... HubException: <message>", and any other exception without it.
            var at = ex.Message.IndexOf("HubException: ", StringComparison.Ordinal);
            return at < 0 ? "server error: " + ex.Message : "refused: " + ex.Message[(at + 14)..];
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Tandem.IntegrationTests.Messages;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Video;

/// <summary>
/// Issue 23: "per practice setting, enter directly when the therapist is already there". Off by default (clients wait
/// to be let in); on, a client goes straight into the call while a therapist is in it, and still waits when none is.
/// </summary>
public sealed class DirectEntryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Clients_enter_directly_only_with_the_setting_on_and_a_therapist_in_the_call()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = await app.ClientForAsync("admin@riverside.test");
        Assert.False((await admin.GetJsonAsync("/api/practice/settings")).GetProperty("clientsEnterWhenTherapistIsIn").GetBoolean());

        // Off (the default): Alex is in the call, Sam still waits.
        Assert.Equal("Waiting", await SamJoinsAsync(app, alexInCall: true));

        using (var saved = await admin.PutAsJsonAsync("/api/practice/settings", new { expectedReply = "soon", crisisInformation = "Call 999.", clientsEnterWhenTherapistIsIn = true }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        using (var alex = await app.ClientForAsync("alex@riverside.test"))
        {
            Assert.True((await alex.GetJsonAsync("/api/practice/settings")).GetProperty("clientsEnterWhenTherapistIsIn").GetBoolean());
            // Only the admin changes it.
            using var byAlex = await alex.PutAsJsonAsync("/api/practice/settings", new { expectedReply = "soon", crisisInformation = "Call 999.", clientsEnterWhenTherapistIsIn = false }, Ct);
            Assert.NotEqual(HttpStatusCode.OK, byAlex.StatusCode);
        }

        // On: with Alex in the call Sam goes straight in; with Alex not (yet, or any more) in it, Sam waits.
        Assert.Equal("Admitted", await SamJoinsAsync(app, alexInCall: true));
        Assert.Equal("Waiting", await SamJoinsAsync(app, alexInCall: false));
        Assert.Equal("Waiting", await SamJoinsAsync(app, alexInCall: false, alexLeft: true));

        // Another practice keeps its own default.
        using var harbor = await app.ClientForAsync("admin@harbor.test");
        Assert.False((await harbor.GetJsonAsync("/api/practice/settings")).GetProperty("clientsEnterWhenTherapistIsIn").GetBoolean());
    }

    /// <summary>A fresh online session; Alex joins first (and maybe leaves again), then Sam joins: Sam's state.</summary>
    private static async Task<string> SamJoinsAsync(TandemApp app, bool alexInCall, bool alexLeft = false)
    {
        var session = await OnlineSessionAccessTests.OnlineSessionAsync(app, TimeSpan.FromMinutes(5));
        var (alex, _) = await HubClients.ConnectAsync(app, "alex@riverside.test");
        var (sam, _) = await HubClients.ConnectAsync(app, "sam@riverside.test");
        await using (alex)
        await using (sam)
        {
            if (alexInCall || alexLeft)
            {
                Assert.Equal("Admitted", (await alex.InvokeAsync<JsonElement>("JoinVideo", session, Ct)).Str("myState"));
            }

            if (alexLeft)
            {
                await alex.InvokeAsync("LeaveVideo", session, Ct);
            }

            return (await sam.InvokeAsync<JsonElement>("JoinVideo", session, Ct)).Str("myState");
        }
    }
}

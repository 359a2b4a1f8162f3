using System.Net.Http.Json;
using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

public sealed class StartupTests
{
    [Fact]
    public async Task Health_answers_ok_when_the_database_answers()
    {
        await using var app = await TandemApp.StartAsync();
        using var client = app.CreateAnonymousClient();

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Every_demo_account_gets_a_token_and_me_names_them()
    {
        await using var app = await TandemApp.StartAsync();
        foreach (var person in Tandem.Features.Demo.DemoAccounts.People)
        {
            using var client = await app.ClientForAsync(person.Email);
            var me = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/me", TestContext.Current.CancellationToken);
            Assert.Equal(person.Email, me.GetProperty("email").GetString());
            Assert.Equal(person.Role.ToString(), me.GetProperty("role").GetString());
            Assert.Equal(person.DisplayName, me.GetProperty("displayName").GetString());
        }
    }
}

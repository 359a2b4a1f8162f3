using System.Net;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Engagements;

/// <summary>
/// Signing an agreement one has signed already changes nothing, but answers with the agreement:
/// that read is audited like any other (found by the cross-site suite, whose repeated signs on the
/// old code answered 200 with no audit entry; the completeness check runs when the app stops).
/// </summary>
public sealed class AgreementSignedTwiceTests
{
    [Fact]
    public async Task Signing_again_answers_the_agreement_and_is_audited_as_a_read()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        await sam.PostJsonAsync($"/api/engagements/{sams}/agreement/sign", null, HttpStatusCode.OK);
        var again = await sam.PostJsonAsync($"/api/engagements/{sams}/agreement/sign", null, HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, again.ValueKind);
    }
}

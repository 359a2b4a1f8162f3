using System.Diagnostics;
using Tandem.Infrastructure.Observability;

namespace Tandem.UnitTests.Observability;

/// <summary>The last filter on every exported span (issue 26, item 5): no query, no token, no email, whoever set the tag.</summary>
public sealed class PrivacyProcessorTests
{
    [Fact]
    public void A_span_leaves_without_its_query_its_path_tokens_or_email_addresses()
    {
        using var source = new ActivitySource("test.privacy");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "test.privacy",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var activity = source.StartActivity("GET /api/calendar/{token}.ics")!;
        activity.SetTag("url.path", "/api/calendar/Zx9aQm3Lw0pT5vKc8RnY2bHdJfUe.ics");
        activity.SetTag("url.query", "?token=abc&email=sam%40riverside.test");
        activity.SetTag("http.route", "/api/calendar/{token}.ics");
        activity.SetTag("db.query.parameter.p0", "secret");
        activity.SetTag("http.response.status_code", 200);
        activity.SetTag("custom", "sent to sam@riverside.test");
        activity.SetStatus(ActivityStatusCode.Error, "23505: duplicate key (Email)=(sam@riverside.test)");

        new PrivacyProcessor().OnEnd(activity);

        Assert.Null(activity.GetTagItem("url.query"));
        Assert.Null(activity.GetTagItem("db.query.parameter.p0"));
        Assert.Equal("/api/calendar/***.ics", activity.GetTagItem("url.path"));
        Assert.Equal("/api/calendar/{token}.ics", activity.GetTagItem("http.route"));
        Assert.Equal(200, activity.GetTagItem("http.response.status_code"));
        Assert.Equal("sent to ***@***", activity.GetTagItem("custom"));
        Assert.Equal("GET /api/calendar/{token}.ics", activity.DisplayName);
        Assert.DoesNotContain("riverside", activity.StatusDescription, StringComparison.Ordinal);
        Assert.Contains("***@***", activity.StatusDescription, StringComparison.Ordinal);
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
    }

    [Theory]
    [InlineData("/invitations/aVeryLongInvitationTokenValue1234567", "/invitations/***")]
    [InlineData("/Account/ResetPassword?code=abc&email=a%40b.test", "/Account/ResetPassword?code=***&email=***")]
    [InlineData("someone.else@example.org", "***@***")]
    [InlineData("/api/engagements/0193c6a2-9f3e-7c1d-8a5b-2f4e6d8c0a1b/responses", "/api/engagements/0193c6a2-9f3e-7c1d-8a5b-2f4e6d8c0a1b/responses")]
    public void Clean_masks_secrets_and_keeps_ids(string text, string expected) =>
        Assert.Equal(expected, PrivacyProcessor.Clean(text));
}

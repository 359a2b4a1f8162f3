using System.Runtime.ExceptionServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Components.Account;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// A live page re-checks its session every minute (an ended session signs it out); a page rendered for one request is
/// checked by the session middleware and ends with its answer, so it starts no re-check. Issue 25: the framework's
/// provider started its one-minute loop for every signed-in page request and ended it by throwing (and catching) a
/// cancellation when the request ended: one exception per page view.
/// </summary>
public sealed class LiveSessionRecheckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_page_request_starts_no_session_recheck_and_throws_nothing_when_it_ends()
    {
        await using var app = await TandemApp.StartAsync();
        using var therapist = await app.ClientForAsync("alex@riverside.test");
        (await therapist.GetAsync("/", Ct)).EnsureSuccessStatusCode();

        var thrown = 0;
        void Count(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (e.Exception is OperationCanceledException && Environment.StackTrace.Contains("AuthenticationStateProvider", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref thrown);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var page = await therapist.GetAsync("/", Ct);
                page.EnsureSuccessStatusCode();
                Assert.Contains("Your engagements", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            }

            // The request's scope (and its provider) is disposed just after the answer is sent.
            await Task.Delay(300, Ct);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        Assert.Equal(0, Volatile.Read(ref thrown));
    }

    [Fact]
    public async Task A_live_page_whose_session_fails_the_check_is_signed_out_after_a_minute_and_not_before()
    {
        await using var app = await TandemApp.StartAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var provider = Assert.IsType<IdentityRevalidatingAuthenticationStateProvider>(scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>());

        // Signed in, but with no sign-in session behind it (as after "sign out everywhere"): the check fails.
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString())], "Identity.Application"));
        ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        provider.StartRevalidating();

        app.Clock.Advance(IdentityRevalidatingAuthenticationStateProvider.RevalidationInterval - TimeSpan.FromSeconds(1));
        await Task.Delay(200, Ct);
        Assert.True((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated, "signed out before the minute was up");

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated == true && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct);
        }

        Assert.False((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated, "a live page with an ended session was still signed in a minute on");
    }
}

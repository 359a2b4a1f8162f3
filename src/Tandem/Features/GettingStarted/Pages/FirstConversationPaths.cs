using System.Globalization;

namespace Tandem.Features.GettingStarted.Pages;

/// <summary>Where the public pages live, named once (the rate limiter and the pages share them).</summary>
public static class FirstConversationPaths
{
    /// <summary>The request form: GET shows it, POST sends it (rate limited).</summary>
    public const string Form = "/first-conversation";

    public const string Sent = "/first-conversation/sent";

    public static string FormFor(Guid therapistId) => $"first-conversation/{therapistId}";

    /// <summary>
    /// The page a person sees when the rate limiter stops them: written out directly (the
    /// request never reached the app), with the app's stylesheet and no script.
    /// </summary>
    public static string TooManyRequestsHtml(int minutes) => string.Create(CultureInfo.InvariantCulture, $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1.0" />
        <meta name="color-scheme" content="light dark" />
        <title>Please wait a little · Tandem</title>
        <link rel="stylesheet" href="/css/tandem.css" />
        </head>
        <body>
        <header class="site-header"><div class="wrap"><a class="brand" href="/"><span class="brand-mark" aria-hidden="true"></span>Tandem</a></div></header>
        <main id="main"><div class="wrap"><div class="narrow card">
        <h1>Please wait a little</h1>
        <p>Several requests were sent from this connection in a short time, so we have paused new ones for about {{minutes}} minutes. This protects therapists from automated messages.</p>
        <p>Nothing from this attempt was stored. Please try again later; if your browser kept what you wrote, you will not need to type it again.</p>
        <p><a class="button" href="/directory">Back to the directory</a></p>
        </div></div></main>
        <footer class="site-footer"><div class="wrap"><span>In an emergency, call your local emergency number. Tandem is not monitored around the clock.</span></div></footer>
        </body>
        </html>
        """);
}

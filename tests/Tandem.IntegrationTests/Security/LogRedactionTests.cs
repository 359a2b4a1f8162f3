using System.Text.RegularExpressions;
using Tandem.Infrastructure.Hosting;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// Issue 19, finding 13, for every route: each route parameter that carries a secret (named like a
/// token, code or key), read from the app's own endpoint list so a new one cannot be missed, and
/// each query parameter named like a secret, is masked by the log redaction that every log event
/// passes through (the published-app test checks the real log of a real process).
/// </summary>
public sealed partial class LogRedactionTests
{
    [Fact]
    public async Task Every_token_in_a_route_or_a_query_is_masked_in_the_log()
    {
        await using var app = await TandemApp.StartAsync(seeded: false);
        var secretRoutes = EndpointInfo.All(app.Services).Where(e => SecretParameter().IsMatch(e.Pattern)).Select(e => e.Pattern).Distinct().ToList();
        Assert.True(secretRoutes.Count >= 3, "the token routes were not found: " + string.Join(", ", secretRoutes));

        var leaks = new List<string>();
        foreach (var pattern in secretRoutes)
        {
            var secret = "Sec" + Guid.NewGuid().ToString("N")[..20];
            var path = Parameter().Replace(pattern, m => SecretParameter().IsMatch(m.Value) ? secret : Guid.NewGuid().ToString());
            foreach (var text in new[] { path, $"GET http://127.0.0.1:5080{path}?x=1", $"Request starting HTTP/1.1 POST https://tandem.example{path} - application/json", $"/Account/Login?returnUrl={Uri.EscapeDataString(path)}" })
            {
                if (LogRedaction.Redact(text).Contains(secret, StringComparison.Ordinal))
                {
                    leaks.Add($"{pattern}: {LogRedaction.Redact(text)}");
                }
            }
        }

        foreach (var name in new[] { "token", "access_token", "refreshToken", "code", "key", "resetToken", "email", "password", "signature" })
        {
            var secret = "Sec" + Guid.NewGuid().ToString("N")[..20];
            var text = $"/Account/ResetPassword?x=1&{name}={secret}&y=2";
            if (LogRedaction.Redact(text).Contains(secret, StringComparison.Ordinal))
            {
                leaks.Add($"query {name}: {LogRedaction.Redact(text)}");
            }
        }

        // Ids stay: they name records, and the logs must stay useful.
        var id = Guid.NewGuid().ToString();
        Assert.Contains(id, LogRedaction.Redact($"/api/engagements/{id}/plan"), StringComparison.Ordinal);
        Assert.True(leaks.Count == 0, string.Join('\n', leaks));
    }

    [GeneratedRegex(@"\{[^}]*(?:token|code|key|secret)[^}]*\}", RegexOptions.IgnoreCase)]
    private static partial Regex SecretParameter();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}

using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// Tokens never reach the log (issue 19, finding 13). A URL is a credential when it carries an
/// invitation token, a calendar-feed token, a reset token or an access token: the framework's
/// request logging writes the whole path and query. Every log event's values (whatever wrote
/// it) pass through <see cref="Redact"/> before any sink sees them: token-bearing path segments
/// (<c>/invitations/{token}</c>, <c>/api/invitations/{token}/accept</c>,
/// <c>/api/calendar/{token}.ics</c>, an online session's guest link <c>/video/guest/{token}</c>, and any long opaque segment) and the values of query
/// parameters named like a secret (token, key, code, secret, password, signature, email) become
/// <c>***</c>. Email addresses (a mail server's error echoes the recipient) become <c>***@***</c>.
/// </summary>
public sealed partial class LogRedaction : ILogEventEnricher
{
    public const string Mask = "***";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var (name, value) in logEvent.Properties)
        {
            if (Redacted(value) is { } clean)
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, clean));
            }
        }
    }

    /// <summary>The value with its secrets masked, or null when it holds none.</summary>
    private static LogEventPropertyValue? Redacted(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: not null } scalar when scalar.Value is not (bool or int or long or double or decimal or Guid or DateTime or DateTimeOffset or TimeSpan):
                var text = scalar.Value.ToString() ?? "";
                var masked = Redact(text);
                return ReferenceEquals(masked, text) || masked == text ? null : new ScalarValue(masked);
            case SequenceValue sequence:
                var items = sequence.Elements.Select(e => Redacted(e) ?? e).ToList();
                return items.SequenceEqual(sequence.Elements) ? null : new SequenceValue(items);
            case StructureValue structure:
                var properties = structure.Properties.Select(p => Redacted(p.Value) is { } v ? new LogEventProperty(p.Name, v) : p).ToList();
                return properties.SequenceEqual(structure.Properties) ? null : new StructureValue(properties, structure.TypeTag);
            default:
                return null;
        }
    }

    /// <summary>A text (a path, a URL, a message) with its token-bearing parts masked.</summary>
    public static string Redact(string text)
    {
        if (text.Length == 0 || (text.IndexOf('/') < 0 && text.IndexOf('=') < 0 && text.IndexOf('@') < 0 && !text.Contains("%40", StringComparison.Ordinal)))
        {
            return text;
        }

        var result = EmailAddress().Replace(text, EmailMask);
        result = SecretQuery().Replace(result, m => m.Groups[1].Value + Mask);
        result = TokenSegment().Replace(result, m => m.Groups[1].Value + Mask);
        result = OpaqueSegment().Replace(result, m => IsId(m.Groups[2].Value) ? m.Value : m.Groups[1].Value + Mask);
        return result;
    }

    // An id (a GUID) names a record, not a secret: it stays, so logs remain useful.
    private static bool IsId(string segment) => Guid.TryParseExact(segment, "D", out _);

    public const string EmailMask = "***@***";

    // Also percent-encoded ("sam%40example.org"), as in a query or a returnUrl.
    [GeneratedRegex(@"[A-Za-z0-9._%+'-]+(?:@|%40)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+", RegexOptions.CultureInvariant)]
    private static partial Regex EmailAddress();

    [GeneratedRegex(@"([?&;][^=&#\s]*(?:token|key|code|secret|password|passwd|signature|sig|email)[^=&#\s]*=)[^&#\s]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretQuery();

    // Also percent-encoded, as in a returnUrl ("%2Finvitations%2F...").
    [GeneratedRegex(@"((?:/|%2F)(?:api(?:/|%2F))?invitations(?:/|%2F)|(?:/|%2F)api(?:/|%2F)calendar(?:/|%2F)|(?:/|%2F)Account(?:/|%2F)ResetPassword(?:/|%2F)|(?:/|%2F)video(?:/|%2F)guest(?:/|%2F))(?:(?!%2F)[^/?#&\s.])+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenSegment();

    [GeneratedRegex(@"(/)([A-Za-z0-9_\-%]{24,})(?=[/?#.\s]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex OpaqueSegment();
}

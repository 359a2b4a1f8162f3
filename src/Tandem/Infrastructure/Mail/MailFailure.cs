using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Infrastructure.Mail;

/// <summary>What a mail server's refusal means for the outbox, and how it is told without an address.</summary>
internal static partial class MailFailure
{
    /// <summary>A 5xx reply to MAIL, RCPT or DATA (RFC 5321 §4.2.1): the same transaction would fail again.</summary>
    public static bool IsPermanent(SmtpCommandException ex) => (int)ex.StatusCode is >= 500 and < 600;

    /// <summary>A short reason built from the reply codes only, never from the server's words (which may echo the address).</summary>
    public static string Reason(SmtpCommandException ex)
    {
        var what = ex.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => "The mail server refused the recipient",
            SmtpErrorCode.SenderNotAccepted => "The mail server refused the sender (check Mail:From and the server's rules)",
            SmtpErrorCode.MessageNotAccepted => "The mail server refused the message",
            _ => "The mail server refused the mail",
        };
        var enhanced = EnhancedStatus().Match(ex.Message);
        return $"{what} ({(int)ex.StatusCode}{(enhanced.Success ? " " + enhanced.Value : "")}).";
    }

    /// <summary>Server or exception text for a log or the outbox row: addresses and tokens masked.</summary>
    public static string Redacted(string text)
    {
        var masked = LogRedaction.Redact(text.ReplaceLineEndings(" "));
        return masked.Length > 300 ? masked[..300] : masked;
    }

    // RFC 3463 enhanced status code, e.g. 5.1.1.
    [GeneratedRegex(@"\b[245]\.\d{1,3}\.\d{1,3}\b", RegexOptions.CultureInvariant)]
    private static partial Regex EnhancedStatus();
}

using System.Net;
using MailKit.Security;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Infrastructure.Mail;

/// <summary>How the connection to the SMTP server is protected (<c>Mail:Security</c>).</summary>
public enum MailSecurity
{
    /// <summary>Port 465: TLS from the first byte; any other port: STARTTLS when the server offers it.</summary>
    Auto,

    /// <summary>STARTTLS, required: a server that does not offer it gets nothing.</summary>
    StartTls,

    /// <summary>Implicit TLS from the first byte ("SMTPS", usually port 465).</summary>
    SslOnConnect,

    /// <summary>No TLS: only for a relay on this machine (a user name and password are never sent in clear to another host).</summary>
    None,
}

/// <summary>Configuration section "Mail".</summary>
public sealed class MailSettings
{
    public const string FromKey = "Mail:From";

    /// <summary>The From address when none is configured (Development and tests only: Production requires <c>Mail:From</c>).</summary>
    public const string DefaultFrom = "Tandem <no-reply@tandem.invalid>";

    /// <summary>"Smtp" to send, "Folder" to write .eml files under the data folder (Development and tests).</summary>
    public string Transport { get; set; } = "Smtp";

    public string From { get; set; } = DefaultFrom;

    public string SmtpHost { get; set; } = "localhost";

    public int SmtpPort { get; set; } = 25;

    /// <summary>Older name for <c>Mail:Security=StartTls</c>, still read when Security is not set.</summary>
    public bool SmtpUseTls { get; set; }

    public MailSecurity? Security { get; set; }

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>
    /// The SHA-256 fingerprint (hex) of the SMTP server's own certificate, for a relay whose
    /// certificate no public authority signed; any other certificate is still checked as usual.
    /// </summary>
    public string? SmtpCertificateSha256 { get; set; }

    /// <summary>How often the dispatcher looks for due mail even when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public bool UsesFolder => string.Equals(Transport, "Folder", StringComparison.OrdinalIgnoreCase);

    public bool HasCredentials => !string.IsNullOrEmpty(SmtpUser);

    /// <summary>The mode actually used: Security when set, else the old SmtpUseTls, else Auto.</summary>
    public MailSecurity EffectiveSecurity => Security ?? (SmtpUseTls ? MailSecurity.StartTls : MailSecurity.Auto);

    /// <summary>What MailKit is asked for on connect.</summary>
    public SecureSocketOptions SocketOptions => EffectiveSecurity switch
    {
        MailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        MailSecurity.None => SecureSocketOptions.None,
        _ => SmtpPort == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable,
    };

    /// <summary>Whether the SMTP server is this machine (a clear-text hop that never leaves it).</summary>
    public bool HostIsLoopback =>
        string.Equals(SmtpHost, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(SmtpHost.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>
    /// Checks the section as the app is built (any command): a From that is not an address, an
    /// unknown Security, or a password that would go in clear text to another machine stops the
    /// app with one line naming the setting.
    /// </summary>
    public static void Validate(IConfiguration config)
    {
        var section = config.GetSection("Mail");
        if (section["From"] is { } from && !string.IsNullOrWhiteSpace(from) && SenderDomain(from) is null)
        {
            throw new SettingException($"{FromKey} must be an email address such as \"Riverside Therapy <no-reply@riverside.example>\" (it is '{from}').");
        }

        if (section["Security"] is { } security && (!Enum.TryParse<MailSecurity>(security, ignoreCase: true, out var mode) || !Enum.IsDefined(mode) || char.IsDigit(security.TrimStart('-')[0])))
        {
            throw new SettingException($"Mail:Security must be Auto, StartTls, SslOnConnect or None (it is '{security}').");
        }

        var settings = section.Get<MailSettings>() ?? new MailSettings();
        if (!settings.UsesFolder && settings.HasCredentials && settings.EffectiveSecurity == MailSecurity.None && !settings.HostIsLoopback)
        {
            throw new SettingException("Mail:Security=None would send Mail:SmtpUser's password in clear text to another machine; use Auto, StartTls or SslOnConnect.");
        }
    }

    /// <summary>
    /// Before serving in Production with SMTP mail: <c>Mail:From</c> is required. It is the address
    /// people see and reply to, its domain names each Message-ID, and SPF, DKIM and DMARC are
    /// checked against it (docs/operations.md, "Email"); a made-up default would land in spam.
    /// </summary>
    public static void RequireForServing(IConfiguration config, IHostEnvironment environment)
    {
        var section = config.GetSection("Mail");
        var folder = string.Equals(section["Transport"], "Folder", StringComparison.OrdinalIgnoreCase);
        if (environment.IsProduction() && !folder && string.IsNullOrWhiteSpace(section["From"]))
        {
            throw new SettingException($"{FromKey} must be set in Production: the address Tandem's emails come from, such as \"Riverside Therapy <no-reply@riverside.example>\" in a domain whose SPF, DKIM and DMARC records you publish (environment variable Mail__From).");
        }
    }

    /// <summary>The domain of a From address ("Name &lt;user@domain&gt;"), or null when it is not one.</summary>
    public static string? SenderDomain(string from) =>
        MimeKit.MailboxAddress.TryParse(from, out var mailbox) && mailbox.Domain is { Length: > 0 } domain && !domain.Contains('[', StringComparison.Ordinal)
            ? domain.ToLowerInvariant()
            : null;
}

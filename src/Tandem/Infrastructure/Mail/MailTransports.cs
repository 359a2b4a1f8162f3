using System.Net.Security;
using System.Security.Cryptography;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Data;

namespace Tandem.Infrastructure.Mail;

public interface IMailTransport
{
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>
/// Sends through an SMTP server with MailKit: implicit TLS (port 465) or STARTTLS as
/// <see cref="MailSettings.Security"/> says, and never a password in clear text to another machine.
/// </summary>
internal sealed class SmtpMailTransport(IOptions<MailSettings> settings) : IMailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        var s = settings.Value;
        using var client = new SmtpClient { Timeout = 15_000 };
        if (s.SmtpCertificateSha256 is { Length: > 0 } pinned)
        {
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None || (certificate is not null && string.Equals(
                    Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())), pinned.Replace(":", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
        }

        await client.ConnectAsync(s.SmtpHost, s.SmtpPort, s.SocketOptions, ct);
        if (s.HasCredentials)
        {
            // Auto takes STARTTLS only when offered; a server that does not offer it does not get the password.
            if (!client.IsSecure && !s.HostIsLoopback)
            {
                throw new MailSecurityException($"The mail server {s.SmtpHost}:{s.SmtpPort} offered no TLS, so Tandem did not send it the SMTP password in clear text (see Mail:Security).");
            }

            await client.AuthenticateAsync(s.SmtpUser!, s.SmtpPassword ?? "", ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}

/// <summary>The connection to the mail server is not safe enough to use; retried, since the setting or the server may change.</summary>
public sealed class MailSecurityException(string message) : Exception(message);

/// <summary>Writes each mail as an .eml file under {DataFolder}/mail, so the demo works without a mail server.</summary>
internal sealed class FolderMailTransport(DatabaseSettings database) : IMailTransport
{
    public string Folder { get; } = Path.Combine(database.DataFolder, "mail");

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var name = $"{DateTimeOffset.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}";
        // Written under another name, then renamed: a reader of *.eml (the /dev/mail page) never meets a half-written file.
        var partial = Path.Combine(Folder, name + ".partial");
        await message.WriteToAsync(partial, ct);
        File.Move(partial, Path.Combine(Folder, name + ".eml"));
    }
}

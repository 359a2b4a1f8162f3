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

/// <summary>Sends through an SMTP server with MailKit.</summary>
internal sealed class SmtpMailTransport(IOptions<MailSettings> settings) : IMailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        var s = settings.Value;
        using var client = new SmtpClient { Timeout = 15_000 };
        await client.ConnectAsync(s.SmtpHost, s.SmtpPort, s.SmtpUseTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, ct);
        if (!string.IsNullOrEmpty(s.SmtpUser))
        {
            await client.AuthenticateAsync(s.SmtpUser, s.SmtpPassword ?? "", ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}

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

namespace Tandem.Infrastructure.Mail;

/// <summary>Configuration section "Mail".</summary>
public sealed class MailSettings
{
    /// <summary>"Smtp" to send, "Folder" to write .eml files under the data folder (Development and tests).</summary>
    public string Transport { get; set; } = "Smtp";

    public string From { get; set; } = "Tandem <no-reply@tandem.invalid>";

    public string SmtpHost { get; set; } = "localhost";

    public int SmtpPort { get; set; } = 25;

    public bool SmtpUseTls { get; set; }

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>How often the dispatcher looks for due mail even when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public bool UsesFolder => string.Equals(Transport, "Folder", StringComparison.OrdinalIgnoreCase);
}

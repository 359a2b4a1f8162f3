using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Engagements;
using Tandem.Features.Invitations;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.GettingStarted;

public enum RequestedFormat
{
    NoPreference,
    ClientLed,
    TherapistLed,
}

public enum FirstConversationStatus
{
    New,
    Converted,
    Declined,
}

/// <summary>What the person asking typed, before any checks.</summary>
public sealed record FirstConversationInput(string? Name, string? Email, string? Phone, string? Message, string? PreferredFormat);

/// <summary>
/// A prospective client asks one listed therapist for a first conversation. It is contact data
/// about a person who is not a client yet: only the therapist it is addressed to sees it. The
/// preferences result (four means and the suggested format) is kept only here, only when the
/// person chose to send it with their request.
/// </summary>
public sealed partial class FirstConversationRequest : IPracticeScoped
{
    public const int NameMaxLength = 100;
    public const int MessageMaxLength = 2000;
    public const int PhoneMaxLength = 30;

    private FirstConversationRequest()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    /// <summary>The therapist the request is addressed to.</summary>
    public Guid TherapistId { get; private set; }

    public string Name { get; private set; } = "";

    public string? Email { get; private set; }

    public string? Phone { get; private set; }

    [MultiLine]
    public string Message { get; private set; } = "";

    public RequestedFormat PreferredFormat { get; private set; }

    public double? PreferenceDirectiveness { get; private set; }

    public double? PreferenceEmotionalIntensity { get; private set; }

    public double? PreferencePastVsPresent { get; private set; }

    public double? PreferenceSupportVsChallenge { get; private set; }

    public EngagementFormat? SuggestedFormat { get; private set; }

    public FirstConversationStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public Guid? EngagementId { get; private set; }

    public bool HasPreferences => PreferenceDirectiveness is not null;

    /// <summary>The stored preferences result, scored again from the stored means.</summary>
    public PreferenceResult? Preferences => HasPreferences
        ? PreferenceScoring.FromMeans(
        [
            (PreferenceDimension.Directiveness, PreferenceDirectiveness!.Value),
            (PreferenceDimension.EmotionalIntensity, PreferenceEmotionalIntensity ?? 0),
            (PreferenceDimension.PastVsPresent, PreferencePastVsPresent ?? 0),
            (PreferenceDimension.SupportVsChallenge, PreferenceSupportVsChallenge ?? 0),
        ])
        : null;

    /// <summary>Validates every field at once (one message per field) and builds the request; nothing exists until all are valid.</summary>
    public static FirstConversationRequest Create(Guid practiceId, Guid therapistId, FirstConversationInput input, PreferenceResult? preferences, DateTimeOffset now)
    {
        var (name, email, phone, message, format) = Validate(input);
        var request = new FirstConversationRequest
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = practiceId,
            TherapistId = therapistId,
            Name = name,
            Email = email,
            Phone = phone,
            Message = message,
            PreferredFormat = format,
            Status = FirstConversationStatus.New,
            CreatedAt = now,
        };
        if (preferences is not null)
        {
            double Mean(PreferenceDimension d) => preferences.Dimensions.FirstOrDefault(x => x.Dimension == d)?.Mean ?? 0;
            request.PreferenceDirectiveness = Mean(PreferenceDimension.Directiveness);
            request.PreferenceEmotionalIntensity = Mean(PreferenceDimension.EmotionalIntensity);
            request.PreferencePastVsPresent = Mean(PreferenceDimension.PastVsPresent);
            request.PreferenceSupportVsChallenge = Mean(PreferenceDimension.SupportVsChallenge);
            request.SuggestedFormat = preferences.SuggestedFormat;
        }

        return request;
    }

    public static (string Name, string? Email, string? Phone, string Message, RequestedFormat Format) Validate(FirstConversationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = Clean(input.Name);
        if (name.Length == 0)
        {
            errors["name"] = ["Tell us your name (a first name is fine)."];
        }
        else if (name.Length > NameMaxLength)
        {
            errors["name"] = [$"Your name is at most {NameMaxLength} characters."];
        }

        var emailText = (input.Email ?? "").Trim();
        var phoneText = (input.Phone ?? "").Trim();
        string? email = null;
        string? phone = null;
        if (emailText.Length == 0 && phoneText.Length == 0)
        {
            errors["email"] = ["Give an email address or a phone number, so the therapist can reach you."];
        }

        if (emailText.Length > 0)
        {
            try
            {
                email = Invitation.NormaliseEmail(emailText);
            }
            catch (DomainException)
            {
                errors["email"] = ["Enter a valid email address, like name@example.com."];
            }
        }

        if (phoneText.Length > 0)
        {
            if (phoneText.Length > PhoneMaxLength || !PhonePattern().IsMatch(phoneText) || phoneText.Count(char.IsAsciiDigit) < 6)
            {
                errors["phone"] = ["Enter a phone number with at least 6 digits (spaces, +, - and brackets are fine)."];
            }
            else
            {
                phone = phoneText;
            }
        }

        var message = (input.Message ?? "").Trim().ReplaceLineEndings("\n");
        if (message.Length > MessageMaxLength)
        {
            errors["message"] = [$"Your message is at most {MessageMaxLength:N0} characters (now {message.Length:N0})."];
        }
        else if (message.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
        {
            errors["message"] = ["Your message contains characters that cannot be stored."];
        }

        var format = RequestedFormat.NoPreference;
        if (!Enum.TryParse(input.PreferredFormat, ignoreCase: false, out format) || !Enum.IsDefined(format) || int.TryParse(input.PreferredFormat, out _))
        {
            errors["preferredFormat"] = ["Choose client-led, therapist-led or no preference."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException("Some fields need attention.", DomainError.Invalid, errors);
        }

        return (name, email, phone, message, format);
    }

    /// <summary>The therapist turned the request into an engagement (and an invitation).</summary>
    public void Convert(Guid engagementId, DateTimeOffset now)
    {
        EnsureNew();
        Status = FirstConversationStatus.Converted;
        EngagementId = engagementId;
        DecidedAt = now;
    }

    public void Decline(DateTimeOffset now)
    {
        EnsureNew();
        Status = FirstConversationStatus.Declined;
        DecidedAt = now;
    }

    /// <summary>Throws, in words, when the request has already been answered.</summary>
    public void EnsureNew()
    {
        if (Status != FirstConversationStatus.New)
        {
            throw new DomainException(Status == FirstConversationStatus.Converted
                ? "This request has already been turned into an engagement."
                : "This request has already been declined.", DomainError.Conflict);
        }
    }

    private static string Clean(string? value) =>
        new string((value ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();

    [GeneratedRegex(@"^\+?[0-9 ()\-.]+$", RegexOptions.None, 1000)]
    private static partial Regex PhonePattern();
}

internal sealed class FirstConversationRequestConfiguration : IEntityTypeConfiguration<FirstConversationRequest>
{
    public void Configure(EntityTypeBuilder<FirstConversationRequest> builder)
    {
        builder.ToTable("FirstConversationRequests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Name).HasMaxLength(FirstConversationRequest.NameMaxLength);
        builder.Property(r => r.Email).HasMaxLength(254);
        builder.Property(r => r.Phone).HasMaxLength(FirstConversationRequest.PhoneMaxLength);
        builder.Property(r => r.Message).HasMaxLength(FirstConversationRequest.MessageMaxLength);
        builder.Property(r => r.PreferredFormat).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.SuggestedFormat).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Ignore(r => r.Preferences);
        builder.Ignore(r => r.HasPreferences);
        builder.HasOne<TandemUser>().WithMany().HasForeignKey(r => r.TherapistId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(r => r.EngagementId).OnDelete(DeleteBehavior.Restrict);
        // The caseload page: a therapist's new requests, newest first.
        builder.HasIndex(r => new { r.PracticeId, r.TherapistId, r.Status, r.CreatedAt });
    }
}

using Tandem.Features.Engagements;
using Tandem.Features.GettingStarted;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;

namespace Tandem.UnitTests.GettingStarted;

public sealed class FirstConversationRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(-3.0, EngagementFormat.TherapistLed)]
    [InlineData(-1.5, EngagementFormat.TherapistLed)]
    [InlineData(-1.49, null)]
    [InlineData(0.0, null)]
    [InlineData(1.49, null)]
    [InlineData(1.5, EngagementFormat.ClientLed)]
    [InlineData(2.25, EngagementFormat.ClientLed)]
    public void Suggested_format_follows_a_strong_directiveness_preference_only(double directiveness, EngagementFormat? expected)
    {
        // Strong preferences on the other dimensions never suggest a format.
        var result = PreferenceScoring.FromMeans(
        [
            (PreferenceDimension.Directiveness, directiveness),
            (PreferenceDimension.EmotionalIntensity, -3),
            (PreferenceDimension.PastVsPresent, 3),
            (PreferenceDimension.SupportVsChallenge, 2),
        ]);
        Assert.Equal(expected, result.SuggestedFormat);
    }

    [Fact]
    public void A_request_keeps_the_four_means_and_gives_back_the_same_result()
    {
        var scored = PreferenceScoring.Score(
        [
            (PreferenceDimension.Directiveness, 3), (PreferenceDimension.Directiveness, 1), (PreferenceDimension.Directiveness, 2), (PreferenceDimension.Directiveness, 0),
            (PreferenceDimension.EmotionalIntensity, -1), (PreferenceDimension.PastVsPresent, 2), (PreferenceDimension.SupportVsChallenge, 0),
        ]);
        var request = FirstConversationRequest.Create(Guid.NewGuid(), Guid.NewGuid(), Input(), scored, Now);

        Assert.Equal(1.5, request.PreferenceDirectiveness);
        Assert.Equal(EngagementFormat.ClientLed, request.SuggestedFormat);
        Assert.Equal(scored.Suggestion, request.Preferences!.Suggestion);
        Assert.Equal(scored.Dimensions.Select(d => d.Mean), request.Preferences.Dimensions.Select(d => d.Mean));
        Assert.Null(FirstConversationRequest.Create(Guid.NewGuid(), Guid.NewGuid(), Input(), null, Now).Preferences);
    }

    [Theory]
    [InlineData("", "robin@example.test", null, "NoPreference", "name")]
    [InlineData("   ", "robin@example.test", null, "NoPreference", "name")]
    [InlineData("Robin", null, null, "NoPreference", "email")]
    [InlineData("Robin", "robin@", null, "NoPreference", "email")]
    [InlineData("Robin", null, "12345", "NoPreference", "phone")]
    [InlineData("Robin", null, "0800 FLOWERS", "NoPreference", "phone")]
    [InlineData("Robin", "robin@example.test", null, "clientled", "preferredFormat")]
    [InlineData("Robin", "robin@example.test", null, "2", "preferredFormat")]
    [InlineData("Robin", "robin@example.test", null, null, "preferredFormat")]
    public void Each_invalid_field_is_named(string name, string? email, string? phone, string? format, string field)
    {
        var error = Assert.Throws<DomainException>(() => FirstConversationRequest.Validate(new FirstConversationInput(name, email, phone, "", format)));
        Assert.Equal(DomainError.Invalid, error.Kind);
        Assert.Equal([field], error.Errors!.Keys);
    }

    [Fact]
    public void Phone_alone_is_enough_and_the_email_is_normalised()
    {
        var byPhone = FirstConversationRequest.Validate(new FirstConversationInput("Robin", null, "+44 (20) 7946-0000", null, "TherapistLed"));
        Assert.Equal(("Robin", (string?)null, "+44 (20) 7946-0000", "", RequestedFormat.TherapistLed), byPhone);
        var byEmail = FirstConversationRequest.Validate(new FirstConversationInput(" Robin ", " Robin@Example.TEST ", null, new string('m', 2000), "ClientLed"));
        Assert.Equal("robin@example.test", byEmail.Email);
        Assert.Equal("Robin", byEmail.Name);
        Assert.Throws<DomainException>(() => FirstConversationRequest.Validate(new FirstConversationInput("Robin", "r@example.test", null, new string('m', 2001), "ClientLed")));
        Assert.Throws<DomainException>(() => FirstConversationRequest.Validate(new FirstConversationInput(new string('n', 101), "r@example.test", null, null, "ClientLed")));
    }

    [Fact]
    public void A_request_is_answered_once()
    {
        var request = FirstConversationRequest.Create(Guid.NewGuid(), Guid.NewGuid(), Input(), null, Now);
        request.Decline(Now);
        Assert.Equal(FirstConversationStatus.Declined, request.Status);
        Assert.Equal(DomainError.Conflict, Assert.Throws<DomainException>(() => request.Convert(Guid.NewGuid(), Now)).Kind);
        Assert.Equal(DomainError.Conflict, Assert.Throws<DomainException>(() => request.Decline(Now)).Kind);
    }

    [Fact]
    public void A_listing_needs_text_a_format_and_a_mode_and_changes_nothing_when_invalid()
    {
        var profile = DirectoryProfile.CreateFor(Guid.NewGuid(), Guid.NewGuid(), Now);
        var error = Assert.Throws<DomainException>(() => profile.Update(new DirectoryProfileChange(true, "", [], [], false, false, false, false, true), Now));
        Assert.Equal(["formats", "modes", "profileText"], error.Errors!.Keys.Order());
        Assert.False(profile.IsListed);

        Assert.Throws<DomainException>(() => profile.Update(new DirectoryProfileChange(true, new string('x', 1001), [], [], true, false, true, false, true), Now));
        Assert.Throws<DomainException>(() => profile.Update(new DirectoryProfileChange(true, "Hello", ["<script>"], [], true, false, true, false, true), Now));

        profile.Update(new DirectoryProfileChange(true, " I work with adults. ", ["Narrative", "narrative", " Systemic "], ["English"], true, false, true, false, true), Now);
        Assert.True(profile.IsListed);
        Assert.Equal("I work with adults.", profile.ProfileText);
        Assert.Equal(["Narrative", "Systemic"], profile.Approaches);

        // Unlisting never needs the rest to be filled in.
        profile.Update(new DirectoryProfileChange(false, "", [], [], false, false, false, false, false), Now);
        Assert.False(profile.IsListed);
    }

    private static FirstConversationInput Input() => new("Robin Hale", "robin@example.test", null, "Hello", "NoPreference");
}

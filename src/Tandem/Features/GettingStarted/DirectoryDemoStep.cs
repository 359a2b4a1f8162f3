using Tandem.Features.Demo;

namespace Tandem.Features.GettingStarted;

/// <summary>Alex and Morgan (Riverside) list themselves in their own words; Lee (Harbor) does not.</summary>
public sealed class DirectoryDemoStep : IDemoSeedStep
{
    public int Order => 90;

    public static readonly IReadOnlyList<(string Person, DirectoryProfileChange Profile)> Profiles =
    [
        ("alex", new DirectoryProfileChange(
            IsListed: true,
            ProfileText: "I work with adults who feel stuck or worn down, often after a big change. I see us as partners: you know your life, and my part is to make room for a conversation that helps you find your own way forward. I say openly what I am thinking, and we decide together what we work on and how.",
            Approaches: ["Collaborative therapy", "Narrative ideas", "Solution-focused"],
            Languages: ["English", "Spanish"],
            OffersClientLed: true,
            OffersTherapistLed: true,
            Online: true,
            InPerson: true,
            AcceptingNewClients: true)),
        ("morgan", new DirectoryProfileChange(
            IsListed: true,
            ProfileText: "I work with individuals and couples, often around worry, sleep and communication. Some people like me to bring structure and suggestions; others prefer to lead. We can talk about which suits you, and change it as we go.",
            Approaches: ["Collaborative therapy", "Systemic couples work"],
            Languages: ["English", "Mandarin"],
            OffersClientLed: true,
            OffersTherapistLed: true,
            Online: true,
            InPerson: false,
            AcceptingNewClients: true)),
    ];

    public Task SeedAsync(DemoContext demo, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(demo);
        foreach (var (person, change) in Profiles)
        {
            var user = demo.People[person];
            var profile = DirectoryProfile.CreateFor(user.PracticeId, user.Id, demo.Now);
            profile.Update(change, demo.Now);
            demo.Db.Add(profile);
        }

        return demo.Db.SaveChangesAsync(ct);
    }
}

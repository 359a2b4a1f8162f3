using Tandem.Features.Agreements;
using Tandem.Features.Demo;

namespace Tandem.Features.Engagements;

/// <summary>Demo engagements per API.md, with the agreement signed by everyone, a few months ago.</summary>
public sealed class EngagementsDemoStep : IDemoSeedStep
{
    public int Order => 10;

    public static readonly IReadOnlyList<(string Key, string Practice, string Title, EngagementFormat Format, string[] Therapists, string[] Clients, int DaysAgo)> Engagements =
    [
        ("sam", DemoAccounts.Riverside, "Finding my footing again", EngagementFormat.ClientLed, ["alex"], ["sam"], 150),
        ("jordan", DemoAccounts.Riverside, "Settling after the move", EngagementFormat.TherapistLed, ["alex"], ["jordan"], 120),
        ("casey", DemoAccounts.Riverside, "Sleep, worry and work", EngagementFormat.ClientLed, ["morgan"], ["casey"], 100),
        ("couple", DemoAccounts.Riverside, "Riley and Avery: listening again", EngagementFormat.TherapistLed, ["morgan"], ["riley", "avery"], 90),
        ("kim", DemoAccounts.Harbor, "Making room for grief", EngagementFormat.ClientLed, ["lee"], ["kim"], 110),
    ];

    public Task SeedAsync(DemoContext demo, CancellationToken ct)
    {
        var versions = demo.Practices.Values.ToDictionary(
            p => p.Id,
            p => AgreementVersion.Publish(p.Id, 1, DefaultAgreement.Text, demo.Now.AddDays(-200)));
        demo.Db.AgreementVersions.AddRange(versions.Values);

        foreach (var (key, practiceName, title, format, therapists, clients, daysAgo) in Engagements)
        {
            var practice = demo.Practices[practiceName];
            var started = demo.Now.AddDays(-daysAgo);
            var engagement = Engagement.Start(practice.Id, title, format, demo.People[therapists[0]].Id, started);
            foreach (var extra in therapists.Skip(1))
            {
                engagement.Add(demo.People[extra].Id, ParticipantRole.Therapist, started);
            }

            foreach (var client in clients)
            {
                engagement.Add(demo.People[client].Id, ParticipantRole.Client, started.AddDays(1));
            }

            foreach (var person in therapists.Concat(clients))
            {
                demo.Db.AgreementSignatures.Add(AgreementSignature.Sign(engagement, demo.People[person].Id, versions[practice.Id], "127.0.0.1", started.AddDays(2)));
            }

            engagement.AgreementStateChanged(allClientsSigned: true);
            demo.Db.Engagements.Add(engagement);
            demo.EngagementIds[key] = engagement.Id;
        }

        return demo.Db.SaveChangesAsync(ct);
    }
}

using Tandem.Features.Demo;
using Tandem.Features.Engagements;

namespace Tandem.Features.Messages;

/// <summary>
/// Message history in every demo engagement, a few weeks of it, with the latest messages
/// unread by their recipients, and a one-to-one thread in the couple's engagement.
/// </summary>
public sealed class MessagesDemoStep : IDemoSeedStep
{
    public int Order => 40;

    // (who, days ago, text); the last message of each list is left unread by the others.
    private static readonly Dictionary<string, (string Who, double DaysAgo, string Text)[]> Conversations = new()
    {
        ["sam"] =
        [
            ("alex", 20, "Hi Sam, a note after today: you mentioned wanting to try the **morning walk** again. No pressure, just noticing it."),
            ("sam", 19.8, "Thanks. I managed twice this week. The second time was easier."),
            ("alex", 12, "That's good to hear. Shall we put it on the agenda for Thursday?"),
            ("sam", 11.9, "Yes please. I'd also like to talk about work, it's been a lot."),
            ("sam", 1.2, "Quick one before Thursday: could we start with the work thing? I've written a few notes."),
        ],
        ["jordan"] =
        [
            ("alex", 15, "Hello Jordan, here is the list of local groups we talked about:\n\n- Tuesday walking group\n- Newcomers' café, Saturdays"),
            ("jordan", 14, "Thank you. I might try the café."),
            ("alex", 2, "How did the café go? Tell me on Monday if you prefer."),
        ],
        ["casey"] =
        [
            ("casey", 9, "I kept the sleep diary for a week. Should I bring it or send it here?"),
            ("morgan", 8.9, "Bring it on Wednesday, please. Thank you for keeping it going."),
            ("casey", 0.5, "Last night was better. Seven hours!"),
        ],
        ["couple"] =
        [
            ("morgan", 10, "Hello both. A reminder of what you agreed to try: one evening each week without phones, *just talking*."),
            ("riley", 9.5, "We did it on Sunday. It was awkward at first."),
            ("avery", 9.4, "Awkward but good, I think."),
            ("morgan", 3, "Thank you both for telling me. Let's look at what made it awkward next time."),
        ],
        ["kim"] =
        [
            ("lee", 7, "Kim, thinking of you this week with the anniversary. You don't need to reply."),
            ("kim", 6.5, "Thank you. It helped to know someone remembered."),
            ("lee", 1, "A gentle reminder that our next session is on Friday. Bring the letter if you'd like to."),
        ],
    };

    private static readonly (string Who, double DaysAgo, string Text)[] PrivateWithRiley =
    [
        ("morgan", 6, "Riley, as we agreed, this thread is just between us. How are you finding the sessions?"),
        ("riley", 5.8, "Better than I expected. I'll say more next time."),
    ];

    public Task SeedAsync(DemoContext demo, CancellationToken ct)
    {
        var engagements = demo.Db.Engagements.Local.ToDictionary(e => e.Id);
        foreach (var (key, conversation) in Conversations)
        {
            var engagement = engagements[demo.EngagementIds[key]];
            Seed(demo, engagement, Guid.Empty, conversation);
        }

        var couple = engagements[demo.EngagementIds["couple"]];
        var settings = EngagementMessagingSettings.For(couple, demo.Now.AddDays(-7), demo.People["morgan"].Id);
        settings.Set(true, demo.People["morgan"].Id, demo.Now.AddDays(-7));
        demo.Db.Set<EngagementMessagingSettings>().Add(settings);
        Seed(demo, couple, demo.People["riley"].Id, PrivateWithRiley);
        return demo.Db.SaveChangesAsync(ct);
    }

    private static void Seed(DemoContext demo, Engagement engagement, Guid thread, (string Who, double DaysAgo, string Text)[] conversation)
    {
        var audience = MessageThreads.AudienceOf(engagement, thread);
        var states = audience.ToDictionary(id => id, id => MessageReadState.Start(engagement.PracticeId, engagement.Id, thread, id, demo.Now));
        long sequence = 0;
        foreach (var (who, daysAgo, text) in conversation)
        {
            sequence++;
            var at = demo.Now.AddDays(-daysAgo);
            var author = demo.People[who].Id;
            demo.Db.Set<Message>().Add(Message.Write(engagement, thread, sequence, author, text, at));
            // The author has read their own message; everyone has read all but the last one.
            states[author].Advance(sequence, at);
            if (sequence < conversation.Length)
            {
                foreach (var state in states.Values)
                {
                    state.Advance(sequence, at.AddHours(3));
                }
            }
        }

        demo.Db.Set<MessageReadState>().AddRange(states.Values);
    }
}

namespace Tandem.Features.Sessions;

/// <summary>What the demo sessions talk about, per engagement: believable, ordinary, and free of clinical labels.</summary>
internal static class SessionsDemoContent
{
    public sealed record Theme(string ClientUpdate, string ClientTopic, string TherapistTopic, string Note, string Quote, string Annotation, string Reflection, string PrivateNote);

    public static readonly IReadOnlyDictionary<string, Theme[]> Themes = new Dictionary<string, Theme[]>
    {
        ["sam"] =
        [
            new("Slept better most nights; Sunday was hard.", "What happened with my brother on Sunday", "Looking back at the plan we made",
                "We started with your week. You slept better on most nights and named Sunday as the hard day, after the call with your brother.\n\nYou said you wanted to **understand why that call still lands so heavily**. We looked at what you noticed in your body during the call and what you did afterwards (a walk, then an early night).\n\n*Next:* you will try writing down one sentence after difficult calls, and we will look at them together.",
                "understand why that call still lands so heavily", "Yes, this is it exactly. It is not the call, it is what I tell myself after.", "Talking about Sunday helped more than I expected. I want to keep the walks going.", "Sam's energy lifted noticeably when talking about the walks. Hypothesis to hold loosely: the call with his brother touches the old role of being the responsible one. Do not push; wait for Sam to bring it."),
            new("Back at work three days; mornings still slow.", "Whether to tell my manager", "Checking how the pace of our work feels",
                "You are back at work three days a week. Mornings are still slow and you are finding your own rhythm for them.\n\nMost of the session was about **whether to tell your manager** what the last months have been like. We listed what you would want from that conversation and what you would rather keep private. You decided to wait two weeks and see.\n\nWe also checked the pace of our work: you said weekly still feels right.",
                "whether to tell your manager", "I agree, and I want to add that I felt less anxious about it by the end.", "I feel clearer about work. Waiting two weeks feels like my decision, not avoidance.", "Noticed my own wish to encourage disclosure; kept it to myself. Sam's choice to wait seems considered."),
            new("Good week overall. Saw friends twice.", "Keeping things going when I feel better", "The questionnaire scores we looked at",
                "A good week: you saw friends twice and went swimming once. You wondered how to **keep things going when you feel better**, because in the past you have dropped routines as soon as the pressure lifts.\n\nWe looked at the questionnaire scores together. You said the numbers match how you feel, with the sleep item still the slowest to move.\n\nYou chose two routines to protect: the walks and Sunday calls with your sister.",
                "keep things going when you feel better", "This is the part I worry about most.", "Good to see the progress written down. I want to be honest next time if things slip.", "Relapse-prevention thinking, but in Sam's own words. Keep it his."),
            new("Tired after a busy week; a bit flat.", "Feeling flat and what helps", "Plans for the holiday weeks",
                "You arrived tired after a busy week and described feeling a bit flat rather than low. We explored the difference together and what helps on flat days (company, daylight, small tasks).\n\nWe also talked about the holiday weeks: we agreed to move to every other week for two sessions, and you will message if you want to meet sooner.",
                "what helps on flat days", "I did not agree that flat is better than low, it is just different. But the list helps.", "I was glad we could slow the pace without stopping.", "Flat vs low distinction mattered to Sam. Check in on sleep next time."),
        ],
        ["jordan"] =
        [
            new("Unpacked the last boxes; still do not know anyone here.", "Feeling lonely in the new city", "Building a small weekly structure",
                "You finished unpacking and said it finally feels like your flat. The harder part is that you **still do not know anyone here**.\n\nWe looked at the week as a whole and built a small structure: one evening class, one call home, and a Saturday walk in the park near you.\n\nYou will try the class on Tuesday.",
                "still do not know anyone here", "Yes. And it is worse at weekends.", "Having a plan for the week makes it less empty.", "Jordan speaks quickly when anxious. The move has re-opened earlier experiences of starting over; wait for her to name it."),
            new("Went to the class; one person talked to me.", "Whether the job was the right choice", "What went well with the class",
                "You went to the class on Tuesday and someone started a conversation with you. We spent time on **what went well** and what you did to make it possible.\n\nYou raised a bigger question: whether taking the job was the right choice. We agreed to look at it over several sessions, without rushing to an answer.",
                "what went well", "I want to add that I nearly did not go at all.", "It helped to be asked what I did right.", "Good session. Avoid becoming the person who decides about the job for her."),
            new("Bad sleep after a work deadline.", "Work pressure and sleep", "A simple wind-down routine",
                "A work deadline meant several short nights. We talked about how pressure at work follows you home and agreed on **a simple wind-down routine** you want to try: screens off at ten, a shower, a page of a novel.\n\nWe will check next week how it went, without judging the result.",
                "a simple wind-down routine", "Agree, but ten is too early for me. Half ten.", "Writing the routine down made it feel doable.", "Jordan adjusted the plan herself. Good sign of ownership."),
        ],
        ["casey"] =
        [
            new("Worrying a lot at night again.", "Night-time worry", "Trying a worry window",
                "You described worry building at night, mostly about work and money. We tried out the idea of a **worry window**: twenty minutes in the early evening to write worries down and decide which ones need action.\n\nYou will try it on four evenings this week.",
                "worry window", "I like that it is short.", "I am sceptical but willing to try it.", "Casey's humour is a resource. Keep sessions light enough."),
            new("Worry window worked on two evenings.", "What to do on the evenings it did not work", "Sleep diary",
                "The worry window worked on two evenings. On the others you were too tired to start it. We talked about making it smaller on tired days: five minutes is still a window.\n\nWe also started a sleep diary together so we can see patterns rather than guess.",
                "five minutes is still a window", "This changed how I think about it.", "I feel less like I failed at it.", "Perfectionism showing up around the exercise itself; name it gently later."),
        ],
        ["couple"] =
        [
            new("Two calm evenings and one argument about chores.", "The chores argument", "How you each know the other is listening",
                "Riley and Avery described two calm evenings and one argument about chores. Rather than deciding who was right, we slowed the argument down and each of you said **what you needed the other to hear**.\n\nRiley: to feel that the tiredness is seen. Avery: to feel that the effort is noticed.\n\nYou will each try one small way of showing you have heard the other this week.",
                "what you needed the other to hear", "Yes, and it was easier to say here than at home.", "I want us to keep doing this at home, not only here.", "Pattern: pursue/withdraw around chores. Both partners engaged well; keep balance of airtime."),
            new("Tried the listening exercise twice.", "Planning the visit to Avery's parents", "What helped the listening exercise work",
                "You tried the listening exercise twice and it worked best when you agreed a time for it in advance.\n\nMost of the session was about **planning the visit to Avery's parents**: how long to stay, and a signal either of you can use when you need a break.",
                "planning the visit to Avery's parents", "I disagree a little: I think we still need to talk about the first evening.", "We left with an actual plan. That is new.", "Family-of-origin theme emerging for Avery. Check with both before going there."),
        ],
        ["kim"] =
        [
            new("The anniversary is next month.", "Getting through the anniversary", "Ways of remembering that feel right",
                "You told me the anniversary of your mother's death is next month and that you are dreading it. We talked about **ways of remembering that feel right to you**: cooking her recipe, visiting the coast, or doing nothing special at all.\n\nThere is no right way. You will talk to your sister about what she would like.",
                "ways of remembering that feel right to you", "Thank you for saying there is no right way.", "I cried but it felt like a good kind of crying.", "Kim carries guilt about the last months of caring; not yet spoken. Hold space; do not lead."),
            new("Spoke with my sister; we will cook together.", "Guilt about the last months", "How you are sleeping",
                "You spoke with your sister and you will cook your mother's recipe together on the day.\n\nYou brought **guilt about the last months** of caring for your mother. We listened to it rather than arguing with it, and you noticed how much of it is love with nowhere to go.",
                "guilt about the last months", "This is the first time I have said it out loud.", "Lighter after this one.", "Kim named the guilt herself. Important session; follow her pace."),
        ],
    };
}

namespace Tandem.Features.Measures.Reviews;

/// <summary>The review's questions, in Tandem's plain and respectful words, the same on every page that shows them.</summary>
public static class ReviewQuestions
{
    public static readonly (string Field, string Label, string Hint)[] Client =
    [
        ("planFit", "How well does the plan fit what matters to you right now?", "The goals, the focus, the way we work."),
        ("pace", "How is the pace for you?", "Too fast, too slow, about right, or something else."),
        ("life", "What is happening in your life at the moment?", "Anything that makes this work easier or harder just now."),
        ("support", "Who or what supports you around you?", "People, places, routines. Or what is missing."),
    ];

    public static readonly (string Field, string Label, string Hint)[] Therapist =
    [
        ("alliance", "Our working relationship", "Do we agree on the goals and on how we work? Has anything strained it?"),
        ("motivation", "Hopes and motivation", "What the client wants from this work now, and what might be getting in the way."),
        ("lifeEvents", "Life events", "What is happening in the client's life that may matter."),
        ("support", "Support around the client", "Who and what helps; what is missing."),
        ("approach", "A different approach or format?", "Whether another approach, more or less structure, client-led or therapist-led work, another format or a referral might help."),
    ];

    /// <summary>What opened the review, in words both sides can read.</summary>
    public static string Why(string trigger, bool forClient) => (trigger, forClient) switch
    {
        ("CollaborationDrop", true) => "Your recent Collaboration Check suggests the sessions may not be working for you as well as they could.",
        ("CollaborationDrop", false) => "The client's recent Collaboration Check dropped (a collaboration concern).",
        (_, true) => "Your recent questionnaire scores have not moved the way people starting where you started usually do.",
        _ => "The client's recent scores are not on track (see the alert and the progress chart).",
    };

    public static ClientReviewAnswers? ClientFrom(Func<string, string?> field) =>
        new(field("planFit"), field("pace"), field("life"), field("support"));

    public static TherapistReviewAnswers TherapistFrom(Func<string, string?> field) =>
        new(field("alliance"), field("motivation"), field("lifeEvents"), field("support"), field("approach"));

    public static string? ClientAnswer(ClientReviewAnswers a, string field) => field switch
    {
        "planFit" => a.PlanFit,
        "pace" => a.Pace,
        "life" => a.Life,
        _ => a.Support,
    };

    public static string? TherapistAnswer(TherapistReviewAnswers a, string field) => field switch
    {
        "alliance" => a.Alliance,
        "motivation" => a.Motivation,
        "lifeEvents" => a.LifeEvents,
        "support" => a.Support,
        _ => a.Approach,
    };
}

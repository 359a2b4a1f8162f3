namespace Tandem.Features.Insights;

/// <summary>Plain-language definitions, one click from each figure on the page and in the API.</summary>
public static class OutcomeDefinitions
{
    public static readonly IReadOnlyList<OutcomeDefinition> All =
    [
        new("period", "Period", "Every figure covers one whole calendar month, quarter or year, in the practice's time zone, once it is over. Dates in between are widened to the shortest such period that holds them. A period still running is not shown: it changes day by day, and comparing two days could point to one person. A month is shown once its quarter is over, so a month of very few people can be protected by its neighbours. Finished courses are reported by quarter for the whole practice and by year for each format and therapist too; engagements and sessions by month for the whole practice and by quarter for each format and therapist. Elsewhere a figure reads 'not reported for this period'."),
        new("started", "Engagements started", "Engagements whose start falls in the period (engagements, not people: a couple is one engagement)."),
        new("active", "Active", "Engagements not ended by the end of the period and not paused today."),
        new("paused", "Paused", "Engagements not ended by the end of the period and paused today (Tandem keeps whether an engagement is paused now, not when past pauses happened)."),
        new("shared-decisions", "Shared decisions (CollaboRATE)", "Clients' CollaboRATE answers in the period (three questions on shared decision-making, each 0 to 9; Elwyn, Barr and colleagues, Dartmouth, CC BY-NC-ND 3.0). Top scores: the share of answers with 9 on all three questions, the developers' recommended score. Mean: the mean of each answer's three questions. Shown only from 5 or more clients and, as the developers ask, 25 or more answers; no counts are shown, so nothing about fewer people can be worked out by subtraction."),
        new("ended", "Engagements ended", "Engagements that ended in the period."),
        new("sessions", "Sessions held", "Sessions marked as held whose start falls in the period (cancelled and missed sessions are not counted)."),
        new("courses", "Finished courses", "A course is one client in one engagement (a couple is two courses). Finished courses are those whose engagement ended in the period. This is the view that compares with NHS Talking Therapies' published figures."),
        new("dropout", "Ended early", "Of the finished courses, the share that ended before their third held session."),
        new("measured", "With scores to compare", "Finished courses with at least two PHQ-9 or two GAD-7 scores. The first score ever is compared with the last, whenever they fell; a measure scored once counts that score as both first and last (NHS Talking Therapies pairs PHQ-9 and GAD-7 this way)."),
        new("cases", "At caseness at the start", "Courses whose first score was at caseness on either measure: PHQ-9 10 or more, or GAD-7 8 or more."),
        new("reliable-improvement", "Reliable improvement", "A reliable fall (PHQ-9: 6 points or more, GAD-7: 4 or more) on at least one measure and a reliable rise on neither (NHS Talking Therapies)."),
        new("no-reliable-change", "No reliable change", "Neither measure rose or fell reliably."),
        new("reliable-deterioration", "Reliable deterioration", "A reliable rise on at least one measure and a reliable fall on neither."),
        new("mixed", "Mixed", "A reliable fall on one measure and a reliable rise on the other. NHS Talking Therapies counts it as neither improvement nor deterioration; it is shown on its own line so it is never hidden."),
        new("recovery", "Recovery", "Of the courses at caseness at the start, the share below caseness on both measures at the last score."),
        new("reliable-recovery", "Reliable recovery", "Of the courses at caseness at the start, the share who recovered and also reliably improved."),
        new("response", "Response (PHQ-9)", "Of the courses at PHQ-9 caseness at the start (10 or more) with two PHQ-9 scores, the share whose last PHQ-9 is at most half the first: a fall of 50% or more. Used by many services outside England."),
        new("remission", "Remission (PHQ-9)", "Of the same courses, the share whose last PHQ-9 is below 5 (the 'minimal' band)."),
        new("effect-size", "Effect size (pre-post)", "Cohen's d: the mean first score minus the mean last score, divided by the standard deviation of the first scores (positive means scores fell). The 95% interval uses the variance 2(1 - r)/n + d²/(2n), r being the correlation between first and last scores. Around 0.2 is small, 0.5 medium, 0.8 large."),
        new("in-treatment", "In treatment at the end of the period", "Courses not finished by the last day of the period, from their first score ever to the latest by that day. They are still going, so their figures say how the work is going, not how it ended, and do not compare with national figures."),
        new("below-caseness", "Below caseness so far", "Of the courses in treatment that were at caseness at the start, the share below caseness on both measures at their latest score."),
        new("collaboration", "Collaboration Check", "The mean total (0 to 28) of the clients' Collaboration Checks and of the therapists' own ratings in the period, each person counting once."),
        new("gap", "Rating gap (fidelity)", "Per engagement, the therapist's mean rating minus the clients' mean rating, averaged over engagements with both. Near 0: both see the work the same way. Positive: the therapist rates the collaboration higher than the client does."),
        new("reviews", "Off-track reviews (fidelity)", "Each signal that the work was off track (a 'not on track' alert or a Collaboration Check concern) opens a short review for the client and the therapist. A signal counts in the period its four weeks for a review closed, so a period's figures are final once it is over. 'Completed' means both sides answered within those four weeks (a client who said no thanks is not completed). The median counts days from the signal to the second side's answer, over 5 or more completed reviews."),
        new("goals", "Goal rating change", "For each goal the client rated at least twice in the period, the last rating (0 to 10) minus the first, averaged over goals."),
        new("suppression", "Fewer than 5, and not shown", "No count of 1 to 4 people is shown: it reads 'fewer than 5', and a group of fewer than 5 people shows no figures. Some other figures read 'not shown': they would let such a count be worked out from the figures around them (a total minus its other parts, a year minus its other quarters, all minus the rest of a share). Means need 5 people, and are shown only where the count of courses with scores is. Rates are whole percents and means have one decimal, in the page and the API alike. No names appear. How this works: docs/outcome-disclosure.md."),
    ];
}

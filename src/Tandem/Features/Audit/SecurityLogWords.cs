using System.Text.RegularExpressions;

namespace Tandem.Features.Audit;

/// <summary>
/// The practice admin's security log in plain words (issue 21): what happened, how, and whether it
/// worked, never an event code, a method name or a record id. The audit trail itself keeps every
/// entry as it was written; this is only how they are read. A sign-in that took two steps (a right
/// password, then the code) is one line, as the person experienced it.
/// </summary>
internal static partial class SecurityLogWords
{
    private static readonly TimeSpan SecondStepWindow = TimeSpan.FromMinutes(10);

    public static string Outcome(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Success => "Done",
        AuditOutcome.Failure => "Failed",
        AuditOutcome.Refused => "Refused",
        _ => "Unknown",
    };

    public static string Role(string? role) => role switch
    {
        "PracticeAdmin" => "Practice admin",
        "Therapist" => "Therapist",
        "Client" => "Client",
        null or "" or "Anonymous" => "Not signed in",
        _ => role,
    };

    /// <summary>Leaves out the first step of a two-step sign-in when the second step follows (newest first, as the log reads).</summary>
    public static IEnumerable<AuditEntry> OneEntryPerSignIn(IReadOnlyList<AuditEntry> newestFirst)
    {
        for (var i = 0; i < newestFirst.Count; i++)
        {
            var e = newestFirst[i];
            if (IsFirstOfTwoSteps(e) && FollowedBySecondStep(newestFirst, i))
            {
                continue;
            }

            yield return e;
        }
    }

    public static string Describe(AuditEntry e) => e.ObjectType switch
    {
        "SignIn" => SignIn(e),
        "Account" => "Account created",
        "Account.Deactivated" => "Account deactivated",
        "Account.Reactivated" => "Account reactivated",
        "Account.Password" => "Password changed",
        "Account.TwoFactorOn" => "Two-step sign-in turned on",
        "Account.TwoFactorOff" => "Two-step sign-in turned off",
        "Account.Passkey" => e.Action == AuditAction.Delete ? "Passkey removed" : "Passkey added",
        "Account.LockedOut" => "Account locked after repeated failures",
        "Account.SlowedDown" => "Sign-in slowed down after repeated failures",
        "Account.Role" => "Role changed",
        "Account.Email" => "Email changed",
        "SignInSession" => e.Outcome == AuditOutcome.Refused ? "Signed out everywhere: a sign-in token was used twice (possibly stolen)" : "Signed out of a device",
        "PasswordReset" => e.ObjectId switch
        {
            "emailed" => "Password reset link emailed",
            "sent-by-admin" => "Password reset link sent by the practice",
            "completed" => "Password set with a reset link",
            "refused" => "Password reset link refused",
            _ => "Password reset asked for",
        },
        "BreakGlass" => "Emergency access to a record opened",
        "Invitation" => e.Outcome == AuditOutcome.Refused ? "Invitation link refused" : "Invitation",
        "OutcomeReport" => "Outcome report read",
        "OutcomeReportCsv" => "Outcome CSV downloaded",
        "SecurityLog" => "Security log read",
        "AuditVerification" => "Audit trail checked",
        "Endpoint" => "Refused: a page or request this person may not open",
        _ when e.Purpose == AuditPurposes.BreakGlass => $"Emergency read: {AccessLog.Noun(e.ObjectType)}",
        _ when e.Outcome == AuditOutcome.Refused => $"Refused: {AccessLog.Noun(e.ObjectType)}",
        _ => e.Action switch
        {
            AuditAction.Create => "Added " + AccessLog.Noun(e.ObjectType),
            AuditAction.Read => "Opened " + AccessLog.Noun(e.ObjectType),
            AuditAction.Update => "Changed " + AccessLog.Noun(e.ObjectType),
            AuditAction.Delete => "Removed " + AccessLog.Noun(e.ObjectType),
            _ => "Used " + AccessLog.Noun(e.ObjectType),
        },
    };

    /// <summary>What else there is to say: a refused request's method and path with record ids left out; report periods; nothing for sign-ins (the event says it).</summary>
    public static string Detail(AuditEntry e) => e.ObjectType switch
    {
        "SignIn" or "PasswordReset" or "SignInSession" or "BreakGlass" or "Invitation" => "",
        _ when e.ObjectId is null => "",
        _ when Guid.TryParse(e.ObjectId, out _) => "",
        _ => RecordId().Replace(e.ObjectId, "…"),
    };

    private static string SignIn(AuditEntry e)
    {
        var (app, how, note) = Method(e.ObjectId);
        var where = app ? " in the app" : "";
        return e.Outcome switch
        {
            AuditOutcome.Success => "Signed in" + (app ? " to the app" : "") + how switch
            {
                "totp" => " with an authenticator code",
                "recovery-code" => " with a recovery code",
                "passkey" => " with a passkey",
                _ => "",
            },
            AuditOutcome.Refused when note == "slowed down" => $"Sign-in refused{where}: too many failed attempts, asked to wait",
            AuditOutcome.Refused => $"Sign-in refused{where}: this account may not sign in",
            _ when note == "second factor needed" => $"Sign-in stopped{where} at the second step (the password was right)",
            _ when note == "invalid input" => "Sign-in form sent incomplete",
            _ when note == "browser error" => "Passkey sign-in failed in the browser",
            _ => $"Sign-in failed{where}: " + how switch
            {
                "totp" => "wrong authenticator code",
                "recovery-code" => "wrong recovery code",
                "passkey" => "passkey not accepted",
                _ => "wrong password",
            },
        };
    }

    /// <summary>"api-password (slowed down)" → (app, "password", "slowed down").</summary>
    private static (bool App, string How, string? Note) Method(string? method)
    {
        method ??= "";
        var open = method.IndexOf('(', StringComparison.Ordinal);
        var note = open >= 0 ? method[(open + 1)..].TrimEnd(')').Trim() : null;
        var core = (open >= 0 ? method[..open] : method).Trim();
        var app = core == "api" || core.StartsWith("api-", StringComparison.Ordinal);
        var how = core == "api" ? "" : app ? core[4..] : core;
        return (app, how, note);
    }

    private static bool IsFirstOfTwoSteps(AuditEntry e) =>
        e.ObjectType == "SignIn" && e.ObjectId?.Contains("(second factor needed)", StringComparison.Ordinal) == true;

    private static bool FollowedBySecondStep(IReadOnlyList<AuditEntry> newestFirst, int index)
    {
        var first = newestFirst[index];
        for (var j = index - 1; j >= 0; j--)
        {
            var later = newestFirst[j];
            if (later.At - first.At > SecondStepWindow)
            {
                return false;
            }

            if (later.ObjectType == "SignIn" && later.UserId == first.UserId && !IsFirstOfTwoSteps(later))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex RecordId();
}

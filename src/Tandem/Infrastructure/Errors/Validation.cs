using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Tandem.Infrastructure.Errors;

/// <summary>Checks a request record's data annotations and answers a 400 validation problem naming each field.</summary>
public static class Validation
{
    public static ValidationProblem? Check(object request)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true))
        {
            return null;
        }

        var errors = results
            .SelectMany(r => (r.MemberNames.Any() ? r.MemberNames : [""]).Select(m => (Member: JsonName(m), r.ErrorMessage ?? "Invalid.")))
            .GroupBy(e => e.Member)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Item2).ToArray());
        return TypedResults.ValidationProblem(errors, title: "Some fields need attention.");
    }

    private static string JsonName(string member) =>
        member.Length == 0 ? member : char.ToLowerInvariant(member[0]) + member[1..];
}

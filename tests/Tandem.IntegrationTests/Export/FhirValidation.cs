using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Tandem.Infrastructure.Fhir;

namespace Tandem.IntegrationTests.Export;

/// <summary>
/// Validates against base FHIR R4 with the app's own validator (<see cref="FhirValidator"/>,
/// shared with instrument import), so exports and imports are held to the same rules.
/// </summary>
internal static class FhirValidation
{
    public static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static Bundle Parse(string json) => JsonSerializer.Deserialize<Bundle>(json, Json)
        ?? throw new InvalidOperationException("Not a Bundle.");

    /// <summary>Errors and fatal issues only; warnings and information are returned separately.</summary>
    public static (IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings) Validate(Resource resource)
    {
        var outcome = FhirValidator.Validate(resource);

        static string Line(OperationOutcome.IssueComponent i) => $"{i.Severity} {i.Code} at {string.Join(",", i.Expression ?? [])}: {i.Details?.Text ?? i.Diagnostics}";
        return (
            outcome.Issue.Where(FhirValidator.IsError).Select(Line).ToList(),
            outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Warning).Select(Line).ToList());
    }
}

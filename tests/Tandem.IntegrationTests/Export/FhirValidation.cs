using System.Text.Json;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Tandem.IntegrationTests.Export;

/// <summary>
/// One Firely validator for the test process, against base FHIR R4 (the specification zip of
/// Hl7.Fhir.Specification.Data.R4): compiling the StructureDefinitions is the slow part, so
/// the resolver is cached and the validator reused.
/// </summary>
internal static class FhirValidation
{
    public static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    private static readonly Lazy<Validator> Shared = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, new LocalTerminologyService(resolver));
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lock Gate = new();

    public static Bundle Parse(string json) => JsonSerializer.Deserialize<Bundle>(json, Json)
        ?? throw new InvalidOperationException("Not a Bundle.");

    /// <summary>Errors and fatal issues only; warnings and information are returned separately.</summary>
    public static (IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings) Validate(Resource resource)
    {
        OperationOutcome outcome;
        lock (Gate)
        {
            outcome = Shared.Value.Validate(resource);
        }

        static string Line(OperationOutcome.IssueComponent i) => $"{i.Severity} {i.Code} at {string.Join(",", i.Expression ?? [])}: {i.Details?.Text ?? i.Diagnostics}";
        return (
            outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).Select(Line).ToList(),
            outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Warning).Select(Line).ToList());
    }
}

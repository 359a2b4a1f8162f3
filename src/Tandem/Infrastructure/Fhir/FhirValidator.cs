using Firely.Fhir.Validation;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using FM = Hl7.Fhir.Model;

namespace Tandem.Infrastructure.Fhir;

/// <summary>
/// One Firely validator per process, against base FHIR R4 (the specification zip of
/// Hl7.Fhir.Specification.Data.R4). Compiling the StructureDefinitions is the slow part, so the
/// resolver is cached and the validator reused; it is built on first use (an instrument import,
/// or the export tests), never at start. Calls are serialised: validation is rare and the
/// validator's caches are not meant for concurrent warm-up.
/// </summary>
public static class FhirValidator
{
    private static readonly Lazy<Validator> Shared = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, new LocalTerminologyService(resolver));
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lock Gate = new();

    /// <summary>Every issue the validator reports, errors and warnings alike.</summary>
    public static FM.OperationOutcome Validate(FM.Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        lock (Gate)
        {
            return Shared.Value.Validate(resource);
        }
    }

    public static bool IsError(FM.OperationOutcome.IssueComponent issue) =>
        issue?.Severity is FM.OperationOutcome.IssueSeverity.Error or FM.OperationOutcome.IssueSeverity.Fatal;
}

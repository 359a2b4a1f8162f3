using System.Globalization;
using System.Net;
using System.Text;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Plans;
using Tandem.Features.Sessions;
using FM = Hl7.Fhir.Model;

namespace Tandem.Features.Export;

/// <summary>
/// Maps what one viewer may see (<see cref="ExportRecord"/>) to FHIR R4 resources (Firely SDK),
/// following DOMAIN.md section 7. Every resource gets a full URL under <c>{base}/fhir/</c> and
/// references between them are relative (Type/id), so they resolve inside the Bundle.
/// </summary>
public sealed class FhirBundleBuilder(string baseUrl, Func<string, Instrument?> instruments)
{
    public const string TandemSystem = "https://tandem.example/fhir";
    public const string LoincSystem = "http://loinc.org";

    private static readonly System.Text.Json.JsonSerializerOptions WebJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    private readonly Dictionary<string, FM.Resource> _entries = new(StringComparer.Ordinal);
    private readonly string _base = baseUrl.TrimEnd('/') + "/fhir";

    public FM.Bundle Build(DateTimeOffset now)
    {
        var bundle = new FM.Bundle
        {
            Type = FM.Bundle.BundleType.Collection,
            Timestamp = now.ToUniversalTime(),
            Identifier = new FM.Identifier(TandemSystem + "/export", Guid.CreateVersion7(now).ToString()),
        };
        foreach (var (url, resource) in _entries)
        {
            bundle.Entry.Add(new FM.Bundle.EntryComponent { FullUrl = url, Resource = resource });
        }

        return bundle;
    }

    public void Add(ExportRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        AddOrganization(r);
        foreach (var person in r.People)
        {
            AddPerson(r, person);
        }

        var subject = Subject(r);
        AddCareTeam(r, subject);
        AddPlan(r, subject);
        AddSessions(r, subject);
        AddNotes(r, subject);
        AddReflections(r);
        AddMeasures(r, subject);
        AddMessages(r, subject);
        AddConsents(r);
        AddAccessLog(r);
    }

    private void Put(FM.Resource resource)
    {
        var url = $"{_base}/{resource.TypeName}/{resource.Id}";
        _entries.TryAdd(url, resource);
    }

    private static FM.ResourceReference Ref(string type, object id, string? display = null) => new($"{type}/{id}", display);

    private static FM.ResourceReference PersonRef(ExportRecord r, Guid userId) => r.Person(userId) is { } p
        ? Ref(p.Role == ParticipantRole.Therapist ? "Practitioner" : "Patient", p.Id, p.DisplayName)
        : new FM.ResourceReference { Display = "Former member" };

    /// <summary>One client: their Patient; a couple or family: a Group of the clients.</summary>
    private static FM.ResourceReference Subject(ExportRecord r)
    {
        var clients = r.Clients.ToList();
        return clients.Count == 1 ? Ref("Patient", clients[0].Id, clients[0].DisplayName) : Ref("Group", r.Engagement.Id, r.Engagement.Title);
    }

    private static string When(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Plain text as XHTML narrative (escaped, paragraphs and line breaks kept).</summary>
    public static FM.Narrative Narrative(params IEnumerable<(string? Heading, string Text)> parts)
    {
        var html = new StringBuilder("<div xmlns=\"http://www.w3.org/1999/xhtml\">");
        foreach (var (heading, text) in parts)
        {
            if (heading is not null)
            {
                html.Append("<p><b>").Append(Escape(heading)).Append("</b></p>");
            }

            foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            {
                html.Append("<p>").Append(string.Join("<br/>", paragraph.Split('\n').Select(Escape))).Append("</p>");
            }
        }

        return new FM.Narrative { Status = FM.Narrative.NarrativeStatus.Generated, Div = html.Append("</div>").ToString() };
    }

    private static string Escape(string text) =>
        WebUtility.HtmlEncode(new string(text.Where(c => !char.IsControl(c) || c == '\t').ToArray()));

    private void AddOrganization(ExportRecord r) => Put(new FM.Organization
    {
        Id = r.Practice.Id.ToString(),
        Active = true,
        Name = r.Practice.Name,
    });

    private void AddPerson(ExportRecord r, ExportPerson person)
    {
        var name = new FM.HumanName { Text = person.DisplayName };
        var telecom = person.Email is { } email ? new List<FM.ContactPoint> { new(FM.ContactPoint.ContactPointSystem.Email, null, email) } : [];
        if (person.Role == ParticipantRole.Therapist)
        {
            Put(new FM.Practitioner { Id = person.Id.ToString(), Active = true, Name = [name], Telecom = telecom });
            return;
        }

        Put(new FM.Patient
        {
            Id = person.Id.ToString(),
            Active = true,
            Name = [name],
            Telecom = telecom,
            ManagingOrganization = Ref("Organization", r.Practice.Id, r.Practice.Name),
        });
    }

    private void AddCareTeam(ExportRecord r, FM.ResourceReference subject)
    {
        var e = r.Engagement;
        var clients = r.Clients.ToList();
        if (clients.Count != 1)
        {
            Put(new FM.Group
            {
                Id = e.Id.ToString(),
                Type = FM.Group.GroupType.Person,
                Actual = true,
                Name = e.Title,
                Quantity = clients.Count,
                Member = clients.Select(c => new FM.Group.MemberComponent
                {
                    Entity = Ref("Patient", c.Id, c.DisplayName),
                    Inactive = e.ParticipantFor(c.Id) is null,
                }).ToList(),
            });
        }

        Put(new FM.CareTeam
        {
            Id = e.Id.ToString(),
            Status = e.Status switch
            {
                EngagementStatus.Ended => FM.CareTeam.CareTeamStatus.Inactive,
                EngagementStatus.Paused => FM.CareTeam.CareTeamStatus.Suspended,
                EngagementStatus.Invited => FM.CareTeam.CareTeamStatus.Proposed,
                _ => FM.CareTeam.CareTeamStatus.Active,
            },
            Name = e.Title,
            Subject = subject,
            Period = new FM.Period { Start = When(e.CreatedAt), End = e.EndedAt is { } end ? When(end) : null },
            ManagingOrganization = [Ref("Organization", r.Practice.Id, r.Practice.Name)],
            Note = [new FM.Annotation { Text = new FM.Markdown($"Format: {(e.Format == EngagementFormat.ClientLed ? "client-led" : "therapist-led")}.") }],
            Participant = e.Participants.OrderBy(p => p.JoinedAt).Select(p => new FM.CareTeam.ParticipantComponent
            {
                Role = [new FM.CodeableConcept { Text = p.Role == ParticipantRole.Therapist ? "Therapist" : "Client" }],
                Member = PersonRef(r, p.UserId),
                Period = new FM.Period { Start = When(p.JoinedAt), End = p.LeftAt is { } left ? When(left) : null },
            }).ToList(),
        });
    }

    private void AddPlan(ExportRecord r, FM.ResourceReference subject)
    {
        if (r.Plan is not { } plan)
        {
            return;
        }

        foreach (var goal in plan.Goals.OrderBy(g => g.CreatedAt).ThenBy(g => g.Id))
        {
            var resource = new FM.Goal
            {
                Id = goal.Id.ToString(),
                LifecycleStatus = goal.Status switch
                {
                    GoalStatus.Proposed => FM.Goal.GoalLifecycleStatus.Proposed,
                    GoalStatus.Agreed => FM.Goal.GoalLifecycleStatus.Active,
                    GoalStatus.Achieved => FM.Goal.GoalLifecycleStatus.Completed,
                    _ => FM.Goal.GoalLifecycleStatus.Cancelled,
                },
                Description = new FM.CodeableConcept { Text = goal.Text },
                Subject = subject,
                Start = new FM.Date(goal.CreatedAt.UtcDateTime.Year, goal.CreatedAt.UtcDateTime.Month, goal.CreatedAt.UtcDateTime.Day),
                ExpressedBy = PersonRef(r, goal.CreatedBy),
            };
            if (goal.Status == GoalStatus.Achieved)
            {
                resource.AchievementStatus = new FM.CodeableConcept("http://terminology.hl7.org/CodeSystem/goal-achievement", "achieved", "Achieved");
            }

            if (goal.WhyItMatters is { Length: > 0 } why)
            {
                resource.Note.Add(new FM.Annotation { Text = new FM.Markdown("Why it matters: " + why) });
            }

            foreach (var agreement in goal.Agreements.OrderBy(a => a.At))
            {
                resource.Note.Add(new FM.Annotation
                {
                    Author = PersonRef(r, agreement.ClientId),
                    Time = When(agreement.At),
                    Text = new FM.Markdown("Agreed to this goal."),
                });
            }

            Put(resource);
        }

        var carePlan = new FM.CarePlan
        {
            Id = plan.Id.ToString(),
            Status = r.Engagement.Status == EngagementStatus.Ended ? FM.RequestStatus.Completed : FM.RequestStatus.Active,
            Intent = FM.CarePlan.CarePlanIntent.Plan,
            Title = "Our plan: " + r.Engagement.Title,
            Description = string.IsNullOrWhiteSpace(plan.Focus) ? null : plan.Focus,
            Subject = subject,
            Created = When(r.Engagement.CreatedAt),
            CareTeam = [Ref("CareTeam", r.Engagement.Id, r.Engagement.Title)],
            Goal = plan.Goals.OrderBy(g => g.CreatedAt).ThenBy(g => g.Id).Select(g => Ref("Goal", g.Id)).ToList(),
            Contributor = r.Engagement.Participants.Select(p => p.UserId).Distinct().Select(u => PersonRef(r, u)).Where(x => x.Reference is not null).ToList(),
        };
        foreach (var c in plan.Commitments.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id))
        {
            carePlan.Activity.Add(new FM.CarePlan.ActivityComponent
            {
                Detail = new FM.CarePlan.DetailComponent
                {
                    Status = c.DoneAt is null ? FM.CarePlan.CarePlanActivityStatus.NotStarted : FM.CarePlan.CarePlanActivityStatus.Completed,
                    Description = c.Text,
                    Performer = [PersonRef(r, c.OwnerId)],
                    Scheduled = c.Due is { } due ? new FM.FhirString("Due " + due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : null,
                },
            });
        }

        foreach (var q in plan.Questions.OrderBy(q => q.CreatedAt).ThenBy(q => q.Id))
        {
            carePlan.Note.Add(new FM.Annotation
            {
                Author = PersonRef(r, q.CreatedBy),
                Time = When(q.CreatedAt),
                Text = new FM.Markdown((q.ClosedAt is null ? "Open question: " : "Closed question: ") + q.Text),
            });
        }

        Put(carePlan);

        // Goal progress ratings (shared with every participant, like the plan).
        foreach (var rating in r.GoalRatings.Where(x => plan.Goals.Any(g => g.Id == x.GoalId)))
        {
            var observation = new FM.Observation
            {
                Id = rating.Id.ToString(),
                Status = FM.ObservationStatus.Final,
                Category = [new FM.CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey")],
                Code = new FM.CodeableConcept(TandemSystem + "/CodeSystem/goal", "goal-progress", "Goal progress (0 no progress, 10 fully reached)"),
                Subject = subject,
                Focus = [Ref("Goal", rating.GoalId)],
                Effective = new FM.FhirDateTime(rating.At.ToUniversalTime()),
                Performer = [PersonRef(r, rating.RaterId)],
                Value = new FM.Integer(rating.Value),
            };
            if (rating.Attainment is { } attainment)
            {
                observation.Component.Add(new FM.Observation.ComponentComponent
                {
                    Code = new FM.CodeableConcept(TandemSystem + "/CodeSystem/goal", "goal-attainment", "Goal Attainment Scaling (-2..+2)"),
                    Value = new FM.Integer(attainment),
                });
            }

            Put(observation);
        }

        // The plan's history: who changed what, when (the change list as the narrative).
        foreach (var version in r.PlanVersions)
        {
            var changes = PlanChanges(version.Changes);
            Put(new FM.Provenance
            {
                Id = version.Id.ToString(),
                Text = Narrative((null, changes.Count == 0 ? $"Version {version.Number} of the plan." : string.Join("\n", changes))),
                Target = [Ref("CarePlan", plan.Id)],
                Recorded = version.At.ToUniversalTime(),
                Activity = new FM.CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-DataOperation", version.Number == 1 ? "CREATE" : "UPDATE"),
                Agent = [new FM.Provenance.AgentComponent { Who = PersonRef(r, version.AuthorId) }],
            });
        }
    }

    private static List<string> PlanChanges(string json)
    {
        try
        {
            var changes = System.Text.Json.JsonSerializer.Deserialize<List<PlanChange>>(json, WebJson) ?? [];
            return changes.Select(c => c.Before is null ? $"{c.What}: {c.After}" : c.After is null ? $"{c.What}: {c.Before} (removed)" : $"{c.What}: {c.Before} -> {c.After}").ToList();
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    private void AddSessions(ExportRecord r, FM.ResourceReference subject)
    {
        foreach (var s in r.Sessions)
        {
            var agenda = r.AgendaItems.Where(a => a.SessionId == s.Id).ToList();
            var participants = r.Engagement.Participants.Where(p => p.JoinedAt <= s.EndsAt && (p.LeftAt is null || p.LeftAt >= s.StartsAt))
                .Select(p => p.UserId).Distinct().ToList();
            Put(new FM.Appointment
            {
                Id = s.Id.ToString(),
                Status = s.Status switch
                {
                    SessionStatus.Completed => FM.Appointment.AppointmentStatus.Fulfilled,
                    SessionStatus.Cancelled => FM.Appointment.AppointmentStatus.Cancelled,
                    SessionStatus.Missed => FM.Appointment.AppointmentStatus.Noshow,
                    _ => FM.Appointment.AppointmentStatus.Booked,
                },
                Description = (s.LocationKind == LocationKind.Online ? "Online session: " : "Session at ") + s.Location,
                Start = s.StartsAt.ToUniversalTime(),
                End = s.EndsAt.ToUniversalTime(),
                MinutesDuration = s.DurationMinutes,
                Created = When(s.CreatedAt),
                Comment = agenda.Count == 0 ? null : "Agenda:\n" + string.Join("\n", agenda.Select(a => $"- {a.Text} ({NameOf(r, a.AuthorId)})")),
                Participant = participants.Select(u => new FM.Appointment.ParticipantComponent
                {
                    Actor = PersonRef(r, u),
                    Status = FM.ParticipationStatus.Accepted,
                }).ToList(),
            });
            Put(new FM.Encounter
            {
                Id = s.Id.ToString(),
                Status = s.Status switch
                {
                    SessionStatus.Completed => FM.Encounter.EncounterStatus.Finished,
                    SessionStatus.Cancelled or SessionStatus.Missed => FM.Encounter.EncounterStatus.Cancelled,
                    _ => FM.Encounter.EncounterStatus.Planned,
                },
                Class = s.LocationKind == LocationKind.Online
                    ? new FM.Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "VR", "virtual")
                    : new FM.Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"),
                Subject = subject,
                Period = new FM.Period { Start = When(s.StartsAt), End = When(s.EndsAt) },
                Appointment = [Ref("Appointment", s.Id)],
                ServiceProvider = Ref("Organization", r.Practice.Id, r.Practice.Name),
                Participant = participants.Where(u => r.Person(u)?.Role == ParticipantRole.Therapist)
                    .Select(u => new FM.Encounter.ParticipantComponent { Individual = PersonRef(r, u) }).ToList(),
            });
        }
    }

    private static string NameOf(ExportRecord r, Guid id) => r.NameOf(id);

    /// <summary>Shared progress notes as Compositions: the note, its amendments and the participants' comments.</summary>
    private void AddNotes(ExportRecord r, FM.ResourceReference subject)
    {
        foreach (var note in r.WrittenNotes.OrderBy(n => r.Sessions.FirstOrDefault(s => s.Id == n.SessionId)?.StartsAt).ThenBy(n => n.Id))
        {
            var session = r.Sessions.First(s => s.Id == note.SessionId);
            var amendments = r.Amendments.Where(a => a.NoteId == note.Id).ToList();
            var annotations = r.Annotations.Where(a => a.NoteId == note.Id).ToList();
            var author = note.AuthorId ?? note.UpdatedBy ?? note.SignedBy;
            var composition = new FM.Composition
            {
                Id = note.Id.ToString(),
                Status = note.Status == NoteStatus.Draft ? FM.CompositionStatus.Preliminary
                    : amendments.Count > 0 ? FM.CompositionStatus.Amended : FM.CompositionStatus.Final,
                Type = new FM.CodeableConcept(LoincSystem, "11506-3", "Progress note"),
                Subject = subject,
                Encounter = Ref("Encounter", session.Id),
                Date = When(note.SignedAt ?? note.UpdatedAt ?? note.CreatedAt),
                Author = [author is { } a ? PersonRef(r, a) : new FM.ResourceReference { Display = r.Practice.Name }],
                Title = "Session note, " + session.StartsAt.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Custodian = Ref("Organization", r.Practice.Id, r.Practice.Name),
            };
            if (note.SignedAt is { } signedAt && note.SignedBy is { } signedBy)
            {
                composition.Attester.Add(new FM.Composition.AttesterComponent
                {
                    Mode = FM.Composition.CompositionAttestationMode.Legal,
                    Time = When(signedAt),
                    Party = PersonRef(r, signedBy),
                });
            }

            composition.Section.Add(new FM.Composition.SectionComponent
            {
                Title = note.Status == NoteStatus.Draft ? "Note (draft)" : "Note, as signed",
                Code = new FM.CodeableConcept { Text = "note" },
                Text = Narrative((null, note.Body)),
            });
            var n = 0;
            foreach (var amendment in amendments)
            {
                n++;
                composition.Section.Add(new FM.Composition.SectionComponent
                {
                    Title = $"Amendment {n}, {amendment.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}",
                    Code = new FM.CodeableConcept { Text = "amendment" },
                    Author = [PersonRef(r, amendment.AuthorId)],
                    Text = Narrative(("Reason: " + amendment.Reason, amendment.Body)),
                });
            }

            if (annotations.Count > 0)
            {
                composition.Section.Add(new FM.Composition.SectionComponent
                {
                    Title = "Comments",
                    Code = new FM.CodeableConcept { Text = "comments" },
                    Text = Narrative((null, $"{annotations.Count} comment(s) by the participants.")),
                    Section = annotations.Select(a => new FM.Composition.SectionComponent
                    {
                        Title = $"{NameOf(r, a.AuthorId)}, {When(a.CreatedAt)}{(a.Stance == Stance.None ? "" : a.Stance == Stance.Agree ? " (agrees)" : " (disagrees)")}",
                        Code = new FM.CodeableConcept { Text = "comment" },
                        Author = [PersonRef(r, a.AuthorId)],
                        Text = Narrative(a.Quote is null ? [(null, a.Text)] : [("On: \u201c" + a.Quote + "\u201d", a.Text)]),
                    }).ToList(),
                });
            }

            Put(composition);
        }
    }

    /// <summary>Reflections: a client's own words about a session (personal: already filtered).</summary>
    private void AddReflections(ExportRecord r)
    {
        foreach (var reflection in r.Reflections)
        {
            Put(new FM.DocumentReference
            {
                Id = reflection.Id.ToString(),
                Status = FM.DocumentReferenceStatus.Current,
                Type = new FM.CodeableConcept { Text = "Reflection on a session" },
                Subject = PersonRef(r, reflection.AuthorId),
                Date = reflection.CreatedAt.ToUniversalTime(),
                Author = [PersonRef(r, reflection.AuthorId)],
                Description = "Reflection on a session",
                Content =
                [
                    new FM.DocumentReference.ContentComponent
                    {
                        Attachment = new FM.Attachment
                        {
                            ContentType = "text/markdown",
                            Data = Encoding.UTF8.GetBytes(reflection.Text),
                            Title = "Reflection",
                            Creation = When(reflection.CreatedAt),
                        },
                    },
                ],
                Context = new FM.DocumentReference.ContextComponent { Encounter = [Ref("Encounter", reflection.SessionId)] },
            });
        }
    }

    private void AddMeasures(ExportRecord r, FM.ResourceReference subject)
    {
        foreach (var response in r.Responses)
        {
            if (instruments(response.InstrumentId) is { } instrument)
            {
                var questionnaire = System.Text.Json.JsonSerializer.Deserialize<FM.Questionnaire>(instrument.QuestionnaireJson, InstrumentCatalog.FhirJson)!;
                questionnaire.Id = instrument.Id;
                Put(questionnaire);
            }

            var qr = System.Text.Json.JsonSerializer.Deserialize<FM.QuestionnaireResponse>(response.QuestionnaireResponseJson, InstrumentCatalog.FhirJson)
                ?? new FM.QuestionnaireResponse { Status = FM.QuestionnaireResponse.QuestionnaireResponseStatus.Completed };
            qr.Id = response.Id.ToString();
            qr.Author = PersonRef(r, response.RespondentId);
            if (r.Person(response.RespondentId)?.Role == ParticipantRole.Client)
            {
                qr.Subject = PersonRef(r, response.RespondentId);
            }

            if (response.SessionId is { } sessionId && r.Sessions.Any(s => s.Id == sessionId))
            {
                qr.Encounter = Ref("Encounter", sessionId);
            }

            Put(qr);
        }

        foreach (var score in r.Scores)
        {
            var respondent = r.Person(score.SubjectId);
            var observation = new FM.Observation
            {
                Id = score.Id.ToString(),
                Status = FM.ObservationStatus.Final,
                Category = [new FM.CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey")],
                Code = new FM.CodeableConcept(score.System, score.Code, score.Display) { Text = score.Display },
                // A client's score is about them; a therapist's rating of a session is about the clients.
                Subject = respondent?.Role == ParticipantRole.Client ? PersonRef(r, score.SubjectId) : subject,
                Effective = new FM.FhirDateTime(score.EffectiveAt.ToUniversalTime()),
                Issued = score.EffectiveAt.ToUniversalTime(),
                Performer = [PersonRef(r, score.SubjectId)],
                Value = decimal.Truncate(score.Value) == score.Value
                    ? new FM.Integer((int)score.Value)
                    : new FM.Quantity { Value = score.Value, Unit = "{score}", System = "http://unitsofmeasure.org", Code = "{score}" },
                DerivedFrom = [Ref("QuestionnaireResponse", score.ResponseId)],
            };
            Put(observation);
        }
    }

    private void AddMessages(ExportRecord r, FM.ResourceReference subject)
    {
        var everyone = r.Engagement.Participants.Select(p => p.UserId).Distinct().ToList();
        foreach (var m in r.Messages)
        {
            var audience = m.IsPrivate
                ? everyone.Where(u => u == m.ThreadWith || r.Person(u)?.Role == ParticipantRole.Therapist).ToList()
                : everyone;
            Put(new FM.Communication
            {
                Id = m.Id.ToString(),
                Status = FM.EventStatus.Completed,
                Subject = subject,
                Topic = new FM.CodeableConcept { Text = m.IsPrivate ? "One-to-one with " + NameOf(r, m.ThreadWith) : "Engagement conversation" },
                Sent = When(m.CreatedAt),
                Sender = PersonRef(r, m.AuthorId),
                Recipient = audience.Where(u => u != m.AuthorId).Select(u => PersonRef(r, u)).ToList(),
                Payload = [new FM.Communication.PayloadComponent { Content = new FM.FhirString(m.Body) }],
            });
        }
    }

    /// <summary>Each client's signature of the collaboration agreement.</summary>
    private void AddConsents(ExportRecord r)
    {
        foreach (var s in r.Signatures.Where(s => r.Person(s.UserId)?.Role == ParticipantRole.Client))
        {
            var version = r.AgreementVersions.FirstOrDefault(v => v.Id == s.AgreementVersionId);
            var consent = new FM.Consent
            {
                Id = s.Id.ToString(),
                Status = s.WithdrawnAt is null ? FM.Consent.ConsentState.Active : FM.Consent.ConsentState.Inactive,
                Scope = new FM.CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "treatment", "Treatment"),
                Category = [new FM.CodeableConcept(LoincSystem, "59284-0", "Patient Consent")],
                Patient = PersonRef(r, s.UserId),
                DateTime = When(s.SignedAt),
                Performer = [PersonRef(r, s.UserId)],
                Organization = [Ref("Organization", r.Practice.Id, r.Practice.Name)],
                PolicyRule = new FM.CodeableConcept { Text = $"Tandem collaboration agreement, version {version?.Number.ToString(CultureInfo.InvariantCulture) ?? "?"} (SHA-256 {s.VersionHash})" },
                Provision = new FM.Consent.provisionComponent
                {
                    Type = FM.Consent.ConsentProvisionType.Permit,
                    Period = new FM.Period { Start = When(s.SignedAt), End = s.WithdrawnAt is { } w ? When(w) : null },
                },
            };
            if (version is not null)
            {
                consent.Source = new FM.Attachment
                {
                    ContentType = "text/markdown",
                    Data = Encoding.UTF8.GetBytes(version.Text),
                    Title = $"Collaboration agreement, version {version.Number}",
                    Creation = When(version.PublishedAt),
                };
            }

            Put(consent);
        }
    }

    /// <summary>The access log entries this viewer sees (the same rule as the access log page).</summary>
    private void AddAccessLog(ExportRecord r)
    {
        var participants = r.Engagement.Participants.Select(p => p.UserId).ToHashSet();
        foreach (var e in r.AccessLog)
        {
            var insider = e.UserId is { } uid && participants.Contains(uid);
            var who = insider ? PersonRef(r, e.UserId!.Value)
                : new FM.ResourceReference { Display = e.Purpose == AuditPurposes.BreakGlass ? "Practice administrator (emergency access)" : "Someone without access" };
            Put(new FM.AuditEvent
            {
                Id = "audit-" + e.Id.ToString(CultureInfo.InvariantCulture),
                Type = new FM.Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"),
                Action = e.Action switch
                {
                    AuditAction.Create => FM.AuditEvent.AuditEventAction.C,
                    AuditAction.Read => FM.AuditEvent.AuditEventAction.R,
                    AuditAction.Update => FM.AuditEvent.AuditEventAction.U,
                    AuditAction.Delete => FM.AuditEvent.AuditEventAction.D,
                    _ => FM.AuditEvent.AuditEventAction.E,
                },
                Recorded = e.At.ToUniversalTime(),
                Outcome = e.Outcome == AuditOutcome.Success ? FM.AuditEvent.AuditEventOutcome.N0 : FM.AuditEvent.AuditEventOutcome.N4,
                OutcomeDesc = AccessLog.Sentence(insider ? r.NameOf(e.UserId!.Value) : who.Display ?? "Someone", e),
                PurposeOfEvent = [new FM.CodeableConcept { Text = e.Purpose }],
                Agent =
                [
                    new FM.AuditEvent.AgentComponent
                    {
                        Who = who,
                        Requestor = true,
                        Role = e.Role is { Length: > 0 } role ? [new FM.CodeableConcept { Text = role }] : [],
                    },
                ],
                Source = new FM.AuditEvent.SourceComponent { Site = "Tandem", Observer = Ref("Organization", r.Practice.Id, r.Practice.Name) },
                Entity =
                [
                    new FM.AuditEvent.EntityComponent
                    {
                        What = new FM.ResourceReference
                        {
                            Identifier = e.ObjectId is { Length: > 0 } objectId ? new FM.Identifier(TandemSystem + "/object/" + e.ObjectType, objectId) : null,
                            Display = AccessLog.Noun(e.ObjectType),
                        },
                        Description = e.ObjectType,
                    },
                ],
            });
        }
    }
}

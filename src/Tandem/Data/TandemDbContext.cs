using System.Reflection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Accounts;
using Tandem.Features.Agreements;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Invitations;
using Tandem.Features.Proposals;
using Tandem.Features.Practices;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Data;

/// <summary>
/// One model for both providers. Each provider has its own subclass only so that each keeps
/// its own migrations set (see <see cref="SqliteTandemDbContext"/>, <see cref="PostgresTandemDbContext"/>).
/// </summary>
public abstract class TandemDbContext
    : IdentityUserContext<TandemUser, Guid, IdentityUserClaim<Guid>, IdentityUserLogin<Guid>, IdentityUserToken<Guid>, IdentityUserPasskey<Guid>>,
      IDataProtectionKeyContext
{
    private TenantContext _tenant;
    private AuditTrail? _audit;

    /// <summary>The connection string the app configured; a leased context always starts with it.</summary>
    private readonly string? _configuredConnection;

    protected TandemDbContext(DbContextOptions options, TenantContext tenant, AuditTrail? audit)
        : base(options)
    {
        _tenant = tenant;
        _audit = audit;
        _configuredConnection = Microsoft.EntityFrameworkCore.Infrastructure.RelationalOptionsExtension.Extract(options).ConnectionString;
    }

    /// <summary>
    /// Whose request this context serves, set each time the app takes it from its pool (<see cref="DatabaseSetup"/>). Setting
    /// up a context (EF resolving its own internal services) was a twentieth of a page's CPU; a pooled one pays that once. EF
    /// resets everything of its own when a context goes back (tracked entities, the connection, options changed on it); the
    /// person and their audit trail are the only state of Tandem's, and both are replaced here before any use.
    /// </summary>
    internal TandemDbContext Lease(TenantContext tenant, AuditTrail? audit)
    {
        _tenant = tenant;
        _audit = audit;
        ForgetBeforeCommit();
        // Migrating on start uses a context as the owner, in system scope (DatabaseSetup): whatever a previous borrower
        // pointed it at, the next request runs on the app's own connection, as the runtime role.
        if (_configuredConnection is not null && !string.Equals(Database.GetConnectionString(), _configuredConnection, StringComparison.Ordinal))
        {
            Database.SetConnectionString(_configuredConnection);
        }

        return this;
    }

    public DbSet<Practice> Practices => Set<Practice>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<Engagement> Engagements => Set<Engagement>();

    public DbSet<Participant> Participants => Set<Participant>();

    public DbSet<AgreementVersion> AgreementVersions => Set<AgreementVersion>();

    public DbSet<AgreementSignature> AgreementSignatures => Set<AgreementSignature>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<Proposal> Proposals => Set<Proposal>();

    public DbSet<AuditChainHead> AuditChainHeads => Set<AuditChainHead>();

    public DbSet<SignInSession> SignInSessions => Set<SignInSession>();

    /// <summary>Installation-wide, so cookies and tokens survive restarts and work across web nodes.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public TenantContext Tenant => _tenant;

    // Read by the global query filters at query time (EF parameterises instance members).
    internal Guid TenantPracticeId => _tenant.PracticeId ?? Guid.Empty;

    /// <summary>Tandem's own system work: its queries are compiled without the tenant filters and cached apart (<see cref="TenantQueries"/>).</summary>
    internal bool TenantBypass => _tenant.IsSystem;

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        base.OnConfiguring(optionsBuilder);
        // Whoever builds the options (the app, a command, a test, the design-time factory): the two halves of the system mode
        // together. Only when missing: the app's options carry both already (DatabaseSetup), and options left untouched here
        // are the same instance for every context, which EF then finds in its service-provider cache by a hash it computed
        // once; changed here, each context's options were new ones, hashed again at every request (issue 25).
        var core = optionsBuilder.Options.FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>();
        if (core?.Interceptors?.Contains(TenantQueries.Interceptor) != true)
        {
            optionsBuilder.AddInterceptors(TenantQueries.Interceptor);
        }

        // Without it a transaction's audit entries would never be chained: every context has it, however built.
        if (core?.Interceptors?.Contains(ChainAtCommit.Instance) != true)
        {
            optionsBuilder.AddInterceptors(ChainAtCommit.Instance);
        }

        if (core?.ReplacedServices?.TryGetValue((typeof(Microsoft.EntityFrameworkCore.Query.ICompiledQueryCacheKeyGenerator), null), out var keys) != true
            || !typeof(ITenantQueryCacheKeys).IsAssignableFrom(keys))
        {
            UseTenantQueryCacheKeys(optionsBuilder);
        }
    }

    /// <summary>The options the app builds once for all its contexts: both halves of the system mode included.</summary>
    internal static DbContextOptionsBuilder WithTenantQueries<TKeys>(DbContextOptionsBuilder optionsBuilder)
        where TKeys : class, Microsoft.EntityFrameworkCore.Query.ICompiledQueryCacheKeyGenerator, ITenantQueryCacheKeys =>
        optionsBuilder.AddInterceptors(TenantQueries.Interceptor, ChainAtCommit.Instance).ReplaceService<Microsoft.EntityFrameworkCore.Query.ICompiledQueryCacheKeyGenerator, TKeys>();

    /// <summary>Replaces the provider's compiled-query cache keys with ones that carry the tenant mode.</summary>
    private protected abstract void UseTenantQueryCacheKeys(DbContextOptionsBuilder optionsBuilder);

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(TandemDbContext).Assembly);

        builder.Entity<TandemUser>().ToTable("Users");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("UserClaims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("UserLogins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("UserTokens");
        builder.Entity<IdentityUserPasskey<Guid>>().ToTable("UserPasskeys");

        builder.Entity<Practice>().HasQueryFilter(p => p.Id == TenantPracticeId);
        var apply = typeof(TandemDbContext).GetMethod(nameof(ApplyTenantFilter), BindingFlags.NonPublic | BindingFlags.Instance)!;
        foreach (var entity in builder.Model.GetEntityTypes().Where(e => typeof(IPracticeScoped).IsAssignableFrom(e.ClrType) && e.BaseType is null))
        {
            apply.MakeGenericMethod(entity.ClrType).Invoke(this, [builder]);
        }
    }

    private void ApplyTenantFilter<T>(ModelBuilder builder)
        where T : class, IPracticeScoped
    {
        var entity = builder.Entity<T>();
        entity.HasQueryFilter(e => e.PracticeId == TenantPracticeId);

        // Every query of a practice's rows starts with its practice. A table whose own indexes already lead with
        // PracticeId needs no index of PracticeId alone: it would cost every insert, and SQLite's planner (no statistics)
        // took it for "newest first" lists, walking all of a practice's rows in id order (the access log, issue 25).
        if (!entity.Metadata.GetIndexes().Select(i => i.Properties).Concat(entity.Metadata.GetKeys().Select(k => k.Properties))
                .Any(columns => columns[0].Name == nameof(IPracticeScoped.PracticeId)))
        {
            entity.HasIndex(e => e.PracticeId);
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardTenant();
        ScopeSavesForRowSecurity();
        Infrastructure.Input.StoredText.Check(ChangeTracker);
        if (_audit?.HasStaged == true)
        {
            throw new InvalidOperationException("Audited changes are saved with SaveChangesAsync.");
        }

        if (DataVersions.AffectedBy(ChangeTracker, _tenant) is not { } affected)
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }

        AuditTrail.NoteWrite();

        var ownsTransaction = Database.CurrentTransaction is null;
        using var transaction = ownsTransaction ? Database.BeginTransaction() : null;
        var versionsBefore = _versionsAtCommit;
        _versionsAtCommit = DataVersions.Merge(_versionsAtCommit, affected);
        int written;
        try
        {
            written = base.SaveChanges(acceptAllChangesOnSuccess: false);
        }
        catch
        {
            _versionsAtCommit = versionsBefore;
            throw;
        }

        // The versions move as the transaction commits (ChainAtCommit).
        transaction?.Commit();
        if (acceptAllChangesOnSuccess)
        {
            ChangeTracker.AcceptAllChanges();
        }

        return written;
    }

    /// <summary>Saves the change and its staged audit entries in one transaction.</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardTenant();
        ScopeSavesForRowSecurity();
        Infrastructure.Input.StoredText.Check(ChangeTracker);
        if (_audit is not null)
        {
            AccountAudit.StageChanges(ChangeTracker, _audit);
        }

        // A change to the practice's record moves its data version in the same transaction (issue 25: what views kept in memory check).
        var affected = DataVersions.AffectedBy(ChangeTracker, _tenant);
        if (_audit?.HasStaged != true && affected is null)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        AuditTrail.NoteWrite();
        var staged = _audit?.TakeStaged() ?? [];
        var ownsTransaction = Database.CurrentTransaction is null;
        await using var transaction = ownsTransaction ? await Database.BeginTransactionAsync(cancellationToken) : null;

        // The change's rows now; its audit entries and data versions when the transaction commits, after every row it
        // writes (ChainAtCommit: one lock order for every writer). A save that opened the transaction commits it below.
        var (chainBefore, versionsBefore) = (_chainAtCommit?.Count ?? 0, _versionsAtCommit);
        if (staged.Count > 0)
        {
            (_chainAtCommit ??= []).AddRange(staged);
            _chainKeys = _audit!.ChainKeys;
        }

        _versionsAtCommit = DataVersions.Merge(_versionsAtCommit, affected);
        int written;
        using (ChainScope(staged))
        {
            try
            {
                written = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
            }
            catch
            {
                // Not written: nothing of this save is chained or versioned, even if the caller's transaction goes on.
                _chainAtCommit?.RemoveRange(chainBefore, _chainAtCommit.Count - chainBefore);
                _versionsAtCommit = versionsBefore;
                throw;
            }
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        if (acceptAllChangesOnSuccess)
        {
            ChangeTracker.AcceptAllChanges();
        }

        return written;
    }

    /// <summary>Audit entries saved in the open transaction, chained when it commits (<see cref="ChainAtCommit"/>).</summary>
    private List<AuditEvent>? _chainAtCommit;

    private AuditChainKeys? _chainKeys;

    /// <summary>Data versions the open transaction's saves moved, moved when it commits.</summary>
    private DataVersions.Affected? _versionsAtCommit;

    /// <summary>Just before the transaction commits, after all its rows: its audit entries, then its data versions.</summary>
    internal async Task BeforeCommitAsync(CancellationToken ct)
    {
        var (staged, keys, affected) = (_chainAtCommit, _chainKeys, _versionsAtCommit);
        ForgetBeforeCommit();
        if (staged is { Count: > 0 })
        {
            using (ChainScope(staged))
            {
                await AuditChain.AppendAsync(this, keys!, staged, ct);
            }
        }

        // Last: on PostgreSQL the version's row stays locked only until the commit.
        if (affected is not null)
        {
            await DataVersions.BumpAsync(this, affected, ct);
        }
    }

    /// <summary>The same for a synchronous commit, which audited changes never use (they are saved with SaveChangesAsync).</summary>
    internal void BeforeCommit()
    {
        if (_chainAtCommit is { Count: > 0 })
        {
            throw new InvalidOperationException("A transaction with audited changes is committed with CommitAsync.");
        }

        var affected = _versionsAtCommit;
        ForgetBeforeCommit();
        if (affected is not null)
        {
            DataVersions.Bump(this, affected);
        }
    }

    /// <summary>
    /// Chaining entries of another practice (or of none) is system work; a change with entries of the caller's own
    /// practice stays in that practice, so PostgreSQL's row-level security checks its rows too.
    /// </summary>
    private IDisposable? ChainScope(IReadOnlyList<AuditEvent> staged) =>
        staged.Any(e => (e.PracticeId ?? Guid.Empty) != _tenant.PracticeId) ? _tenant.AsSystem() : null;

    /// <summary>A new transaction, a rolled-back one or a new borrower of this pooled context: nothing is left to chain.</summary>
    internal void ForgetBeforeCommit()
    {
        _chainAtCommit = null;
        _chainKeys = null;
        _versionsAtCommit = null;
    }

    /// <summary>
    /// On PostgreSQL a save in a practice or system scope runs in a transaction, so the scope of row-level
    /// security can be set ahead of its batch (<see cref="PracticeRowSecurity"/>); without a scope it needs none.
    /// </summary>
    private void ScopeSavesForRowSecurity()
    {
        if (Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            Database.AutoTransactionBehavior = PracticeRowSecurity.ScopeOf(_tenant).Length > 0
                ? AutoTransactionBehavior.Always
                : AutoTransactionBehavior.WhenNeeded;
        }
    }

    /// <summary>Writes never cross practices either: a row can only be saved inside its own practice.</summary>
    private void GuardTenant()
    {
        if (_tenant.IsSystem)
        {
            return;
        }

        var practice = _tenant.PracticeId;
        foreach (var entry in ChangeTracker.Entries<IPracticeScoped>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached)
            {
                continue;
            }

            if (practice is null || entry.Entity.PracticeId != practice)
            {
                throw new InvalidOperationException(
                    $"Refused to save a {entry.Metadata.ClrType.Name} outside the current practice.");
            }
        }
    }
}

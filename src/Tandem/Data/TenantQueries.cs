using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Query;

namespace Tandem.Data;

/// <summary>
/// How Tandem's own system work (<see cref="Infrastructure.Tenancy.TenantContext.AsSystem"/>)
/// reads every practice while a practice's query carries a plain <c>PracticeId = @p</c>.
/// <para>
/// The tenant filter holds no switch. A query run in system mode is compiled with the query
/// filters ignored, and the compiled-query cache keeps it apart from the same query run for a
/// practice: the cache key carries the mode (<see cref="TenantQueryCacheKey"/>). Before, the
/// switch was an <c>EF.Constant</c> in the filter; EF inlines such a constant when it makes each
/// command, so it wrote the SQL of almost every query again at every execution (8% of the access
/// log's CPU, issue 25).
/// </para>
/// <para>
/// The two halves only work together: a system-mode plan under a key without the mode would be
/// served to a practice. So a system-mode compilation refuses to run unless the context's cache
/// keys carry the mode, and both are set up by <see cref="TandemDbContext"/> itself, whoever
/// builds its options. Never use <c>EF.CompileQuery</c> on practice-scoped data: a compiled
/// query keeps the mode of its first run.
/// </para>
/// </summary>
internal static class TenantQueries
{
    public static readonly IInterceptor Interceptor = new SystemModeInterceptor();

    public static bool IsSystem(DbContext? context) => context is TandemDbContext { TenantBypass: true };

    private static readonly MethodInfo IgnoreQueryFilters = typeof(EntityFrameworkQueryableExtensions).GetMethods()
        .Single(m => m.Name == nameof(EntityFrameworkQueryableExtensions.IgnoreQueryFilters) && m.GetParameters().Length == 1);

    private sealed class SystemModeInterceptor : IQueryExpressionInterceptor
    {
        public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData)
        {
            if (!IsSystem(eventData.Context))
            {
                return queryExpression;
            }

            if (eventData.Context!.GetService<ICompiledQueryCacheKeyGenerator>() is not ITenantQueryCacheKeys)
            {
                throw new InvalidOperationException(
                    "A system query was about to be compiled without the tenant mode in its cache key; it could have been served to a practice.");
            }

            return new RootsWithoutFilters().Visit(queryExpression);
        }
    }

    /// <summary>Each entity root of the query as <c>root.IgnoreQueryFilters()</c>.</summary>
    private sealed class RootsWithoutFilters : ExpressionVisitor
    {
        protected override Expression VisitExtension(Expression node) => node is EntityQueryRootExpression root
            ? Expression.Call(IgnoreQueryFilters.MakeGenericMethod(root.ElementType), root)
            : base.VisitExtension(node);
    }
}

/// <summary>Marks a compiled-query cache key generator whose keys carry the tenant mode.</summary>
internal interface ITenantQueryCacheKeys;

/// <summary>A provider's compiled-query cache key and whether the query ran as Tandem's system work.</summary>
internal readonly record struct TenantQueryCacheKey(object Provider, bool System);

/// <summary>SQLite's (the relational) cache keys, with the tenant mode.</summary>
internal sealed class SqliteTenantQueryCacheKeys(CompiledQueryCacheKeyGeneratorDependencies dependencies, RelationalCompiledQueryCacheKeyGeneratorDependencies relationalDependencies)
    : RelationalCompiledQueryCacheKeyGenerator(dependencies, relationalDependencies), ITenantQueryCacheKeys
{
    public override object GenerateCacheKey(Expression query, bool async) =>
        new TenantQueryCacheKey(base.GenerateCacheKey(query, async), TenantQueries.IsSystem(Dependencies.CurrentContext.Context));
}

#pragma warning disable EF1001 // Npgsql's generator is "internal API"; it adds its own options to the key, which this keeps.
/// <summary>PostgreSQL's cache keys, with the tenant mode.</summary>
internal sealed class PostgresTenantQueryCacheKeys(CompiledQueryCacheKeyGeneratorDependencies dependencies, RelationalCompiledQueryCacheKeyGeneratorDependencies relationalDependencies)
    : Npgsql.EntityFrameworkCore.PostgreSQL.Query.Internal.NpgsqlCompiledQueryCacheKeyGenerator(dependencies, relationalDependencies), ITenantQueryCacheKeys
{
    public override object GenerateCacheKey(Expression query, bool async) =>
        new TenantQueryCacheKey(base.GenerateCacheKey(query, async), TenantQueries.IsSystem(Dependencies.CurrentContext.Context));
}
#pragma warning restore EF1001

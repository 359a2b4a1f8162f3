using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Data.Migrations.Postgres
{
    /// <summary>
    /// Row-level security, the database's own copy of the practice filter (docs/operations.md): every table
    /// with a practice id shows and takes only the rows of the practice in the transaction-local setting
    /// tandem.practice_id, or every row when tandem.system is on (Tandem sets both per command, see
    /// Data/PracticeRowSecurity.cs). Forced, so the tables' owner is held to it too. A table added later
    /// with a practice id calls <c>SELECT tandem_practice_rls('"Table"')</c> in its migration.
    /// </summary>
    public partial class RowLevelSecurity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION tandem_practice() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
                    AS $$ SELECT nullif(current_setting('tandem.practice_id', true), '')::uuid $$;
                CREATE FUNCTION tandem_system() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
                    AS $$ SELECT coalesce(current_setting('tandem.system', true), '') = 'on' $$;

                -- (SELECT ...) makes each an init plan: read once per statement, not once per row.
                CREATE FUNCTION tandem_practice_rls(tbl regclass, practice_column name DEFAULT 'PracticeId') RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
                    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
                    EXECUTE format('CREATE POLICY tandem_practice ON %s USING ((SELECT tandem_system()) OR %I = (SELECT tandem_practice())) '
                        || 'WITH CHECK ((SELECT tandem_system()) OR %I = (SELECT tandem_practice()))', tbl, practice_column, practice_column);
                END $$;

                DO $$
                DECLARE t record;
                BEGIN
                    FOR t IN
                        SELECT c.oid::regclass AS tbl
                        FROM pg_class c
                        JOIN pg_namespace n ON n.oid = c.relnamespace
                        JOIN pg_attribute a ON a.attrelid = c.oid
                        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attname = 'PracticeId' AND NOT a.attisdropped
                        ORDER BY c.relname
                    LOOP
                        PERFORM tandem_practice_rls(t.tbl);
                    END LOOP;
                END $$;

                -- A practice sees its own row.
                SELECT tandem_practice_rls('"Practices"', 'Id');

                -- Identity's rows of a person (claims, logins, authenticator keys and recovery codes, passkeys) follow the person's row.
                DO $$
                DECLARE t text;
                BEGIN
                    FOREACH t IN ARRAY ARRAY['UserClaims', 'UserLogins', 'UserTokens', 'UserPasskeys']
                    LOOP
                        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
                        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
                        EXECUTE format('CREATE POLICY tandem_practice ON %I USING (EXISTS (SELECT 1 FROM "Users" u WHERE u."Id" = "UserId")) '
                            || 'WITH CHECK (EXISTS (SELECT 1 FROM "Users" u WHERE u."Id" = "UserId"))', t);
                    END LOOP;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                DECLARE t record;
                BEGIN
                    FOR t IN SELECT polrelid::regclass AS tbl FROM pg_policy WHERE polname = 'tandem_practice'
                    LOOP
                        EXECUTE format('DROP POLICY tandem_practice ON %s', t.tbl);
                        EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', t.tbl);
                        EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', t.tbl);
                    END LOOP;
                END $$;
                DROP FUNCTION tandem_practice_rls(regclass, name);
                DROP FUNCTION tandem_system();
                DROP FUNCTION tandem_practice();
                """);
        }
    }
}

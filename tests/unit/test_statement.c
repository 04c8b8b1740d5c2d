/* test_statement.c - what live capture refuses before anything runs
 * (planlint_capture_check), decided on PostgreSQL's own grammar (libpg_query), and the
 * table of functions whose effects a rollback cannot undo (side_effects.c). */
#include "planlint.h"
#include "statement.h"
#include "tap.h"

/* ---------------------------------------------------------------- the statement check */

/* How a statement fares: each case is checked without and with allow_writes. */
enum { READS, WRITES, NEVER };

typedef struct stmt_case {
    const char *sql;
    size_t nparams;
    int fate;           /* READS: accepted; WRITES: only with allow_writes; NEVER: refused */
    const char *why;    /* WRITES, NEVER: a part of the refusal's err.text */
} stmt_case;

#define DML "refused: data-modifying statement"
#define LOCKS "refused: FOR UPDATE/SHARE locks rows"
#define NOT_EXPLAINABLE "refused: planlint explains SELECT, VALUES, TABLE, INSERT, UPDATE, DELETE and MERGE, not a"
#define NESTED "refused: give the statement without EXPLAIN; planlint runs it inside its own"
#define TWO "refused: more than one statement"
#define GRAMMAR "refused: PostgreSQL 15's grammar cannot read the statement: "
#define UNTERMINATED GRAMMAR "unterminated"
#define INTO "refused: SELECT ... INTO creates a table"
#define EFFECT "; a rollback cannot undo that, so it needs --allow-side-effects"
#define EMPTY "refused: no statement to explain"

static const stmt_case cases[] = {
    /* Reads, however they start. */
    { "SELECT 1", 0, READS, NULL },
    { "select * from t where id = 1", 0, READS, NULL },
    { "WITH w AS (SELECT 1 AS a) SELECT a FROM w", 0, READS, NULL },
    { "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) TABLE r", 0,
      READS, NULL },
    { "(SELECT 1)", 0, READS, NULL },
    { "((SELECT 1) UNION (SELECT 2)) ORDER BY 1", 0, READS, NULL },
    { "VALUES (1), (2)", 0, READS, NULL },
    { "TABLE t", 0, READS, NULL },
    { "DECLARE c CURSOR FOR SELECT 1", 0, NEVER, NOT_EXPLAINABLE },
    /* Not preparable, so not explained: EXECUTE and DECLARE hide or wrap the statement. */
    { "EXECUTE p(1)", 0, NEVER, NOT_EXPLAINABLE },
    { "-- a comment first\nSELECT 1", 0, READS, NULL },
    { "SELECT updated_at, inserted, deleted FROM t", 0, READS, NULL },

    /* One statement and a trailing ';' (and what may follow it: blanks, comments). */
    { "SELECT 1;", 0, READS, NULL },
    { "SELECT 1 ; -- done\n /* really */ ", 0, READS, NULL },
    { "(SELECT 1);", 0, READS, NULL },

    /* ';' and keywords inside literals, quoted identifiers and comments are not SQL. */
    { "SELECT ';' AS a, $$;DROP TABLE t;$$ AS b /* ; */ FROM t LIMIT 1; -- end", 0, READS, NULL },
    { "SELECT 'it''s; DELETE FROM t' AS x", 0, READS, NULL },
    { "SELECT E'\\';DELETE FROM t; --' AS x", 0, READS, NULL },
    { "SELECT * FROM t WHERE v=E'\\';DELETE FROM t; --'", 0, READS, NULL },
    { "SELECT $q$ $$ ; INSERT INTO t $$ $q$", 0, READS, NULL },
    { "SELECT \"a;b\", \"delete\", \"UPDATE\", \"insert into\" FROM t", 0, READS, NULL },
    { "SELECT 1 /* a /* nested ; DELETE FROM t */ still a comment ; */", 0, READS, NULL },
    { "SELECT 1 -- ; DELETE FROM t", 0, READS, NULL },
    { "SELECT * FROM t WHERE v = 'DELETE' OR v = 'SELECT * INTO t2 FROM t'", 0, READS, NULL },

    /* Data-modifying statements: only with allow_writes (and still rolled back). */
    { "INSERT INTO t VALUES (1)", 0, WRITES, DML },
    { "insert into t values (1)", 0, WRITES, DML },
    { "UPDATE t SET v = 'x'", 0, WRITES, DML },
    { "DELETE FROM t", 0, WRITES, DML },
    { "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE", 0, WRITES, DML },
    { "INSERT INTO t SELECT * FROM u ON CONFLICT (id) DO UPDATE SET v = 'x'", 0, WRITES, DML },
    { "WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d", 0, WRITES, DML },
    { "WITH w AS (SELECT 1) INSERT INTO t SELECT * FROM w", 0, WRITES, DML },
    { "SELECT * INTO t2 FROM t", 0, NEVER, INTO },
    /* EXPLAIN ANALYZE of SELECT INTO creates the table even in a READ ONLY transaction
     * (PostgreSQL 15 does), and PREPARE refuses it: never. */
    { "WITH w AS (SELECT 1 AS a) SELECT * INTO t2 FROM w", 0, NEVER, INTO },
    { "SELECT*INTO t2 FROM t", 0, NEVER, INTO },
    { "SELECT t.*INTO t2 FROM t", 0, NEVER, INTO },
    { "CREATE TABLE t2 AS SELECT * FROM t", 0, NEVER, NOT_EXPLAINABLE },
    { "create temp table t2 as select 1", 0, NEVER, NOT_EXPLAINABLE },
    { "CREATE UNLOGGED TABLE t2 (a) AS VALUES (1)", 0, NEVER, NOT_EXPLAINABLE },
    { "CREATE MATERIALIZED VIEW mv AS SELECT 1", 0, NEVER, NOT_EXPLAINABLE },
    { "INSERT INTO t VALUES ($1, $2)", 2, WRITES, DML },

    /* Row locks: not writes, but BEGIN READ ONLY refuses them under EXPLAIN ANALYZE
     * ("cannot execute SELECT FOR UPDATE in a read-only transaction"), and they would
     * block other sessions' writes, so they too need allow_writes; the refusal says why. */
    { "SELECT * FROM t FOR UPDATE", 0, WRITES, LOCKS },
    { "SELECT * FROM t WHERE id = 1 FOR NO KEY UPDATE OF t SKIP LOCKED", 0, WRITES, LOCKS },
    { "select * from t for share", 0, WRITES, LOCKS },
    { "SELECT * FROM t FOR KEY SHARE NOWAIT", 0, WRITES, LOCKS },
    { "SELECT * FROM (SELECT * FROM t FOR UPDATE) s", 0, WRITES, LOCKS },
    { "WITH w AS (SELECT * FROM t FOR UPDATE) SELECT * FROM w", 0, WRITES, LOCKS },
    { "DECLARE c CURSOR FOR SELECT * FROM t FOR UPDATE", 0, NEVER, NOT_EXPLAINABLE },
    { "SELECT \"share\", 'FOR UPDATE' FROM t /* FOR SHARE */", 0, READS, NULL },
    { "DELETE FROM t WHERE id IN (SELECT id FROM t FOR UPDATE)", 0, WRITES, DML },

    /* What EXPLAIN cannot run, or a transaction block cannot hold: never. */
    { "CREATE TABLE t3 (a int)", 0, NEVER, NOT_EXPLAINABLE " CREATE statement" },
    { "CREATE TABLE t3 (a int GENERATED ALWAYS AS (1) STORED)", 0, NEVER, NOT_EXPLAINABLE },
    { "CREATE VIEW v AS SELECT 1", 0, NEVER, NOT_EXPLAINABLE },
    { "CREATE INDEX i ON t (v)", 0, NEVER, NOT_EXPLAINABLE },
    { "DROP TABLE t", 0, NEVER, NOT_EXPLAINABLE " DROP statement" },
    { "ALTER TABLE t ADD COLUMN c int", 0, NEVER, NOT_EXPLAINABLE " ALTER statement" },
    { "TRUNCATE t", 0, NEVER, NOT_EXPLAINABLE " TRUNCATE statement" },
    { "ANALYZE t", 0, NEVER, NOT_EXPLAINABLE " ANALYZE statement" },
    { "COPY t TO STDOUT", 0, NEVER, NOT_EXPLAINABLE " COPY statement" },
    { "COPY (SELECT 1) TO STDOUT", 0, NEVER, NOT_EXPLAINABLE " COPY statement" },
    { "BEGIN", 0, NEVER, NOT_EXPLAINABLE " BEGIN statement" },
    { "START TRANSACTION", 0, NEVER, NOT_EXPLAINABLE },
    { "COMMIT", 0, NEVER, NOT_EXPLAINABLE " COMMIT statement" },
    { "ROLLBACK", 0, NEVER, NOT_EXPLAINABLE " ROLLBACK statement" },
    { "SET work_mem = '1GB'", 0, NEVER, NOT_EXPLAINABLE " SET statement" },
    { "LOCK TABLE t", 0, NEVER, NOT_EXPLAINABLE },
    { "PREPARE p AS SELECT 1", 0, NEVER, NOT_EXPLAINABLE },
    { "DO $$BEGIN DELETE FROM t; END$$", 0, NEVER, NOT_EXPLAINABLE " DO statement" },
    { "CALL p()", 0, NEVER, NOT_EXPLAINABLE },
    { "VACUUM t", 0, NEVER, NOT_EXPLAINABLE },
    { "vacuum (analyze) t", 0, NEVER, NOT_EXPLAINABLE },
    { "CREATE INDEX CONCURRENTLY i ON t (v)", 0, NEVER, NOT_EXPLAINABLE },
    { "REINDEX TABLE CONCURRENTLY t", 0, NEVER, NOT_EXPLAINABLE },
    { "CREATE DATABASE d", 0, NEVER, NOT_EXPLAINABLE },
    { "ALTER SYSTEM SET work_mem = '1MB'", 0, NEVER, NOT_EXPLAINABLE },

    /* planlint wraps the statement in its own EXPLAIN; one given with it is refused,
     * saying so (not "EXPLAIN cannot run a EXPLAIN statement"). */
    { "EXPLAIN SELECT 1", 0, NEVER, NESTED },
    { "explain (analyze, buffers, format json) select * from t", 0, NEVER, NESTED },
    { "EXPLAIN ANALYZE DELETE FROM t", 0, NEVER, NESTED },

    /* A second statement, however it hides. */
    { "SELECT 1; SELECT 2", 0, NEVER, TWO },
    { "SELECT 1;DELETE FROM t;", 0, NEVER, TWO },
    { "SELECT 1; -- x\nDROP TABLE t", 0, NEVER, TWO },
    { "SELECT 1 ; /* ; */ ; SELECT 2", 0, NEVER, TWO },
    { "SELECT '1'; SELECT $$2$$", 0, NEVER, TWO },
    { "(SELECT 1); DELETE FROM t", 0, NEVER, TWO },
    { "SELECT (1)); DELETE FROM t", 0, NEVER, GRAMMAR "syntax error at or near \")\"" },

    /* The lexer's corners, read as PostgreSQL reads them: a -- comment also ends at a
     * lone CR; a backslash does not escape a quote (standard_conforming_strings, which
     * capture sets on the server too); dollar quotes and nested comments. */
    { "SELECT * FROM t WHERE v = $1::int --\r; COMMIT; DELETE FROM t", 0, NEVER, TWO },
    { "SELECT 1 --\r; DELETE FROM t", 0, NEVER, TWO },
    { "SELECT 1 --\rFROM t", 0, READS, NULL },
    { "SELECT 'x\\''; DELETE FROM t", 0, NEVER, UNTERMINATED },
    { "SELECT 'x\\'; DELETE FROM t", 0, NEVER, TWO },
    { "SELECT $$;$$; DELETE FROM t", 0, NEVER, TWO },
    { "SELECT $a$ $$ $a$; DELETE FROM t", 0, NEVER, TWO },
    { "/* nested /* comment */ ; DELETE FROM t */ SELECT 1", 0, READS, NULL },
    { "SELECT U&'d\\0061t!0061' UESCAPE '!'; DELETE FROM t", 0, NEVER, TWO },
    { "SELECT U&\"d!0061t\" UESCAPE '!' FROM t", 0, READS, NULL },

    /* Functions whose effects outlive the rollback, however they are called. */
    { "SELECT pg_terminate_backend(1)", 0, NEVER, "refused: pg_terminate_backend() signals another server process" EFFECT },
    { "SELECT pg_catalog.pg_terminate_backend(1)", 0, NEVER, EFFECT },
    { "SELECT \"pg_terminate_backend\"(1)", 0, NEVER, EFFECT },
    { "SELECT PG_RELOAD_CONF()", 0, NEVER, "refused: pg_reload_conf() " },
    { "SELECT * FROM t WHERE id = (SELECT pg_cancel_backend(1)::int)", 0, NEVER, EFFECT },
    { "WITH x AS (SELECT dblink_exec('dbname=d', 'DELETE FROM t')) SELECT * FROM x", 0, NEVER,
      "refused: dblink_exec() runs SQL on another connection, which commits on its own" },
    { "SELECT * FROM dblink('dbname=d', 'SELECT 1') AS r(a int)", 0, NEVER, "refused: dblink() " },
    { "SELECT coalesce(1, lo_export(1, '/tmp/x'))", 0, NEVER, "refused: lo_export() writes" },
    { "SELECT v FROM t ORDER BY public.pg_file_write('/tmp/x', 'y', false)", 0, NEVER, EFFECT },
    { "SELECT * FROM t WHERE id IN (SELECT pg_stat_reset_shared('bgwriter'))", 0, NEVER, "resets statistics" },
    { "SELECT pg_advisory_lock(1)", 0, NEVER, "outlives the transaction" },
    { "SELECT pg_advisory_xact_lock(1)", 0, READS, NULL },
    { "SELECT setval('s', 1)", 0, NEVER, EFFECT },
    { "SELECT nextval('s')", 0, WRITES, "so it needs --allow-writes or --allow-side-effects" },
    { "SELECT pg_sleep(0), now(), lower('X'), set_config('work_mem', '1MB', false)", 0, READS, NULL },
    { "SELECT 'pg_terminate_backend(1)', \"pg_reload_conf\" FROM t /* dblink() */", 0, READS, NULL },

    /* Unterminated: the rest of the text cannot be read, so nothing is guessed. */
    { "SELECT 'abc", 0, NEVER, UNTERMINATED },
    { "SELECT \"abc", 0, NEVER, UNTERMINATED },
    { "SELECT E'abc\\'", 0, NEVER, UNTERMINATED },
    { "SELECT $$abc", 0, NEVER, UNTERMINATED },
    { "SELECT $t$abc$$", 0, NEVER, UNTERMINATED },
    { "SELECT 1 /* abc", 0, NEVER, UNTERMINATED },
    { "SELECT 1 /* a /* b */", 0, NEVER, UNTERMINATED },
    { "SELECT 1; DELETE FROM t; 'x", 0, NEVER, UNTERMINATED },
    /* Newer syntax than PostgreSQL 15's: refused with the parser's reason. */
    { "SELECT * FROM JSON_TABLE('[]', '$[*]' COLUMNS (a int PATH '$'))", 0, NEVER, GRAMMAR },

    /* Nothing to explain. */
    { "", 0, NEVER, EMPTY },
    { " \t\r\n ", 0, NEVER, EMPTY },
    { "-- only a comment", 0, NEVER, EMPTY },
    { "/* only /* a */ comment */", 0, NEVER, EMPTY },
    { ";", 0, NEVER, EMPTY },

    /* Parameters, with values for all of them. */
    { "SELECT * FROM t WHERE id = $1", 1, READS, NULL },
    { "SELECT $2::int, $1::text", 2, READS, NULL },
    { "SELECT '$3', $1 /* $4 */", 1, READS, NULL },
    /* No values at all: a generic plan, which the server accepts (12+) or not. */
    { "SELECT * FROM t WHERE id = $1", 0, READS, NULL },
    { "UPDATE t SET v = $2 WHERE id = $1", 0, WRITES, DML },
    { "SELECT $1, $2", 1, NEVER, "refused: the statement uses $2 but 1 --param value was given" },
    { "SELECT $1, $3", 2, NEVER, "refused: the statement uses $3 but 2 --param values were given" },
    { "SELECT $99999999999999999999", 2, NEVER, "refused: the statement uses a $n beyond $65535" },
    { "SELECT $65536", 0, NEVER, "refused: the statement uses a $n beyond $65535" },
    { "SELECT $2147483648", 0, NEVER, "refused: the statement uses a $n beyond $65535" },
};

static void check_case(const stmt_case *c, int allow_writes)
{
    int want_ok = c->fate == READS || (c->fate == WRITES && allow_writes);
    planlint_error err;
    int rc;

    memset(&err, 0, sizeof(err));
    rc = planlint_statement_check(c->sql, allow_writes, c->nparams, &err);
    tap_checks++;
    if (want_ok ? rc != 0 || err.code != 0
                : rc != PLANLINT_EREFUSED || err.code != rc || !strstr(err.text, c->why)) {
        tap_failures++;
        fprintf(stderr, "%s\n  allow_writes=%d nparams=%zu: got %s \"%s\"\n  want %s \"%s\"\n",
                c->sql, allow_writes, c->nparams, planlint_strerror(rc), err.text,
                want_ok ? "PLANLINT_OK" : "PLANLINT_EREFUSED", want_ok ? "" : c->why);
    }
}

/* Every entry of the table is refused when called, by name and schema-qualified, and
 * runs with allow_side_effects (nextval also with allow_writes). */
static void test_side_effect_table(void)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;
    planlint_error err;
    char sql[160];
    size_t i;

    CHECK(pl_side_effect_count() >= 40);
    for (i = 0; i < pl_side_effect_count(); i++) {
        const pl_side_effect *e = pl_side_effect_at(i);

        snprintf(sql, sizeof(sql), "SELECT pg_catalog.%s%s(1)", e->name, e->prefix ? "_x" : "");
        o.allow_side_effects = 0, o.allow_writes = 0;
        memset(&err, 0, sizeof(err));
        CHECK(planlint_capture_check(sql, &o, &err) == PLANLINT_EREFUSED);
        CHECK(strstr(err.text, e->why) != NULL && strstr(err.text, e->name) != NULL);
        o.allow_writes = 1;
        CHECK((planlint_capture_check(sql, &o, NULL) == 0) == (e->with_writes != 0));
        o.allow_writes = 0, o.allow_side_effects = 1;
        CHECK(planlint_capture_check(sql, &o, NULL) == 0);
    }
    CHECK(pl_side_effect_find("dblink_connect_u") != NULL);
    CHECK(pl_side_effect_find("pg_stat_reset_single_table_counters") != NULL);
    CHECK(pl_side_effect_find("pg_sleep") == NULL);
    CHECK(pl_side_effect_find("pg_advisory_xact_lock") == NULL);
    CHECK(pl_side_effect_at(pl_side_effect_count()) == NULL);
}

static void test_arguments(void)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;
    planlint_error err;
    char word[64], cut[64];

    memset(&err, 0, sizeof(err));
    CHECK(planlint_statement_check(NULL, 0, 0, &err) == PLANLINT_EINVAL);
    CHECK(err.code == PLANLINT_EINVAL && strstr(err.text, "no statement") != NULL);
    CHECK(planlint_statement_check(NULL, 1, 0, NULL) == PLANLINT_EINVAL);
    CHECK(planlint_statement_check("SELECT 1", 0, 0, NULL) == 0);
    CHECK(planlint_statement_check("DELETE FROM t", 0, 0, NULL) == PLANLINT_EREFUSED);
    CHECK(planlint_statement_check("SELECT 'x", 0, 0, NULL) == PLANLINT_EREFUSED);
    CHECK(planlint_capture_check("SELECT 1", NULL, NULL) == PLANLINT_EINVAL);
    o.version = 99;
    CHECK(planlint_capture_check("SELECT 1", &o, NULL) == PLANLINT_EINVAL);
    /* Version 1 of the options has no allow_side_effects: it reads as 0. */
    o.version = 1, o.allow_side_effects = 1;
    CHECK(planlint_capture_check("SELECT setval('s', 1)", &o, NULL) == PLANLINT_EREFUSED);
    /* The first error wins: an error already recorded is left as it is. */
    memset(&err, 0, sizeof(err));
    err.code = PLANLINT_EPARSE;
    snprintf(err.text, sizeof(err.text), "earlier");
    CHECK(planlint_statement_check("DELETE FROM t", 0, 0, &err) == PLANLINT_EREFUSED);
    CHECK(err.code == PLANLINT_EPARSE && strcmp(err.text, "earlier") == 0);
    /* A long first word is cut at 40 characters in the message. */
    memset(word, 'X', sizeof(word) - 1);
    word[sizeof(word) - 1] = '\0';
    memset(&err, 0, sizeof(err));
    snprintf(cut, sizeof(cut), "ALTER TABLE %s ADD c int", "t");
    CHECK(planlint_statement_check(cut, 1, 0, &err) == PLANLINT_EREFUSED);
    CHECK(strstr(err.text, "not a ALTER statement") != NULL);
}

/* Deep nesting is refused, not walked without bound. */
static void test_deep(void)
{
    size_t n = 5000, i;
    char *sql = malloc(5 * n + 16);
    planlint_error err;

    CHECK(sql != NULL);
    if (!sql)
        return;
    memcpy(sql, "SELECT ", 7);
    for (i = 0; i < n; i++)
        memcpy(sql + 7 + 4 * i, "abs(", 4);
    sql[7 + 4 * n] = '1';
    memset(sql + 8 + 4 * n, ')', n);
    sql[8 + 5 * n] = '\0';
    memset(&err, 0, sizeof(err));
    CHECK(planlint_statement_check(sql, 0, 0, &err) == PLANLINT_EREFUSED);
    free(sql);
}

int main(void)
{
    size_t i;

    test_arguments();
    test_side_effect_table();
    test_deep();
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        check_case(&cases[i], 0);
        check_case(&cases[i], 1);
    }
    return tap_done("test_statement");
}

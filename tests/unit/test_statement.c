/* test_statement.c - what live capture refuses before anything runs
 * (planlint_statement_check), and the SQL scanner that decides it (pl_sql_next). */
#include "planlint.h"
#include "sql_scan.h"
#include "tap.h"

/* ---------------------------------------------------------------- the scanner */

static char scanned[512];

static void put(const char *open, const char *s, size_t len, const char *close)
{
    size_t used = strlen(scanned);

    snprintf(scanned + used, sizeof(scanned) - used, "%s%s%.*s%s", used ? " " : "", open,
             (int)len, s, close);
}

/* One token in the words of scan_is(): $n from the parsed number, the rest from its text. */
static void put_token(const pl_sql_token *t)
{
    char num[32];

    switch (t->kind) {
    case PL_SQL_PARAM:
        snprintf(num, sizeof(num), "$%ld", t->number);
        put("", num, strlen(num), "");
        break;
    case PL_SQL_OTHER:
        put("<", t->start, t->len, ">");
        break;
    case PL_SQL_UNTERMINATED:
        put("!", t->start, t->len, "");
        break;
    default:
        put("", t->start, t->len, "");
    }
}

/* Scans sql to the end and spells the tokens: words, ( ) ; as they are, $n for a
 * parameter, <text> for any other token, !text for an unterminated one. */
static void scan_is(const char *sql, const char *want)
{
    pl_sql_scanner sc;
    pl_sql_token t;
    int n = 0;

    scanned[0] = '\0';
    sc.p = sql;
    while ((t = pl_sql_next(&sc)).kind != PL_SQL_END && n++ < 64)
        put_token(&t);
    if (n > 64)
        put("", "(no end)", 8, "");
    /* The end stays the end: nothing is read past the NUL. */
    else if (pl_sql_next(&sc).kind != PL_SQL_END)
        put("", "(more after the end)", 20, "");
    tap_checks++;
    if (strcmp(scanned, want) != 0) {
        tap_failures++;
        fprintf(stderr, "scan %s\n  got  %s\n  want %s\n", sql, scanned, want);
    }
}

static void test_scanner(void)
{
    scan_is("", "");
    scan_is(" \t\n-- a line comment\n/* a /* nested */ block */ ", "");
    scan_is("SELECT a, b FROM t;", "SELECT a <,> b FROM t ;");
    scan_is("select(x)", "select ( x )");
    scan_is("SELECT 1 -- no newline at the end", "SELECT <1>");
    scan_is("/* a /* b */ c; */ ;", ";");
    scan_is("/**/x/*/ still a comment */y", "x y");
    scan_is("'it''s; x' 'a\\' b", "<'it''s; x'> <'a\\'> b");
    scan_is("\"a\"\"b;\" \"DELETE\"", "<\"a\"\"b;\"> <\"DELETE\">");
    scan_is("E'\\';DELETE' e'\\\\' x", "<E'\\';DELETE'> <e'\\\\'> x");
    scan_is("be'x' U&'y'", "be <'x'> U <&> <'y'>");
    scan_is("$$a;b$$ $tag$ $$ ; $tag$ $_1$;$_1$", "<$$a;b$$> <$tag$ $$ ; $tag$> <$_1$;$_1$>");
    scan_is("$1 $23 x$1 a$b$ '$2' -- $3\n", "$1 $23 x$1 a$b$ <'$2'>");
    scan_is("$x $", "<$> x <$>");
    scan_is("1.5e3 .5 42", "<1.5e3> <.5> <42>");
    scan_is("SELECT*INTO x.y", "SELECT <*> INTO x <.y>");
    scan_is("a=b||c", "a <=> b <|> <|> c");
    scan_is("v=E'\\';'", "v <=> <E'\\';'>");
    scan_is("caf\xc3\xa9 \xc3\xa9t\xc3\xa9", "caf\xc3\xa9 \xc3\xa9t\xc3\xa9");
    scan_is("x 'abc", "x !'abc");
    scan_is("x \"abc", "x !\"abc");
    scan_is("x E'abc\\'", "x !E'abc\\'");
    scan_is("x $q$ abc $Q$", "x !$q$ abc $Q$");
    scan_is("x $$", "x !$$");
    scan_is("x /* abc", "x !");
    scan_is("x /* a /* b */", "x !");
}

static void test_keywords(void)
{
    pl_sql_scanner sc;
    pl_sql_token t;

    sc.p = "sElEcT selects 'SELECT' $999999999999";
    t = pl_sql_next(&sc);
    CHECK(pl_sql_is(&t, "SELECT"));
    CHECK(!pl_sql_is(&t, "SELECTS"));
    CHECK(!pl_sql_is(&t, "SELEC"));
    t = pl_sql_next(&sc);
    CHECK(!pl_sql_is(&t, "SELECT"));
    t = pl_sql_next(&sc);
    CHECK(t.kind == PL_SQL_OTHER && !pl_sql_is(&t, "SELECT") && !pl_sql_is(&t, "'SELECT'"));
    /* A huge parameter number stays huge (more than any --param list) without overflow. */
    t = pl_sql_next(&sc);
    CHECK(t.kind == PL_SQL_PARAM && t.number >= 100000 && t.len == 13);
}

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
#define NOT_EXPLAINABLE "refused: EXPLAIN cannot run a"
#define NO_TRANSACTION "cannot run inside a transaction block"
#define NESTED "refused: give the statement without EXPLAIN; planlint runs it inside its own"
#define TWO "refused: more than one statement"
#define UNTERMINATED "refused: unterminated quoted string, dollar quote or comment"
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
    { "DECLARE c CURSOR FOR SELECT 1", 0, READS, NULL },
    /* A prepared write passes here: the server's READ ONLY transaction refuses it. */
    { "EXECUTE p(1)", 0, READS, NULL },
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
    { "INSERT INTO t VALUES (1)", 0, WRITES, DML " (INSERT)" },
    { "insert into t values (1)", 0, WRITES, DML " (insert)" },
    { "UPDATE t SET v = 'x'", 0, WRITES, DML " (UPDATE)" },
    { "DELETE FROM t", 0, WRITES, DML " (DELETE)" },
    { "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE", 0, WRITES, DML " (MERGE)" },
    { "INSERT INTO t SELECT * FROM u ON CONFLICT (id) DO UPDATE SET v = 'x'", 0, WRITES, DML },
    { "WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d", 0, WRITES, DML " (WITH)" },
    { "WITH w AS (SELECT 1) INSERT INTO t SELECT * FROM w", 0, WRITES, DML " (WITH)" },
    { "SELECT * INTO t2 FROM t", 0, WRITES, DML " (SELECT)" },
    /* EXPLAIN ANALYZE of SELECT INTO creates the table even in a READ ONLY transaction
     * (PostgreSQL 15 does), so this check is the only thing that stops these. */
    { "WITH w AS (SELECT 1 AS a) SELECT * INTO t2 FROM w", 0, WRITES, DML " (WITH)" },
    { "SELECT*INTO t2 FROM t", 0, WRITES, DML " (SELECT)" },
    { "SELECT t.*INTO t2 FROM t", 0, WRITES, DML " (SELECT)" },
    { "CREATE TABLE t2 AS SELECT * FROM t", 0, WRITES, DML " (CREATE)" },
    { "create temp table t2 as select 1", 0, WRITES, DML " (create)" },
    { "CREATE UNLOGGED TABLE t2 (a) AS VALUES (1)", 0, WRITES, DML },
    { "CREATE MATERIALIZED VIEW mv AS SELECT 1", 0, WRITES, DML },
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
    { "DECLARE c CURSOR FOR SELECT * FROM t FOR UPDATE", 0, WRITES, LOCKS },
    { "SELECT \"share\", 'FOR UPDATE' FROM t /* FOR SHARE */", 0, READS, NULL },
    { "DELETE FROM t WHERE id IN (SELECT id FROM t FOR UPDATE)", 0, WRITES, DML " (DELETE)" },

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
    { "VACUUM t", 0, NEVER, "refused: VACUUM " NO_TRANSACTION },
    { "vacuum (analyze) t", 0, NEVER, NO_TRANSACTION },
    { "CREATE INDEX CONCURRENTLY i ON t (v)", 0, NEVER, NO_TRANSACTION },
    { "REINDEX TABLE CONCURRENTLY t", 0, NEVER, NO_TRANSACTION },
    { "CREATE DATABASE d", 0, NEVER, NO_TRANSACTION },
    { "ALTER SYSTEM SET work_mem = '1MB'", 0, NEVER, NO_TRANSACTION },

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
    { "SELECT (1)); DELETE FROM t", 0, NEVER, TWO },

    /* Unterminated: the rest of the text cannot be read, so nothing is guessed. */
    { "SELECT 'abc", 0, NEVER, UNTERMINATED },
    { "SELECT \"abc", 0, NEVER, UNTERMINATED },
    { "SELECT E'abc\\'", 0, NEVER, UNTERMINATED },
    { "SELECT $$abc", 0, NEVER, UNTERMINATED },
    { "SELECT $t$abc$$", 0, NEVER, UNTERMINATED },
    { "SELECT 1 /* abc", 0, NEVER, UNTERMINATED },
    { "SELECT 1 /* a /* b */", 0, NEVER, UNTERMINATED },
    { "SELECT 1; DELETE FROM t; 'x", 0, NEVER, UNTERMINATED },

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
    /* No values at all: a generic plan, which the server accepts (16+) or not. */
    { "SELECT * FROM t WHERE id = $1", 0, READS, NULL },
    { "UPDATE t SET v = $2 WHERE id = $1", 0, WRITES, DML },
    { "SELECT $1, $2", 1, NEVER, "refused: the statement uses $2 but 1 --param value was given" },
    { "SELECT $1, $3", 2, NEVER, "refused: the statement uses $3 but 2 --param values were given" },
    { "SELECT $99999999999999999999", 2, NEVER, "refused: the statement uses $" },
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

static void test_arguments(void)
{
    planlint_error err;
    char word[64], cut[64];

    memset(&err, 0, sizeof(err));
    CHECK(planlint_statement_check(NULL, 0, 0, &err) == PLANLINT_EINVAL);
    CHECK(err.code == PLANLINT_EINVAL && strstr(err.text, "no statement") != NULL);
    CHECK(planlint_statement_check(NULL, 1, 0, NULL) == PLANLINT_EINVAL);
    CHECK(planlint_statement_check("SELECT 1", 0, 0, NULL) == 0);
    CHECK(planlint_statement_check("DELETE FROM t", 0, 0, NULL) == PLANLINT_EREFUSED);
    CHECK(planlint_statement_check("SELECT 'x", 0, 0, NULL) == PLANLINT_EREFUSED);
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
    CHECK(planlint_statement_check(word, 1, 0, &err) == PLANLINT_EREFUSED);
    snprintf(cut, sizeof(cut), " %.40s statement", word);
    CHECK(strstr(err.text, cut) != NULL);
}

int main(void)
{
    size_t i;

    test_scanner();
    test_keywords();
    test_arguments();
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        check_case(&cases[i], 0);
        check_case(&cases[i], 1);
    }
    return tap_done("test_statement");
}

/* statement.c - which statements live capture may run: one statement that EXPLAIN
 * accepts and a transaction block can hold; writes only when the caller allows them.
 * The server's READ ONLY transaction is the real guard; this gives clear refusals first. */
#include "sql_scan.h"
#include "error.h"

#include <string.h>

#define PL_LEAD_WORDS 4

/* What one pass over the statement found. */
typedef struct pl_sql_facts {
    pl_sql_token lead[PL_LEAD_WORDS]; /* the first words at the top level */
    size_t nlead;
    long max_param;
    int writes;          /* INSERT/UPDATE/DELETE/MERGE as a keyword (not FOR UPDATE) */
    int locks;           /* FOR [NO KEY] UPDATE, FOR [KEY] SHARE: row locks */
    int into;            /* INTO: [WITH ...] SELECT ... INTO creates a table */
    int as_top;          /* AS at the top level: CREATE TABLE ... AS */
    int concurrently;
    int second;          /* something follows a top-level ';' */
    int unterminated;
} pl_sql_facts;

static void pl_note_word(pl_sql_facts *f, const pl_sql_token *t, const pl_sql_token *prev, int depth)
{
    if (depth == 0 && f->nlead < PL_LEAD_WORDS)
        f->lead[f->nlead++] = *t;
    if (pl_sql_is(t, "INSERT") || pl_sql_is(t, "DELETE") || pl_sql_is(t, "MERGE") ||
        (pl_sql_is(t, "UPDATE") && !pl_sql_is(prev, "FOR") && !pl_sql_is(prev, "KEY")))
        f->writes = 1;
    else if ((pl_sql_is(t, "UPDATE") || pl_sql_is(t, "SHARE")) &&
             (pl_sql_is(prev, "FOR") || pl_sql_is(prev, "KEY")))
        f->locks = 1;
    if (pl_sql_is(t, "INTO"))
        f->into = 1;
    if (pl_sql_is(t, "CONCURRENTLY"))
        f->concurrently = 1;
    if (depth == 0 && pl_sql_is(t, "AS"))
        f->as_top = 1;
}

static void pl_sql_gather(const char *sql, pl_sql_facts *f)
{
    pl_sql_scanner sc;
    pl_sql_token t, prev;
    int depth = 0, base = 0, after_semicolon = 0;

    memset(f, 0, sizeof(*f));
    memset(&prev, 0, sizeof(prev));
    sc.p = sql;
    while ((t = pl_sql_next(&sc)).kind != PL_SQL_END) {
        if (t.kind == PL_SQL_UNTERMINATED) {
            f->unterminated = 1;
            return;
        }
        if (t.kind == PL_SQL_SEMICOLON && depth == 0) {
            after_semicolon = 1;
            continue;
        }
        if (after_semicolon)
            f->second = 1;
        if (t.kind == PL_SQL_OPEN && f->nlead == 0 && depth == base)
            depth++, base++; /* (SELECT ...): leading parentheses wrap the statement */
        else if (t.kind == PL_SQL_OPEN)
            depth++;
        else if (t.kind == PL_SQL_CLOSE && depth > 0)
            depth--;
        else if (t.kind == PL_SQL_PARAM && t.number > f->max_param)
            f->max_param = t.number;
        else if (t.kind == PL_SQL_WORD)
            pl_note_word(f, &t, &prev, depth - base);
        prev = t;
    }
}

static int pl_lead_is(const pl_sql_facts *f, size_t i, const char *kw)
{
    return i < f->nlead && pl_sql_is(&f->lead[i], kw);
}

/* CREATE [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE ... AS, or CREATE MATERIALIZED VIEW. */
static int pl_create_explainable(const pl_sql_facts *f)
{
    size_t i = 1;

    if (pl_lead_is(f, i, "MATERIALIZED"))
        return pl_lead_is(f, i + 1, "VIEW");
    if (pl_lead_is(f, i, "GLOBAL") || pl_lead_is(f, i, "LOCAL"))
        i++;
    if (pl_lead_is(f, i, "TEMP") || pl_lead_is(f, i, "TEMPORARY") || pl_lead_is(f, i, "UNLOGGED"))
        i++;
    return pl_lead_is(f, i, "TABLE") && f->as_top;
}

static const char *const pl_readers[] = { "SELECT", "VALUES", "TABLE", "WITH", "EXECUTE", "DECLARE" };
static const char *const pl_writers[] = { "INSERT", "UPDATE", "DELETE", "MERGE" };

static int pl_in(const pl_sql_token *t, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (pl_sql_is(t, list[i]))
            return 1;
    return 0;
}

/* 1: reads only, 2: writes, 0: EXPLAIN cannot run it. */
static int pl_sql_kind(const pl_sql_facts *f)
{
    const pl_sql_token *first = &f->lead[0];

    if (pl_in(first, pl_writers, 4))
        return 2;
    if (pl_sql_is(first, "CREATE"))
        return pl_create_explainable(f) ? 2 : 0;
    if (!pl_in(first, pl_readers, 6))
        return 0;
    /* INTO is reserved: in a read it is SELECT INTO, whether or not WITH comes first. */
    return f->writes || f->into ? 2 : 1;
}

static int pl_refuse_kind(const pl_sql_facts *f, planlint_error *err)
{
    const pl_sql_token *first = &f->lead[0];
    int n = (int)(first->len > 40 ? 40 : first->len);

    if (pl_sql_is(first, "EXPLAIN"))
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: give the statement without EXPLAIN; planlint runs it inside "
                        "its own EXPLAIN");
    if (f->concurrently || pl_sql_is(first, "VACUUM") || pl_lead_is(f, 1, "DATABASE") ||
        pl_lead_is(f, 1, "SYSTEM"))
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: %.*s cannot run inside a transaction block, and EXPLAIN "
                        "cannot explain it", n, first->start);
    return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                    "refused: EXPLAIN cannot run a %.*s statement; it accepts SELECT, INSERT, "
                    "UPDATE, DELETE, MERGE, VALUES, EXECUTE, DECLARE, CREATE TABLE AS, "
                    "CREATE MATERIALIZED VIEW", n, first->start);
}

long pl_statement_max_param(const char *sql)
{
    pl_sql_facts f;

    pl_sql_gather(sql, &f);
    return f.max_param;
}

int planlint_statement_check(const char *sql, int allow_writes, size_t nparams, planlint_error *err)
{
    pl_sql_facts f;
    int kind;

    if (!sql)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "no statement");
    pl_sql_gather(sql, &f);
    if (f.unterminated)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: unterminated quoted string, dollar quote or comment");
    if (f.second)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: more than one statement (give one statement, without a "
                        "second after ';')");
    if (f.nlead == 0)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL, "refused: no statement to explain");
    if ((kind = pl_sql_kind(&f)) == 0)
        return pl_refuse_kind(&f, err);
    /* Not a write, but PostgreSQL refuses it in a READ ONLY transaction (under ANALYZE),
     * and the locks hold back other sessions' writes until the rollback. */
    if (kind == 1 && f.locks && !allow_writes)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: FOR UPDATE/SHARE locks rows, which a READ ONLY transaction "
                        "does not allow; it needs --allow-writes (the locks end at the rollback)");
    if (kind == 2 && !allow_writes)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: data-modifying statement (%.*s); it needs --allow-writes "
                        "(and is still rolled back)", (int)(f.lead[0].len > 40 ? 40 : f.lead[0].len),
                        f.lead[0].start);
    /* Without values, $n asks for a generic plan; capture knows whether the server can. */
    if (f.max_param > 0 && nparams > 0 && (size_t)f.max_param > nparams)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: the statement uses $%ld but %zu --param value%s given",
                        f.max_param, nparams, nparams == 1 ? " was" : "s were");
    return 0;
}

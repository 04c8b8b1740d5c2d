/* statement.c - which statements live capture may run, decided on the parse tree that
 * PostgreSQL's own grammar gives (libpg_query): exactly one statement that PREPARE
 * accepts; writes and row locks only when the caller allows them; no call of a function
 * whose effect outlives the rollback (side_effects.c) unless allowed. The server then
 * fences again: capture sends the text alone through the extended protocol, inside a
 * READ ONLY transaction, and checks the plan before it runs anything. */
#include "statement.h"
#include "error.h"
#include "sql.h"

#include <stdio.h>
#include <string.h>

/* The protocol counts parameters in 16 bits. */
#define PL_MAX_PARAM 65535

/* What one walk over the tree found. */
typedef struct pl_stmt_facts {
    const planlint_capture_options *opts;
    int writes;                    /* INSERT/UPDATE/DELETE/MERGE anywhere, CTEs too */
    int locks;                     /* FOR [NO KEY] UPDATE, FOR [KEY] SHARE */
    int into;                      /* SELECT ... INTO creates a table */
    long max_param;
    int bad_param;                 /* a $n beyond what the server allows */
    const char *effect_name;       /* the first function called that is not allowed */
    const pl_side_effect *effect;
    json_t *functions;             /* the names called: an object used as a set */
    json_t *operators;             /* the operators used, the same way */
    json_t *relations;             /* the relations named, the same way */
    int nomem;
} pl_stmt_facts;

int pl_capture_allows_side_effects(const planlint_capture_options *o)
{
    return o->version >= 2 && o->allow_side_effects;
}

static void pl_note_function(pl_stmt_facts *f, const json_t *call)
{
    const char *name = pl_sql_func_name(call, NULL);
    const pl_side_effect *e = pl_side_effect_find(name);

    if (!name)
        return;
    if (!f->effect && !pl_side_effect_allowed(e, f->opts))
        f->effect = e, f->effect_name = name;
    if (json_object_set_new(f->functions, name, json_true()) != 0)
        f->nomem = 1;
}

/* Adds the last part of a name list (["public", "==="]) to set. */
static void pl_note_name(pl_stmt_facts *f, json_t *set, const json_t *parts)
{
    const char *name = pl_sql_string(json_array_get(parts, json_array_size(parts) - 1));

    if (name && json_array_size(parts) > 0 && json_object_set_new(set, name, json_true()) != 0)
        f->nomem = 1;
}

static int pl_visit(const char *kind, json_t *body, void *ud)
{
    pl_stmt_facts *f = ud;
    json_int_t n;

    if (strcmp(kind, "InsertStmt") == 0 || strcmp(kind, "UpdateStmt") == 0 ||
        strcmp(kind, "DeleteStmt") == 0 || strcmp(kind, "MergeStmt") == 0) {
        /* The target is a RangeVar's fields without the node around them. */
        const char *target = json_string_value(json_object_get(json_object_get(body, "relation"), "relname"));

        f->writes = 1;
        if (target && json_object_set_new(f->relations, target, json_true()) != 0)
            f->nomem = 1;
    }
    else if (strcmp(kind, "SelectStmt") == 0) {
        if (json_array_size(json_object_get(body, "lockingClause")) > 0)
            f->locks = 1;
        if (json_object_get(body, "intoClause"))
            f->into = 1;
    } else if (strcmp(kind, "FuncCall") == 0)
        pl_note_function(f, body);
    else if (strcmp(kind, "A_Expr") == 0)
        pl_note_name(f, f->operators, json_object_get(body, "name"));
    else if (strcmp(kind, "RangeVar") == 0 && json_string_value(json_object_get(body, "relname")) &&
             json_object_set_new(f->relations, json_string_value(json_object_get(body, "relname")),
                                 json_true()) != 0)
        f->nomem = 1;
    else if (strcmp(kind, "ParamRef") == 0) {
        n = json_integer_value(json_object_get(body, "number"));
        if (n <= 0 || n > PL_MAX_PARAM)
            f->bad_param = 1;   /* the parser wraps numbers past 2^31 */
        else if (n > f->max_param)
            f->max_param = (long)n;
    }
    return 0;
}

/* The statement's first word, for messages: at most 40 bytes of it. */
static int pl_first_word(const char *sql, size_t at, const char **start)
{
    size_t n = 0;

    *start = sql + at;
    while ((*start)[n] && !strchr(" \t\r\n\f\v(;", (*start)[n]) && n < 40)
        n++;
    return (int)n;
}

static int pl_refuse_kind(const char *sql, const char *kind, size_t at, planlint_error *err)
{
    const char *word;
    int n = pl_first_word(sql, at, &word);

    if (strcmp(kind, "ExplainStmt") == 0)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: give the statement without EXPLAIN; planlint runs it inside "
                        "its own EXPLAIN");
    return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                    "refused: planlint explains SELECT, VALUES, TABLE, INSERT, UPDATE, DELETE "
                    "and MERGE, not a %.*s statement", n, word);
}

/* A statement PREPARE takes: the kinds EXPLAIN ANALYZE can run without a side table. */
static int pl_preparable(const char *kind)
{
    return strcmp(kind, "SelectStmt") == 0 || strcmp(kind, "InsertStmt") == 0 ||
           strcmp(kind, "UpdateStmt") == 0 || strcmp(kind, "DeleteStmt") == 0 ||
           strcmp(kind, "MergeStmt") == 0;
}

static int pl_refuse_parse(const pl_sql_error *e, planlint_error *err)
{
    if (e->position > 0)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: PostgreSQL 15's grammar cannot read the statement: %s (at "
                        "character %d); planlint reads every statement before it sends it, so "
                        "newer syntax has to wait for a newer parser", e->text, e->position);
    return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL, "refused: %s", e->text);
}

static int pl_judge(const pl_stmt_facts *f, const planlint_capture_options *o, planlint_error *err)
{
    if (f->into)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: SELECT ... INTO creates a table; give the SELECT without INTO");
    if (f->writes && !o->allow_writes)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: data-modifying statement (INSERT, UPDATE, DELETE or MERGE, "
                        "also inside WITH); it needs --allow-writes (and is still rolled back)");
    /* Not a write, but a READ ONLY transaction refuses it under ANALYZE, and the locks
     * hold back other sessions' writes until the rollback. */
    if (f->locks && !o->allow_writes)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: FOR UPDATE/SHARE locks rows, which a READ ONLY transaction "
                        "does not allow; it needs --allow-writes (the locks end at the rollback)");
    if (f->bad_param)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: the statement uses a $n beyond $%d, more parameters than "
                        "PostgreSQL allows", PL_MAX_PARAM);
    if (f->effect)
        return pl_side_effect_refuse(err, f->effect_name, f->effect, NULL);
    if (f->max_param > 0 && o->nparams > 0 && (size_t)f->max_param > o->nparams)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: the statement uses $%ld but %zu --param value%s given",
                        f->max_param, o->nparams, o->nparams == 1 ? " was" : "s were");
    return 0;
}

int pl_side_effect_refuse(planlint_error *err, const char *f, const pl_side_effect *e, const char *via)
{
    const char *needs = e->with_writes ? "--allow-writes or --allow-side-effects" : "--allow-side-effects";

    if (via)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: %.60s() calls %.60s(), which %s; a rollback cannot undo that, "
                        "so it needs %s", via, f, e->why, needs);
    return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                    "refused: %.60s() %s; a rollback cannot undo that, so it needs %s", f, e->why, needs);
}

static int pl_read_tree(pl_stmt_facts *f, json_t *tree, const char *sql, planlint_error *err)
{
    json_t *body;
    size_t at;
    const char *kind;

    if (pl_sql_stmt_count(tree) == 0)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL, "refused: no statement to explain");
    if (pl_sql_stmt_count(tree) > 1)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: more than one statement (give one statement, without a "
                        "second after ';')");
    kind = pl_sql_stmt(tree, 0, &body, &at);
    if (!kind || !pl_preparable(kind))
        return pl_refuse_kind(sql, kind ? kind : "", at, err);
    if (pl_sql_walk(tree, pl_visit, f) != 0)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL, "refused: the statement is nested too deeply");
    if (f->nomem)
        return pl_error_nomem(err);
    return pl_judge(f, f->opts, err);
}

int pl_statement_read(pl_statement *st, const char *sql, const planlint_capture_options *o,
                      planlint_error *err)
{
    pl_stmt_facts f;
    pl_sql_error e;
    json_t *tree = NULL;
    int rc;

    memset(st, 0, sizeof(*st));
    if (!sql || !o)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "no statement");
    memset(&f, 0, sizeof(f));
    f.opts = o;
    f.functions = json_object(), f.operators = json_object(), f.relations = json_object();
    if (!f.functions || !f.operators || !f.relations) {
        json_decref(f.functions), json_decref(f.operators), json_decref(f.relations);
        return pl_error_nomem(err);
    }
    rc = pl_sql_parse(&tree, sql, &e);
    if (rc == PLANLINT_EPARSE)
        rc = pl_refuse_parse(&e, err);
    else if (rc != 0)
        rc = pl_error_nomem(err);
    else
        rc = pl_read_tree(&f, tree, sql, err);
    json_decref(tree);
    st->max_param = f.max_param;
    st->functions = f.functions, st->operators = f.operators, st->relations = f.relations;
    if (rc != 0)
        pl_statement_release(st);
    return rc;
}

void pl_statement_release(pl_statement *st)
{
    json_decref(st->functions), json_decref(st->operators), json_decref(st->relations);
    st->functions = st->operators = st->relations = NULL;
}

int planlint_capture_check(const char *sql, const planlint_capture_options *opts, planlint_error *err)
{
    pl_statement st;
    int rc;

    if (!opts || (opts->version != 1 && opts->version != PLANLINT_CAPTURE_OPTIONS_VERSION))
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "invalid capture options");
    if ((rc = pl_statement_read(&st, sql, opts, err)) == 0)
        pl_statement_release(&st);
    return rc;
}

int planlint_statement_check(const char *sql, int allow_writes, size_t nparams, planlint_error *err)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;

    o.allow_writes = allow_writes;
    o.nparams = nparams;
    return planlint_capture_check(sql, &o, err);
}

/* sql_reparse.c - every statement planlint shows, parsed once more by libpg_query on its
 * own, apart from lib/sql/build.c: exactly one statement of the kind it claims, and a
 * CREATE INDEX on the very table its scan names.
 * Usage: sql_reparse FILE...   checks the findings of each plan file (all rules);
 *        sql_reparse --json    checks every "index_sql" in planlint's JSON output on stdin.
 * Prints the counts; exit 1 on any statement that fails. */
#include "finding.h"
#include "sql.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t nstatements, nfailed, nunsafe;

static void fail(const char *where, const char *sql, const char *why)
{
    nfailed++;
    fprintf(stderr, "%s: %s\n  statement: %s\n", where, why, sql);
}

/* The parsed statement when sql is exactly one statement of kind; NULL otherwise. */
static json_t *one_statement(const char *where, const char *sql, const char *kind, json_t **body)
{
    json_t *tree = NULL;
    const char *got;

    nstatements++;
    if (pl_sql_parse(&tree, sql, NULL) != 0) {
        fail(where, sql, "does not parse");
        return NULL;
    }
    if (pl_sql_stmt_count(tree) != 1 || !(got = pl_sql_stmt(tree, 0, body, NULL)) || strcmp(got, kind) != 0) {
        fail(where, sql, "is not exactly one statement of its kind");
        json_decref(tree);
        return NULL;
    }
    return tree;
}

static int same(const char *a, const char *b)
{
    return a ? b && strcmp(a, b) == 0 : b == NULL;
}

/* The index is on the scan's own table: schema and name as the plan gives them. */
static void check_index(const char *where, const pl_finding *f)
{
    json_t *body, *tree = one_statement(where, f->index_sql, "IndexStmt", &body);
    json_t *rel = json_object_get(body, "relation");

    if (tree && f->node &&
        (!same(json_string_value(json_object_get(rel, "relname")), f->node->fields[PLANLINT_FIELD_RELATION]) ||
         !same(json_string_value(json_object_get(rel, "schemaname")), f->node->fields[PLANLINT_FIELD_SCHEMA])))
        fail(where, f->index_sql, "names another table than the scan's");
    json_decref(tree);
}

/* Whether advice shows text: as it is, or with its line breaks written as \n and \r,
 * as a finding writes every line break that comes from the plan. */
static int shown(const char *advice, const char *text)
{
    char *escaped = malloc(2 * strlen(text) + 1), *o = escaped;
    const char *p;
    int found;

    if (!escaped)
        return 0;
    for (p = text; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *o++ = '\\';
            *o++ = *p == '\n' ? 'n' : 'r';
        } else
            *o++ = *p;
    }
    *o = '\0';
    found = strstr(advice, text) != NULL || strstr(advice, escaped) != NULL;
    free(escaped);
    return found;
}

static void check_finding(const char *where, const pl_finding *f)
{
    const pl_sql_shown *s;
    int index_kept = f->index_sql == NULL;

    if (f->index_sql)
        check_index(where, f);
    for (s = f->sql; s; s = s->next) {
        json_t *body;
        json_decref(one_statement(where, s->text, s->kind, &body));
        if (!shown(f->advice, s->text) && !same(s->text, f->index_sql))
            fail(where, s->text, "was built but the advice does not show it");
        index_kept |= same(s->text, f->index_sql);
    }
    if (!index_kept)
        fail(where, f->index_sql, "index_sql did not go through pl_finding_index()");
    nunsafe += strstr(f->advice, "could be built") != NULL;
}

static char *slurp(FILE *in, size_t *len)
{
    long n;
    char *buf;

    if (fseek(in, 0, SEEK_END) != 0 || (n = ftell(in)) < 0 || fseek(in, 0, SEEK_SET) != 0 ||
        !(buf = malloc((size_t)n + 1)))
        return NULL;
    if (fread(buf, 1, (size_t)n, in) != (size_t)n) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static int check_file(const char *path)
{
    FILE *in = fopen(path, "rb");
    planlint_plan *plan = NULL;
    const planlint_plan *p;
    planlint_error err;
    size_t len, i;
    char *buf = in ? slurp(in, &len) : NULL;

    if (in)
        fclose(in);
    if (!buf || planlint_plan_parse(&plan, buf, len, NULL, &err) != 0 || planlint_check(plan, NULL, &err) != 0) {
        fprintf(stderr, "%s: cannot read or check\n", path);
        free(buf);
        planlint_plan_free(plan);
        return -1;
    }
    for (p = plan; p; p = planlint_plan_next(p))
        for (i = 0; i < planlint_plan_finding_count(p); i++)
            check_finding(path, planlint_plan_finding(p, i));
    planlint_plan_free(plan);
    free(buf);
    return 0;
}

/* Every "index_sql" member anywhere in v. */
static void check_json(json_t *v)
{
    const char *key;
    json_t *child, *body;
    size_t i;

    json_array_foreach(v, i, child)
        check_json(child);
    if (!json_is_object(v))
        return;
    json_object_foreach(v, key, child) {
        if (strcmp(key, "index_sql") == 0 && json_is_string(child))
            json_decref(one_statement("stdin", json_string_value(child), "IndexStmt", &body));
        else
            check_json(child);
    }
}

int main(int argc, char **argv)
{
    int i, bad = 0;

    if (argc == 2 && strcmp(argv[1], "--json") == 0) {
        json_error_t jerr;
        json_t *out = json_loadf(stdin, JSON_DISABLE_EOF_CHECK, &jerr);
        if (!out) {
            fprintf(stderr, "stdin: not JSON: %s\n", jerr.text);
            return 1;
        }
        check_json(out);
        json_decref(out);
    } else {
        for (i = 1; i < argc; i++)
            bad |= check_file(argv[i]) < 0;
    }
    printf("sql_reparse: %zu statements re-parsed, %zu failed, %zu findings without a safe statement\n",
           nstatements, nfailed, nunsafe);
    return bad || nfailed ? 1 : 0;
}

/* script.c - a SQL file cut into its statements where PostgreSQL's own grammar
 * (libpg_query's parser) ends them: a ';' inside a string, a dollar-quoted body, a
 * comment or a BEGIN ATOMIC ... END body does not end a statement. */
#include "planlint.h"
#include "alloc.h"
#include "error.h"
#include "sql.h"

#include <pg_query.h>
#include <string.h>

typedef struct pl_script_stmt {
    char *text;      /* owned, NUL-terminated */
    size_t len;
    size_t line;     /* 1-based line of its first token */
} pl_script_stmt;

struct planlint_script {
    pl_script_stmt *stmts;
    size_t n;
};

static int pl_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Past one comment at s (nested, as PostgreSQL's), or s itself when none starts there. */
static const char *pl_skip_comment(const char *s, const char *end)
{
    int depth = 0;

    if (end - s >= 2 && s[0] == '-' && s[1] == '-') {
        while (s < end && *s != '\n')
            s++;
        return s;
    }
    if (end - s < 2 || s[0] != '/' || s[1] != '*')
        return s;
    do {
        if (end - s >= 2 && s[0] == '/' && s[1] == '*')
            depth++, s += 2;
        else if (end - s >= 2 && s[0] == '*' && s[1] == '/')
            depth--, s += 2;
        else
            s++;
    } while (depth > 0 && s < end);
    return s;
}

/* Where the first token of [s, end) starts: the comments before a statement belong to
 * its text, but its line is the line of its first word. */
static const char *pl_first_token(const char *s, const char *end)
{
    const char *next;

    for (;;) {
        while (s < end && pl_is_blank(*s))
            s++;
        if ((next = pl_skip_comment(s, end)) == s)
            return s;
        s = next;
    }
}

static size_t pl_count_lines(const char *s, const char *end, size_t line)
{
    for (; s < end; s++)
        line += *s == '\n';
    return line;
}

/* The byte offset of a 1-based character position in UTF-8 text (libpg_query counts
 * characters in its cursor positions). */
static size_t pl_char_offset(const char *sql, size_t len, int position)
{
    size_t i = 0;
    int chars = 0;

    for (; i < len; i++)
        if (((unsigned char)sql[i] & 0xc0) != 0x80 && ++chars == position)
            return i;
    return len;
}

static int pl_script_fail(const char *sql, size_t len, const PgQueryError *e, planlint_error *err)
{
    size_t at = e->cursorpos > 0 ? pl_char_offset(sql, len, e->cursorpos) : 0;
    size_t line = pl_count_lines(sql, sql + at, 1), start = at, col = 1;

    while (start > 0 && sql[start - 1] != '\n')
        start--;
    for (; start < at; start++)
        col += ((unsigned char)sql[start] & 0xc0) != 0x80;
    return pl_error(err, PLANLINT_EPARSE, e->cursorpos > 0 ? (int)line : 0, e->cursorpos > 0 ? (int)col : 0,
                    NULL, "PostgreSQL 15's grammar cannot read the file: %s",
                    e->message ? e->message : "syntax error");
}

/* One statement of the split: its text less the blanks around it. Empty ones are skipped. */
static int pl_script_keep(planlint_script *s, const char *sql, size_t at, size_t len, size_t *line,
                          size_t *counted)
{
    const char *start = sql + at, *end = start + len, *first;
    pl_script_stmt *st;

    while (start < end && pl_is_blank(*start))
        start++;
    while (end > start && pl_is_blank(end[-1]))
        end--;
    first = pl_first_token(start, end);
    if (first == end)
        return 0;
    *line = pl_count_lines(sql + *counted, first, *line);
    *counted = (size_t)(first - sql);
    st = &s->stmts[s->n];
    if (!(st->text = pl_strndup(start, (size_t)(end - start))))
        return PLANLINT_ENOMEM;
    st->len = (size_t)(end - start);
    st->line = *line;
    s->n++;
    return 0;
}

static int pl_script_fill(planlint_script *s, const char *sql, const PgQuerySplitResult *r,
                          planlint_error *err)
{
    size_t line = 1, counted = 0;
    int i;

    if (r->n_stmts > 0 && !(s->stmts = pl_malloc((size_t)r->n_stmts * sizeof(*s->stmts))))
        return pl_error_nomem(err);
    for (i = 0; i < r->n_stmts; i++)
        if (pl_script_keep(s, sql, (size_t)r->stmts[i]->stmt_location, (size_t)r->stmts[i]->stmt_len,
                           &line, &counted) != 0)
            return pl_error_nomem(err);
    return 0;
}

int planlint_script_split(planlint_script **out, const char *sql, size_t len, planlint_error *err)
{
    PgQuerySplitResult r;
    planlint_script *s;
    char *copy;
    int rc;

    if (!out || (!sql && len))
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out must not be NULL");
    *out = NULL;
    if (len > PL_SQL_MAX_LENGTH)
        return pl_error(err, PLANLINT_EPARSE, 0, 0, NULL, "the file is longer than 16 MiB");
    if (len && memchr(sql, '\0', len))
        return pl_error(err, PLANLINT_EPARSE, 0, 0, NULL, "the file contains a NUL byte");
    if (!(s = pl_malloc(sizeof(*s))) || !(copy = pl_strndup(len ? sql : "", len))) {
        pl_free(s);
        return pl_error_nomem(err);
    }
    s->stmts = NULL, s->n = 0;
    r = pg_query_split_with_parser(copy);
    if (r.error)
        rc = pl_script_fail(copy, len, r.error, err);
    else
        rc = pl_script_fill(s, copy, &r, err);
    pg_query_free_split_result(r);
    pl_free(copy);
    if (rc != 0) {
        planlint_script_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

size_t planlint_script_count(const planlint_script *s)
{
    return s ? s->n : 0;
}

const char *planlint_script_statement(const planlint_script *s, size_t i, size_t *len, size_t *line)
{
    if (!s || i >= s->n)
        return NULL;
    if (len)
        *len = s->stmts[i].len;
    if (line)
        *line = s->stmts[i].line;
    return s->stmts[i].text;
}

void planlint_script_free(planlint_script *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->n; i++)
        pl_free(s->stmts[i].text);
    pl_free(s->stmts);
    pl_free(s);
}

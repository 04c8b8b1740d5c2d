/* expr.c - a condition from a plan read as SQL: EXPLAIN's own words for subqueries
 * replaced by calls the grammar accepts, then "SELECT WHERE <condition>" parsed by
 * libpg_query and its WHERE clause handed back. */
#include "expr.h"
#include "alloc.h"
#include "buf.h"
#include "planlint.h"

#include <string.h>

static const char pl_expr_prefix[] = "SELECT WHERE ";

static int pl_is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           ((unsigned char)c & 0x80);
}

static int pl_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Whether s[i..n) starts with word, not preceded or followed by a letter or digit. */
static int pl_word_at(const char *s, size_t n, size_t i, const char *word)
{
    size_t wl = strlen(word);

    return i + wl <= n && memcmp(s + i, word, wl) == 0 && (i == 0 || !pl_is_word(s[i - 1])) &&
           (i + wl == n || !pl_is_word(s[i + wl]));
}

/* Digits at s[i..n): their count (0 when none). */
static size_t pl_digits(const char *s, size_t n, size_t i)
{
    size_t k = i;

    while (k < n && pl_is_digit(s[k]))
        k++;
    return k - i;
}

/* "SubPlan 3" or "InitPlan 3" at i (after "hashed " when there is one): writes the
 * placeholder call and returns the length read, 0 when there is none. A following
 * ".colN" (PostgreSQL 16+: "(InitPlan 1).col1") is read with the parenthesis. */
static size_t pl_plan_ref(pl_buf *b, const char *s, size_t n, size_t i)
{
    size_t at = i, d, paren = 0;
    const char *fn;

    if (s[at] == '(' && at + 1 < n)
        paren = 1, at++;
    if (pl_word_at(s, n, at, "hashed"))
        at += 7;
    if (pl_word_at(s, n, at, "SubPlan"))
        fn = PL_SQL_SUBPLAN, at += 7;
    else if (pl_word_at(s, n, at, "InitPlan"))
        fn = PL_SQL_INITPLAN, at += 8;
    else
        return 0;
    if (at >= n || s[at] != ' ' || !(d = pl_digits(s, n, at + 1)))
        return 0;
    at += 1 + d;
    /* "(SubPlan 1).col2": the column of a multi-column result, read with its
     * parentheses. Otherwise the parenthesis stays as it was. */
    if (paren && at + 5 < n && s[at] == ')' && memcmp(s + at + 1, ".col", 4) == 0 &&
        pl_digits(s, n, at + 5) > 0) {
        pl_buf_printf(b, "%s(%.*s)", fn, (int)d, s + at - d);
        return at + 5 + pl_digits(s, n, at + 5) - i;
    }
    pl_buf_printf(b, "%s%s(%.*s)", paren ? "(" : "", fn, (int)d, s + at - d);
    return at - i;
}

/* " (returns $1,$2)" after a plan name: dropped. Returns the length to skip. */
static size_t pl_returns(const char *s, size_t n, size_t i)
{
    size_t at = i;

    while (at < n && s[at] == ' ')
        at++;
    if (at + 9 > n || memcmp(s + at, "(returns ", 9) != 0)
        return 0;
    for (at += 9; at < n && s[at] != ')'; at++)
        if (!(pl_is_digit(s[at]) || s[at] == '$' || s[at] == ',' || s[at] == ' '))
            return 0;
    return at < n ? at + 1 - i : 0;
}

/* cond with EXPLAIN's words for subqueries made calls; quoted text is copied as it is. */
static void pl_explain_to_sql(pl_buf *b, const char *s, size_t n)
{
    size_t i = 0, k;
    char quote = 0;

    while (i < n) {
        char c = s[i];
        if (quote) {
            quote = c == quote ? 0 : quote;   /* '' and "" read as close-and-reopen */
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if ((c == '(' || c == 'h' || c == 'S' || c == 'I') && (i == 0 || !pl_is_word(s[i - 1])) &&
                   (k = pl_plan_ref(b, s, n, i)) > 0) {
            i += k;
            i += pl_returns(s, n, i);
            continue;
        }
        pl_buf_putc(b, c);
        i++;
    }
}

static int pl_expr_fail(pl_sql_error *e, const char *text)
{
    if (e) {
        size_t n = strlen(text);
        if (n >= sizeof(e->text))
            n = sizeof(e->text) - 1;
        memcpy(e->text, text, n);
        e->text[n] = '\0';
        e->position = 0;
    }
    return PLANLINT_EPARSE;
}

/* The WHERE clause of the one SelectStmt in x->tree. */
static int pl_where(pl_sql_expr *x, pl_sql_error *e)
{
    json_t *body = NULL;
    const char *kind;

    static const char *const allowed[] = { "whereClause", "limitOption", "op" };
    const char *key;
    json_t *v;
    size_t i;

    if (pl_sql_stmt_count(x->tree) != 1 || !(kind = pl_sql_stmt(x->tree, 0, &body, NULL)) ||
        strcmp(kind, "SelectStmt") != 0 || !(x->node = json_object_get(body, "whereClause")))
        return pl_expr_fail(e, "not one expression");
    /* Only what "SELECT WHERE x" has: a condition that closed the WHERE clause and went
     * on (ORDER BY, a set operation) is not one expression. */
    json_object_foreach(body, key, v) {
        for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && strcmp(key, allowed[i]) != 0; i++)
            ;
        if (i == sizeof(allowed) / sizeof(allowed[0]))
            return pl_expr_fail(e, "not one expression");
    }
    if (strcmp(json_string_value(json_object_get(body, "op")) ? json_string_value(json_object_get(body, "op")) : "SETOP_NONE", "SETOP_NONE") != 0)
        return pl_expr_fail(e, "not one expression");
    return 0;
}

int pl_sql_expr_parse(pl_sql_expr *x, const char *cond, size_t n, pl_sql_error *e)
{
    pl_buf b;
    int rc;

    memset(x, 0, sizeof(*x));
    if (n > PL_SQL_EXPR_MAX_LENGTH)
        return pl_expr_fail(e, "the condition is too long to read");
    if (memchr(cond, '\0', n))
        return pl_expr_fail(e, "not one expression");
    pl_buf_init(&b);
    pl_buf_puts(&b, pl_expr_prefix);
    pl_explain_to_sql(&b, cond, n);
    if (b.failed) {
        pl_buf_release(&b);
        return PLANLINT_ENOMEM;
    }
    x->text = b.data + (sizeof(pl_expr_prefix) - 1);
    x->len = b.len - (sizeof(pl_expr_prefix) - 1);
    x->offset = sizeof(pl_expr_prefix) - 1;
    if ((rc = pl_sql_parse(&x->tree, b.data, e)) < 0)
        return rc;
    return pl_where(x, e);
}

void pl_sql_expr_free(pl_sql_expr *x)
{
    if (!x)
        return;
    json_decref(x->tree);
    if (x->text)
        pl_free(x->text - x->offset);
    memset(x, 0, sizeof(*x));
}

const char *pl_sql_node(const json_t *v, json_t **body)
{
    const char *kind;
    json_t *child;

    *body = NULL;
    if (!json_is_object(v) || json_object_size(v) != 1)
        return NULL;
    json_object_foreach((json_t *)v, kind, child) {
        if (kind[0] < 'A' || kind[0] > 'Z' || !json_is_object(child))
            return NULL;
        *body = child;
        return kind;
    }
    return NULL;
}

long pl_sql_expr_at(const pl_sql_expr *x, const json_t *body)
{
    json_t *loc = json_object_get(body, "location");
    json_int_t at;

    if (!json_is_integer(loc) || (at = json_integer_value(loc)) < (json_int_t)x->offset ||
        at - (json_int_t)x->offset > (json_int_t)x->len)
        return -1;
    return (long)(at - (json_int_t)x->offset);
}

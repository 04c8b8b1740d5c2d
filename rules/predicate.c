/* predicate.c - reading a scan's Filter / Index Cond as PostgreSQL prints it: split at
 * top-level AND/OR, recognise "column op constant" terms (pcre2 for the column and
 * expression shapes), and build the btree index that serves them. */
#include "predicate.h"
#include "alloc.h"
#include "buf.h"
#include "build.h"
#include "nest.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <ctype.h>
#include <stdio.h>

struct pl_pred_patterns {
    pcre2_code *column;     /* [qualifier.]name, optional parentheses and cast */
    pcre2_code *function;   /* fn(column) */
};

/* Identifier: plain or "quoted" (with "" inside). */
#define PL_IDENT "(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)"

static const char pl_column_re[] =
    "^\\(*(?:" PL_IDENT "\\.)*(" PL_IDENT ")\\)*(?:::([A-Za-z_][A-Za-z0-9_ ]*(?:\\[\\])?))?$";
static const char pl_function_re[] = "^(lower|upper|abs|btrim|trim)\\((.+)\\)(?:::[A-Za-z_][A-Za-z0-9_ ]*)?$";

static pcre2_code *pl_compile(const char *re)
{
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &errcode, &erroff, NULL);

    if (code)
        pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);   /* an optimisation only */
    return code;
}

pl_pred_patterns *pl_pred_patterns_new(void)
{
    pl_pred_patterns *pp = pl_malloc(sizeof(*pp));

    if (!pp)
        return NULL;
    pp->column = pl_compile(pl_column_re);
    pp->function = pl_compile(pl_function_re);
    if (!pp->column || !pp->function) {
        pl_pred_patterns_free(pp);
        return NULL;
    }
    return pp;
}

const pl_pred_patterns *pl_pred_patterns_get(pl_check *c, pl_pred_patterns **pp)
{
    if (!*pp && !(*pp = pl_pred_patterns_new()))
        pl_check_fail(c);
    return *pp;
}

void pl_pred_patterns_free(pl_pred_patterns *pp)
{
    if (!pp)
        return;
    pcre2_code_free(pp->column);
    pcre2_code_free(pp->function);
    pl_free(pp);
}

/* ------------------------------------------------------------ slices */

typedef struct pl_slice {
    const char *s;
    size_t n;
} pl_slice;

static void pl_trim_slice(pl_slice *x)
{
    while (x->n && x->s[0] == ' ')
        x->s++, x->n--;
    while (x->n && x->s[x->n - 1] == ' ')
        x->n--;
}

/* Index of the parenthesis closing the one at i, or n when unbalanced. */
static size_t pl_closing(const char *s, size_t n, size_t i)
{
    pl_nest st = { 0, 0 };

    for (; i < n; i++)
        if (pl_nest_step(&st, s[i]) == ')' && st.depth == 0)
            return i;
    return n;
}

/* Removes parentheses that wrap the whole slice. */
static void pl_strip_parens(pl_slice *x)
{
    pl_trim_slice(x);
    while (x->n >= 2 && x->s[0] == '(' && pl_closing(x->s, x->n, 0) == x->n - 1) {
        x->s++;
        x->n -= 2;
        pl_trim_slice(x);
    }
}

/* Position of word (e.g. " AND ") at parenthesis depth 0 outside quotes, from
 * `from`; n when absent. */
static size_t pl_find_top(const char *s, size_t n, size_t from, const char *word)
{
    size_t wl = strlen(word), i;
    int depth = 0;
    char quote = 0;

    for (i = from; i < n; i++) {
        char c = s[i];
        if (quote) {
            if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '\'' || c == '"')
            quote = c;
        else if (c == '(')
            depth++;
        else if (c == ')')
            depth--;
        else if (depth == 0 && i + wl <= n && memcmp(s + i, word, wl) == 0)
            return i;
    }
    return n;
}

/* ------------------------------------------------------------ one term */

static int pl_match(const pcre2_code *re, pl_slice x, PCRE2_SIZE **ov, pcre2_match_data **md)
{
    *md = pcre2_match_data_create_from_pattern(re, NULL);
    if (!*md)
        return -1;
    if (pcre2_match(re, (PCRE2_SPTR)x.s, x.n, 0, 0, *md, NULL) < 0) {
        pcre2_match_data_free(*md);
        *md = NULL;
        return -1;
    }
    *ov = pcre2_get_ovector_pointer(*md);
    return 0;
}

static int pl_binary_compatible_cast(const char *cast, size_t n)
{
    static const char *const ok[] = { "text", "character varying", "varchar", "bpchar", "name" };
    size_t i;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (strlen(ok[i]) == n && memcmp(cast, ok[i], n) == 0)
            return 1;
    return 0;
}

/* Fills key and column from a column reference; 0 when x is one. */
static int pl_column_key(pl_check *c, const pl_pred_patterns *pp, pl_slice x, pl_term *t)
{
    pcre2_match_data *md;
    PCRE2_SIZE *ov;
    int len, cast_len;

    pl_trim_slice(&x);
    if (pl_match(pp->column, x, &ov, &md) < 0)
        return -1;
    len = (int)(ov[3] - ov[2]);
    cast_len = ov[4] == PCRE2_UNSET ? 0 : (int)(ov[5] - ov[4]);
    t->column = pl_fmt_unquote(c, x.s + ov[2], (size_t)len);
    if (cast_len && !pl_binary_compatible_cast(x.s + ov[4], (size_t)cast_len)) {
        /* (ordered_at)::date: the index must hold the expression. */
        t->key = pl_fmt_text(c, "(%.*s::%.*s)", len, x.s + ov[2], cast_len, x.s + ov[4]);
        t->cast = pl_fmt_text(c, "%.*s", cast_len, x.s + ov[4]);
        t->expression = 1;
    } else {
        t->key = pl_fmt_text(c, "%.*s", len, x.s + ov[2]);
    }
    pcre2_match_data_free(md);
    if (t->column)
        return 0;
    t->key = t->cast = NULL;   /* not one identifier: no key at all */
    t->expression = 0;
    return -1;
}

/* lower(email) and friends: an expression index. */
static int pl_expression_key(pl_check *c, const pl_pred_patterns *pp, pl_slice x, pl_term *t)
{
    pcre2_match_data *md;
    PCRE2_SIZE *ov;
    pl_slice arg;
    pl_term inner;
    int fl;

    pl_strip_parens(&x);
    if (pl_match(pp->function, x, &ov, &md) < 0)
        return -1;
    arg.s = x.s + ov[4];
    arg.n = ov[5] - ov[4];
    fl = (int)(ov[3] - ov[2]);
    memset(&inner, 0, sizeof(inner));
    /* One function of one column: lower(email). A cast inside it is not rebuilt. */
    if (pl_column_key(c, pp, arg, &inner) == 0 && !inner.cast) {
        t->key = pl_fmt_text(c, "%.*s(%s)", fl, x.s + ov[2], inner.key);
        t->func = pl_fmt_text(c, "%.*s", fl, x.s + ov[2]);
        t->column = inner.column;
        t->expression = 1;
        pcre2_match_data_free(md);
        return 0;
    }
    pcre2_match_data_free(md);
    return -1;
}

static int pl_is_literal(pl_slice x)
{
    pl_strip_parens(&x);
    if (!x.n)
        return 0;
    return x.s[0] == '\'' || x.s[0] == '$' || x.s[0] == '-' || (x.s[0] >= '0' && x.s[0] <= '9') ||
           (x.n >= 4 && memcmp(x.s, "ANY ", 4) == 0) || (x.n >= 9 && memcmp(x.s, "InitPlan ", 9) == 0) ||
           (x.n >= 10 && memcmp(x.s, "(InitPlan ", 10) == 0) || (x.n >= 4 && memcmp(x.s, "NULL", 4) == 0) ||
           (x.n >= 5 && memcmp(x.s, "now()", 5) == 0) || (x.n >= 8 && memcmp(x.s, "CURRENT_", 8) == 0) ||
           (x.n >= 5 && memcmp(x.s, "ARRAY", 5) == 0) || (x.n >= 4 && (memcmp(x.s, "true", 4) == 0 || memcmp(x.s, "false", 4) == 0));
}

static void pl_unusable(pl_term *t, const char *why)
{
    t->kind = PL_TERM_UNUSABLE;
    t->why = why;
}

/* LIKE 'abc%': a range on the prefix. LIKE '%abc' cannot use a btree. */
static void pl_like(pl_term *t, pl_slice rhs)
{
    pl_strip_parens(&rhs);
    if (rhs.n >= 2 && rhs.s[0] == '\'' && rhs.s[1] != '%' && rhs.s[1] != '_') {
        t->kind = PL_TERM_RANGE;
        t->pattern_ops = 1;
    } else {
        pl_unusable(t, "LIKE with a leading wildcard (a pg_trgm GIN index would serve it)");
    }
}

static const struct {
    const char *op;
    pl_term_kind kind;
    const char *why;   /* for unusable operators */
} pl_ops[] = {
    { " <= ", PL_TERM_RANGE, NULL }, { " >= ", PL_TERM_RANGE, NULL }, { " <> ", PL_TERM_UNUSABLE, "an inequality (<>)" },
    { " != ", PL_TERM_UNUSABLE, "an inequality (<>)" }, { " = ", PL_TERM_EQUALITY, NULL },
    { " < ", PL_TERM_RANGE, NULL }, { " > ", PL_TERM_RANGE, NULL },
    { " ~~* ", PL_TERM_UNUSABLE, "ILIKE (a pg_trgm GIN index or lower() would serve it)" },
    { " !~~ ", PL_TERM_UNUSABLE, "NOT LIKE" }, { " ~~ ", PL_TERM_RANGE, NULL },
    { " ~ ", PL_TERM_UNUSABLE, "a regular expression" }, { " ~* ", PL_TERM_UNUSABLE, "a regular expression" },
};

/* The first top-level comparison operator in x: its table index, and position. */
static int pl_find_op(pl_slice x, size_t *at)
{
    size_t best = x.n, i;
    int which = -1;

    for (i = 0; i < sizeof(pl_ops) / sizeof(pl_ops[0]); i++) {
        size_t p = pl_find_top(x.s, x.n, 0, pl_ops[i].op);
        if (p < best) {
            best = p;
            which = (int)i;
        }
    }
    *at = best;
    return which;
}

static void pl_term_comparison(pl_check *c, const pl_pred_patterns *pp, pl_slice x, int outer_values, pl_term *t)
{
    size_t at;
    int op = pl_find_op(x, &at);
    pl_slice lhs, rhs;

    if (op < 0) {
        pl_unusable(t, "not a comparison of a column with a value");
        return;
    }
    lhs.s = x.s;
    lhs.n = at;
    rhs.s = x.s + at + strlen(pl_ops[op].op);
    rhs.n = x.n - at - strlen(pl_ops[op].op);
    if (pl_is_literal(lhs) && !pl_is_literal(rhs)) {   /* 5 < col: the planner's order may vary */
        pl_slice tmp = lhs;
        lhs = rhs;
        rhs = tmp;
    }
    if (pl_column_key(c, pp, lhs, t) != 0 && pl_expression_key(c, pp, lhs, t) != 0) {
        pl_unusable(t, "an expression on the column (index the expression if it is immutable)");
        return;
    }
    if (!pl_is_literal(rhs) && !outer_values) {
        pl_unusable(t, "compares the column with another column or expression");
        return;
    }
    t->kind = pl_ops[op].kind;
    pl_strip_parens(&rhs);
    t->any = rhs.n >= 4 && memcmp(rhs.s, "ANY ", 4) == 0;
    if (t->kind == PL_TERM_UNUSABLE)
        pl_unusable(t, pl_ops[op].why);
    else if (strcmp(pl_ops[op].op, " ~~ ") == 0)
        pl_like(t, rhs);
}

static void pl_term_parse(pl_check *c, const pl_pred_patterns *pp, pl_slice x, int outer_values, pl_term *t)
{
    memset(t, 0, sizeof(*t));
    pl_strip_parens(&x);
    t->text = x.s;
    t->text_len = x.n;
    if (x.n >= 4 && memcmp(x.s, "NOT ", 4) == 0) {
        pl_unusable(t, "a negation (NOT)");
    } else if (x.n > 12 && memcmp(x.s + x.n - 12, " IS NOT NULL", 12) == 0) {
        pl_unusable(t, "IS NOT NULL (rarely selective; a partial index WHERE ... IS NOT NULL can be)");
    } else if (x.n > 8 && memcmp(x.s + x.n - 8, " IS NULL", 8) == 0) {
        pl_slice col = { x.s, x.n - 8 };
        if (pl_column_key(c, pp, col, t) == 0 || pl_expression_key(c, pp, col, t) == 0)
            t->kind = PL_TERM_EQUALITY;
        else
            pl_unusable(t, "IS NULL on an expression");
    } else if (pl_find_top(x.s, x.n, 0, "SubPlan") < x.n) {
        pl_unusable(t, "a subquery test");
    } else {
        pl_term_comparison(c, pp, x, outer_values, t);
    }
}

int pl_predicate_parse(pl_check *c, const pl_pred_patterns *pp, const char *cond, int outer_values,
                       pl_predicate *out)
{
    pl_slice all = { cond, strlen(cond) };
    size_t start = 0;

    memset(out, 0, sizeof(*out));
    pl_strip_parens(&all);
    if (pl_find_top(all.s, all.n, 0, " OR ") < all.n) {
        out->has_or = 1;
        return 0;
    }
    while (start <= all.n) {
        size_t end = pl_find_top(all.s, all.n, start, " AND ");
        pl_slice term = { all.s + start, end - start };
        if (out->nterms == PL_PRED_MAX_TERMS) {
            out->truncated = 1;
            break;
        }
        pl_term_parse(c, pp, term, outer_values, &out->terms[out->nterms++]);
        start = end + 5;
    }
    return 0;
}

/* ------------------------------------------------------------ partial index predicates */

#define PL_TERM_TEXT_MAX 512   /* a longer term is never judged equal */
#define PL_AND_MAX_DEPTH 32

/* Whether word occurs outside quotes at any parenthesis depth. */
static int pl_has_anywhere(pl_slice x, const char *word)
{
    size_t wl = strlen(word), i;
    char quote = 0;

    for (i = 0; i < x.n; i++) {
        if (quote)
            quote = x.s[i] == quote ? 0 : quote;
        else if (x.s[i] == '\'' || x.s[i] == '"')
            quote = x.s[i];
        else if (i + wl <= x.n && memcmp(x.s + i, word, wl) == 0)
            return 1;
    }
    return 0;
}

/* x's AND terms with nested ANDs flattened: pg_get_expr() keeps a predicate written
 * "a AND (b AND c)" nested, EXPLAIN prints its conditions as one flat list. -1 when
 * there are more than max, or deeper than PL_AND_MAX_DEPTH. */
static int pl_and_flatten(pl_slice x, pl_slice *out, size_t max, size_t *n, int depth)
{
    size_t start = 0;

    pl_strip_parens(&x);
    if (depth > PL_AND_MAX_DEPTH)
        return -1;
    if (pl_find_top(x.s, x.n, 0, " AND ") == x.n) {
        if (*n == max || x.n == 0)
            return -1;
        out[(*n)++] = x;
        return 0;
    }
    while (start <= x.n) {
        size_t end = pl_find_top(x.s, x.n, start, " AND ");
        pl_slice term = { x.s + start, end - start };

        if (pl_and_flatten(term, out, max, n, depth + 1) < 0)
            return -1;
        start = end + 5;
    }
    return 0;
}

/* Length of the token at s: a 'literal' or "identifier" (doubled quotes inside), a word
 * (letters, digits, _ and $), or one other character. */
static size_t pl_token(const char *s, size_t n)
{
    size_t i = 1;

    if (s[0] == '\'' || s[0] == '"') {
        for (; i < n; i++)
            if (s[i] == s[0] && !(i + 1 < n && s[i + 1] == s[0]))
                return i + 1;
            else if (s[i] == s[0])
                i++;
        return n;
    }
    if (isalnum((unsigned char)s[0]) || s[0] == '_')
        while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '$'))
            i++;
    return i;
}

static int pl_ident_start(char c)
{
    return isalpha((unsigned char)c) || c == '_' || c == '"';
}

/* Whether the identifier token tok, plain or "quoted", is name. */
static int pl_ident_is(pl_slice tok, const char *name)
{
    size_t i, j = 0;

    if (!name || !pl_ident_start(tok.s[0]))
        return 0;
    if (tok.s[0] != '"')
        return strlen(name) == tok.n && memcmp(tok.s, name, tok.n) == 0;
    for (i = 1; i + 1 < tok.n; i++, j++) {
        if (tok.s[i] == '"')
            i++;   /* "" stands for one " */
        if (name[j] != tok.s[i])
            return 0;
    }
    return name[j] == '\0';
}

/* The term as compared: outer parentheses off, "alias." before a name off when alias is
 * the scan's (EXPLAIN VERBOSE qualifies, pg_get_expr() does not; other qualifiers stay,
 * so an outer table's column never passes for this table's), runs of spaces outside
 * quotes made one. Literals and their casts stay as printed: both texts come from the
 * same deparser. -1 when it does not fit in dst. */
static int pl_term_norm(pl_slice x, const planlint_node *scan, char *dst, size_t size)
{
    const char *alias = scan->fields[PLANLINT_FIELD_ALIAS], *rel = scan->fields[PLANLINT_FIELD_RELATION];
    size_t i = 0, n = 0;

    pl_strip_parens(&x);
    while (i < x.n) {
        pl_slice tok = { x.s + i, pl_token(x.s + i, x.n - i) };
        size_t after = i + tok.n;

        i = after;
        if (isspace((unsigned char)tok.s[0])) {
            while (i < x.n && isspace((unsigned char)x.s[i]))
                i++;
            tok.s = " ";
        } else if (after + 1 < x.n && x.s[after] == '.' && pl_ident_start(x.s[after + 1]) &&
                   (pl_ident_is(tok, alias) || pl_ident_is(tok, rel))) {
            i = after + 1;
            continue;
        }
        if (n + tok.n >= size)
            return -1;
        memcpy(dst + n, tok.s, tok.n);
        n += tok.n;
    }
    dst[n] = '\0';
    return 0;
}

/* The scan's term that reads as want (normalised), or NULL. */
static const pl_term *pl_same_term(const planlint_node *scan, const pl_predicate *const *preds, size_t npreds,
                                   const char *want)
{
    char have[PL_TERM_TEXT_MAX];
    size_t p, i;

    for (p = 0; p < npreds; p++)
        for (i = 0; i < preds[p]->nterms; i++) {
            const pl_term *t = &preds[p]->terms[i];
            pl_slice x = { t->text, t->text_len };

            if (t->text && pl_term_norm(x, scan, have, sizeof(have)) == 0 && strcmp(have, want) == 0)
                return t;
        }
    return NULL;
}

int pl_predicate_implies(const planlint_node *scan, const pl_predicate *const *preds, size_t npreds,
                         const char *index_pred, const pl_term **pinned, size_t *npinned)
{
    pl_slice all = { index_pred, index_pred ? strlen(index_pred) : 0 }, terms[PL_PRED_MAX_TERMS];
    char want[PL_TERM_TEXT_MAX];
    size_t nterms = 0, i;

    *npinned = 0;
    if (!all.n || pl_has_anywhere(all, " OR ") || pl_and_flatten(all, terms, PL_PRED_MAX_TERMS, &nterms, 0) < 0)
        return 0;
    for (i = 0; i < nterms; i++) {
        const pl_term *t;

        if (pl_term_norm(terms[i], scan, want, sizeof(want)) < 0 || !(t = pl_same_term(scan, preds, npreds, want))) {
            *npinned = 0;
            return 0;
        }
        if (t->kind == PL_TERM_EQUALITY && !t->any)
            pinned[(*npinned)++] = t;
    }
    return 1;
}

/* ------------------------------------------------------------ the index */

/* Equality keys first (in order, once each), then one range key. */
size_t pl_index_keys(const pl_predicate *const *preds, size_t npreds, const pl_term **keys, size_t max)
{
    size_t n = 0, p, i, k;
    int pass;

    for (pass = 0; pass < 2; pass++)
        for (p = 0; p < npreds; p++)
            for (i = 0; i < preds[p]->nterms && n < max; i++) {
                const pl_term *t = &preds[p]->terms[i];
                int dup = 0;
                if (t->kind != (pass == 0 ? PL_TERM_EQUALITY : PL_TERM_RANGE))
                    continue;
                for (k = 0; k < n; k++)
                    dup |= strcmp(keys[k]->key, t->key) == 0;
                if (dup)
                    continue;
                keys[n++] = t;
                if (pass == 1)
                    return n;   /* a btree uses one range column, the last */
            }
    return n;
}

static const char *pl_first_reason(const pl_predicate *const *preds, size_t npreds)
{
    size_t p, i;

    for (p = 0; p < npreds; p++) {
        if (preds[p]->has_or)
            return "the condition ORs terms together; one index per branch would let a BitmapOr combine them";
        for (i = 0; i < preds[p]->nterms; i++)
            if (preds[p]->terms[i].kind == PL_TERM_UNUSABLE)
                return preds[p]->terms[i].why;
    }
    return "no term compares a column with a value";
}

/* The keys as lib/sql/build.c takes them. */
static void pl_sql_keys(const pl_term *const *terms, size_t n, pl_sql_index_key *keys)
{
    size_t i;

    for (i = 0; i < n; i++) {
        keys[i].column = terms[i]->column;
        keys[i].func = terms[i]->func;
        keys[i].cast = terms[i]->cast;
        keys[i].opclass = terms[i]->pattern_ops ? "text_pattern_ops" : NULL;
    }
}

const char *pl_index_suggestion(pl_check *c, const planlint_node *scan, const pl_predicate *const *preds,
                                size_t npreds, const char **why)
{
    const char *rel = scan->fields[PLANLINT_FIELD_RELATION], *schema = scan->fields[PLANLINT_FIELD_SCHEMA];
    const pl_term *terms[PL_SUGGEST_MAX_KEYS];
    pl_sql_index_key keys[PL_SUGGEST_MAX_KEYS];
    size_t n = pl_index_keys(preds, npreds, terms, PL_SUGGEST_MAX_KEYS);
    pl_buf b;
    int rc;

    if (n == 0 || !rel) {
        if (why)
            *why = rel ? pl_first_reason(preds, npreds) : "the scan names no table";
        return NULL;
    }
    pl_sql_keys(terms, n, keys);
    pl_buf_init(&b);
    if ((rc = pl_sql_create_index(&b, schema, rel, keys, n)) < 0) {
        if (rc == PLANLINT_ENOMEM)
            pl_check_fail(c);
        pl_buf_release(&b);
        if (why)
            *why = pl_no_safe_sql;
        return NULL;
    }
    rel = pl_fmt_text(c, "%s", b.data);
    pl_buf_release(&b);
    return rel;
}

void pl_index_advice_none(pl_finding *f, const char *filter, const char *why)
{
    if (why == pl_no_safe_sql)
        pl_finding_advice(f, "An index on the columns of the Filter %s would serve it, but %s", filter,
                          "no safe CREATE INDEX could be built: a name in it does not read back as itself "
                          "in PostgreSQL's grammar (longer than the server keeps, or not one identifier), "
                          "so none is shown.");
    else
        pl_finding_advice(f, "No btree index fits the Filter %s: %s.", filter, why);
}

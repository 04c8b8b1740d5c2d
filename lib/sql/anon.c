/* anon.c - planlint_plan_anonymize(): the literals of a plan (and with
 * PLANLINT_ANONYMIZE_NAMES its names) replaced by stable tokens, in place, before the
 * rules run. Expressions are cut into tokens by PostgreSQL's own scanner (libpg_query);
 * a text it cannot scan is rewritten by a cruder lexer that replaces more, never less. */
#include "anon.h"
#include "model.h"
#include "alloc.h"
#include "buf.h"
#include "build.h"
#include "error.h"

#include <pg_query.h>
#include <string.h>

/* libpg_query's token numbers (pg_query.proto); one-character tokens are their code. */
#define PL_TK_IDENT 258
#define PL_TK_FCONST 260
#define PL_TK_SCONST 261
#define PL_TK_USCONST 262
#define PL_TK_BCONST 263
#define PL_TK_XCONST 264
#define PL_TK_ICONST 266
#define PL_TK_TYPECAST 268
#define PL_TK_SQL_COMMENT 275
#define PL_TK_C_COMMENT 276
#define PL_TK_COLLATE 334
#define PL_KW_NONE 0
#define PL_KW_UNRESERVED 1

typedef struct pl_tok {
    size_t start, end;
    int token, kw;
} pl_tok;

/* Where a string is read: a plan's expression (deparsed by the server: keywords in
 * upper case, names in lower case or quoted) or the query as the user wrote it. */
typedef enum pl_anon_ctx { PL_CTX_EXPR, PL_CTX_QUERY } pl_anon_ctx;

typedef struct pl_rewrite {
    planlint_anonymizer *a;
    pl_anon_ctx ctx;
    const char *s;
    const pl_tok *t;
    size_t n;
    pl_buf out;
    int nomem;
} pl_rewrite;

/* ---------------------------------------------------------------- scanning */

static int pl_varint(const unsigned char **p, const unsigned char *end, unsigned long long *v)
{
    int shift = 0;

    *v = 0;
    while (*p < end && shift < 64) {
        unsigned char c = *(*p)++;
        *v |= (unsigned long long)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return 0;
        shift += 7;
    }
    return -1;
}

/* One ScanToken message: start = 1, end = 2, token = 4, keyword_kind = 5. */
static int pl_token_decode(pl_tok *t, const unsigned char *p, const unsigned char *end)
{
    unsigned long long key, v;

    memset(t, 0, sizeof(*t));
    while (p < end) {
        if (pl_varint(&p, end, &key) < 0 || (key & 7) != 0 || pl_varint(&p, end, &v) < 0)
            return -1;
        switch (key >> 3) {
        case 1: t->start = (size_t)v; break;
        case 2: t->end = (size_t)v; break;
        case 4: t->token = (int)v; break;
        case 5: t->kw = (int)v; break;
        default: break;
        }
    }
    return t->end >= t->start ? 0 : -1;
}

/* The ScanResult's tokens (field 2); the version (field 1) is skipped. */
static int pl_tokens_decode(pl_tok **out, size_t *n, const unsigned char *p, const unsigned char *end,
                            size_t len)
{
    unsigned long long key, v;
    size_t cap = 16;

    *n = 0;
    if (!(*out = pl_malloc(cap * sizeof(**out))))
        return PLANLINT_ENOMEM;
    while (p < end) {
        if (pl_varint(&p, end, &key) < 0)
            return PLANLINT_EPARSE;
        if ((key & 7) == 0) {
            if (pl_varint(&p, end, &v) < 0)
                return PLANLINT_EPARSE;
            continue;
        }
        if ((key & 7) != 2 || pl_varint(&p, end, &v) < 0 || v > (unsigned long long)(end - p))
            return PLANLINT_EPARSE;
        if ((key >> 3) == 2) {
            if (*n == cap) {
                pl_tok *grown = cap > SIZE_MAX / 2 / sizeof(*grown) ? NULL : pl_realloc(*out, 2 * cap * sizeof(*grown));
                if (!grown)
                    return PLANLINT_ENOMEM;
                *out = grown, cap *= 2;
            }
            if (pl_token_decode(&(*out)[*n], p, p + v) < 0 || (*out)[*n].end > len)
                return PLANLINT_EPARSE;
            (*n)++;
        }
        p += v;
    }
    return 0;
}

/* The tokens of s, PostgreSQL's scanner's way. 0; PLANLINT_EPARSE when it cannot scan
 * s (an unterminated quote); PLANLINT_ENOMEM. *toks is owned: pl_free() in every case. */
static int pl_scan(const char *s, pl_tok **toks, size_t *n)
{
    PgQueryScanResult r = pg_query_scan(s);
    int rc;

    *toks = NULL;
    *n = 0;
    if (r.error)
        rc = PLANLINT_EPARSE;
    else if (!r.pbuf.data && r.pbuf.len)
        rc = PLANLINT_ENOMEM;
    else
        rc = pl_tokens_decode(toks, n, (const unsigned char *)r.pbuf.data,
                              (const unsigned char *)r.pbuf.data + r.pbuf.len, strlen(s));
    pg_query_free_scan_result(r);
    return rc;
}

/* ---------------------------------------------------------------- tokens out */

static void pl_put(pl_rewrite *w, const char *tok)
{
    if (!tok)
        w->nomem = 1;
    else
        pl_buf_puts(&w->out, tok);
}

static int pl_is_wild(char c)
{
    return c == '%' || c == '_';
}

/* A string literal: its token, with the LIKE wildcards at its ends kept ('%x%' ->
 * '%s1%'), so that a pattern still reads as the kind of pattern it was. */
static void pl_put_string(pl_rewrite *w, const char *lit, size_t n)
{
    const char *tok = pl_anon_token(w->a, PL_ANON_STRING, lit, n);
    size_t lead = 0, trail = 0, body;

    if (!tok) {
        w->nomem = 1;
        return;
    }
    if (n >= 2 && lit[0] == '\'' && lit[n - 1] == '\'') {
        while (1 + lead < n - 1 && pl_is_wild(lit[1 + lead]))
            lead++;
        while (1 + lead + trail < n - 1 && pl_is_wild(lit[n - 2 - trail]))
            trail++;
    }
    body = n >= 2 + lead + trail ? n - 2 - lead - trail : 0;
    if (lead + trail == 0) {
        pl_buf_puts(&w->out, tok);
        return;
    }
    pl_buf_putc(&w->out, '\'');
    pl_buf_add(&w->out, lit + 1, lead);
    /* keep a pattern's run of three plain characters: "s1" becomes "s01" */
    if (body >= 3 && strlen(tok) == 4)
        pl_buf_printf(&w->out, "s0%c", tok[2]);
    else if (body > 0)
        pl_buf_add(&w->out, tok + 1, strlen(tok) - 2);
    pl_buf_add(&w->out, lit + n - 1 - trail, trail);
    pl_buf_putc(&w->out, '\'');
}

static int pl_is_lower_name(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            return 0;
    return 1;
}

/* The name an identifier token stands for (quotes removed, bare names folded). */
static int pl_name_of(pl_buf *name, const char *s, size_t n)
{
    pl_buf_init(name);
    if (pl_sql_unquote(name, s, n) < 0 || name->failed) {
        pl_buf_release(name);
        pl_buf_init(name);
        pl_buf_add(name, s, n);
    }
    pl_buf_putc(name, '\0');
    return name->failed ? -1 : 0;
}

/* The token of an identifier as kind. */
static void pl_put_name(pl_rewrite *w, pl_anon_kind kind, size_t i)
{
    const pl_tok *t = &w->t[i];
    const char *tok = NULL;
    pl_buf name;

    if (pl_name_of(&name, w->s + t->start, t->end - t->start) < 0) {
        w->nomem = 1;
        return;
    }
    /* a name known as the kind one level up keeps its token: "t" of "t.*" is a table,
     * "shop" of "shop.orders" in a query a schema */
    if (kind == PL_ANON_COLUMN || kind == PL_ANON_TABLE)
        tok = pl_anon_find(w->a, kind == PL_ANON_COLUMN ? PL_ANON_TABLE : PL_ANON_SCHEMA, name.data,
                           name.len - 1);
    pl_put(w, tok ? tok : pl_anon_token(w->a, kind, name.data, name.len - 1));
    pl_buf_release(&name);
}

static void pl_copy(pl_rewrite *w, size_t i)
{
    pl_buf_add(&w->out, w->s + w->t[i].start, w->t[i].end - w->t[i].start);
}

/* ---------------------------------------------------------------- classification */

static int pl_tok_is(const pl_rewrite *w, size_t i, int token)
{
    return i < w->n && w->t[i].token == token;
}

static int pl_is_word(const pl_rewrite *w, size_t i)
{
    return i < w->n && (w->t[i].token == PL_TK_IDENT || w->t[i].kw != PL_KW_NONE);
}

static int pl_text_is(const pl_rewrite *w, size_t i, const char *word)
{
    size_t n = strlen(word);

    return i < w->n && w->t[i].end - w->t[i].start == n && memcmp(w->s + w->t[i].start, word, n) == 0;
}

/* A word that is SQL's or EXPLAIN's, not a name: a keyword other than an unreserved
 * one; in a deparsed expression also any unquoted word with a capital (EXPLAIN prints
 * keywords, SubPlan and PARTIAL so, and names in lower case or quoted); in a query,
 * an unreserved keyword not already known as a name. */
/* EXPLAIN's own lower-case words, where it writes them: "hashed SubPlan 2",
 * "(returns $1)", "(alternatives: ...)". */
static int pl_is_explain_word(const pl_rewrite *w, size_t i)
{
    return (pl_text_is(w, i, "hashed") && pl_text_is(w, i + 1, "SubPlan")) ||
           (pl_text_is(w, i, "returns") && i > 0 && pl_tok_is(w, i - 1, '(')) ||
           (pl_text_is(w, i, "alternatives") && pl_tok_is(w, i + 1, ':'));
}

static int pl_is_syntax(const pl_rewrite *w, size_t i)
{
    const pl_tok *t = &w->t[i];
    const char *s = w->s + t->start;
    size_t n = t->end - t->start;
    pl_buf name;
    int known;

    if (t->kw > PL_KW_UNRESERVED)
        return 1;
    if (w->ctx == PL_CTX_EXPR)
        return (s[0] != '"' && !pl_is_lower_name(s, n)) || pl_is_explain_word(w, i);
    if (t->kw != PL_KW_UNRESERVED)
        return 0;
    if (pl_name_of(&name, s, n) < 0)
        return 1;
    known = pl_anon_find(w->a, PL_ANON_TABLE, name.data, name.len - 1) ||
            pl_anon_find(w->a, PL_ANON_COLUMN, name.data, name.len - 1);
    pl_buf_release(&name);
    return !known;
}

/* A type after "::": one name, maybe qualified, and the words of the types SQL spells
 * in several ("character varying", "timestamp without time zone"), then a typmod.
 * Copied as they are. Returns the index after it. */
static size_t pl_type(pl_rewrite *w, size_t i)
{
    static const char *const more[] = { "varying", "precision", "without", "with", "time", "zone" };
    size_t k;

    for (;;) {
        if (!pl_is_word(w, i))
            return i;
        pl_copy(w, i++);
        if (pl_tok_is(w, i, '.') && pl_is_word(w, i + 1)) {
            pl_copy(w, i++);
            continue;
        }
        for (k = 0; k < sizeof(more) / sizeof(more[0]); k++)
            if (pl_text_is(w, i, more[k]))
                break;
        if (k == sizeof(more) / sizeof(more[0]))
            break;
        pl_buf_putc(&w->out, ' ');
    }
    if (pl_tok_is(w, i, '(') && (pl_tok_is(w, i + 2, ')') || pl_tok_is(w, i + 4, ')'))) {
        for (; w->t[i].token != ')'; i++)
            pl_copy(w, i);
        pl_copy(w, i++);
    }
    return i;
}

/* A dotted chain of words starting at i: schema.table.column, table.column, column,
 * or schema.function( ; written as tokens. Returns the index after it. */
static size_t pl_chain(pl_rewrite *w, size_t i)
{
    size_t k = i, parts = 1, p;
    int call;

    while (pl_tok_is(w, k + 1, '.') && pl_is_word(w, k + 2))
        k += 2, parts++;
    call = pl_tok_is(w, k + 1, '(');
    for (p = 0; p < parts; p++, i += 2) {
        if (p > 0)
            pl_buf_putc(&w->out, '.');
        if (p + 1 == parts && call)
            pl_copy(w, i);   /* the function itself: a built-in, most likely */
        else if (p + 1 == parts)
            pl_put_name(w, PL_ANON_COLUMN, i);
        else if (p + 2 == parts && !call)
            pl_put_name(w, PL_ANON_TABLE, i);
        else
            pl_put_name(w, PL_ANON_SCHEMA, i);
    }
    return i - 1;
}

/* A word at i: written as it is or as a token. Returns the index after it. */
static size_t pl_word(pl_rewrite *w, size_t i)
{
    if (i > 0 && w->t[i - 1].token == PL_TK_TYPECAST)
        return pl_type(w, i);
    if (pl_is_syntax(w, i) || (i > 0 && w->t[i - 1].token == PL_TK_COLLATE) ||
        (w->t[i].kw == PL_KW_UNRESERVED && pl_tok_is(w, i + 1, '('))) {
        pl_copy(w, i);
        return i + 1;
    }
    /* "(InitPlan 1).col1": the column of a subquery's row, EXPLAIN's name for it */
    if (i >= 2 && pl_tok_is(w, i - 1, '.') && pl_tok_is(w, i - 2, ')')) {
        const char *s = w->s + w->t[i].start;
        if (w->t[i].end - w->t[i].start > 3 && memcmp(s, "col", 3) == 0 && s[3] >= '0' && s[3] <= '9')
            pl_copy(w, i);
        else
            pl_put_name(w, PL_ANON_COLUMN, i);
        return i + 1;
    }
    return pl_chain(w, i);
}

static void pl_gap(pl_rewrite *w, size_t from, size_t to)
{
    for (; from < to; from++)
        if (w->s[from] == ' ' || w->s[from] == '\n' || w->s[from] == '\t' || w->s[from] == '\r')
            pl_buf_putc(&w->out, w->s[from]);
}

static void pl_rewrite_tokens(pl_rewrite *w)
{
    unsigned int what = pl_anon_what(w->a);
    size_t i = 0, at = 0;

    while (i < w->n && !w->nomem) {
        const pl_tok *t = &w->t[i];
        pl_gap(w, at, t->start);
        at = t->end;
        if (t->token == PL_TK_SQL_COMMENT || t->token == PL_TK_C_COMMENT) {
            pl_buf_putc(&w->out, ' ');   /* a comment may say anything */
        } else if (t->token == PL_TK_SCONST || t->token == PL_TK_USCONST || t->token == PL_TK_BCONST ||
                   t->token == PL_TK_XCONST) {
            pl_put_string(w, w->s + t->start, t->end - t->start);
        } else if (t->token == PL_TK_ICONST || t->token == PL_TK_FCONST) {
            if (i > 0 && (pl_text_is(w, i - 1, "SubPlan") || pl_text_is(w, i - 1, "InitPlan")))
                pl_copy(w, i);
            else
                pl_put(w, pl_anon_token(w->a, PL_ANON_NUMBER, w->s + t->start, t->end - t->start));
        } else if ((what & PLANLINT_ANONYMIZE_NAMES) && pl_is_word(w, i)) {
            i = pl_word(w, i);
            at = w->t[i - 1].end;
            continue;
        } else {
            pl_copy(w, i);
        }
        i++;
    }
    pl_gap(w, at, strlen(w->s));
}

/* ---------------------------------------------------------------- the cruder lexer */

static int pl_c_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || ((unsigned char)c & 0x80);
}

static size_t pl_c_quoted(const char *s, size_t i, char q)
{
    for (i++; s[i]; i++)
        if (s[i] == q) {
            if (s[i + 1] != q)
                return i + 1;
            i++;
        }
    return i;
}

/* For a text the scanner refused: every quoted string and every number becomes a
 * token; with names, every quoted identifier and every lower-case word not followed
 * by "(" too. */
static void pl_rewrite_crude(pl_rewrite *w)
{
    const char *s = w->s;
    int names = (pl_anon_what(w->a) & PLANLINT_ANONYMIZE_NAMES) != 0;
    size_t i = 0, j;

    while (s[i] && !w->nomem) {
        char c = s[i];
        if (c == '\'') {
            j = pl_c_quoted(s, i, '\'');
            pl_put(w, pl_anon_token(w->a, PL_ANON_STRING, s + i, j - i));
        } else if (c >= '0' && c <= '9' && (i == 0 || !pl_c_word(s[i - 1]))) {
            for (j = i; pl_c_word(s[j]) || (s[j] == '.' && s[j + 1] >= '0' && s[j + 1] <= '9'); j++)
                ;
            pl_put(w, pl_anon_token(w->a, PL_ANON_NUMBER, s + i, j - i));
        } else if (names && (c == '"' || (pl_c_word(c) && c != '$' && (i == 0 || !pl_c_word(s[i - 1]))))) {
            j = c == '"' ? pl_c_quoted(s, i, '"') : i;
            while (c != '"' && pl_c_word(s[j]))
                j++;
            if ((c != '"' && !pl_is_lower_name(s + i, j - i)) || s[j] == '(') {
                pl_buf_add(&w->out, s + i, j - i);
            } else {
                const char *tok = pl_anon_find(w->a, PL_ANON_TABLE, s + i, j - i);
                pl_put(w, tok ? tok : pl_anon_token(w->a, PL_ANON_COLUMN, s + i, j - i));
            }
        } else {
            j = i + 1;
            pl_buf_putc(&w->out, c);
        }
        i = j;
    }
}

/* s rewritten; NULL when out of memory. Owned: pl_free(). */
static char *pl_rewrite_text(planlint_anonymizer *a, pl_anon_ctx ctx, const char *s, int *rc)
{
    pl_rewrite w;
    pl_tok *toks;
    size_t n;

    memset(&w, 0, sizeof(w));
    w.a = a, w.ctx = ctx, w.s = s;
    pl_buf_init(&w.out);
    *rc = pl_scan(s, &toks, &n);
    if (*rc == PLANLINT_ENOMEM) {
        pl_free(toks);
        return NULL;
    }
    w.t = toks, w.n = n;
    if (*rc == 0)
        pl_rewrite_tokens(&w);
    else
        pl_rewrite_crude(&w);
    pl_free(toks);
    pl_buf_putc(&w.out, '\0');
    *rc = 0;
    if (w.nomem || w.out.failed) {
        pl_buf_release(&w.out);
        *rc = PLANLINT_ENOMEM;
        return NULL;
    }
    return w.out.data;
}

/* ---------------------------------------------------------------- the value tree */

/* Keys whose string (or array of strings) is one name, and its kind. */
static const struct {
    const char *key;
    pl_anon_kind kind;
} pl_name_keys[] = {
    { "Alias", PL_ANON_TABLE },          { "CTE Name", PL_ANON_TABLE },
    { "Relation Name", PL_ANON_TABLE },  { "Relation", PL_ANON_TABLE },
    { "Tuplestore Name", PL_ANON_TABLE }, { "Table Function Name", PL_ANON_FUNCTION },
    { "Function Name", PL_ANON_FUNCTION }, { "Schema", PL_ANON_SCHEMA },
    { "Index Name", PL_ANON_INDEX },     { "Conflict Arbiter Indexes", PL_ANON_INDEX },
    { "Trigger Name", PL_ANON_TRIGGER }, { "Constraint Name", PL_ANON_TRIGGER },
};

/* Keys whose string (or array of strings) is an expression as EXPLAIN deparses it. */
static const char *const pl_expr_keys[] = {
    "Filter", "Index Cond", "Recheck Cond", "Join Filter", "Hash Cond", "Merge Cond", "TID Cond",
    "One-Time Filter", "Order By", "Output", "Sort Key", "Presorted Key", "Group Key", "Group Keys",
    "Hash Key", "Hash Keys", "Cache Key", "Function Call", "Table Function Call", "Conflict Filter",
    "Run Condition", "Subplan Name", "Sampling Parameters", "Repeatable Seed", "Partitions Key",
};

enum pl_pass { PL_PASS_NAMES, PL_PASS_EXPRS, PL_PASS_QUERY };

typedef struct pl_walk {
    planlint_anonymizer *a;
    pl_arena *arena;
    enum pl_pass pass;
    int rc;
} pl_walk;

static void pl_set(pl_walk *wk, planlint_value *v, const char *s)
{
    char *copy;

    if (!s) {
        wk->rc = PLANLINT_ENOMEM;
        return;
    }
    if (!(copy = pl_arena_strndup(wk->arena, s, strlen(s))))
        wk->rc = PLANLINT_ENOMEM;
    else
        v->string = copy;
}

/* Applies to a string, or to the strings of an array (nested arrays too). */
static void pl_each_string(pl_walk *wk, planlint_value *v, int kind, int is_name)
{
    size_t i;

    if (v->type == PLANLINT_VALUE_ARRAY) {
        for (i = 0; i < v->size && wk->rc == 0; i++)
            pl_each_string(wk, &v->items[i], kind, is_name);
    } else if (v->type == PLANLINT_VALUE_STRING && is_name) {
        /* PostgreSQL names a foreign key's triggers itself (RI_ConstraintTrigger_a_16403):
         * no user data, and the rules read the kind of check from the name. */
        if (kind == PL_ANON_TRIGGER && strncmp(v->string, "RI_ConstraintTrigger_", 21) == 0)
            return;
        pl_set(wk, v, pl_anon_token(wk->a, (pl_anon_kind)kind, v->string, strlen(v->string)));
    } else if (v->type == PLANLINT_VALUE_STRING) {
        int rc;
        char *s = pl_rewrite_text(wk->a, (pl_anon_ctx)kind, v->string, &rc);
        pl_set(wk, v, s);
        pl_free(s);
    }
}

static void pl_walk_value(pl_walk *wk, planlint_value *v, int depth);

static void pl_walk_member(pl_walk *wk, const char *key, planlint_value *v, int depth)
{
    size_t k;

    if (strcmp(key, "Settings") == 0)
        return;   /* configuration, kept as it is */
    if (strcmp(key, "Query Text") == 0) {
        if (wk->pass == PL_PASS_QUERY)
            pl_each_string(wk, v, PL_CTX_QUERY, 0);
        return;
    }
    for (k = 0; k < sizeof(pl_name_keys) / sizeof(pl_name_keys[0]); k++)
        if (strcmp(key, pl_name_keys[k].key) == 0) {
            if (wk->pass == PL_PASS_NAMES && (pl_anon_what(wk->a) & PLANLINT_ANONYMIZE_NAMES))
                pl_each_string(wk, v, (int)pl_name_keys[k].kind, 1);
            return;
        }
    for (k = 0; k < sizeof(pl_expr_keys) / sizeof(pl_expr_keys[0]); k++)
        if (strcmp(key, pl_expr_keys[k]) == 0) {
            if (wk->pass == PL_PASS_EXPRS)
                pl_each_string(wk, v, PL_CTX_EXPR, 0);
            return;
        }
    pl_walk_value(wk, v, depth + 1);
}

static void pl_walk_value(pl_walk *wk, planlint_value *v, int depth)
{
    size_t i;

    if (depth > 4096)
        return;   /* deeper than any reader builds */
    for (i = 0; i < v->size && wk->rc == 0; i++) {
        if (v->type == PLANLINT_VALUE_OBJECT)
            pl_walk_member(wk, pl_value_keys(v)[i], &v->items[i], depth);
        else if (v->type == PLANLINT_VALUE_ARRAY)
            pl_walk_value(wk, &v->items[i], depth + 1);
    }
}

int planlint_plan_anonymize(planlint_plan *plan, planlint_anonymizer *a, planlint_error *err)
{
    planlint_plan *p;
    pl_walk wk;
    size_t i;

    if (!plan || !a)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "plan and anonymizer must not be NULL");
    memset(&wk, 0, sizeof(wk));
    wk.a = a;
    wk.arena = plan->arena;
    for (wk.pass = PL_PASS_NAMES; wk.pass <= PL_PASS_QUERY && wk.rc == 0; wk.pass++)
        for (p = plan; p && wk.rc == 0; p = p->next)
            pl_walk_value(&wk, (planlint_value *)p->obj, 0);
    for (p = plan; p; p = p->next)
        for (i = 0; i < p->nnodes; i++)
            pl_node_refresh_fields(p->nodes[i]);
    if (wk.rc < 0)
        return pl_error_nomem(err);
    return 0;
}

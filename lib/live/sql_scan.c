/* sql_scan.c - tokens of an SQL text, skipping comments, strings and dollar quotes,
 * so that a ';' or a keyword inside a literal is never mistaken for the real thing. */
#include "sql_scan.h"

#include <ctype.h>
#include <string.h>

static int pl_word_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static int pl_word_char(unsigned char c)
{
    return pl_word_start(c) || isdigit(c) || c == '$';
}

/* Whitespace, -- comments and nested block comments. 0 on an unterminated comment. */
static int pl_skip_blank(pl_sql_scanner *sc)
{
    for (;;) {
        const char *p = sc->p;

        if (isspace((unsigned char)*p)) {
            sc->p++;
        } else if (p[0] == '-' && p[1] == '-') {
            p += strcspn(p, "\n");
            sc->p = p;
        } else if (p[0] == '/' && p[1] == '*') {
            int depth = 1;

            for (p += 2; *p && depth; p++) {
                if (p[0] == '/' && p[1] == '*')
                    depth++, p++;
                else if (p[0] == '*' && p[1] == '/')
                    depth--, p++;
            }
            sc->p = p;
            if (depth)
                return 0;
        } else {
            return 1;
        }
    }
}

/* A quoted run ending at the first unpaired quote q; backslash escapes only in E''. */
static const char *pl_skip_quoted(const char *p, char q, int backslash)
{
    for (p++; *p; p++) {
        if (backslash && *p == '\\' && p[1]) {
            p++;
        } else if (*p == q) {
            if (p[1] != q)
                return p + 1;
            p++;
        }
    }
    return NULL;
}

/* $tag$ ... $tag$; returns NULL when p does not open a dollar quote or it never closes. */
static const char *pl_skip_dollar(const char *p, int *opened)
{
    const char *tag_end = p + 1, *q;
    size_t tag_len;

    *opened = 0;
    if (*tag_end != '$' && !pl_word_start((unsigned char)*tag_end))
        return NULL;
    while (*tag_end != '$') {
        if (!*tag_end || (!pl_word_char((unsigned char)*tag_end)))
            return NULL;
        tag_end++;
    }
    *opened = 1;
    tag_len = (size_t)(tag_end - p) + 1;
    for (q = tag_end + 1; (q = strchr(q, '$')) != NULL; q++)
        if (strncmp(q, p, tag_len) == 0)
            return q + tag_len;
    return NULL;
}

static pl_sql_token pl_token(pl_sql_token_kind kind, const char *start, const char *end)
{
    pl_sql_token t;

    t.kind = kind;
    t.start = start;
    t.len = end ? (size_t)(end - start) : strlen(start);
    t.number = 0;
    return t;
}

static pl_sql_token pl_scan_dollar(pl_sql_scanner *sc)
{
    const char *p = sc->p, *end;
    pl_sql_token t;
    int opened;

    if (isdigit((unsigned char)p[1])) {
        long n = 0;

        for (end = p + 1; isdigit((unsigned char)*end); end++)
            if (n < 100000)
                n = n * 10 + (*end - '0');
        t = pl_token(PL_SQL_PARAM, p, end);
        t.number = n;
        sc->p = end;
        return t;
    }
    end = pl_skip_dollar(p, &opened);
    if (!end && opened) {
        sc->p = p + strlen(p);
        return pl_token(PL_SQL_UNTERMINATED, p, sc->p);
    }
    sc->p = end ? end : p + 1;
    return pl_token(PL_SQL_OTHER, p, sc->p);
}

static pl_sql_token pl_scan_quote(pl_sql_scanner *sc, const char *start, const char *quote,
                                  int backslash)
{
    const char *end = pl_skip_quoted(quote, *quote, backslash);

    if (!end) {
        sc->p = start + strlen(start);
        return pl_token(PL_SQL_UNTERMINATED, start, sc->p);
    }
    sc->p = end;
    return pl_token(PL_SQL_OTHER, start, end);
}

static pl_sql_token pl_scan_word(pl_sql_scanner *sc)
{
    const char *p = sc->p, *end = p + 1;

    /* E'...' is the one string form where a backslash escapes the quote. */
    if ((*p == 'E' || *p == 'e') && p[1] == '\'')
        return pl_scan_quote(sc, p, p + 1, 1);
    while (pl_word_char((unsigned char)*end))
        end++;
    sc->p = end;
    return pl_token(PL_SQL_WORD, p, end);
}

pl_sql_token pl_sql_next(pl_sql_scanner *sc)
{
    const char *p;

    if (!pl_skip_blank(sc))
        return pl_token(PL_SQL_UNTERMINATED, sc->p, NULL);
    p = sc->p;
    if (!*p)
        return pl_token(PL_SQL_END, p, p);
    if (*p == '\'' || *p == '"')
        return pl_scan_quote(sc, p, p, 0);
    if (*p == '$')
        return pl_scan_dollar(sc);
    if (pl_word_start((unsigned char)*p))
        return pl_scan_word(sc);
    sc->p = p + 1;
    if (*p == '(')
        return pl_token(PL_SQL_OPEN, p, p + 1);
    if (*p == ')')
        return pl_token(PL_SQL_CLOSE, p, p + 1);
    if (*p == ';')
        return pl_token(PL_SQL_SEMICOLON, p, p + 1);
    /* A number runs on (1.5e3); after an operator (*INTO, =b) a word is a word. */
    if (isdigit((unsigned char)*p) || *p == '.')
        while (isalnum((unsigned char)*sc->p) || *sc->p == '.')
            sc->p++;
    return pl_token(PL_SQL_OTHER, p, sc->p);
}

int pl_sql_is(const pl_sql_token *t, const char *kw)
{
    size_t i;

    if (t->kind != PL_SQL_WORD || strlen(kw) != t->len)
        return 0;
    for (i = 0; i < t->len; i++)
        if (toupper((unsigned char)t->start[i]) != kw[i])
            return 0;
    return 1;
}

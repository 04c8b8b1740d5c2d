/* sql_scan.h - a lexer that knows just enough SQL to find words outside literals. */
#ifndef PL_SQL_SCAN_H
#define PL_SQL_SCAN_H

#include <stddef.h>

/* What the scanner saw at the top level of one SQL text. */
typedef enum pl_sql_token_kind {
    PL_SQL_END = 0,
    PL_SQL_WORD,        /* an unquoted identifier or keyword */
    PL_SQL_PARAM,       /* $1, $2, ... */
    PL_SQL_OPEN,        /* ( */
    PL_SQL_CLOSE,       /* ) */
    PL_SQL_SEMICOLON,
    PL_SQL_OTHER,       /* literals, quoted identifiers, operators, numbers */
    PL_SQL_UNTERMINATED /* a quote, dollar quote or comment that never ends */
} pl_sql_token_kind;

typedef struct pl_sql_token {
    pl_sql_token_kind kind;
    const char *start;
    size_t len;
    long number;        /* PL_SQL_PARAM: the parameter number */
} pl_sql_token;

typedef struct pl_sql_scanner {
    const char *p;
} pl_sql_scanner;

/* Skips whitespace and comments, then returns the next token. */
pl_sql_token pl_sql_next(pl_sql_scanner *sc);

/* 1 when a PL_SQL_WORD token is the keyword kw (ASCII, case-insensitive). */
int pl_sql_is(const pl_sql_token *t, const char *kw);

/* Nesting in expression text as EXPLAIN prints it ("Filter: ((a)::text = 'x(')"):
 * parentheses counted outside '...' and "..." (a doubled quote inside closes and
 * reopens, which comes to the same). Start from { 0, 0 } and feed the bytes in order. */
typedef struct pl_nest {
    int depth;
    char quote;
} pl_nest;

/* c itself when it stands outside quotes (a parenthesis is already counted), 0 when
 * it is a quote or inside one. */
static inline char pl_nest_step(pl_nest *st, char c)
{
    if (st->quote) {
        if (c == st->quote)
            st->quote = 0;
        return 0;
    }
    if (c == '\'' || c == '"') {
        st->quote = c;
        return 0;
    }
    if (c == '(')
        st->depth++;
    else if (c == ')')
        st->depth--;
    return c;
}

/* statement.c: the highest $n the statement uses, 0 for none. */
long pl_statement_max_param(const char *sql);

#endif

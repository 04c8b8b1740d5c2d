/* nest.h - parentheses in expression text as EXPLAIN prints it, counted outside quotes;
 * used to split and join the text reader's lists and by the rules' predicate reader. */
#ifndef PL_NEST_H
#define PL_NEST_H

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

#endif

/* unwrap.h - undo what psql, pgAdmin and log files wrap around a JSON plan. */
#ifndef PL_UNWRAP_H
#define PL_UNWRAP_H

#include "buf.h"

#include <stddef.h>

/* One line of the cleaned text of a text plan (pl_unwrap_lines()): in the input when
 * it is one line of it, else in the unwrapped's own buffer (psql's wrapped cells). */
typedef struct pl_uline {
    const char *s;
    unsigned int n;
    int lineno;               /* 1-based input line */
    int shift;                /* bytes removed before the content on that line */
    int trail;                /* blanks cut from the end of a line that had no frame and
                               * no continuation mark (what fold -s leaves), else 0 */
    unsigned int width;       /* 0; the caller's to use */
} pl_uline;

/* The cleaned text, and where each of its lines came from in the input. */
typedef struct pl_unwrapped {
    char *text;             /* owned (pl_free), NUL-terminated */
    size_t len;
    size_t nlines;
    int *orig_line;         /* owned: 1-based input line of each cleaned line */
    int *orig_col_shift;    /* owned: bytes removed before the content on that line */
    int *trail;             /* owned: blanks cut from the end of a line that had no frame and
                             * no continuation mark (what fold -s leaves), else 0 */
    int changed;            /* 1 when anything was removed or rewritten */
    pl_uline *lines;        /* pl_unwrap_lines(): owned; text, orig_* and trail are NULL */
    pl_buf joined;          /* pl_unwrap_lines(): the lines that are not in the input */
} pl_unwrapped;

/* 0 on success (u is filled; free it with pl_unwrapped_free()), -1 on out of memory. */
int pl_unwrap(const char *buf, size_t len, pl_unwrapped *u);
/* The same, keeping each line's leading blanks (for text-format plans). */
int pl_unwrap_ex(const char *buf, size_t len, int keep_indent, pl_unwrapped *u);
/* The same as pl_unwrap_ex(keep_indent = 1) as lines that point into buf where they
 * can, so a big plan is not copied (u->lines, u->nlines). */
int pl_unwrap_lines(const char *buf, size_t len, pl_unwrapped *u);
void pl_unwrapped_free(pl_unwrapped *u);

#endif

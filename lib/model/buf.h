/* buf.h - a growable output buffer with locale-independent number formatting. */
#ifndef PL_BUF_H
#define PL_BUF_H

#include <stddef.h>
#include "error.h"

typedef struct pl_buf {
    char *data;
    size_t len, cap;
    int failed;          /* an allocation failed; further appends are ignored */
} pl_buf;

void pl_buf_init(pl_buf *b);
void pl_buf_release(pl_buf *b);
void pl_buf_add(pl_buf *b, const char *s, size_t n);
void pl_buf_puts(pl_buf *b, const char *s);
void pl_buf_putc(pl_buf *b, char c);
void pl_buf_repeat(pl_buf *b, const char *s, size_t times);
/* Pads what was written since offset start with blanks on the left to width bytes
 * (for ASCII text such as numbers: a right-aligned column). */
void pl_buf_align_right(pl_buf *b, size_t start, size_t width);
/* printf for text and integers only: "%f" would follow LC_NUMERIC. */
void pl_buf_printf(pl_buf *b, const char *fmt, ...) PL_PRINTF(2, 3);
/* v with exactly `decimals` digits after a '.', e.g. 12.345 */
void pl_buf_fixed(pl_buf *b, double v, int decimals);
/* A count with thousands separators: 1,234,567 (decimals shown when fractional). */
void pl_buf_count(pl_buf *b, double v);
/* Display width of s in terminal columns (UTF-8 aware, ANSI escapes excluded). */
size_t pl_text_width(const char *s, size_t n);

#endif

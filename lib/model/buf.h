/* buf.h - a growable output buffer with locale-independent number formatting. */
#ifndef PL_BUF_H
#define PL_BUF_H

#include <stddef.h>
#include "error.h"

typedef struct pl_buf {
    char *data;
    size_t len, cap;
    int failed;          /* an allocation failed; further appends are ignored */
    int write_failed;    /* the sink refused a write (failed is set too) */
    int (*sink)(void *ctx, const char *s, size_t n);   /* NULL: the text stays in data */
    void *sink_ctx;
} pl_buf;

void pl_buf_init(pl_buf *b);
void pl_buf_release(pl_buf *b);
/* Ends the text with a NUL and hands it over: *out is then the caller's (free with
 * planlint_free()), *out_len (if not NULL) its length. 0, or PLANLINT_ENOMEM in err
 * after releasing b when an append failed. */
int pl_buf_hand_over(pl_buf *b, char **out, size_t *out_len, planlint_error *err);
void pl_buf_add(pl_buf *b, const char *s, size_t n);
/* A point where the text so far is final: with a sink, and enough of it gathered, it
 * goes to the sink and the buffer starts again empty. Offsets into b taken before are
 * then stale: call it between lines, not inside one. */
void pl_buf_flush(pl_buf *b);
/* Sends whatever is left to the sink, if any. */
void pl_buf_flush_all(pl_buf *b);
/* s[0..n) put in at byte at, what follows moved after it. */
void pl_buf_insert(pl_buf *b, size_t at, const char *s, size_t n);
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

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when s[0] starts none:
 * overlong forms, surrogates and code points above U+10FFFF are invalid. */
size_t pl_utf8_valid(const unsigned char *s, size_t n);
/* s[0..n) with every invalid UTF-8 sequence and every NUL byte replaced by U+FFFD:
 * what the readers let into the value tree. */
void pl_buf_add_utf8(pl_buf *b, const char *s, size_t n);
/* s[0..n) made safe for a terminal: tab, newline and carriage return as \t \n \r,
 * every other C0 control, DEL and C1 control (U+0080-U+009F) as \xNN, invalid
 * UTF-8 as U+FFFD. With keep_newlines, '\n' stays a line break. */
void pl_buf_add_visible(pl_buf *b, const char *s, size_t n, int keep_newlines);

/* The unit of shown text at s[0..n): an ANSI CSI sequence (width 0), an escape that
 * pl_buf_add_visible() writes (\xNN, \n, ...), or one character. Returns its length
 * in bytes (at least 1) and sets *width to the terminal columns it takes. Text is
 * only ever cut between units. */
size_t pl_text_unit(const char *s, size_t n, size_t *width);
/* Display width of s in terminal columns: the sum of its units' widths. */
size_t pl_text_width(const char *s, size_t n);

#endif

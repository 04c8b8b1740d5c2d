/* buf.c - growable buffer; numbers are formatted by hand so that LC_NUMERIC
 * can never turn "12.5" into "12,5". */
#include "buf.h"
#include "alloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void pl_buf_init(pl_buf *b)
{
    memset(b, 0, sizeof(*b));
}

void pl_buf_release(pl_buf *b)
{
    pl_free(b->data);
    pl_buf_init(b);
}

int pl_buf_hand_over(pl_buf *b, char **out, size_t *out_len, planlint_error *err)
{
    pl_buf_add(b, "", 0);
    if (b->failed || !b->data) {
        pl_buf_release(b);
        return pl_error_nomem(err);
    }
    *out = b->data;
    if (out_len)
        *out_len = b->len;
    return 0;
}

#define PL_BUF_FLUSH_AT (64u * 1024u)

static void pl_buf_send(pl_buf *b)
{
    if (!b->sink || b->failed || b->len == 0)
        return;
    if (b->sink(b->sink_ctx, b->data, b->len) != 0)
        b->failed = b->write_failed = 1;
    b->len = 0;
    b->data[0] = '\0';
}

void pl_buf_flush(pl_buf *b)
{
    if (b->len >= PL_BUF_FLUSH_AT)
        pl_buf_send(b);
}

void pl_buf_flush_all(pl_buf *b)
{
    pl_buf_send(b);
}

static int pl_buf_reserve(pl_buf *b, size_t extra)
{
    size_t ncap;
    char *nd;

    if (b->failed)
        return -1;
    if (extra < b->cap - b->len)
        return 0;
    if (extra > SIZE_MAX / 2 - b->len) {
        b->failed = 1;
        return -1;
    }
    ncap = b->cap ? b->cap : 4096;
    while (ncap - b->len <= extra)
        ncap *= 2;
    nd = pl_realloc(b->data, ncap);
    if (!nd) {
        b->failed = 1;
        return -1;
    }
    b->data = nd;
    b->cap = ncap;
    return 0;
}

void pl_buf_add(pl_buf *b, const char *s, size_t n)
{
    if (pl_buf_reserve(b, n) < 0)
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void pl_buf_insert(pl_buf *b, size_t at, const char *s, size_t n)
{
    if (at > b->len || pl_buf_reserve(b, n) < 0)
        return;
    memmove(b->data + at + n, b->data + at, b->len - at);
    memcpy(b->data + at, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void pl_buf_puts(pl_buf *b, const char *s)
{
    pl_buf_add(b, s, strlen(s));
}

void pl_buf_putc(pl_buf *b, char c)
{
    pl_buf_add(b, &c, 1);
}

void pl_buf_repeat(pl_buf *b, const char *s, size_t times)
{
    size_t n = strlen(s), i;

    if (n == 0 || times == 0)
        return;
    if (times > SIZE_MAX / n) {
        b->failed = 1;
        return;
    }
    if (pl_buf_reserve(b, n * times) < 0)
        return;
    for (i = 0; i < times; i++)
        memcpy(b->data + b->len + i * n, s, n);
    b->len += n * times;
    b->data[b->len] = '\0';
}

void pl_buf_align_right(pl_buf *b, size_t start, size_t width)
{
    size_t n = b->len - start, pad = width - n;

    if (b->failed || n >= width || pl_buf_reserve(b, pad) < 0)
        return;
    memmove(b->data + start + pad, b->data + start, n);
    memset(b->data + start, ' ', pad);
    b->len += pad;
    b->data[b->len] = '\0';
}

/* Formats straight into the free space; only text that does not fit is formatted a
 * second time, after the buffer grew. */
void pl_buf_printf(pl_buf *b, const char *fmt, ...)
{
    size_t room = b->failed || !b->data ? 0 : b->cap - b->len;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= room && pl_buf_reserve(b, (size_t)n + 1) == 0) {
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    if (n < 0 || b->failed) {
        if (room)
            b->data[b->len] = '\0';   /* the cut attempt wrote over the terminating NUL */
        return;
    }
    b->len += (size_t)n;
}

static void pl_buf_uint(pl_buf *b, uint64_t u, int group)
{
    char digits[32];
    size_t n = 0, i;

    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    for (i = n; i-- > 0;) {
        pl_buf_putc(b, digits[i]);
        if (group && i > 0 && i % 3 == 0)
            pl_buf_putc(b, ',');
    }
}

static void pl_buf_number(pl_buf *b, double v, int decimals, int group)
{
    static const double pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };
    uint64_t whole, frac, scale;
    double r;

    if (isnan(v)) {
        pl_buf_puts(b, "-");
        return;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    if (v < 0) {
        pl_buf_putc(b, '-');
        v = -v;
    }
    if (v >= 1e18) {   /* astronomically large costs: no fraction worth showing */
        pl_buf_printf(b, "%.3e", v);
        return;
    }
    scale = (uint64_t)pow10[decimals];
    r = floor(v * (double)scale + 0.5);
    whole = (uint64_t)(r / (double)scale);
    frac = (uint64_t)(r - (double)whole * (double)scale);
    pl_buf_uint(b, whole, group);
    if (decimals) {
        char f[8];
        int i;
        for (i = decimals - 1; i >= 0; i--) {
            f[i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        pl_buf_putc(b, '.');
        pl_buf_add(b, f, (size_t)decimals);
    }
}

void pl_buf_fixed(pl_buf *b, double v, int decimals)
{
    pl_buf_number(b, v, decimals, 0);
}

void pl_buf_count(pl_buf *b, double v)
{
    pl_buf_number(b, v, (!isnan(v) && v != floor(v)) ? 2 : 0, 1);
}

/* ------------------------------------------------------------ UTF-8 */

/* Length of the valid UTF-8 sequence at s (1..4) with its code point in *cp, or 0. */
static size_t pl_utf8_next(const unsigned char *s, size_t n, unsigned long *cp)
{
    size_t need, i;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        need = 2, *cp = s[0] & 0x1F;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        need = 3, *cp = s[0] & 0x0F;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        need = 4, *cp = s[0] & 0x07;
    else
        return 0;
    if (n < need)
        return 0;
    for (i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if ((need == 3 && (*cp < 0x800 || (*cp >= 0xD800 && *cp <= 0xDFFF))) ||
        (need == 4 && (*cp < 0x10000 || *cp > 0x10FFFF)))
        return 0;
    return need;
}

size_t pl_utf8_valid(const unsigned char *s, size_t n)
{
    unsigned long cp;

    return n ? pl_utf8_next(s, n, &cp) : 0;
}

#define PL_REPLACEMENT "\xEF\xBF\xBD"   /* U+FFFD */

/* Both writers below copy runs of text that needs no rewriting in one piece. */
void pl_buf_add_utf8(pl_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0, k;

    while (i < n) {
        k = u[i] ? pl_utf8_valid(u + i, n - i) : 0;
        if (k) {
            i += k;
            continue;
        }
        pl_buf_add(b, s + run, i - run);
        pl_buf_puts(b, PL_REPLACEMENT);
        run = ++i;
    }
    pl_buf_add(b, s + run, i - run);
}

void pl_buf_add_visible(pl_buf *b, const char *s, size_t n, int keep_newlines)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0, k;
    unsigned long cp = 0;

    while (i < n) {
        k = pl_utf8_next(u + i, n - i, &cp);
        if (k && ((cp >= 0x20 && cp != 0x7f && (cp < 0x80 || cp > 0x9f)) || (cp == '\n' && keep_newlines))) {
            i += k;
            continue;
        }
        pl_buf_add(b, s + run, i - run);
        if (!k) {
            pl_buf_puts(b, PL_REPLACEMENT);
            k = 1;
        } else if (cp == '\n' || cp == '\r' || cp == '\t') {
            pl_buf_puts(b, cp == '\n' ? "\\n" : cp == '\r' ? "\\r" : "\\t");
        } else {
            char e[4] = { '\\', 'x', hex[cp >> 4], hex[cp & 15] };
            pl_buf_add(b, e, 4);
        }
        run = i += k;
    }
    pl_buf_add(b, s + run, i - run);
}

/* ------------------------------------------------------------ display width */

/* Columns a code point takes: 0 for combining marks and zero-width characters, 2 for
 * East Asian wide and fullwidth ones (after Markus Kuhn's wcwidth), else 1. Kept
 * apart from the C library's wcwidth(), which depends on the locale. */
static size_t pl_cp_width(unsigned long cp)
{
    static const unsigned long zero[][2] = {
        { 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD }, { 0x0610, 0x061A },
        { 0x064B, 0x065F }, { 0x200B, 0x200F }, { 0x202A, 0x202E }, { 0x2060, 0x206F },
        { 0x20D0, 0x20FF }, { 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F }, { 0xFEFF, 0xFEFF },
    };
    static const unsigned long wide[][2] = {
        { 0x1100, 0x115F }, { 0x2E80, 0x303E }, { 0x3041, 0x33FF }, { 0x3400, 0x4DBF },
        { 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF },
        { 0xFE30, 0xFE4F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x1F300, 0x1F64F },
        { 0x1F900, 0x1F9FF }, { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
    };
    size_t i;

    if (cp < 0x300)
        return 1;
    for (i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
        if (cp >= zero[i][0] && cp <= zero[i][1])
            return 0;
    for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
        if (cp >= wide[i][0] && cp <= wide[i][1])
            return 2;
    return 1;
}

static int pl_is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

size_t pl_text_unit(const char *s, size_t n, size_t *width)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned long cp;
    size_t i, k;

    *width = 0;
    if (u[0] == 0x1b) {   /* the renderer's own colours: an ANSI CSI sequence */
        if (n < 2 || s[1] != '[')
            return 1;
        for (i = 2; i < n && !(u[i] >= 0x40 && u[i] <= 0x7e); i++)
            ;
        return i < n ? i + 1 : n;
    }
    if (u[0] == '\\' && n >= 4 && s[1] == 'x' && pl_is_hex(s[2]) && pl_is_hex(s[3]))
        return *width = 4;
    if (u[0] == '\\' && n >= 2 && (s[1] == 'n' || s[1] == 'r' || s[1] == 't'))
        return *width = 2;
    if ((k = pl_utf8_next(u, n, &cp)) == 0) {
        *width = 1;   /* a stray byte: one column, as U+FFFD would show it */
        return 1;
    }
    *width = pl_cp_width(cp);
    return k;
}

size_t pl_text_width(const char *s, size_t n)
{
    size_t w = 0, i = 0, uw;

    while (i < n) {
        i += pl_text_unit(s + i, n - i, &uw);
        w += uw;
    }
    return w;
}

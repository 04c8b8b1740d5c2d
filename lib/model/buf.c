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

size_t pl_text_width(const char *s, size_t n)
{
    size_t w = 0, i = 0;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x1b) {               /* skip an ANSI CSI sequence */
            i++;
            if (i < n && s[i] == '[')
                for (i++; i < n && !((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e); i++)
                    ;
            i++;
            continue;
        }
        if ((c & 0xC0) != 0x80)
            w++;
        i++;
    }
    return w;
}

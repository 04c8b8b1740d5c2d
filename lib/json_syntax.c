/* json_syntax.c - an allocation-free JSON syntax check. jansson reports some
 * allocation failures as syntax errors; when it fails on text this check accepts,
 * the failure was memory, not the input. */
#include "reader.h"

#include <string.h>

#define PL_SYNTAX_MAX_DEPTH 4096

typedef struct pl_scan {
    const char *s;
    size_t len, pos;
} pl_scan;

static void pl_ws(pl_scan *c)
{
    while (c->pos < c->len && strchr(" \t\r\n", c->s[c->pos]) && c->s[c->pos])
        c->pos++;
}

static int pl_lit(pl_scan *c, const char *word)
{
    size_t n = strlen(word);

    if (c->len - c->pos < n || memcmp(c->s + c->pos, word, n) != 0)
        return 0;
    c->pos += n;
    return 1;
}

static int pl_hex4(pl_scan *c)
{
    size_t i;

    for (i = 0; i < 4; i++, c->pos++)
        if (c->pos >= c->len || !strchr("0123456789abcdefABCDEF", c->s[c->pos]) || !c->s[c->pos])
            return 0;
    return 1;
}

static int pl_string(pl_scan *c)
{
    c->pos++;   /* opening quote */
    while (c->pos < c->len) {
        unsigned char ch = (unsigned char)c->s[c->pos++];
        if (ch == '"')
            return 1;
        if (ch < 0x20)
            return 0;
        if (ch == '\\') {
            if (c->pos >= c->len)
                return 0;
            ch = (unsigned char)c->s[c->pos++];
            if (ch == 'u') {
                if (!pl_hex4(c))
                    return 0;
            } else if (!strchr("\"\\/bfnrt", ch) || !ch) {
                return 0;
            }
        }
    }
    return 0;
}

static int pl_digits(pl_scan *c)
{
    size_t start = c->pos;

    while (c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9')
        c->pos++;
    return c->pos > start;
}

static int pl_number(pl_scan *c)
{
    if (c->s[c->pos] == '-')
        c->pos++;
    if (!pl_digits(c))
        return 0;
    if (c->pos < c->len && c->s[c->pos] == '.') {
        c->pos++;
        if (!pl_digits(c))
            return 0;
    }
    if (c->pos < c->len && (c->s[c->pos] == 'e' || c->s[c->pos] == 'E')) {
        c->pos++;
        if (c->pos < c->len && (c->s[c->pos] == '+' || c->s[c->pos] == '-'))
            c->pos++;
        if (!pl_digits(c))
            return 0;
    }
    return 1;
}

static int pl_scalar(pl_scan *c)
{
    char ch = c->s[c->pos];

    if (ch == '"')
        return pl_string(c);
    if (ch == '-' || (ch >= '0' && ch <= '9'))
        return pl_number(c);
    return pl_lit(c, "true") || pl_lit(c, "false") || pl_lit(c, "null");
}

/* Iterative, with the open containers kept as a bit stack (1 = object). */
int pl_json_syntax_ok(const char *s, size_t len)
{
    unsigned char stack[PL_SYNTAX_MAX_DEPTH / 8];
    pl_scan c = { s, len, 0 };
    size_t depth = 0;

    for (;;) {
        pl_ws(&c);
        if (c.pos >= len)
            return 0;
        if (s[c.pos] == '[' || s[c.pos] == '{') {
            int obj = s[c.pos++] == '{';
            if (depth >= PL_SYNTAX_MAX_DEPTH)
                return 0;
            stack[depth / 8] = (unsigned char)((stack[depth / 8] & ~(1u << (depth % 8))) | ((unsigned)obj << (depth % 8)));
            depth++;
            pl_ws(&c);
            if (c.pos < len && s[c.pos] == (obj ? '}' : ']')) {
                c.pos++;
                depth--;
                goto after_value;
            }
            if (obj)
                goto member_key;
            continue;
        }
        if (!pl_scalar(&c))
            return 0;
    after_value:
        for (;;) {
            int obj;
            if (depth == 0)
                return 1;
            obj = (stack[(depth - 1) / 8] >> ((depth - 1) % 8)) & 1;
            pl_ws(&c);
            if (c.pos >= len)
                return 0;
            if (s[c.pos] == ',') {
                c.pos++;
                if (obj)
                    goto member_key;
                break;
            }
            if (s[c.pos] != (obj ? '}' : ']'))
                return 0;
            c.pos++;
            depth--;
        }
        continue;
    member_key:
        pl_ws(&c);
        if (c.pos >= len || s[c.pos] != '"' || !pl_string(&c))
            return 0;
        pl_ws(&c);
        if (c.pos >= len || s[c.pos] != ':')
            return 0;
        c.pos++;
    }
}

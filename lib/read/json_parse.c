/* json_parse.c - a JSON parser that writes values straight into the plan's arena.
 * A DOM first and a copy after would hold the plan twice; large plans would need
 * three to five times their size in memory (bench/README.md has the numbers).
 * Keys are interned: every node repeats the same few hundred. Invalid UTF-8 in
 * strings (plans from LATIN1 databases) and "\u0000" are replaced by U+FFFD instead
 * of rejected, as the text reader does with invalid UTF-8 and NUL bytes. */
#include "json_parse.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"

#include <stdint.h>
#include <limits.h>
#include <string.h>

/* ------------------------------------------------------------ key interning */

struct pl_intern {
    const char **slots;
    size_t *lens;
    size_t cap, used;
};

static size_t pl_hash(const char *s, size_t n)
{
    size_t h = (size_t)1469598103934665603u, i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * (size_t)1099511628211u;
    return h;
}

static int pl_intern_grow(pl_intern *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 512, i;
    const char **ns = pl_malloc(ncap * sizeof(*ns));
    size_t *nl = pl_malloc(ncap * sizeof(*nl));

    if (!ns || !nl) {
        pl_free(ns);
        pl_free(nl);
        return -1;
    }
    memset(ns, 0, ncap * sizeof(*ns));
    for (i = 0; i < t->cap; i++) {
        if (t->slots[i]) {
            size_t j = pl_hash(t->slots[i], t->lens[i]) & (ncap - 1);
            while (ns[j])
                j = (j + 1) & (ncap - 1);
            ns[j] = t->slots[i];
            nl[j] = t->lens[i];
        }
    }
    pl_free(t->slots);
    pl_free(t->lens);
    t->slots = ns;
    t->lens = nl;
    t->cap = ncap;
    return 0;
}

static const char *pl_intern_key(pl_intern *t, pl_arena *a, const char *key, size_t n)
{
    size_t j;

    if ((t->used + 1) * 2 > t->cap && pl_intern_grow(t) < 0)
        return NULL;
    j = pl_hash(key, n) & (t->cap - 1);
    while (t->slots[j]) {
        if (t->lens[j] == n && memcmp(t->slots[j], key, n) == 0)
            return t->slots[j];
        j = (j + 1) & (t->cap - 1);
    }
    if (!(t->slots[j] = pl_arena_strndup(a, key, n)))
        return NULL;
    t->lens[j] = n;
    t->used++;
    return t->slots[j];
}

/* ------------------------------------------------------------ parser state */

struct pl_json_parser {
    pl_arena *arena;
    pl_intern keys;
    planlint_value *vals;      /* scratch: members of the containers being read */
    const char **vkeys;        /* their keys (objects) */
    size_t sp, cap;
    char *sbuf;                /* scratch: a string being unescaped */
    size_t slen, scap;
    unsigned int depth, max_depth;
    const char *s;
    size_t len, pos;
    pl_json_error *e;
};

pl_json_parser *pl_json_parser_new(pl_arena *arena, unsigned int max_depth)
{
    pl_json_parser *p = pl_malloc(sizeof(*p));

    if (!p)
        return NULL;
    memset(p, 0, sizeof(*p));
    p->arena = arena;
    p->max_depth = max_depth;
    return p;
}

void pl_json_parser_free(pl_json_parser *p)
{
    if (!p)
        return;
    pl_free(p->keys.slots);
    pl_free(p->keys.lens);
    pl_free(p->vals);
    pl_free(p->vkeys);
    pl_free(p->sbuf);
    pl_free(p);
}

static int pl_fail(pl_json_parser *p, int code, const char *message)
{
    p->e->code = code;
    p->e->pos = p->pos;
    p->e->message = message;
    return code;
}

static int pl_nomem(pl_json_parser *p)
{
    return pl_fail(p, PLANLINT_ENOMEM, "out of memory");
}

static void pl_skip_ws(pl_json_parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            break;
        p->pos++;
    }
}

/* ------------------------------------------------------------ strings */

static int pl_sbuf_add(pl_json_parser *p, const char *s, size_t n)
{
    if (p->scap - p->slen < n + 1) {
        size_t ncap = p->scap ? p->scap : 256;
        char *nb;
        while (ncap - p->slen < n + 1) {
            if (ncap > SIZE_MAX / 2)
                return -1;
            ncap *= 2;
        }
        if (!(nb = pl_realloc(p->sbuf, ncap)))
            return -1;
        p->sbuf = nb;
        p->scap = ncap;
    }
    memcpy(p->sbuf + p->slen, s, n);
    p->slen += n;
    return 0;
}

static size_t pl_utf8_encode(unsigned long cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int pl_hex4(const char *s, unsigned long *out)
{
    unsigned long v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned long)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* \uXXXX, with surrogate pairs joined; p->pos is on the 'u'. */
static int pl_unicode_escape(pl_json_parser *p)
{
    unsigned long cp, lo;
    char utf8[4];

    if (p->len - p->pos < 5 || pl_hex4(p->s + p->pos + 1, &cp) < 0)
        return pl_fail(p, PLANLINT_EPARSE, "invalid \\u escape");
    p->pos += 5;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u' ||
            pl_hex4(p->s + p->pos + 2, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
            return pl_fail(p, PLANLINT_EPARSE, "invalid \\u surrogate pair");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        p->pos += 6;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return pl_fail(p, PLANLINT_EPARSE, "invalid \\u surrogate pair");
    }
    if (cp == 0)
        cp = 0xFFFD;   /* strings are NUL-terminated: "\u0000" would cut one short */
    return pl_sbuf_add(p, utf8, pl_utf8_encode(cp, utf8)) < 0 ? pl_nomem(p) : 0;
}

static int pl_escape(pl_json_parser *p)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit;

    if (++p->pos >= p->len)
        return pl_fail(p, PLANLINT_EPARSE, "unterminated string");
    if (p->s[p->pos] == 'u')
        return pl_unicode_escape(p);
    hit = p->s[p->pos] ? strchr(from, p->s[p->pos]) : NULL;
    if (!hit)
        return pl_fail(p, PLANLINT_EPARSE, "invalid escape in string");
    p->pos++;
    return pl_sbuf_add(p, &to[hit - from], 1) < 0 ? pl_nomem(p) : 0;
}

/* The slow path: escapes and invalid UTF-8, into the scratch buffer. */
static int pl_string_slow(pl_json_parser *p)
{
    for (;;) {
        const unsigned char *u = (const unsigned char *)p->s + p->pos;
        size_t n;
        int rc;

        if (p->pos >= p->len)
            return pl_fail(p, PLANLINT_EPARSE, "unterminated string");
        if (*u == '"') {
            p->pos++;
            return 0;
        }
        if (*u == '\\') {
            if ((rc = pl_escape(p)) != 0)
                return rc;
            continue;
        }
        if (*u < 0x20)
            return pl_fail(p, PLANLINT_EPARSE, "control character in string");
        n = pl_utf8_valid(u, p->len - p->pos);
        if (pl_sbuf_add(p, n ? (const char *)u : "\xEF\xBF\xBD", n ? n : 3) < 0)
            return pl_nomem(p);
        p->pos += n ? n : 1;
    }
}

/* Reads the string at p->pos (on the quote). *str and *n point either into the
 * input (no escapes) or into the scratch buffer. */
static int pl_string(pl_json_parser *p, const char **str, size_t *n)
{
    size_t start = ++p->pos, i = start;
    int high = 0, rc;

    while (i < p->len) {
        unsigned char c = (unsigned char)p->s[i];
        if (c == '"' || c == '\\' || c < 0x20)
            break;
        high |= c >= 0x80;
        i++;
    }
    if (i < p->len && p->s[i] == '"' && !high) {
        *str = p->s + start;
        *n = i - start;
        p->pos = i + 1;
        return 0;
    }
    p->slen = 0;
    if ((rc = pl_string_slow(p)) != 0)
        return rc;
    *str = p->sbuf ? p->sbuf : "";
    *n = p->slen;
    return 0;
}

/* ------------------------------------------------------------ numbers */

static const double pl_pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/* Accumulates digits into mant; ndig counts significant digits (from the first
 * non-zero one). mant is exact while ndig <= 19. */
static size_t pl_digits(const char *s, size_t pos, size_t len, uint64_t *mant, int *ndig)
{
    while (pos < len && s[pos] >= '0' && s[pos] <= '9') {
        int d = s[pos] - '0';
        if (*ndig || d)
            (*ndig)++;
        if (*ndig <= 19)
            *mant = *mant * 10 + (uint64_t)d;
        pos++;
    }
    return pos;
}

static int pl_number(pl_json_parser *p, planlint_value *out)
{
    const char *s = p->s;
    size_t start = p->pos, pos = p->pos, int_end, frac = 0;
    uint64_t mant = 0;
    int ndig = 0, neg = 0, has_exp = 0;
    double d;

    if (s[pos] == '-')
        neg = 1, pos++;
    if (pos >= p->len || s[pos] < '0' || s[pos] > '9' ||
        (s[pos] == '0' && pos + 1 < p->len && s[pos + 1] >= '0' && s[pos + 1] <= '9'))
        return pl_fail(p, PLANLINT_EPARSE, "invalid number");
    pos = pl_digits(s, pos, p->len, &mant, &ndig);
    int_end = pos;
    if (pos < p->len && s[pos] == '.') {
        size_t f = ++pos;
        pos = pl_digits(s, pos, p->len, &mant, &ndig);
        if (pos == f)
            return pl_fail(p, PLANLINT_EPARSE, "invalid number");
        frac = pos - f;
    }
    if (pos < p->len && (s[pos] == 'e' || s[pos] == 'E')) {
        size_t e = ++pos;
        has_exp = 1;
        if (pos < p->len && (s[pos] == '+' || s[pos] == '-'))
            e = ++pos;
        while (pos < p->len && s[pos] >= '0' && s[pos] <= '9')
            pos++;
        if (pos == e)
            return pl_fail(p, PLANLINT_EPARSE, "invalid number");
    }
    out->type = PLANLINT_VALUE_NUMBER;
    out->is_integer = int_end == pos;
    p->pos = pos;
    /* Exact when the digits fit a double's mantissa and the power of ten is exact:
     * one correctly rounded division. Everything else goes to strtod. */
    if (!has_exp && ndig <= 15 && frac <= 22) {
        d = (double)mant / pl_pow10[frac];
        out->number = neg ? -d : d;
        return 0;
    }
    if (pl_parse_double(s + start, pos - start, &d) != 0 || d > 1.7976931348623157e308 ||
        d < -1.7976931348623157e308) {
        p->pos = start;
        return pl_fail(p, PLANLINT_EPARSE, "number out of range");
    }
    out->number = d;
    return 0;
}

/* ------------------------------------------------------------ containers */

static int pl_push(pl_json_parser *p, const planlint_value *v, const char *key)
{
    if (p->sp == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 256;
        planlint_value *nv;
        const char **nk;
        if (ncap > SIZE_MAX / sizeof(*nv))
            return -1;
        if (!(nv = pl_realloc(p->vals, ncap * sizeof(*nv))))
            return -1;
        p->vals = nv;
        if (!(nk = pl_realloc(p->vkeys, ncap * sizeof(*nk))))
            return -1;
        p->vkeys = nk;
        p->cap = ncap;
    }
    p->vals[p->sp] = *v;
    p->vkeys[p->sp] = key;
    p->sp++;
    return 0;
}

/* Moves the members pushed since `base` into the arena. */
static int pl_close(pl_json_parser *p, planlint_value *out, size_t base, int object)
{
    size_t n = p->sp - base;

    out->type = object ? PLANLINT_VALUE_OBJECT : PLANLINT_VALUE_ARRAY;
    if (n > UINT_MAX)
        return pl_fail(p, PLANLINT_ELIMIT, "JSON array or object with more than 4294967295 members");
    out->size = (unsigned int)n;
    out->room = 1;   /* exactly n slots */
    p->sp = base;
    if (n == 0)
        return 0;
    if (!(out->items = pl_arena_array(p->arena, n + (size_t)object, sizeof(*out->items))))
        return pl_nomem(p);
    if (object) {
        /* The slot before the items says where the keys are: the shape's one copy. */
        out->items++;
        if (!(out->items[-1].keys = pl_arena_shape(p->arena, p->vkeys + base, n)))
            return pl_nomem(p);
        out->is_integer = 1;
    }
    memcpy(out->items, p->vals + base, n * sizeof(*out->items));
    return 0;
}

static int pl_value(pl_json_parser *p, planlint_value *out);

/* After a member: ',' continues, the closer ends. Returns 1 at the end. */
static int pl_after_member(pl_json_parser *p, char closer, const char *what)
{
    pl_skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ',') {
        p->pos++;
        return 0;
    }
    if (p->pos < p->len && p->s[p->pos] == closer) {
        p->pos++;
        return 1;
    }
    return pl_fail(p, PLANLINT_EPARSE, p->pos >= p->len ? "unexpected end of input" : what);
}

static int pl_member_key(pl_json_parser *p, const char **key)
{
    const char *k;
    size_t n;
    int rc;

    pl_skip_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != '"')
        return pl_fail(p, PLANLINT_EPARSE, p->pos >= p->len ? "unexpected end of input" : "expected a string key");
    if ((rc = pl_string(p, &k, &n)) != 0)
        return rc;
    if (!(*key = pl_intern_key(&p->keys, p->arena, k, n)))
        return pl_nomem(p);
    pl_skip_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != ':')
        return pl_fail(p, PLANLINT_EPARSE, p->pos >= p->len ? "unexpected end of input" : "expected ':'");
    p->pos++;
    return 0;
}

static int pl_container(pl_json_parser *p, planlint_value *out, int object)
{
    size_t base = p->sp;
    char closer = object ? '}' : ']';
    int rc;

    if (++p->depth > p->max_depth)
        return pl_fail(p, PLANLINT_ELIMIT, "JSON nested deeper than the limit (see max_depth)");
    p->pos++;
    pl_skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == closer) {
        p->pos++;
        p->depth--;
        return pl_close(p, out, base, object);
    }
    for (;;) {
        planlint_value v;
        const char *key = NULL;
        if (object && (rc = pl_member_key(p, &key)) != 0)
            return rc;
        if ((rc = pl_value(p, &v)) != 0)
            return rc;
        if (pl_push(p, &v, key) < 0)
            return pl_nomem(p);
        rc = pl_after_member(p, closer, object ? "expected ',' or '}'" : "expected ',' or ']'");
        if (rc < 0)
            return rc;
        if (rc == 1)
            break;
    }
    p->depth--;
    return pl_close(p, out, base, object);
}

static int pl_literal(pl_json_parser *p, const char *word, planlint_value *out)
{
    size_t n = strlen(word);

    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return pl_fail(p, PLANLINT_EPARSE, "invalid token");
    p->pos += n;
    out->type = word[0] == 'n' ? PLANLINT_VALUE_NULL : PLANLINT_VALUE_BOOL;
    out->boolean = word[0] == 't';
    return 0;
}

static int pl_value(pl_json_parser *p, planlint_value *out)
{
    const char *str;
    size_t n;
    int rc;
    char c;

    memset(out, 0, sizeof(*out));
    pl_skip_ws(p);
    if (p->pos >= p->len)
        return pl_fail(p, PLANLINT_EPARSE, "unexpected end of input");
    c = p->s[p->pos];
    switch (c) {
    case '{':
        return pl_container(p, out, 1);
    case '[':
        return pl_container(p, out, 0);
    case '"':
        if ((rc = pl_string(p, &str, &n)) != 0)
            return rc;
        out->type = PLANLINT_VALUE_STRING;
        out->string = pl_arena_strndup(p->arena, str, n);
        return out->string ? 0 : pl_nomem(p);
    case 't':
        return pl_literal(p, "true", out);
    case 'f':
        return pl_literal(p, "false", out);
    case 'n':
        return pl_literal(p, "null", out);
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return pl_number(p, out);
        return pl_fail(p, PLANLINT_EPARSE, "invalid token");
    }
}

int pl_json_parse_value(pl_json_parser *p, const char *s, size_t len, planlint_value *out,
                        size_t *consumed, pl_json_error *e)
{
    int rc;

    p->s = s;
    p->len = len;
    p->pos = 0;
    p->depth = 0;
    p->sp = 0;
    p->e = e;
    rc = pl_value(p, out);
    *consumed = p->pos;
    return rc;
}

int pl_json_parse_doc(pl_arena *arena, unsigned int max_depth, const char *s, size_t len,
                      planlint_value *out, planlint_error *err)
{
    pl_json_parser *p = pl_json_parser_new(arena, max_depth);
    pl_json_error je;
    size_t used;
    int rc;

    if (!p)
        return pl_error_nomem(err);
    rc = pl_json_parse_value(p, s, len, out, &used, &je);
    pl_json_parser_free(p);
    if (rc == 0)
        return 0;
    return je.code == PLANLINT_ENOMEM ? pl_error_nomem(err)
                                      : pl_error(err, je.code, 0, 0, NULL, "invalid JSON: %s", je.message);
}

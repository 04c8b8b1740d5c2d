/* text_lines.c - the line grammar of text-format plans: a node line's estimates and
 * actuals, subplan headers, worker lines and name=value lists. Every pattern is
 * anchored and free of nested quantifiers, and runs only at a position found by a
 * plain scan, so no line can make the matcher backtrack for long. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "text.h"
#include "alloc.h"

#include <pcre2.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

/* "N" is how PostgreSQL's regression tests mask numbers that vary between runs. */
#define PL_NUM "(\\d+(?:\\.\\d+)?|N(?:\\.N)?)"

enum { PL_RE_COST, PL_RE_ACTUAL, PL_RE_NEVER, PL_RE_HEADER, PL_RE_WORKER, PL_RE_PAIR, PL_RE_COUNT_ };

static const char *const pl_patterns[PL_RE_COUNT_] = {
    /* PL_RE_COST */ "\\(cost=" PL_NUM "\\.\\." PL_NUM " rows=" PL_NUM " width=" PL_NUM "\\)",
    /* PL_RE_ACTUAL: "time=" is absent with TIMING OFF; rows are fractional in PG 18 */
    "\\(?actual (?:time=" PL_NUM "\\.\\." PL_NUM " )?rows=" PL_NUM " loops=" PL_NUM "\\)?",
    /* PL_RE_NEVER */ "\\(never executed\\)",
    /* PL_RE_HEADER: "InitPlan 1 (returns $0,$1)", "SubPlan 2", "CTE name"; servers
     * before 9.0 printed a bare "InitPlan" / "SubPlan" */
    "(?:(?:InitPlan|SubPlan)(?: \\d+)?(?: \\([^)]*\\))?|CTE [^ ].*)$",
    /* PL_RE_WORKER */ "Worker (\\d+):[ \\t]*",
    /* PL_RE_PAIR: "hit=12", "read=3.5", "full=0" after optional blanks */
    "[ ,]*([a-z][a-z /]*?)=([0-9][0-9.]*)",
};

/* The patterns are compiled (and JIT-compiled) once per process: a log of thousands of
 * text plans would otherwise spend most of its time compiling them again. Compiled
 * patterns are read-only and shared by every thread; match data is per grammar. */
static pcre2_code *pl_codes[PL_RE_COUNT_];
static pthread_once_t pl_codes_once = PTHREAD_ONCE_INIT;
static int pl_codes_ready;

static void pl_compile_patterns(void)
{
    int i, errcode;
    PCRE2_SIZE erroff;

    for (i = 0; i < PL_RE_COUNT_; i++) {
        pl_codes[i] = pcre2_compile((PCRE2_SPTR)pl_patterns[i], PCRE2_ZERO_TERMINATED, PCRE2_ANCHORED,
                                    &errcode, &erroff, NULL);
        if (!pl_codes[i])
            return;   /* out of memory: every later grammar fails too */
        (void)pcre2_jit_compile(pl_codes[i], PCRE2_JIT_COMPLETE);  /* interpreted if no JIT */
    }
    pl_codes_ready = 1;
}

struct pl_tgrammar {
    pcre2_match_data *md;
};

void pl_tgrammar_free(pl_tgrammar *g)
{
    if (!g)
        return;
    pcre2_match_data_free(g->md);
    pl_free(g);
}

pl_tgrammar *pl_tgrammar_new(void)
{
    pl_tgrammar *g;

    if (pthread_once(&pl_codes_once, pl_compile_patterns) != 0 || !pl_codes_ready)
        return NULL;
    if (!(g = pl_malloc(sizeof(*g))))
        return NULL;
    if (!(g->md = pcre2_match_data_create(8, NULL))) {
        pl_free(g);
        return NULL;
    }
    return g;
}

/* Matches pattern re at s[pos..n); returns the end of the match or 0 when none. */
static size_t pl_match(pl_tgrammar *g, int re, const char *s, size_t n, size_t pos)
{
    int rc = pcre2_match(pl_codes[re], (PCRE2_SPTR)s, n, pos, PCRE2_ANCHORED, g->md, NULL);

    return rc > 0 ? (size_t)pcre2_get_ovector_pointer(g->md)[1] : 0;
}

/* Group k of the last match as a number; 0 when the group did not take part. */
static int pl_group_num(pl_tgrammar *g, const char *s, int k, double *out)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(g->md);

    if (ov[2 * k] == PCRE2_UNSET)
        return 0;
    return pl_parse_double(s + ov[2 * k], ov[2 * k + 1] - ov[2 * k], out) == 0;
}

static int pl_group_has_fraction(pl_tgrammar *g, const char *s, int k)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(g->md);

    return ov[2 * k] != PCRE2_UNSET && memchr(s + ov[2 * k], '.', ov[2 * k + 1] - ov[2 * k]) != NULL;
}

static int pl_starts(const char *s, size_t n, size_t pos, const char *lit)
{
    size_t l = strlen(lit);
    return n - pos >= l && memcmp(s + pos, lit, l) == 0;
}

/* Where the tail starts: the first " (" followed by cost=, actual or never executed. */
static size_t pl_tail_start(const char *s, size_t n)
{
    const char *p = s;

    while ((p = memchr(p, '(', n - (size_t)(p - s))) != NULL) {
        size_t pos = (size_t)(p - s);
        if (pos > 0 && s[pos - 1] == ' ' &&
            (pl_starts(s, n, pos, "(cost=") || pl_starts(s, n, pos, "(actual ") ||
             pl_starts(s, n, pos, "(never executed)")))
            return pos;
        p++;
    }
    return n;
}

int pl_tgrammar_actual(pl_tgrammar *g, const char *s, size_t n, pl_ttail *t)
{
    size_t end = pl_match(g, PL_RE_ACTUAL, s, n, 0);

    if (!end)
        return 0;
    t->has_actual = 1;
    t->has_time = pl_group_num(g, s, 1, &t->time[0]) && pl_group_num(g, s, 2, &t->time[1]);
    pl_group_num(g, s, 3, &t->arows);
    pl_group_num(g, s, 4, &t->loops);
    t->arows_int = !pl_group_has_fraction(g, s, 3);
    return (int)end;
}

static size_t pl_skip_blanks(const char *s, size_t n, size_t pos)
{
    while (pos < n && (s[pos] == ' ' || s[pos] == '\t'))
        pos++;
    return pos;
}

static void pl_tail_init(pl_ttail *t)
{
    memset(t, 0, sizeof(*t));
    t->cost[0] = t->cost[1] = t->rows = t->width = NAN;
    t->time[0] = t->time[1] = t->arows = t->loops = NAN;
}

int pl_tgrammar_node(pl_tgrammar *g, const char *s, size_t n, pl_ttail *t)
{
    size_t pos = pl_tail_start(s, n), end;

    pl_tail_init(t);
    t->name_len = pos;
    while (t->name_len && s[t->name_len - 1] == ' ')
        t->name_len--;
    if (pos < n && (end = pl_match(g, PL_RE_COST, s, n, pos)) != 0) {
        t->has_cost = 1;
        pl_group_num(g, s, 1, &t->cost[0]);
        pl_group_num(g, s, 2, &t->cost[1]);
        pl_group_num(g, s, 3, &t->rows);
        pl_group_num(g, s, 4, &t->width);
        pos = pl_skip_blanks(s, n, end);
    }
    if (pos < n && s[pos] == '(' && (end = (size_t)pl_tgrammar_actual(g, s + pos, n - pos, t)) != 0)
        pos = pl_skip_blanks(s, n, pos + end);
    else if (pos < n && (end = pl_match(g, PL_RE_NEVER, s, n, pos)) != 0) {
        t->never = 1;
        pos = pl_skip_blanks(s, n, end);
    }
    if (pos < n) {
        t->bad_at = pos;
        return -1;
    }
    return 0;
}

int pl_tgrammar_header(pl_tgrammar *g, const char *s, size_t n)
{
    return pl_match(g, PL_RE_HEADER, s, n, 0) == n && n > 0;
}

int pl_tgrammar_worker(pl_tgrammar *g, const char *s, size_t n, double *num, size_t *rest)
{
    size_t end = pl_match(g, PL_RE_WORKER, s, n, 0);

    if (!end)
        return 0;
    pl_group_num(g, s, 1, num);
    *rest = end;
    return 1;
}

int pl_tgrammar_pair(pl_tgrammar *g, const char *s, size_t n, size_t *pos, const char **name,
                     size_t *nlen, const char **val, size_t *vlen)
{
    PCRE2_SIZE *ov;
    size_t end;

    if (*pos >= n || !(end = pl_match(g, PL_RE_PAIR, s, n, *pos)))
        return 0;
    ov = pcre2_get_ovector_pointer(g->md);
    *name = s + ov[2];
    *nlen = ov[3] - ov[2];
    *val = s + ov[4];
    *vlen = ov[5] - ov[4];
    *pos = end;
    return 1;
}

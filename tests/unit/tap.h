/* tap.h - the smallest test helpers: count checks, print failures, exit 1 on any. */
#ifndef PL_TAP_H
#define PL_TAP_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define TAP_UNUSED __attribute__((unused))
#else
#define TAP_UNUSED
#endif

static int tap_failures, tap_checks;

#define CHECK(cond) tap_check((cond), #cond, __FILE__, __LINE__)
#define CHECK_NEAR(a, b, eps) tap_near((a), (b), (eps), #a, __FILE__, __LINE__)
#define CHECK_STR(a, b) tap_str((a), (b), #a, __FILE__, __LINE__)

TAP_UNUSED static void tap_check(int ok, const char *what, const char *file, int line)
{
    tap_checks++;
    if (!ok) {
        tap_failures++;
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    }
}

TAP_UNUSED static void tap_near(double a, double b, double eps, const char *what, const char *file, int line)
{
    tap_checks++;
    if (!(fabs(a - b) <= eps)) {
        tap_failures++;
        fprintf(stderr, "%s:%d: %s = %.6f, expected %.6f (+-%g)\n", file, line, what, a, b, eps);
    }
}

TAP_UNUSED static void tap_str(const char *a, const char *b, const char *what, const char *file, int line)
{
    tap_checks++;
    if (!a || strcmp(a, b) != 0) {
        tap_failures++;
        fprintf(stderr, "%s:%d: %s = \"%s\", expected \"%s\"\n", file, line, what, a ? a : "(null)", b);
    }
}

TAP_UNUSED static int tap_done(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, tap_checks, tap_failures);
    return tap_failures ? 1 : 0;
}

/* Reads $top_srcdir/rel into memory (owned: free()); exits 99 (hard error) if missing. */
TAP_UNUSED static char *tap_slurp(const char *rel, size_t *len)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    FILE *f;
    char *buf;
    long n;

    snprintf(path, sizeof(path), "%s/%s", top ? top : ".", rel);
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(99);
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(99);
    }
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

#endif

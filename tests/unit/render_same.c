/* render_same.c - planlint_render_write() hands on exactly the text planlint_render()
 * makes, in every output format, in more than one piece for a big plan, and stops with
 * PLANLINT_EIO when the writer fails. Usage: render_same PLAN... (tests/cli/big-plan.sh
 * gives it a 20,000-node plan in JSON and in text), and refuses a missing plan or
 * writer with PLANLINT_EINVAL. Exit 0, or 1 naming what differed. */
#include "planlint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../slurp.h"

typedef struct sink {
    char *data;
    size_t len, cap;
    size_t calls;
    int fail_at;               /* the call that fails (1-based), 0: none */
} sink;

static int collect(void *ctx, const char *s, size_t n)
{
    sink *k = ctx;

    if (k->fail_at && (int)++k->calls >= k->fail_at)
        return -1;
    if (!k->fail_at)
        k->calls++;
    if (k->len + n + 1 > k->cap) {
        size_t cap = (k->len + n + 1) * 2;
        char *d = realloc(k->data, cap);
        if (!d)
            return -1;
        k->data = d;
        k->cap = cap;
    }
    memcpy(k->data + k->len, s, n);
    k->len += n;
    return 0;
}

static int one(const char *path, const planlint_plan *plan, planlint_output_format fmt, size_t fold)
{
    planlint_render_options o = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_error err;
    sink k;
    char *text = NULL;
    size_t len = 0;
    int rc, bad = 0;

    o.format = fmt;
    o.fold = fold;
    o.source_name = path;
    memset(&err, 0, sizeof(err));
    memset(&k, 0, sizeof(k));
    if (planlint_render(&text, &len, plan, &o, &err) != 0) {
        printf("FAIL: %s format %d: planlint_render: %s\n", path, (int)fmt, err.text);
        return 1;
    }
    rc = planlint_render_write(plan, &o, collect, &k, &err);
    if (rc != 0 || k.len != len || (len && memcmp(k.data, text, len) != 0)) {
        printf("FAIL: %s format %d fold %zu: written text differs (rc %d, %zu bytes vs %zu)\n", path,
               (int)fmt, fold, rc, k.len, len);
        bad = 1;
    } else {
        printf("ok: %s format %d fold %zu: %zu bytes in %zu pieces\n", path, (int)fmt, fold, len, k.calls);
        if (len > 1000000 && k.calls < 2 && (fmt == PLANLINT_OUTPUT_TREE || fmt == PLANLINT_OUTPUT_JSON)) {
            printf("FAIL: %s format %d: %zu bytes written in one piece\n", path, (int)fmt, len);
            bad = 1;
        }
    }
    free(k.data);
    memset(&k, 0, sizeof(k));
    k.fail_at = 1;
    memset(&err, 0, sizeof(err));
    if ((rc = planlint_render_write(plan, &o, collect, &k, &err)) != PLANLINT_EIO) {
        printf("FAIL: %s format %d: a failing writer gave %d, not PLANLINT_EIO\n", path, (int)fmt, rc);
        bad = 1;
    }
    free(k.data);
    planlint_free(text);
    return bad;
}

int main(int argc, char **argv)
{
    static const planlint_output_format formats[] = {
        PLANLINT_OUTPUT_TREE, PLANLINT_OUTPUT_JSON, PLANLINT_OUTPUT_MARKDOWN, PLANLINT_OUTPUT_SARIF,
        PLANLINT_OUTPUT_HTML, PLANLINT_OUTPUT_SPEEDSCOPE, PLANLINT_OUTPUT_FOLDED,
    };
    int i, bad = 0;
    size_t f;

    if (argc < 2) {
        fprintf(stderr, "usage: render_same PLAN...\n");
        return 2;
    }
    for (i = 1; i < argc; i++) {
        planlint_plan *plan = NULL;
        planlint_error err;
        size_t len;
        char *buf = slurp(argv[i], &len);

        memset(&err, 0, sizeof(err));
        if (!buf || planlint_plan_parse(&plan, buf, len, NULL, &err) != 0 ||
            planlint_check(plan, NULL, &err) != 0) {
            printf("FAIL: %s: cannot read or check it: %s\n", argv[i], err.text);
            free(buf);
            planlint_plan_free(plan);
            bad = 1;
            continue;
        }
        free(buf);
        for (f = 0; f < sizeof(formats) / sizeof(formats[0]); f++)
            bad |= one(argv[i], plan, formats[f], 5);
        bad |= one(argv[i], plan, PLANLINT_OUTPUT_TREE, 0);
        memset(&err, 0, sizeof(err));
        if (planlint_render_write(plan, NULL, NULL, NULL, &err) != PLANLINT_EINVAL ||
            planlint_render_write(NULL, NULL, collect, NULL, &err) != PLANLINT_EINVAL) {
            printf("FAIL: planlint_render_write without a plan or a writer is not PLANLINT_EINVAL\n");
            bad = 1;
        }
        planlint_plan_free(plan);
    }
    return bad;
}

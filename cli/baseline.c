/* baseline.c - --baseline and --write-baseline: known findings are hidden, so that CI
 * fails on new ones only. The library keeps the sets; this file does the files. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "planlint: error: base.json: at /version: expected 1 ..." */
static int cli_baseline_bad(const char *path, const planlint_error *e, int rc)
{
    if (e->code == 0)
        cli_error("%s: not a baseline file: %s", path, planlint_strerror(rc));
    else if (e->path[0])
        cli_error("%s: not a baseline file: at %s: %s", path, e->path, e->text);
    else
        cli_error("%s: not a baseline file: %s", path, e->text);
    return rc == PLANLINT_ENOMEM ? PL_EXIT_INTERNAL : PL_EXIT_USAGE;
}

static int cli_baseline_read(cli_settings *s)
{
    planlint_error err;
    char why[256], *buf;
    size_t len;
    int rc;

    if (!(buf = cli_read_input(s->baseline, &len, why, sizeof(why)))) {
        cli_error("%s: cannot read the baseline: %s", s->baseline, why);
        return strcmp(why, "out of memory") == 0 ? PL_EXIT_INTERNAL : PL_EXIT_USAGE;
    }
    memset(&err, 0, sizeof(err));
    rc = planlint_baseline_parse(&s->known, buf, len, &err);
    free(buf);
    return rc < 0 ? cli_baseline_bad(s->baseline, &err, rc) : 0;
}

int cli_baseline_open(cli_settings *s)
{
    planlint_error err;
    int rc;

    s->known = s->seen = NULL;
    if (s->baseline && (rc = cli_baseline_read(s)) != 0)
        return rc;
    memset(&err, 0, sizeof(err));
    if (s->write_baseline && planlint_baseline_new(&s->seen, &err) < 0) {
        cli_error("%s", err.text);
        return cli_baseline_close(s, PL_EXIT_INTERNAL);
    }
    return 0;
}

int cli_baseline_apply(const cli_settings *s, planlint_plan *plan)
{
    planlint_error err;

    memset(&err, 0, sizeof(err));
    if (s->seen && planlint_baseline_add(s->seen, plan, &err) < 0) {
        cli_error("%s", err.text);
        return PL_EXIT_INTERNAL;
    }
    if (s->known)
        planlint_plan_apply_baseline(plan, s->known);
    return 0;
}

static int cli_baseline_write(const cli_settings *s)
{
    planlint_error err;
    char *text = NULL;
    size_t len = 0;
    FILE *f;
    int failed;

    memset(&err, 0, sizeof(err));
    if (planlint_baseline_render(&text, &len, s->seen, &err) < 0) {
        cli_error("%s", err.text);
        return PL_EXIT_INTERNAL;
    }
    if (!(f = fopen(s->write_baseline, "w"))) {
        cli_error("%s: cannot write the baseline: %s", s->write_baseline, strerror(errno));
        planlint_free(text);
        return PL_EXIT_USAGE;
    }
    failed = fwrite(text, 1, len, f) != len;
    failed |= fclose(f) != 0;
    planlint_free(text);
    if (failed) {
        cli_error("write error on %s: %s", s->write_baseline, strerror(errno ? errno : EIO));
        return PL_EXIT_INTERNAL;
    }
    return PL_EXIT_OK;
}

int cli_baseline_close(cli_settings *s, int worst)
{
    int rc = PL_EXIT_OK;

    /* A baseline of some inputs only would hide nothing of the rest: not written. */
    if (s->seen && worst > PL_EXIT_FINDINGS)
        cli_error("%s: baseline not written: an input could not be analyzed", s->write_baseline);
    else if (s->seen)
        rc = cli_baseline_write(s);
    planlint_baseline_free(s->known);
    planlint_baseline_free(s->seen);
    s->known = s->seen = NULL;
    return rc > worst ? rc : worst;
}

/* diff.c - planlint diff BEFORE AFTER: two plans of one query compared by the library
 * (planlint_diff_*); this file reads the files and turns the result into an exit code. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Reads, parses and checks one side; 0 or an exit code after a message. */
static int cli_diff_side(const cli_settings *s, const char *path, planlint_plan **plan)
{
    planlint_parse_options popts = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_check_options copts;
    planlint_error err;
    const char *name = cli_input_name(path);
    char *buf;
    size_t len;
    int rc;

    if ((rc = cli_load_file(path, &buf, &len)) != 0)
        return rc;
    memset(&err, 0, sizeof(err));
    popts.format = s->input_format;
    rc = planlint_plan_parse(plan, buf, len, &popts, &err);
    free(buf);
    if (rc == 0 && planlint_plan_next(*plan))
        cli_warning("%s: holds several plans; the first is compared", name);
    if (rc == 0 && !s->no_rules) {
        cli_check_options(s, &copts);
        if ((rc = planlint_check(*plan, &copts, &err)) == PLANLINT_EINVAL)
            name = "rules";
    }
    if (rc < 0) {
        cli_report(name, &err, rc);
        return cli_exit_code(rc);
    }
    return 0;
}

static int cli_diff_report(const cli_settings *s, planlint_plan *before, planlint_plan *after, FILE *out,
                           int color)
{
    planlint_diff_options dopts = PLANLINT_DIFF_OPTIONS_INIT;
    planlint_render_options ropts = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_diff *d = NULL;
    planlint_error err;
    char *text = NULL;
    size_t len = 0;
    int rc, regressed;

    memset(&err, 0, sizeof(err));
    dopts.factor = s->fail_on_regression;
    dopts.before_name = s->files[0];
    dopts.after_name = s->files[1];
    dopts.fail_on_regression = s->fail_on_regression_given;
    ropts.format = s->format;
    ropts.color = color;
    rc = planlint_diff_new(&d, before, after, &dopts, &err);
    if (rc == 0)
        rc = planlint_diff_render(&text, &len, d, &ropts, &err);
    regressed = rc == 0 && planlint_diff_regressions(d) != 0;
    planlint_diff_free(d);
    if (rc < 0) {
        cli_report("diff", &err, rc);
        return cli_exit_code(rc);
    }
    fwrite(text, 1, len, out);
    planlint_free(text);
    return regressed && s->fail_on_regression_given ? PL_EXIT_FINDINGS : PL_EXIT_OK;
}

int cli_run_diff(const cli_settings *s, FILE *out, int color)
{
    planlint_plan *before = NULL, *after = NULL;
    int rc;

    if (s->nfiles != 2) {
        cli_error("diff needs two plans: planlint diff [OPTION]... BEFORE AFTER");
        return PL_EXIT_USAGE;
    }
    if (s->format != PLANLINT_OUTPUT_TREE && s->format != PLANLINT_OUTPUT_JSON &&
        s->format != PLANLINT_OUTPUT_MARKDOWN && s->format != PLANLINT_OUTPUT_SARIF) {
        cli_error("diff writes --format tree, json, markdown or sarif only");
        return PL_EXIT_USAGE;
    }
    rc = cli_diff_side(s, s->files[0], &before);
    if (rc == 0)
        rc = cli_diff_side(s, s->files[1], &after);
    if (rc == 0)
        rc = cli_diff_report(s, before, after, out, color);
    planlint_plan_free(before);
    planlint_plan_free(after);
    return rc;
}

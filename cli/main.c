/* main.c - planlint: read plans, render them, report errors with fixed exit codes.
 * Everything that knows about plans lives in the library; this file only wires it. */
#include "cli.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* One diagnostic line: whatever it quotes (a file name, a server's message, a name
 * from a plan) shows its control characters as \xNN, so that it stays one line and
 * cannot drive the terminal. C1 controls (U+0080-U+009F) are written as \u00NN. */
static void cli_diagnostic(const char *kind, const char *fmt, va_list ap)
{
    char line[1024];
    const unsigned char *p;

    vsnprintf(line, sizeof(line), fmt, ap);
    fprintf(stderr, "planlint: %s", kind);
    for (p = (const unsigned char *)line; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            fprintf(stderr, "\\x%02x", *p);
        else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            fprintf(stderr, "\\u%04x", *++p);
        else
            fputc(*p, stderr);
    }
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cli_diagnostic("error: ", fmt, ap);
    va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cli_diagnostic("warning: ", fmt, ap);
    va_end(ap);
}

static int cli_use_color(cli_color c, FILE *out)
{
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");

    if (c != CLI_COLOR_AUTO)
        return c == CLI_COLOR_ALWAYS;
    if (!isatty(fileno(out)))
        return 0;
    if (no_color && *no_color)
        return 0;
    return !(term && strcmp(term, "dumb") == 0);
}

static unsigned int cli_width(long requested, FILE *out)
{
    struct winsize ws;

    if (requested >= 0)
        return (unsigned int)requested;
    if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    return 0;
}

int cli_exit_code(int rc)
{
    switch (rc) {
    case PLANLINT_ENOMEM:
    case PLANLINT_EIO:
        return PL_EXIT_INTERNAL;
    case PLANLINT_EDATABASE:
    case PLANLINT_ENOPASSWORD:
        return PL_EXIT_DATABASE;
    default:
        return PL_EXIT_USAGE;
    }
}

/* "planlint: error: plan.json:12:5: invalid JSON: ..." */
void cli_report(const char *name, const planlint_error *e, int rc)
{
    if (e->code == 0) {
        cli_error("%s: %s", name, planlint_strerror(rc));
    } else if (e->line > 0) {
        cli_error("%s:%d:%d: %s", name, e->line, e->column, e->text);
    } else if (e->path[0]) {
        cli_error("%s: at %s: %s", name, e->path, e->text);
    } else {
        cli_error("%s: %s", name, e->text);
    }
}

/* What the reader was not sure of, one line per plan and doubt. */
static void cli_warn_doubts(const char *name, const planlint_plan *plan)
{
    const planlint_plan *p;

    for (p = plan; p; p = planlint_plan_next(p)) {
        unsigned int f = planlint_plan_flags(p);
        if (f & PLANLINT_PLAN_WRAP_UNSURE)
            cli_warning("%s: plan %zu: lines broken by a narrow screen were joined by a guess; "
                        "check the tree against the original", name, planlint_plan_index(p) + 1);
        if (f & PLANLINT_PLAN_INCOMPLETE)
            cli_warning("%s: plan %zu: the plan looks cut short (nodes without actuals, no "
                        "Execution Time, or a node missing its children)", name, planlint_plan_index(p) + 1);
    }
}

/* Findings at or above --fail-on in any plan of the list. */
static int cli_failing(const planlint_plan *plan, planlint_severity fail_on)
{
    const planlint_plan *p;
    size_t i;

    for (p = plan; fail_on && p; p = planlint_plan_next(p))
        for (i = 0; i < planlint_plan_finding_count(p); i++)
            if (planlint_finding_severity(planlint_plan_finding(p, i)) >= fail_on)
                return 1;
    return 0;
}

/* --emit-plan: the plan (anonymized when asked) as EXPLAIN JSON or text; frees plan. */
static int cli_emit_plan(const char *name, planlint_plan *plan, int format, FILE *out)
{
    planlint_error err;
    char *text = NULL;
    size_t len = 0;
    int rc;

    memset(&err, 0, sizeof(err));
    if (format == CLI_EMIT_TEXT)
        rc = planlint_plan_write_text(&text, &len, plan, &err);
    else
        rc = planlint_plan_write(&text, &len, plan, &err);
    planlint_plan_free(plan);
    if (rc < 0) {
        cli_report(name, &err, rc);
        return cli_exit_code(rc);
    }
    fwrite(text, 1, len, out);
    planlint_free(text);
    return PL_EXIT_OK;
}

/* A write error shows in the stream's error flag, which the caller checks when it
 * closes the output (cli_close_output), as for every other write. */
static int cli_write_out(void *ctx, const char *s, size_t n)
{
    fwrite(s, 1, n, ctx);
    return 0;
}

/* Reads buf into *plan: 0, or an exit code after a message. */
static int cli_parse(const cli_settings *s, const char *name, const char *buf, size_t len, planlint_plan **plan)
{
    planlint_parse_options popts = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_error err;
    int rc;

    memset(&err, 0, sizeof(err));
    popts.format = s->input_format;
    *plan = NULL;
    if ((rc = planlint_plan_parse(plan, buf, len, &popts, &err)) < 0) {
        cli_report(name, &err, rc);
        return cli_exit_code(rc);
    }
    cli_warn_doubts(name, *plan);
    return 0;
}

int cli_analyze(const cli_settings *s, const char *name, const char *buf, size_t len,
                const cli_live *live, FILE *out, int color, unsigned int width)
{
    planlint_plan *plan;
    int rc = cli_parse(s, name, buf, len, &plan);

    return rc ? rc : cli_analyze_plan(s, name, plan, live, out, color, width);
}

int cli_analyze_plan(const cli_settings *s, const char *name, planlint_plan *plan, const cli_live *live,
                     FILE *out, int color, unsigned int width)
{
    planlint_check_options copts;
    planlint_render_options ropts = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_error err;
    int rc = 0, failing, stopped = 0;

    memset(&err, 0, sizeof(err));
    if (rc == 0 && s->anonymizer)
        rc = planlint_plan_anonymize(plan, s->anonymizer, &err);
    if (rc == 0 && s->emit_plan)
        return cli_emit_plan(name, plan, s->emit_plan, out);
#ifdef PL_CLI_LIVE
    if (rc == 0 && live && live->conn)
        stopped = cli_live_before_check(s, plan, live);
#endif
    if (rc == 0 && !stopped && !s->no_rules) {
        cli_check_options(s, &copts);
        rc = planlint_check(plan, &copts, &err);
        if (rc == PLANLINT_EINVAL)
            name = "rules";
    }
    if (rc == 0 && !stopped && !s->no_rules && (rc = cli_baseline_apply(s, plan)) != 0) {
        planlint_plan_free(plan);
        return rc;
    }
#ifdef PL_CLI_LIVE
    if (rc == 0 && !stopped && live && live->conn && !s->no_rules && !s->no_verify)
        stopped = cli_verify(s, plan, live);
#endif
    if (stopped) {   /* a signal cancelled the server's work: no report */
        planlint_plan_free(plan);
        return stopped;
    }
    if (rc == 0 && live && live->sarif) {
        rc = planlint_sarif_add(live->sarif, plan, live->file, live->line, &err);
    } else if (rc == 0 && live && live->html) {
        rc = planlint_html_add(live->html, plan, name, &err);
    } else if (rc == 0) {
        ropts.format = s->format;
        ropts.color = color;
        ropts.width = width;
        ropts.unicode = !s->ascii;
        ropts.source_name = name;
        ropts.fold = s->no_fold ? 0 : ropts.fold;
        ropts.top = s->top_given ? (size_t)s->top : 0;
        ropts.findings_only = s->findings_only;
        ropts.stats = s->stats;
        /* Written as it is made: a big plan's report is not held whole. */
        rc = planlint_render_write(plan, &ropts, cli_write_out, out, &err);
    }
    failing = rc == 0 && cli_failing(plan, s->fail_on);
    planlint_plan_free(plan);
    if (rc < 0) {
        cli_report(name, &err, rc);
        return cli_exit_code(rc);
    }
    return failing ? PL_EXIT_FINDINGS : PL_EXIT_OK;
}

/* One FILE; with a sink (a SARIF log, an HTML page), its report goes there instead of
 * the output, and *added tells whether it did. */
static int cli_process(const cli_settings *s, const char *path, const cli_live *sink, int *added,
                       FILE *out, int color, unsigned int width)
{
    const char *name = cli_input_name(path);
    cli_live to;
    planlint_plan *plan;
    char *buf;
    size_t len;
    int rc;

    if ((rc = cli_load_file(path, &buf, &len)) != 0)
        return rc;
    /* The plan keeps copies of what it needs: the input goes before the analysis. */
    rc = cli_parse(s, name, buf, len, &plan);
    free(buf);
    if (rc)
        return rc;
    to = *sink;
    to.file = name;
    rc = cli_analyze_plan(s, name, plan, to.sarif || to.html ? &to : NULL, out, color, width);
    *added |= rc == PL_EXIT_OK || rc == PL_EXIT_FINDINGS;
    return rc;
}

/* Several FILEs make one document where the format allows: --format sarif one log,
 * html one page (*sink gets it). A flame graph is of one input: refused (0). */
static int cli_files_sink(const cli_settings *s, size_t n, cli_live *sink, planlint_error *err)
{
    int rc = 0;

    memset(sink, 0, sizeof(*sink));
    if (s->emit_plan)
        return 0;
    if (n > 1 && (s->format == PLANLINT_OUTPUT_SPEEDSCOPE || s->format == PLANLINT_OUTPUT_FOLDED)) {
        cli_error("--format %s draws the plans of one FILE; run planlint once per FILE",
                  s->format == PLANLINT_OUTPUT_FOLDED ? "folded" : "speedscope");
        return PL_EXIT_USAGE;
    }
    if (s->format == PLANLINT_OUTPUT_SARIF)
        rc = planlint_sarif_new(&sink->sarif, err);
    else if (s->format == PLANLINT_OUTPUT_HTML && n > 1)
        rc = planlint_html_new(&sink->html, err);
    if (rc < 0) {
        cli_report(s->format == PLANLINT_OUTPUT_SARIF ? "sarif" : "html", err, rc);
        return cli_exit_code(rc);
    }
    return 0;
}

/* The FILEs in turn; the worst exit code. With --format sarif they make one log with
 * one run, each result's artifact its file; with html, one page with a section per
 * file. A file that cannot be read is reported and left out, and the log or page is
 * written when at least one file was. */
static int cli_run_files(const cli_settings *s, char **files, size_t n, FILE *out, int color,
                         unsigned int width)
{
    cli_live sink;
    planlint_error err;
    char *text = NULL;
    size_t i, len = 0;
    int worst = PL_EXIT_OK, added = 0, rc;

    memset(&err, 0, sizeof(err));
    if ((rc = cli_files_sink(s, n, &sink, &err)) != 0)
        return rc;
    for (i = 0; i < n; i++) {
        rc = cli_process(s, files[i], &sink, &added, out, color, width);
        if (rc > worst)
            worst = rc;
    }
    rc = 0;
    if (added && sink.sarif)
        rc = planlint_sarif_finish(&text, &len, sink.sarif, &err);
    else if (added && sink.html)
        rc = planlint_html_finish(&text, &len, sink.html, &err);
    if (rc < 0) {
        cli_report(sink.sarif ? "sarif" : "html", &err, rc);
        worst = PL_EXIT_INTERNAL;
    }
    if (text)
        fwrite(text, 1, len, out);
    planlint_free(text);
    planlint_sarif_free(sink.sarif);
    planlint_html_free(sink.html);
    return worst;
}

static int cli_close_output(FILE *out, const char *name)
{
    int failed = ferror(out);

    if (fflush(out) != 0)
        failed = 1;
    if (out != stdout ? fclose(out) != 0 : 0)
        failed = 1;
    if (failed) {
        cli_error("write error on %s: %s", name, strerror(errno ? errno : EIO));
        return PL_EXIT_INTERNAL;
    }
    return PL_EXIT_OK;
}

/* Without a FILE on a terminal, planlint reads what is pasted, like cat or psql; say so
 * instead of waiting in silence. */
static void cli_hint_terminal_input(const cli_settings *s)
{
    if (s->nfiles == 0 && isatty(STDIN_FILENO))
        fputs("planlint: reading a plan from standard input (end it with Ctrl-D); "
              "give a FILE, or see planlint --help\n", stderr);
}

static void cli_discard_output(FILE *out)
{
    if (out != stdout)
        fclose(out);
}

static int cli_run(cli_settings *s)
{
    static char *stdin_only[] = { "-" };
    char **files = s->nfiles ? s->files : stdin_only;
    size_t n = s->nfiles ? s->nfiles : 1;
    FILE *out = stdout;
    int worst = PL_EXIT_OK, color, rc;
    unsigned int width;
    cli_pager pager;

    if ((rc = cli_baseline_open(s)) != 0)
        return rc;
    if (s->output && !(out = fopen(s->output, "w"))) {
        cli_error("%s: %s", s->output, strerror(errno));
        return cli_baseline_close(s, PL_EXIT_USAGE);
    }
    color = cli_use_color(s->color, out);
    width = cli_width(s->width, out);
    if (out == stdout)
        out = cli_pager_begin(s, &pager);   /* after the terminal's colour and width */
    if (s->diff)
        worst = cli_run_diff(s, out, color);
    else
#ifdef PL_CLI_LIVE
    if (cli_live_requested(s))
        worst = cli_run_live(s, out, color, width);
    else
#endif
    if (s->log || s->jsonl || cli_files_are_logs(s->files, s->nfiles)) {
        if (s->anonymize || s->emit_plan) {
            cli_error("--anonymize and --emit-plan read plans, not server logs");
            cli_discard_output(out);
            return PL_EXIT_USAGE;
        }
        if (s->known || s->seen)
            cli_error("--baseline and --write-baseline take plans, not server logs");
        worst = s->known || s->seen ? PL_EXIT_USAGE : cli_run_log(s, s->files, s->nfiles, out, color);
    } else {
        cli_hint_terminal_input(s);
        worst = cli_run_files(s, files, n, out, color, width);
    }
    if (out != stdout && !s->output) {
        if (cli_pager_end(&pager) < 0)
            worst = PL_EXIT_INTERNAL;
        out = stdout;
    }
    worst = cli_baseline_close(s, worst);
    rc = cli_close_output(out, s->output ? s->output : "standard output");
    return rc > worst ? rc : worst;
}

int main(int argc, char **argv)
{
    planlint_config *cfg = NULL;
    cli_settings s;
    int rc, out_rc;

    /* LC_CTYPE only: decides box-drawing characters; numbers never follow the locale. */
    setlocale(LC_CTYPE, "");
    /* "planlint diff BEFORE AFTER": the options after the word are parsed as usual. */
    if (argc > 1 && strcmp(argv[1], "diff") == 0) {
        if ((rc = cli_parse_args(&s, argc - 1, argv + 1)) != 0)
            return rc;
        s.diff = 1;
    } else if ((rc = cli_parse_args(&s, argc, argv)) != 0)
        return rc;
    if (s.fail_on_regression_given && !s.diff) {
        cli_error("--fail-on-regression compares two plans: planlint diff [OPTION]... BEFORE AFTER");
        return PL_EXIT_USAGE;
    }
    if (s.help) {
        cli_print_help(stdout);
        return cli_close_output(stdout, "standard output");
    }
    if (s.version) {
        printf("planlint %s (library %s)\n", PLANLINT_VERSION, planlint_version());
        return cli_close_output(stdout, "standard output");
    }
    if (s.list_rules || s.explain) {
        rc = s.list_rules ? cli_list_rules(stdout, s.list_rules) : cli_explain_rule(stdout, s.explain);
        out_rc = cli_close_output(stdout, "standard output");
        return rc ? rc : out_rc;
    }
#ifndef PL_CLI_LIVE
    /* Reading files needs no client library: only live mode loads libpq. */
    if (cli_live_requested(&s))
        return cli_exec_live(argv);
#endif
    if ((rc = cli_load_config(&s, &cfg)) != 0)
        return rc;
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        s.ascii = 1;   /* box-drawing characters need a UTF-8 terminal */
    if (s.anonymize) {
        planlint_anonymize_options ao = PLANLINT_ANONYMIZE_OPTIONS_INIT;
        ao.what = s.anonymize;
        if (planlint_anonymizer_new(&s.anonymizer, &ao, NULL) < 0) {
            cli_error("out of memory");
            planlint_config_free(cfg);
            return PL_EXIT_INTERNAL;
        }
    }
    rc = cli_run(&s);
    planlint_anonymizer_free(s.anonymizer);
    planlint_config_free(cfg);
    return rc;
}

/* options.c - the command line: one table drives getopt_long and --help. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef int (*cli_handler)(cli_settings *s, const char *arg);

typedef struct cli_option {
    const char *group;       /* --help heading, printed when it changes */
    const char *name;
    int has_arg;
    int short_name;          /* 0 when none */
    const char *arg_name;
    const char *help;
    cli_handler handle;      /* NULL: the option stores into field instead */
    size_t field;            /* offset in cli_settings of an int set to 1 (no_argument)
                              * or of the const char * that keeps the argument */
} cli_option;

/* The last two columns of a row: a handler, or the cli_settings member to store into. */
#define CLI_CALL(handler) handler, 0
#define CLI_STORE(member) NULL, offsetof(cli_settings, member)

static int cli_bad_value(const char *opt, const char *arg, const char *expected)
{
    cli_error("invalid value \"%s\" for --%s (expected %s)", arg, opt, expected);
    return PL_EXIT_USAGE;
}

/* --format's names, in planlint_output_format order. */
static const char *const cli_formats[] = {
    "tree", "json", "markdown", "sarif", "html", "speedscope", "folded"
};

static int on_format(cli_settings *s, const char *arg)
{
    size_t i;

    for (i = 0; i < sizeof(cli_formats) / sizeof(cli_formats[0]); i++)
        if (strcmp(arg, cli_formats[i]) == 0) {
            s->format = (planlint_output_format)i;
            return 0;
        }
    if (strcmp(arg, "jsonl") == 0) {
        s->jsonl = 1;   /* server logs only: one line per entry and per group */
        return 0;
    }
    return cli_bad_value("format", arg, "tree, json, markdown, sarif, html, speedscope, folded, "
                                        "or jsonl (with --log)");
}

static int on_anonymize(cli_settings *s, const char *arg)
{
    if (!arg || strcmp(arg, "literals") == 0)
        s->anonymize = PLANLINT_ANONYMIZE_LITERALS;
    else if (strcmp(arg, "names") == 0)
        s->anonymize = PLANLINT_ANONYMIZE_LITERALS | PLANLINT_ANONYMIZE_NAMES;
    else
        return cli_bad_value("anonymize", arg, "literals or names");
    return 0;
}

static int on_emit_plan(cli_settings *s, const char *arg)
{
    if (!arg || strcmp(arg, "json") == 0)
        s->emit_plan = CLI_EMIT_JSON;
    else if (strcmp(arg, "text") == 0)
        s->emit_plan = CLI_EMIT_TEXT;
    else
        return cli_bad_value("emit-plan", arg, "json or text");
    return 0;
}

static int on_input_format(cli_settings *s, const char *arg)
{
    static const char *const names[] = { "auto", "json", "text", "yaml", "xml" };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(arg, names[i]) == 0) {
            s->input_format = (planlint_input_format)i;   /* the enum's order */
            return 0;
        }
    return cli_bad_value("input-format", arg, "auto, json, text, yaml or xml");
}

static int on_color(cli_settings *s, const char *arg)
{
    if (!arg || strcmp(arg, "always") == 0)
        s->color = CLI_COLOR_ALWAYS;
    else if (strcmp(arg, "auto") == 0)
        s->color = CLI_COLOR_AUTO;
    else if (strcmp(arg, "never") == 0)
        s->color = CLI_COLOR_NEVER;
    else
        return cli_bad_value("color", arg, "auto, always or never");
    return 0;
}

static int on_width(cli_settings *s, const char *arg)
{
    char *end;
    long w;

    errno = 0;
    w = strtol(arg, &end, 10);
    if (errno || end == arg || *end || w < 0 || (w > 0 && w < 40) || w > 100000)
        return cli_bad_value("width", arg, "0 (no limit) or a number of columns from 40");
    s->width = w;
    return 0;
}

/* Appends item to one of cli_settings' lists of a repeatable option. */
static int cli_push(const char **list, size_t *n, const char *item, const char *opt)
{
    if (*n >= CLI_MAX_LIST) {
        cli_error("too many --%s values", opt);
        return PL_EXIT_USAGE;
    }
    list[(*n)++] = item;
    return 0;
}

/* Appends the comma-separated words of arg to a list. */
static int cli_add_words(const char **list, size_t *n, const char *arg, const char *opt)
{
    static char storage[4096];
    static size_t used;
    size_t len = strlen(arg) + 1;
    char *copy, *p, *next;
    int rc;

    if (used + len > sizeof(storage)) {
        cli_error("too many --%s values", opt);
        return PL_EXIT_USAGE;
    }
    copy = storage + used;
    memcpy(copy, arg, len);
    used += len;
    for (p = copy; p; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        if (*p && (rc = cli_push(list, n, p, opt)) != 0)
            return rc;
    }
    return 0;
}

static int on_enable(cli_settings *s, const char *arg)
{
    return cli_add_words(s->enable, &s->nenable, arg, "enable");
}

static int on_disable(cli_settings *s, const char *arg)
{
    return cli_add_words(s->disable, &s->ndisable, arg, "disable");
}

static int on_set(cli_settings *s, const char *arg)
{
    return cli_push(s->set, &s->nset, arg, "set");
}

static int on_severity(planlint_severity *out, const char *arg, const char *opt)
{
    planlint_severity v = planlint_severity_from_name(arg);

    if (!v)
        return cli_bad_value(opt, arg, "info, warning or error");
    *out = v;
    return 0;
}

static int on_fail_on(cli_settings *s, const char *arg)
{
    s->fail_on_given = 1;
    if (strcmp(arg, "none") == 0) {
        s->fail_on = (planlint_severity)0;
        return 0;
    }
    return on_severity(&s->fail_on, arg, "fail-on");
}

static int on_min_severity(cli_settings *s, const char *arg)
{
    s->min_severity_given = 1;
    return on_severity(&s->min_severity, arg, "min-severity");
}

int cli_parse_ms(const char *arg, double *out)
{
    double v = 0, scale = 1;
    const char *p = arg;

    for (; *p >= '0' && *p <= '9' && v < 1e12; p++)
        v = v * 10 + (*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            v += (*p - '0') * (scale /= 10);
    if (p == arg || *p || v >= 1e12)
        return -1;
    *out = v;
    return 0;
}

static int on_min_time(cli_settings *s, const char *arg)
{
    if (cli_parse_ms(arg, &s->min_time_ms) < 0)
        return cli_bad_value("min-time", arg, "milliseconds, 0 or more");
    s->min_time_given = 1;
    return 0;
}

static int on_list_rules(cli_settings *s, const char *arg)
{
    s->list_rules = arg ? arg : "text";
    return 0;
}

/* Seconds, possibly fractional ("0.5"); parsed by hand so LC_NUMERIC cannot interfere. */
static int on_timeout(cli_settings *s, const char *arg)
{
    unsigned long ms = 0, scale = 1000;
    const char *p = arg;

    for (; *p >= '0' && *p <= '9' && ms <= 86400000UL; p++)
        ms = ms * 10 + (unsigned long)(*p - '0');
    ms *= 1000;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            if ((scale /= 10) > 0)
                ms += (unsigned long)(*p - '0') * scale;
    if (p == arg || *p || ms == 0 || ms > 86400000UL)
        return cli_bad_value("timeout", arg, "seconds, more than 0 and at most 86400");
    s->timeout_ms = (unsigned int)ms;
    return 0;
}

static int on_param(cli_settings *s, const char *arg)
{
    return cli_push(s->params, &s->nparams, arg, "param");
}

static int on_log_format(cli_settings *s, const char *arg)
{
    s->log = 1;
    if (strcmp(arg, "auto") == 0)
        s->log_format = PLANLINT_LOG_AUTO;
    else if (strcmp(arg, "stderr") == 0)
        s->log_format = PLANLINT_LOG_STDERR;
    else if (strcmp(arg, "csvlog") == 0 || strcmp(arg, "csv") == 0)
        s->log_format = PLANLINT_LOG_CSV;
    else if (strcmp(arg, "jsonlog") == 0)
        s->log_format = PLANLINT_LOG_JSON;
    else
        return cli_bad_value("log-format", arg, "auto, stderr, csvlog or jsonlog");
    return 0;
}

static int on_time(double *out, const char *arg, const char *opt)
{
    double t = planlint_log_time_parse(arg);

    if (isnan(t))
        return cli_bad_value(opt, arg, "a timestamp such as 2024-05-01 or \"2024-05-01 10:30:00 UTC\"");
    *out = t;
    return 0;
}

static int on_since(cli_settings *s, const char *arg)
{
    return on_time(&s->since, arg, "since");
}

static int on_until(cli_settings *s, const char *arg)
{
    return on_time(&s->until, arg, "until");
}

/* Milliseconds, possibly fractional; parsed by hand so LC_NUMERIC cannot interfere. */
static int on_min_duration(cli_settings *s, const char *arg)
{
    double v = 0, scale = 0.1;
    const char *p = arg;

    for (; *p >= '0' && *p <= '9' && v < 1e12; p++)
        v = v * 10 + (*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
            v += (*p - '0') * scale;
    if (p == arg || (*p && strcmp(p, "ms") != 0))
        return cli_bad_value("min-duration", arg, "milliseconds, e.g. 250 or 0.5");
    s->min_duration = v;
    return 0;
}

static int on_top(cli_settings *s, const char *arg)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(arg, &end, 10);
    if (errno || end == arg || *end || n < 1 || n > 1000000)
        return cli_bad_value("top", arg, "a number from 1");
    s->top = n;
    s->top_given = 1;
    return 0;
}

static int on_fail_on_regression(cli_settings *s, const char *arg)
{
    if (cli_parse_ms(arg, &s->fail_on_regression) < 0 || s->fail_on_regression < 1)
        return cli_bad_value("fail-on-regression", arg, "a factor of 1 or more, e.g. 1.5");
    s->fail_on_regression_given = 1;
    return 0;
}

static const cli_option cli_options[] = {
    { "Input options:", "input-format", required_argument, 0, "FORMAT",
      "input format: auto (default), json, text, yaml or xml", CLI_CALL(on_input_format) },
    { "Server logs (auto_explain entries, grouped by query):", "log", no_argument, 0, NULL,
      "read the FILEs as server logs (detected when clearly one)", CLI_STORE(log) },
    { NULL, "log-format", required_argument, 0, "FORMAT", "auto (default), stderr, csvlog or jsonlog; implies --log",
      CLI_CALL(on_log_format) },
    { NULL, "since", required_argument, 0, "TIME", "only entries logged at or after TIME", CLI_CALL(on_since) },
    { NULL, "until", required_argument, 0, "TIME", "only entries logged before TIME", CLI_CALL(on_until) },
    { NULL, "database", required_argument, 0, "NAME", "only entries of database NAME", CLI_STORE(database) },
    { NULL, "min-duration", required_argument, 0, "MS", "only entries that took at least MS milliseconds",
      CLI_CALL(on_min_duration) },
    { NULL, "top", required_argument, 0, "N", "the N groups (default 10), or plan nodes, with the most time",
      CLI_CALL(on_top) },
    { "Comparing plans (planlint diff BEFORE AFTER):", "fail-on-regression", required_argument, 0, "FACTOR",
      "exit 1 when a time grew FACTOR times, an index scan became a Seq Scan or a new spill appeared",
      CLI_CALL(on_fail_on_regression) },
    { "Output options:", "format", required_argument, 0, "FORMAT",
      "output: tree (default), json, markdown, sarif, html, speedscope, folded; jsonl (logs)", CLI_CALL(on_format) },
    { NULL, "output", required_argument, 'o', "FILE", "write the output to FILE instead of stdout",
      CLI_STORE(output) },
    { NULL, "color", optional_argument, 0, "WHEN",
      "colour: auto (default), always or never", CLI_CALL(on_color) },
    { NULL, "width", required_argument, 0, "N",
      "cut tree lines to N columns (0: never)", CLI_CALL(on_width) },
    { NULL, "ascii", no_argument, 0, NULL, "draw the tree with ASCII characters only", CLI_STORE(ascii) },
    { NULL, "no-fold", no_argument, 0, NULL, "draw every node, also long runs of alike partitions",
      CLI_STORE(no_fold) },
    { NULL, "findings-only", no_argument, 0, NULL, "show the findings without the tree", CLI_STORE(findings_only) },
    { NULL, "stats", no_argument, 0, NULL, "add time, rows and buffers per table, index and node type",
      CLI_STORE(stats) },
    { NULL, "no-pager", no_argument, 0, NULL, "do not page long output on a terminal", CLI_STORE(no_pager) },
    { NULL, "anonymize", optional_argument, 0, "WHAT",
      "replace literals (literals, default) or also names (names) by tokens", CLI_CALL(on_anonymize) },
    { NULL, "emit-plan", optional_argument, 0, "FORMAT",
      "write the plan back as EXPLAIN json (default) or text, not the report", CLI_CALL(on_emit_plan) },
    { "Rule options:", "fail-on", required_argument, 0, "LEVEL",
      "exit 1 on a finding at LEVEL or above (or none)", CLI_CALL(on_fail_on) },
    { NULL, "min-severity", required_argument, 0, "LEVEL", "show findings at LEVEL or above (default info)",
      CLI_CALL(on_min_severity) },
    { NULL, "min-time", required_argument, 0, "MS",
      "no warning for a query faster than MS ms, execution plus planning (default 10; 0: none)",
      CLI_CALL(on_min_time) },
    { NULL, "enable", required_argument, 0, "RULES", "run only these rules (ids, names, categories)",
      CLI_CALL(on_enable) },
    { NULL, "disable", required_argument, 0, "RULES", "do not run these rules", CLI_CALL(on_disable) },
    { NULL, "set", required_argument, 0, "RULE.PARAM=N", "set a rule's threshold", CLI_CALL(on_set) },
    { NULL, "no-rules", no_argument, 0, NULL, "show the annotated plan only", CLI_STORE(no_rules) },
    { NULL, "config", required_argument, 0, "FILE", "read settings from FILE, not .planlint.json",
      CLI_STORE(config) },
    { NULL, "no-config", no_argument, 0, NULL, "do not read .planlint.json", CLI_STORE(no_config) },
    { NULL, "list-rules", optional_argument, 0, "FORMAT", "list the rules (text, markdown, json), then exit",
      CLI_CALL(on_list_rules) },
    { NULL, "explain", required_argument, 0, "RULE", "explain a rule and how to fix it, then exit",
      CLI_STORE(explain) },
    { NULL, "baseline", required_argument, 0, "FILE",
      "hide the findings FILE holds; only new ones show and fail", CLI_STORE(baseline) },
    { NULL, "write-baseline", required_argument, 0, "FILE",
      "write the findings' fingerprints to FILE, for --baseline", CLI_STORE(write_baseline) },
    { "Live mode (capture the plan from a server):", "command", required_argument, 'c', "SQL",
      "explain SQL (also: the one argument, or -f)", CLI_STORE(command) },
    { NULL, "file", required_argument, 'f', "FILE", "explain the statements in FILE or DIR/*.sql (- = stdin)",
      CLI_STORE(sql_file) },
    { NULL, "no-analyze", no_argument, 0, NULL, "plan only: do not run the statement", CLI_STORE(no_analyze) },
    { NULL, "no-enrich", no_argument, 0, NULL, "do not read the tables' indexes and statistics",
      CLI_STORE(no_enrich) },
    { NULL, "no-verify", no_argument, 0, NULL, "do not try suggested indexes with hypopg", CLI_STORE(no_verify) },
    { NULL, "allow-writes", no_argument, 0, NULL, "run writes, take FOR UPDATE locks (rolled back)",
      CLI_STORE(allow_writes) },
    { NULL, "allow-side-effects", no_argument, 0, NULL,
      "call functions a rollback cannot undo (dblink, setval, ...)", CLI_STORE(allow_side_effects) },
    { NULL, "timeout", required_argument, 0, "SECONDS", "statement_timeout (default 30)", CLI_CALL(on_timeout) },
    { NULL, "param", required_argument, 0, "VALUE", "a value for $1, $2, ... (repeatable)", CLI_CALL(on_param) },
    { NULL, "save", required_argument, 0, "FILE", "keep the captured JSON plan in FILE (a batch: in a directory)", CLI_STORE(save) },
    { "Connection options:", "host", required_argument, 'h', "HOSTNAME",
      "database server host or socket directory", CLI_STORE(host) },
    { NULL, "port", required_argument, 'p', "PORT", "database server port", CLI_STORE(port) },
    { NULL, "username", required_argument, 'U', "USERNAME", "database user name", CLI_STORE(user) },
    { NULL, "dbname", required_argument, 'd', "DBNAME", "database name, conninfo string or URI",
      CLI_STORE(dbname) },
    { NULL, "dsn", required_argument, 0, "DSN", "same as --dbname", CLI_STORE(dbname) },
    { NULL, "no-password", no_argument, 'w', NULL, "never prompt for password", CLI_STORE(no_password) },
    { NULL, "password", no_argument, 'W', NULL, "force password prompt", CLI_STORE(password_prompt) },
    { "General options:", "version", no_argument, 'V', NULL, "output version information, then exit",
      CLI_STORE(version) },
    { NULL, "help", no_argument, '?', NULL, "show this help, then exit", CLI_STORE(help) },
};

#define CLI_NOPTS (sizeof(cli_options) / sizeof(cli_options[0]))

void cli_print_help(FILE *out)
{
    size_t i;

    fputs("planlint reads PostgreSQL EXPLAIN plans: where the time goes, what to change.\n\n"
          "Usage:\n  planlint [OPTION]... [FILE]...\n"
          "  planlint --log [OPTION]... LOGFILE...\n"
          "  planlint diff [OPTION]... BEFORE AFTER\n"
          "  planlint [CONNECTION OPTION]... [-c SQL | -f FILE | SQL]\n\n"
          "With no FILE, or when FILE is -, read standard input. Input is EXPLAIN's JSON\n"
          "or text output (as psql, pgAdmin or auto_explain show it); after the annotated\n"
          "plan come the findings, most severe first, then most execution time at stake.\n",
          out);
    for (i = 0; i < CLI_NOPTS; i++) {
        const cli_option *o = &cli_options[i];
        char left[64];

        if (o->group)
            fprintf(out, "\n%s\n", o->group);
        if (o->short_name)
            snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
                     o->arg_name ? "=" : "", o->arg_name ? o->arg_name : "");
        else
            snprintf(left, sizeof(left), "    --%s%s%s%s%s", o->name,
                     o->has_arg == optional_argument ? "[" : "", o->arg_name ? "=" : "",
                     o->arg_name ? o->arg_name : "", o->has_arg == optional_argument ? "]" : "");
        fprintf(out, "  %-26s %s\n", left, o->help);
    }
    fputs("\nExit status:\n"
          "  0 success; 1 a finding at or above --fail-on;\n"
          "  2 usage error, invalid input or a refused statement;\n"
          "  3 database or connection error; 4 internal error (out of memory, write\n"
          "  error); 130 interrupted (Ctrl-C; the server's query is canceled).\n\n"
          "Report bugs in the project's issue tracker. Full manual: man planlint\n",
          out);
}

static void cli_build_getopt(struct option *longopts, char *shortopts)
{
    size_t i, k = 0;

    shortopts[k++] = ':';   /* getopt answers ':' for a missing argument, '?' otherwise */
    for (i = 0; i < CLI_NOPTS; i++) {
        longopts[i].name = cli_options[i].name;
        longopts[i].has_arg = cli_options[i].has_arg;
        longopts[i].flag = NULL;
        longopts[i].val = 256 + (int)i;
        if (cli_options[i].short_name) {
            shortopts[k++] = (char)cli_options[i].short_name;
            if (cli_options[i].has_arg == required_argument)
                shortopts[k++] = ':';
        }
    }
    memset(&longopts[CLI_NOPTS], 0, sizeof(longopts[0]));
    shortopts[k] = '\0';
}

static const cli_option *cli_find(int val)
{
    size_t i;

    if (val >= 256 && (size_t)(val - 256) < CLI_NOPTS)
        return &cli_options[val - 256];
    for (i = 0; i < CLI_NOPTS; i++)
        if (cli_options[i].short_name == val)
            return &cli_options[i];
    return NULL;
}

/* The option's handler, or else the store its table row names. */
static int cli_apply(cli_settings *s, const cli_option *o, const char *arg)
{
    char *field = (char *)s + o->field;

    if (o->handle)
        return o->handle(s, arg);
    if (o->has_arg == no_argument)
        *(int *)field = 1;
    else
        *(const char **)field = arg;
    return 0;
}

/* "-h" alone is a common guess at help, but -h is the host, as in psql: say so. */
static int cli_usage_error(int c, const char *arg)
{
    if (c == ':' && optopt == 'h')
        cli_error("option -h needs an argument: -h is the server host; help is -? or --help");
    else
        cli_error("invalid option or missing argument: %s", arg);
    fputs("Try \"planlint --help\" for more information.\n", stderr);
    return PL_EXIT_USAGE;
}

int cli_parse_args(cli_settings *s, int argc, char **argv)
{
    struct option longopts[CLI_NOPTS + 1];
    char shortopts[2 * CLI_NOPTS + 3];
    int c;

    memset(s, 0, sizeof(*s));
    s->width = -1;
    s->since = s->until = NAN;
    s->top = 10;
    cli_build_getopt(longopts, shortopts);
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        const cli_option *o;
        int rc;

        /* getopt answers '?' both for "-?" (help, as in psql) and for errors. */
        if ((c == '?' && !(optind > 0 && optind <= argc && strcmp(argv[optind - 1], "-?") == 0)) ||
            c == ':')
            return cli_usage_error(c, argv[optind - 1]);
        o = cli_find(c);
        if (!o)
            return PL_EXIT_USAGE;
        if ((rc = cli_apply(s, o, optarg)) != 0)
            return rc;
    }
    s->files = argv + optind;
    s->nfiles = (size_t)(argc - optind);
    return 0;
}

int cli_live_requested(const cli_settings *s)
{
    return s->host || s->port || s->user || s->dbname || s->no_password ||
           s->password_prompt || s->command || s->sql_file;
}

/* cli.h - the planlint command: settings parsed from the command line. */
#ifndef PLANLINT_CLI_H
#define PLANLINT_CLI_H

#include <planlint.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes, documented in planlint(1) and README.md. */
#define PL_EXIT_OK 0
#define PL_EXIT_FINDINGS 1   /* findings at or above --fail-on */
#define PL_EXIT_USAGE 2      /* bad usage or invalid input */
#define PL_EXIT_DATABASE 3   /* database or connection error */
#define PL_EXIT_INTERNAL 4   /* out of memory, write error */

/* --emit-plan's formats: EXPLAIN's own JSON or text. */
#define CLI_EMIT_JSON 1
#define CLI_EMIT_TEXT 2

typedef enum cli_color { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER } cli_color;

/* Values a repeatable option (--enable, --disable, --set, --param) holds at most. */
#define CLI_MAX_LIST 64

typedef struct cli_settings {
    planlint_output_format format;
    planlint_input_format input_format;
    cli_color color;
    long width;               /* -1: decide from the terminal */
    int ascii;                /* 1: no box-drawing characters */
    const char *output;       /* -o FILE, NULL for stdout */
    char **files;             /* inputs; none means stdin */
    size_t nfiles;
    int help, version;
    /* rules */
    int no_rules;             /* --no-rules: the tree only */
    const char *list_rules;   /* --list-rules[=text|markdown|json], NULL when not asked */
    const char *explain;      /* --explain RULE */
    const char *enable[CLI_MAX_LIST], *disable[CLI_MAX_LIST], *set[CLI_MAX_LIST];
    size_t nenable, ndisable, nset;
    planlint_severity fail_on;      /* 0: never fail on findings */
    planlint_severity min_severity; /* 0: info */
    const char *config;       /* --config FILE */
    int no_config;
    int fail_on_given, min_severity_given;
    double min_time_ms;       /* --min-time or min_time_ms; used when min_time_given */
    int min_time_given;
    /* live mode */
    const char *host, *port, *user, *dbname;
    int no_password, password_prompt;  /* -w, -W */
    const char *command;      /* -c SQL */
    const char *sql_file;     /* -f FILE ("-" = stdin) */
    int no_analyze, allow_writes, allow_side_effects, no_enrich, no_verify;
    unsigned int timeout_ms;  /* 0: the library's default */
    const char *save;         /* --save FILE */
    const char *params[CLI_MAX_LIST];
    size_t nparams;
    /* server logs (log.c) */
    int log;                  /* --log: the files are server logs */
    int jsonl;                /* --format jsonl: one JSON object per entry and per group */
    planlint_log_format log_format;
    double since, until;      /* seconds since 1970; NaN when not given */
    const char *database;     /* --database */
    double min_duration;      /* ms; 0 keeps all */
    long top;                 /* groups shown, default 10 */
    /* big plans (the tree) */
    int top_given;            /* --top for a plan: only the N nodes with the most time */
    int no_fold, findings_only, stats, no_pager;
    /* baselines (baseline.c) */
    const char *baseline;     /* --baseline FILE: findings to suppress */
    const char *write_baseline; /* --write-baseline FILE */
    planlint_baseline *known;   /* read from --baseline, or NULL */
    planlint_baseline *seen;    /* what --write-baseline will write, or NULL */
    /* sharing plans */
    unsigned int anonymize;   /* --anonymize: PLANLINT_ANONYMIZE_* flags, 0 when not asked */
    int emit_plan;            /* --emit-plan[=FORMAT]: 0, or CLI_EMIT_* instead of the report */
    planlint_anonymizer *anonymizer;  /* one for the run: the same name, the same token */
    /* planlint diff (diff.c) */
    int diff;                 /* the first argument was "diff" */
    double fail_on_regression;      /* --fail-on-regression=FACTOR; 0: the library's 1.5 */
    int fail_on_regression_given;
} cli_settings;

/* After SIGHUP, SIGINT or SIGTERM: 128 + the signal (129, 130, 143), as shells report
 * a death by that signal. */
#define PL_EXIT_SIGNAL 128

/* options.c: milliseconds >= 0, possibly fractional ("2.5"), read without the locale.
 * 0, or -1 when arg is not such a number. */
int cli_parse_ms(const char *arg, double *out);

/* rules.c: --list-rules and --explain. Return an exit code. */
int cli_list_rules(FILE *out, const char *format);
int cli_explain_rule(FILE *out, const char *name);

/* config.c: finds and reads .planlint.json (or --config) and merges it under the
 * command line's choices into opts. *cfg is owned by the caller (planlint_config_free). */
int cli_load_config(cli_settings *s, planlint_config **cfg);
/* The check options for s; the lists are borrowed from s. */
void cli_check_options(const cli_settings *s, planlint_check_options *o);

/* options.c: fills s from argv. Returns 0, or PL_EXIT_USAGE after printing why. */
int cli_parse_args(cli_settings *s, int argc, char **argv);
void cli_print_help(FILE *out);

/* input.c: reads a whole file ("-" = stdin). Owned: free(). NULL + message on failure. */
char *cli_read_input(const char *path, size_t *len, char *why, size_t why_size);
/* input.c: the same, but 0 or, after a diagnostic naming the input, an exit code:
 * PL_EXIT_INTERNAL when out of memory, else PL_EXIT_USAGE. */
int cli_load_file(const char *path, char **buf, size_t *len);
/* input.c: how diagnostics name an input: "<stdin>" for "-". */
const char *cli_input_name(const char *path);

/* main.c: the exit code for a library error code (a negative PLANLINT_E*). */
int cli_exit_code(int rc);

/* main.c: parses, checks and renders one input; returns an exit code. With conn (live
 * mode), the plan is enriched from the server's catalog before the rules run. */
/* What live mode adds to the analysis: the connection, and the statement captured. In
 * a batch with --format sarif, the findings go to one log instead of the output. For
 * several FILEs with --format sarif, conn is NULL and only the log and file are set. */
typedef struct cli_live {
    planlint_conn *conn;      /* NULL: no enrichment nor verification (a FILE) */
    const char *sql;
    planlint_sarif *sarif;    /* NULL: render as usual */
    const char *file;         /* the statement's file and line, for the SARIF log */
    size_t line;
    planlint_html *html;      /* NULL: render as usual; else the page the plan goes on */
} cli_live;

/* live is NULL for a file rendered on its own. */
int cli_analyze(const cli_settings *s, const char *name, const char *buf, size_t len,
                const cli_live *live, FILE *out, int color, unsigned int width);
/* The same for a plan read already, which it frees. */
int cli_analyze_plan(const cli_settings *s, const char *name, planlint_plan *plan, const cli_live *live,
                     FILE *out, int color, unsigned int width);

/* log.c: reads the files as server logs, groups their entries by query and prints the
 * summary (or JSON Lines); returns an exit code. */
int cli_run_log(const cli_settings *s, char **files, size_t nfiles, FILE *out, int color);
/* log.c: 1 when every file is clearly a server log (auto-detection without --log). */
int cli_files_are_logs(char **files, size_t nfiles);

/* diff.c: planlint diff BEFORE AFTER (s->files); returns an exit code. */
int cli_run_diff(const cli_settings *s, FILE *out, int color);
/* main.c: one diagnostic line for a library error on input name. */
void cli_report(const char *name, const planlint_error *e, int rc);

/* options.c: live mode is on when a connection option, -c or -f is given. */
int cli_live_requested(const cli_settings *s);
/* exec_live.c, in planlint: live mode is planlint-live's (which links libpq); the
 * command runs it with the same arguments. Returns only on failure, with an exit code. */
int cli_exec_live(char **argv);
/* live.c, in planlint-live. */
int cli_run_live(const cli_settings *s, FILE *out, int color, unsigned int width);
/* live.c: SIGINT, SIGTERM and SIGHUP cancel the server's work (see cli_capture()). */
void cli_catch_signals(void);
/* live.c: from now on a signal while the server runs nothing stops a batch before its
 * next statement instead of ending planlint at once. */
void cli_defer_signals(void);
/* live.c: 0, or the exit code after saying which signal stopped the run. */
int cli_stop_requested(void);
/* live.c: connects as psql would (the password prompt included); 0 or an exit code. */
int cli_connect(const cli_settings *s, planlint_conn **conn);
void cli_capture_options(const cli_settings *s, planlint_capture_options *o);
/* live.c: captures sql's plan (*json owned: planlint_free()). An exit code: 0, a
 * signal's, or the error's after saying it, prefixed with name unless NULL. */
int cli_capture(const cli_settings *s, planlint_conn *conn, const char *name, const char *sql, char **json,
                size_t *len);
/* live.c: json with sql as its "Query Text". Owned: planlint_free(); NULL after saying
 * why (for name). */
char *cli_with_query(const char *name, const char *json, size_t len, const char *sql, size_t *out_len);
/* live.c: writes json and a newline to path; an exit code. */
int cli_save(const char *path, const char *json, size_t len);
/* batch.c: -f FILE with several statements (sql, len: its text), or -f DIR (sql NULL):
 * each statement captured, analyzed and reported under its name; the exit code, or
 * CLI_NOT_A_BATCH when sql holds one statement or none (or does not parse), which live
 * mode then takes as one statement, as always. */
#define CLI_NOT_A_BATCH (-1)
int cli_run_batch(const cli_settings *s, const char *sql, size_t len, FILE *out, int color,
                  unsigned int width);
/* batch.c: 1 when path names a directory. */
int cli_is_directory(const char *path);
/* Between parsing and the rules: a note on a generic plan, and the catalog's data. 0,
 * or PL_EXIT_SIGNAL + the signal that cancelled it. */
int cli_live_before_check(const cli_settings *s, planlint_plan *plan, const cli_live *live);
/* hypopg's verdict on the suggested indexes; 0, or PL_EXIT_SIGNAL + the signal. */
int cli_verify(const cli_settings *s, planlint_plan *plan, const cli_live *live);

/* pager.c: cli_pager_begin() gives the stream to write the output to (stdout, or memory
 * when a pager may be wanted); cli_pager_end() then shows it, paged when longer than
 * the terminal. 0, or -1 when the output could not be kept. */
typedef struct cli_pager {
    FILE *mem;
    char *data;
    size_t len;
} cli_pager;
FILE *cli_pager_begin(const cli_settings *s, cli_pager *p);
int cli_pager_end(cli_pager *p);

/* password.c: reads a password from /dev/tty without echo. Owned: free with
 * cli_password_free(), which wipes it first; NULL on failure. */
char *cli_prompt_password(const char *prompt);
void cli_password_free(char *password);

/* baseline.c: reads --baseline and starts --write-baseline's set; an exit code. */
int cli_baseline_open(cli_settings *s);
/* baseline.c: records the plan's findings for --write-baseline, then drops those the
 * --baseline file holds. 0, or an exit code. */
int cli_baseline_apply(const cli_settings *s, planlint_plan *plan);
/* baseline.c: writes --write-baseline's file (unless worst says an input failed) and
 * frees both sets; the exit code to report. */
int cli_baseline_close(cli_settings *s, int worst);

/* messages */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* The same, as "planlint: warning: ...". */
void cli_warning(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif

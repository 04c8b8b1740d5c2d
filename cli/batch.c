/* batch.c - live mode over several statements: -f FILE holding more than one, or -f DIR
 * (its *.sql files, by name). Each is checked, captured in a transaction of its own
 * that is rolled back, analyzed and reported under its name, FILE:LINE; one connection
 * serves them all. A refusal or a failure is reported and the batch goes on; a signal
 * or a connection that cannot be opened stops it. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One statement of the batch, or a file that could not be split. */
typedef struct cli_stmt {
    const char *file;      /* as given ("-" for stdin), borrowed from the batch */
    const char *sql;       /* borrowed from a script; NULL with refusal */
    size_t line;
    int alone;             /* the only statement of its file: named by the file alone */
    char *refusal;         /* owned: why nothing of the file runs, or NULL */
} cli_stmt;

typedef struct cli_batch {
    const cli_settings *s;
    FILE *out;
    int color;
    unsigned int width;
    char **files;          /* owned, each owned */
    size_t nfiles;
    planlint_script **scripts;   /* owned, one per file (NULL when it did not split) */
    cli_stmt *stmts;       /* owned */
    size_t nstmts;
    planlint_conn *conn;   /* opened for the first statement that passes the check */
    planlint_sarif *sarif; /* --format sarif: one log for the whole batch */
    char **saved;          /* owned: the file names --save DIR has used */
    size_t nsaved;
    size_t analyzed, refused, failed;
    int worst;
    int stop;              /* the exit code that ended the batch early (a signal), or 0 */
    size_t reports;
} cli_batch;

int cli_is_directory(const char *path)
{
    struct stat st;

    return strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* "queries.sql:12", or "queries.sql" for the only statement of its file. */
static void cli_stmt_name(const cli_stmt *st, char *dst, size_t size)
{
    if (st->alone)
        snprintf(dst, size, "%s", cli_input_name(st->file));
    else
        snprintf(dst, size, "%s:%zu", cli_input_name(st->file), st->line);
}

/* Room for one more element in an array that grows 16 at a time. */
static int cli_batch_grow(void **array, size_t n, size_t size)
{
    void *p;

    if (n % 16 != 0)
        return 0;
    if (!(p = realloc(*array, (n + 16) * size)))
        return -1;
    *array = p;
    return 0;
}

/* ---------------------------------------------------------------- loading */

static cli_stmt *cli_batch_new_stmt(cli_batch *b, const char *file)
{
    cli_stmt *st;

    if (cli_batch_grow((void **)&b->stmts, b->nstmts, sizeof(*b->stmts)) != 0)
        return NULL;
    st = &b->stmts[b->nstmts++];
    memset(st, 0, sizeof(*st));
    st->file = file;
    return st;
}

/* A file the grammar cannot read: refused whole, named by where the parser stopped. */
static int cli_batch_unsplit(cli_batch *b, const char *file, const planlint_error *err)
{
    cli_stmt *st = cli_batch_new_stmt(b, file);
    char why[PLANLINT_ERROR_TEXT_LENGTH + 80];

    if (!st)
        return -1;
    st->line = err->line > 0 ? (size_t)err->line : 0;
    st->alone = st->line == 0;
    if (err->column > 0)
        snprintf(why, sizeof(why), "refused: %s (at column %d); none of the file's statements ran",
                 err->text, err->column);
    else
        snprintf(why, sizeof(why), "refused: %s; none of the file's statements ran", err->text);
    return (st->refusal = strdup(why)) ? 0 : -1;
}

/* The statements of one file's script, in order. */
static int cli_batch_add_script(cli_batch *b, const char *file, const planlint_script *script)
{
    size_t i, n = planlint_script_count(script);
    cli_stmt *st;

    if (n == 0)
        cli_warning("%s: no statement", cli_input_name(file));
    for (i = 0; i < n; i++) {
        if (!(st = cli_batch_new_stmt(b, file)))
            return -1;
        st->sql = planlint_script_statement(script, i, NULL, &st->line);
        st->alone = n == 1;
    }
    return 0;
}

/* Takes path (owned) as the batch's next file. 0 or -1 when out of memory. */
static int cli_batch_add_file(cli_batch *b, char *path)
{
    if (!path || cli_batch_grow((void **)&b->files, b->nfiles, sizeof(*b->files)) != 0 ||
        cli_batch_grow((void **)&b->scripts, b->nfiles, sizeof(*b->scripts)) != 0) {
        free(path);
        return -1;
    }
    b->scripts[b->nfiles] = NULL;
    b->files[b->nfiles++] = path;
    return 0;
}

/* Splits file i's text into the batch's statements. 0, or -1 when out of memory. */
static int cli_batch_split(cli_batch *b, size_t i, const char *sql, size_t len)
{
    planlint_error err;
    int rc;

    memset(&err, 0, sizeof(err));
    rc = planlint_script_split(&b->scripts[i], sql, len, &err);
    if (rc == PLANLINT_ENOMEM)
        return -1;
    if (rc != 0)
        return cli_batch_unsplit(b, b->files[i], &err);
    return cli_batch_add_script(b, b->files[i], b->scripts[i]);
}

static int cli_is_sql_file(const char *dir, const char *name, char **path)
{
    size_t n = strlen(name), d = strlen(dir);
    struct stat st;

    *path = NULL;
    if (n <= 4 || strcmp(name + n - 4, ".sql") != 0)
        return 0;
    if (!(*path = malloc(d + n + 2)))
        return -1;
    snprintf(*path, d + n + 2, "%s%s%s", dir, d && dir[d - 1] == '/' ? "" : "/", name);
    if (stat(*path, &st) == 0 && S_ISREG(st.st_mode))
        return 1;
    free(*path);
    *path = NULL;
    return 0;
}

static int cli_compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory's *.sql files (not its subdirectories'), sorted by name, bytewise. */
static int cli_batch_list_dir(cli_batch *b, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *path;
    int rc = 0, is;

    if (!d) {
        cli_error("%s: %s", dir, strerror(errno));
        return PL_EXIT_USAGE;
    }
    while (rc == 0 && (e = readdir(d)) != NULL)
        if ((is = cli_is_sql_file(dir, e->d_name, &path)) < 0 || (is && cli_batch_add_file(b, path) != 0))
            rc = PL_EXIT_INTERNAL;
    closedir(d);
    if (rc == 0 && b->nfiles == 0) {
        cli_error("%s: no .sql file in the directory", dir);
        rc = PL_EXIT_USAGE;
    }
    if (rc == 0)
        qsort(b->files, b->nfiles, sizeof(*b->files), cli_compare_paths);
    return rc;
}

/* Reads and splits every file of the directory before anything runs: a file that
 * cannot be read stops the batch before it starts. */
static int cli_batch_load_dir(cli_batch *b, const char *dir)
{
    char *sql;
    size_t i, len;
    int rc = cli_batch_list_dir(b, dir);

    for (i = 0; rc == 0 && i < b->nfiles; i++) {
        if ((rc = cli_load_file(b->files[i], &sql, &len)) != 0)
            return rc;
        if (cli_batch_split(b, i, sql, len) != 0)
            rc = PL_EXIT_INTERNAL;
        free(sql);
    }
    if (rc == PL_EXIT_INTERNAL)
        cli_error("out of memory");
    return rc;
}

/* ---------------------------------------------------------------- --save DIR */

/* A directory for the plans, created when absent. An exit code. */
static int cli_batch_save_dir(const char *dir)
{
    struct stat st;

    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    if (mkdir(dir, 0777) == 0)
        return 0;
    cli_error("--save %s: %s (with several statements, --save names a directory)", dir,
              errno == EEXIST ? "not a directory" : strerror(errno));
    return PL_EXIT_USAGE;
}

/* The statement's file name, without its directory, and its line: every byte but
 * A-Z a-z 0-9 . _ - becomes '_', and so does a leading '.'. */
static void cli_save_base(const cli_stmt *st, char *dst, size_t size)
{
    const char *file = strcmp(st->file, "-") == 0 ? "stdin" : st->file, *slash = strrchr(file, '/');
    char *p;

    if (st->alone)
        snprintf(dst, size, "%s", slash ? slash + 1 : file);
    else
        snprintf(dst, size, "%s:%zu", slash ? slash + 1 : file, st->line);
    for (p = dst; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p) ||
            (p == dst && *p == '.'))
            *p = '_';
}

static int cli_batch_used(const cli_batch *b, const char *name)
{
    size_t i;

    for (i = 0; i < b->nsaved; i++)
        if (strcmp(b->saved[i], name) == 0)
            return 1;
    return 0;
}

/* BASE.json, or BASE-2.json, BASE-3.json ... when an earlier statement of the batch
 * took it. Owned: kept in b->saved; NULL when out of memory. */
static const char *cli_save_name(cli_batch *b, const cli_stmt *st)
{
    char base[200], name[240];
    unsigned long n = 1;

    cli_save_base(st, base, sizeof(base));
    snprintf(name, sizeof(name), "%s.json", base);
    while (cli_batch_used(b, name))
        snprintf(name, sizeof(name), "%s-%lu.json", base, ++n);
    if (cli_batch_grow((void **)&b->saved, b->nsaved, sizeof(*b->saved)) != 0 ||
        !(b->saved[b->nsaved] = strdup(name)))
        return NULL;
    return b->saved[b->nsaved++];
}

static int cli_batch_save(cli_batch *b, const cli_stmt *st, const char *json, size_t len)
{
    const char *dir = b->s->save, *name = cli_save_name(b, st);
    size_t d = strlen(dir), size;
    char *path;
    int rc;

    if (!name || !(path = malloc(size = d + strlen(name) + 2))) {
        cli_error("out of memory");
        return PL_EXIT_INTERNAL;
    }
    snprintf(path, size, "%s%s%s", dir, d && dir[d - 1] == '/' ? "" : "/", name);
    rc = cli_save(path, json, len);
    free(path);
    return rc;
}

/* ---------------------------------------------------------------- running */

/* Counts a statement's outcome; refused: a check or a fence refused it (exit 2). */
static void cli_batch_count(cli_batch *b, int rc, int refused)
{
    if (rc >= PL_EXIT_SIGNAL) {
        b->stop = rc;
        b->failed++;
        return;
    }
    if (rc > b->worst)
        b->worst = rc;
    if (rc <= PL_EXIT_FINDINGS)
        b->analyzed++;
    else if (refused)
        b->refused++;
    else
        b->failed++;
}

/* The statement check, before anything is sent: 0, or the exit code after saying why. */
static int cli_batch_check(const cli_batch *b, const cli_stmt *st, const char *name, int *refused)
{
    planlint_capture_options o;
    planlint_error err;
    int rc;

    *refused = 1;
    if (st->refusal) {
        cli_error("%s: %s", name, st->refusal);
        return PL_EXIT_USAGE;
    }
    memset(&err, 0, sizeof(err));
    cli_capture_options(b->s, &o);
    if ((rc = planlint_capture_check(st->sql, &o, &err)) == 0)
        return 0;
    *refused = rc == PLANLINT_EREFUSED;
    cli_error("%s: %s", name, err.text);
    return cli_exit_code(rc);
}

/* The captured plan, with its statement as "Query Text", saved when asked and analyzed
 * under name. An exit code. */
static int cli_batch_report(cli_batch *b, const cli_stmt *st, const char *name, const char *json, size_t len)
{
    cli_live live;
    size_t plan_len = 0;
    char *plan = cli_with_query(name, json, len, st->sql, &plan_len);
    int rc = 0;

    if (!plan)
        return PL_EXIT_INTERNAL;
    if (b->s->save)
        rc = cli_batch_save(b, st, plan, plan_len);
    if (rc == 0 && b->s->format == PLANLINT_OUTPUT_TREE)
        fprintf(b->out, "%s-- %s\n", b->reports++ ? "\n" : "", name);
    memset(&live, 0, sizeof(live));
    live.conn = b->conn, live.sql = st->sql, live.sarif = b->sarif;
    live.file = cli_input_name(st->file), live.line = st->line;
    if (rc == 0)
        rc = cli_analyze(b->s, name, plan, plan_len, &live, b->out, b->color, b->width);
    planlint_free(plan);
    return rc;
}

static void cli_batch_run_one(cli_batch *b, const cli_stmt *st)
{
    char name[4200], *json = NULL;
    size_t len = 0;
    int rc, refused;

    cli_stmt_name(st, name, sizeof(name));
    if ((rc = cli_batch_check(b, st, name, &refused)) != 0) {
        cli_batch_count(b, rc, refused);
        return;
    }
    /* Without a connection no statement can run: the batch ends here. */
    if (!b->conn && (rc = cli_connect(b->s, &b->conn)) != 0) {
        b->stop = rc;
        return;
    }
    rc = cli_capture(b->s, b->conn, name, st->sql, &json, &len);
    if (rc == 0)
        rc = cli_batch_report(b, st, name, json, len);
    else
        refused = rc == PL_EXIT_USAGE;   /* a fence of the capture refused it */
    planlint_free(json);
    cli_batch_count(b, rc, refused && rc == PL_EXIT_USAGE);
}

/* "3 statements: 2 analyzed, 1 refused, 0 failed" on stderr, and what was not run when
 * the batch stopped early. */
static void cli_batch_summary(const cli_batch *b)
{
    size_t done = b->analyzed + b->refused + b->failed;

    fprintf(stderr, "planlint: %zu statement%s: %zu analyzed, %zu refused, %zu failed", b->nstmts,
            b->nstmts == 1 ? "" : "s", b->analyzed, b->refused, b->failed);
    if (done < b->nstmts)
        fprintf(stderr, ", %zu not run", b->nstmts - done);
    fputc('\n', stderr);
}

static int cli_batch_run(cli_batch *b)
{
    planlint_error err;
    char *text = NULL;
    size_t i, len = 0;
    int rc;

    memset(&err, 0, sizeof(err));
    if (b->s->save && (rc = cli_batch_save_dir(b->s->save)) != 0)
        return rc;
    if (b->s->format == PLANLINT_OUTPUT_SARIF && planlint_sarif_new(&b->sarif, &err) != 0) {
        cli_error("out of memory");
        return PL_EXIT_INTERNAL;
    }
    cli_defer_signals();
    for (i = 0; i < b->nstmts && !b->stop; i++) {
        if ((b->stop = cli_stop_requested()) == 0)
            cli_batch_run_one(b, &b->stmts[i]);
    }
    if (b->sarif && !b->stop && (rc = planlint_sarif_finish(&text, &len, b->sarif, &err)) != 0)
        cli_report("sarif", &err, rc), b->worst = PL_EXIT_INTERNAL;
    if (text)
        fwrite(text, 1, len, b->out);
    planlint_free(text);
    cli_batch_summary(b);
    return b->stop ? b->stop : b->worst;
}

/* Several plans in one output: tree, markdown and SARIF combine them; JSON gives one
 * line per statement (JSON Lines). The others are one document per plan. */
static int cli_batch_format_ok(const cli_settings *s)
{
    if (s->emit_plan) {
        cli_error("--emit-plan writes one plan; with several statements, --save DIR keeps each");
        return 0;
    }
    if (s->format == PLANLINT_OUTPUT_TREE || s->format == PLANLINT_OUTPUT_JSON ||
        s->format == PLANLINT_OUTPUT_MARKDOWN || s->format == PLANLINT_OUTPUT_SARIF)
        return 1;
    cli_error("--format html, speedscope and folded show one plan; with several statements, use "
              "tree, json, markdown or sarif, or --save DIR and read each plan on its own");
    return 0;
}

static void cli_batch_free(cli_batch *b)
{
    size_t i;

    for (i = 0; i < b->nstmts; i++)
        free(b->stmts[i].refusal);
    for (i = 0; i < b->nfiles; i++) {
        planlint_script_free(b->scripts[i]);
        free(b->files[i]);
    }
    for (i = 0; i < b->nsaved; i++)
        free(b->saved[i]);
    free(b->stmts), free(b->files), free(b->scripts), free(b->saved);
    planlint_sarif_free(b->sarif);
    planlint_conn_close(b->conn);
}

/* -f FILE: a batch only with two statements or more. */
static int cli_batch_load_text(cli_batch *b, const char *file, const char *sql, size_t len)
{
    planlint_script *script = NULL;
    planlint_error err;

    memset(&err, 0, sizeof(err));
    if (planlint_script_split(&script, sql, len, &err) != 0 || planlint_script_count(script) < 2) {
        planlint_script_free(script);
        return CLI_NOT_A_BATCH;
    }
    if (cli_batch_add_file(b, strdup(file)) != 0) {
        planlint_script_free(script);
        cli_error("out of memory");
        return PL_EXIT_INTERNAL;
    }
    b->scripts[0] = script;
    if (cli_batch_add_script(b, b->files[0], script) == 0)
        return 0;
    cli_error("out of memory");
    return PL_EXIT_INTERNAL;
}

int cli_run_batch(const cli_settings *s, const char *sql, size_t len, FILE *out, int color, unsigned int width)
{
    cli_batch b;
    int rc;

    memset(&b, 0, sizeof(b));
    b.s = s, b.out = out, b.color = color, b.width = width;
    rc = sql ? cli_batch_load_text(&b, s->sql_file, sql, len) : cli_batch_load_dir(&b, s->sql_file);
    if (rc == 0 && !cli_batch_format_ok(s))
        rc = PL_EXIT_USAGE;
    if (rc == 0)
        rc = cli_batch_run(&b);
    cli_batch_free(&b);
    return rc;
}

/* log.c - planlint --log: server logs read entry by entry (in a reader thread when
 * they are large, so that reading and analyzing use two cores), filtered, grouped by
 * query, then summarized for a terminal or written as JSON Lines. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CLI_BATCH 32        /* items handed over at once: fewer wake-ups */
#define CLI_QUEUE_SIZE 4    /* batches in flight: memory stays bounded */
#define CLI_THREAD_MIN_BYTES (8LL << 20)   /* smaller logs are read in one thread */
#define CLI_SNIFF_BYTES (1 << 20)

/* ------------------------------------------------------------ what the reader hands over */

typedef enum cli_item_kind { CLI_ENTRY, CLI_DAMAGED, CLI_FILE_END, CLI_FATAL } cli_item_kind;

typedef struct cli_item {
    cli_item_kind kind;
    planlint_log_entry *entry;    /* CLI_ENTRY: owned by the item */
    planlint_error err;           /* CLI_DAMAGED, CLI_FATAL */
    const char *file;
    planlint_log_stats stats;     /* the file's counts so far */
    planlint_log_format format;
} cli_item;

typedef struct cli_batch {
    cli_item items[CLI_BATCH];
    size_t n;
} cli_batch;

typedef struct cli_queue {
    cli_batch batches[CLI_QUEUE_SIZE];
    cli_batch filling;            /* the reader's batch being filled */
    size_t head, count;
    int done;
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
} cli_queue;

/* ------------------------------------------------------------ the analysis side */

typedef struct cli_log_run {
    const cli_settings *s;
    FILE *out;
    int color;
    planlint_log_groups *groups;
    planlint_check_options copts;
    size_t entries, kept, per_format[4], unsupported, unreadable, damaged, filtered;
    size_t lines, skipped, files;
    unsigned long long bytes, done_bytes;
    int fatal;
    struct timespec started, shown;
    int progress;
} cli_log_run;

static double cli_seconds_since(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void cli_progress(cli_log_run *run, unsigned long long bytes, int last)
{
    double secs;

    if (!run->progress)
        return;
    if (!last && cli_seconds_since(&run->shown) < 0.25)
        return;
    clock_gettime(CLOCK_MONOTONIC, &run->shown);
    secs = cli_seconds_since(&run->started);
    if (last) {
        fputs("\r\033[K", stderr);
        return;
    }
    fprintf(stderr, "\rplanlint: %zu entries, %.0f MB read, %.0f MB/s\033[K", run->entries,
            (double)bytes / 1e6, secs > 0 ? (double)bytes / 1e6 / secs : 0.0);
}

static int cli_keep(const cli_log_run *run, const planlint_log_entry *e)
{
    const cli_settings *s = run->s;
    double t = planlint_log_entry_time(e);
    const char *db = planlint_log_entry_get(e, PLANLINT_LOG_DATABASE);

    if (s->database && (!db || strcmp(db, s->database) != 0))
        return 0;
    if (!isnan(s->since) && (isnan(t) || t < s->since))
        return 0;
    if (!isnan(s->until) && (isnan(t) || t >= s->until))
        return 0;
    return planlint_log_entry_duration(e) >= s->min_duration;
}

static void cli_set_str(json_t *o, const char *key, const char *v)
{
    json_object_set_new(o, key, v ? json_string(v) : json_null());
}

static void cli_set_num(json_t *o, const char *key, double v)
{
    json_object_set_new(o, key, isnan(v) ? json_null() : json_real(v));
}

static void cli_jsonl(cli_log_run *run, json_t *o)
{
    char *line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(12));

    if (line) {
        fputs(line, run->out);
        fputc('\n', run->out);
        free(line);
    } else {
        run->fatal = PL_EXIT_INTERNAL;
    }
    json_decref(o);
}

static void cli_entry_jsonl(cli_log_run *run, planlint_log_entry *e, const planlint_log_group *grp)
{
    static const char *fields[] = { "timestamp", "user", "database", "application", "query" };
    json_t *o = json_object(), *findings = json_array();
    planlint_plan *plan = NULL;
    size_t i;

    json_object_set_new(o, "type", json_string("entry"));
    cli_set_str(o, "file", planlint_log_entry_get(e, PLANLINT_LOG_FILE));
    json_object_set_new(o, "line", json_integer((json_int_t)planlint_log_entry_line(e)));
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        cli_set_str(o, fields[i], planlint_log_entry_get(e, (planlint_log_field)i));
    json_object_set_new(o, "pid", json_integer(planlint_log_entry_pid(e)));
    cli_set_num(o, "duration_ms", planlint_log_entry_duration(e));
    cli_set_str(o, "plan_format", planlint_log_entry_get(e, PLANLINT_LOG_PLAN_FORMAT));
    cli_set_str(o, "fingerprint", planlint_log_entry_fingerprint(e));
    cli_set_str(o, "shape", planlint_log_entry_shape(e));
    cli_set_str(o, "group", planlint_log_group_id(grp));
    if (planlint_log_entry_plan(e, &plan, NULL, NULL) == 0)
        for (i = 0; i < planlint_plan_finding_count(plan); i++)
            json_array_append_new(findings,
                                  json_string(planlint_rule_id(planlint_finding_rule(planlint_plan_finding(plan, i)))));
    json_object_set_new(o, "findings", findings);
    cli_jsonl(run, o);
}

static const char *cli_kind_names[] = { "json", "text", "yaml", "xml" };

static void cli_count_format(cli_log_run *run, const planlint_log_entry *e)
{
    const char *f = planlint_log_entry_get(e, PLANLINT_LOG_PLAN_FORMAT);
    size_t i;

    for (i = 0; f && i < 4; i++)
        if (strcmp(f, cli_kind_names[i]) == 0)
            run->per_format[i]++;
}

static void cli_take_entry(cli_log_run *run, planlint_log_entry *e)
{
    const planlint_log_group *grp = NULL;
    planlint_error err;
    planlint_plan *plan;
    int rc;

    run->entries++;
    cli_count_format(run, e);
    if (!cli_keep(run, e)) {
        run->filtered++;
        planlint_log_entry_free(e);
        return;
    }
    memset(&err, 0, sizeof(err));
    /* JSON Lines lists each entry's findings: check every plan, not only the slowest */
    if (run->s->jsonl && !run->s->no_rules && planlint_log_entry_plan(e, &plan, NULL, &err) == 0)
        rc = planlint_check(plan, &run->copts, &err);
    else
        rc = 0;
    if (rc == 0)
        rc = planlint_log_groups_add(run->groups, e, &grp, &err);
    if (rc == PLANLINT_EFORMAT) {
        run->unsupported++;
    } else if (rc == PLANLINT_ENOMEM || rc == PLANLINT_EINVAL) {
        cli_error("%s", err.text);
        run->fatal = rc == PLANLINT_EINVAL ? PL_EXIT_USAGE : PL_EXIT_INTERNAL;
    } else if (rc < 0) {
        run->unreadable++;
        cli_warning("%s:%d: %s", planlint_log_entry_get(e, PLANLINT_LOG_FILE), err.line, err.text);
    } else {
        run->kept++;
        if (run->s->jsonl)
            cli_entry_jsonl(run, e, grp);
    }
    planlint_log_entry_free(e);
}

static void cli_take(cli_log_run *run, cli_item *it)
{
    if (run->fatal && it->kind == CLI_ENTRY) {   /* stopped: drain without analyzing */
        planlint_log_entry_free(it->entry);
        return;
    }
    switch (it->kind) {
    case CLI_ENTRY:
        cli_take_entry(run, it->entry);
        cli_progress(run, run->done_bytes + it->stats.bytes, 0);
        break;
    case CLI_DAMAGED:
        run->damaged++;
        cli_warning("%s:%d: %s", it->file, it->err.line, it->err.text);
        break;
    case CLI_FILE_END:
        run->files++;
        run->lines += it->stats.lines;
        run->skipped += it->stats.skipped_lines;
        run->done_bytes += it->stats.bytes;
        break;
    case CLI_FATAL:
        cli_error("%s%s%s", it->file, it->err.text[0] ? ": " : "", it->err.text);
        if (!run->fatal)
            run->fatal = it->err.code == PLANLINT_ENOMEM ? PL_EXIT_INTERNAL : PL_EXIT_USAGE;
        break;
    }
}

/* ------------------------------------------------------------ the reading side */

typedef void (*cli_deliver)(void *ud, cli_item *it);

typedef struct cli_reader_job {
    char **files;
    size_t nfiles;
    planlint_log_format format;
    cli_deliver deliver;
    void *ud;
} cli_reader_job;

static int cli_open(planlint_log_reader **r, const char *path, planlint_log_format format, planlint_error *err)
{
    planlint_log_options o = PLANLINT_LOG_OPTIONS_INIT;

    o.format = format;
    if (strcmp(path, "-") == 0)
        return planlint_log_reader_open_fd(r, dup(STDIN_FILENO), "<stdin>", &o, err);
    return planlint_log_reader_open(r, path, &o, err);
}

static void cli_read_file(const cli_reader_job *job, const char *path)
{
    planlint_log_reader *r = NULL;
    cli_item it;
    int rc;

    memset(&it, 0, sizeof(it));
    it.file = cli_input_name(path);
    if ((rc = cli_open(&r, path, job->format, &it.err)) < 0) {
        it.kind = CLI_FATAL;
        job->deliver(job->ud, &it);
        return;
    }
    for (;;) {
        memset(&it.err, 0, sizeof(it.err));
        it.entry = NULL;
        rc = planlint_log_reader_next(r, &it.entry, &it.err);
        planlint_log_reader_stats(r, &it.stats);
        it.format = planlint_log_reader_format(r);
        if (rc == 0)
            break;
        it.kind = rc == 1 ? CLI_ENTRY
                  : rc == PLANLINT_EPARSE || rc == PLANLINT_ELIMIT ? CLI_DAMAGED : CLI_FATAL;
        job->deliver(job->ud, &it);
        if (it.kind == CLI_FATAL)
            break;
    }
    it.kind = CLI_FILE_END;
    it.entry = NULL;
    job->deliver(job->ud, &it);
    planlint_log_reader_close(r);
}

static void cli_read_all(const cli_reader_job *job)
{
    size_t i;

    for (i = 0; i < job->nfiles; i++)
        cli_read_file(job, job->files[i]);
}

static void cli_deliver_direct(void *ud, cli_item *it)
{
    cli_take(ud, it);
}

static void cli_flush(cli_queue *q)
{
    pthread_mutex_lock(&q->mu);
    while (q->count == CLI_QUEUE_SIZE)
        pthread_cond_wait(&q->not_full, &q->mu);
    q->batches[(q->head + q->count) % CLI_QUEUE_SIZE] = q->filling;
    q->count++;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
    q->filling.n = 0;
}

/* Entries go in batches; anything else is handed over at once, with what precedes it. */
static void cli_deliver_queued(void *ud, cli_item *it)
{
    cli_queue *q = ud;

    q->filling.items[q->filling.n++] = *it;
    if (q->filling.n == CLI_BATCH || it->kind != CLI_ENTRY)
        cli_flush(q);
}

static void *cli_reader_thread(void *arg)
{
    cli_reader_job *job = arg;
    cli_queue *q = job->ud;

    cli_read_all(job);
    if (q->filling.n)
        cli_flush(q);
    pthread_mutex_lock(&q->mu);
    q->done = 1;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* Two threads: this one analyzes what the reader thread queues. */
static int cli_run_threaded(cli_log_run *run, cli_reader_job *job)
{
    cli_queue *q = calloc(1, sizeof(*q));
    pthread_t th;
    cli_batch *b = malloc(sizeof(*b));
    size_t i;

    if (!q || !b) {
        free(q);
        free(b);
        return -1;
    }
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    job->deliver = cli_deliver_queued;
    job->ud = q;
    if (pthread_create(&th, NULL, cli_reader_thread, job) != 0) {
        free(q);
        free(b);
        return -1;
    }
    for (;;) {
        pthread_mutex_lock(&q->mu);
        while (q->count == 0 && !q->done)
            pthread_cond_wait(&q->not_empty, &q->mu);
        if (q->count == 0 && q->done) {
            pthread_mutex_unlock(&q->mu);
            break;
        }
        *b = q->batches[q->head];
        q->head = (q->head + 1) % CLI_QUEUE_SIZE;
        q->count--;
        pthread_cond_signal(&q->not_full);
        pthread_mutex_unlock(&q->mu);
        for (i = 0; i < b->n; i++)
            cli_take(run, &b->items[i]);
    }
    pthread_join(th, NULL);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
    free(q);
    free(b);
    return 0;
}

static long long cli_total_size(char **files, size_t n)
{
    long long total = 0;
    struct stat st;
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(files[i], "-") == 0)
            return CLI_THREAD_MIN_BYTES;   /* unknown: as if large */
        if (stat(files[i], &st) == 0)
            total += (long long)st.st_size;
    }
    return total;
}

/* ------------------------------------------------------------ detection */

static int cli_file_is_log(const char *path)
{
    char *buf;
    ssize_t got;
    size_t len = 0;
    int fd, is_log;

    if (strcmp(path, "-") == 0 || (fd = open(path, O_RDONLY)) < 0)
        return 0;
    if (!(buf = malloc(CLI_SNIFF_BYTES))) {
        close(fd);
        return 0;
    }
    while (len < CLI_SNIFF_BYTES && (got = read(fd, buf + len, CLI_SNIFF_BYTES - len)) > 0)
        len += (size_t)got;
    close(fd);
    /* planlint reads no compressed plans: a gzip file can only be a log */
    is_log = (len >= 2 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b) ||
             planlint_log_detect(buf, len) != PLANLINT_LOG_AUTO;
    free(buf);
    return is_log;
}

int cli_files_are_logs(char **files, size_t nfiles)
{
    size_t i;

    for (i = 0; i < nfiles; i++)
        if (!cli_file_is_log(files[i]))
            return 0;
    return nfiles > 0;
}

/* ------------------------------------------------------------ the report */

static void cli_group_jsonl(cli_log_run *run, const planlint_log_group *grp, size_t rank)
{
    static const struct { const char *name; planlint_group_metric m; } nums[] = {
        { "total_ms", PLANLINT_GROUP_TOTAL }, { "mean_ms", PLANLINT_GROUP_MEAN }, { "p95_ms", PLANLINT_GROUP_P95 },
        { "max_ms", PLANLINT_GROUP_MAX }, { "min_ms", PLANLINT_GROUP_MIN }
    };
    json_t *o = json_object(), *shapes = json_array(), *findings = json_array(), *slow = json_object();
    size_t i, count;
    const char *outline, *hash;

    json_object_set_new(o, "type", json_string("group"));
    json_object_set_new(o, "rank", json_integer((json_int_t)rank));
    cli_set_str(o, "group", planlint_log_group_id(grp));
    json_object_set_new(o, "count", json_integer((json_int_t)planlint_log_group_count(grp)));
    for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
        cli_set_num(o, nums[i].name, planlint_log_group_metric(grp, nums[i].m));
    json_object_set_new(o, "p95_sampled", json_boolean(planlint_log_group_p95_sampled(grp)));
    cli_set_str(o, "first_seen", planlint_log_group_seen(grp, 0));
    cli_set_str(o, "last_seen", planlint_log_group_seen(grp, 1));
    cli_set_str(o, "query", planlint_log_group_slowest(grp, PLANLINT_LOG_QUERY));
    for (i = 0; (hash = planlint_log_group_shape(grp, i, &outline, &count)) != NULL; i++)
        json_array_append_new(shapes, json_pack("{s:s, s:s, s:I}", "shape", hash, "outline", outline, "count",
                                                (json_int_t)count));
    json_object_set_new(o, "shapes", shapes);
    json_object_set_new(o, "plan_flip", json_boolean(planlint_log_group_shape_count(grp) > 1));
    cli_set_str(slow, "file", planlint_log_group_slowest(grp, PLANLINT_LOG_FILE));
    json_object_set_new(slow, "line", json_integer((json_int_t)planlint_log_group_slowest_line(grp)));
    cli_set_str(slow, "timestamp", planlint_log_group_slowest(grp, PLANLINT_LOG_TIMESTAMP));
    cli_set_str(slow, "user", planlint_log_group_slowest(grp, PLANLINT_LOG_USER));
    cli_set_str(slow, "database", planlint_log_group_slowest(grp, PLANLINT_LOG_DATABASE));
    cli_set_str(slow, "application", planlint_log_group_slowest(grp, PLANLINT_LOG_APPLICATION));
    cli_set_str(slow, "plan_format", planlint_log_group_slowest(grp, PLANLINT_LOG_PLAN_FORMAT));
    cli_set_num(slow, "duration_ms", planlint_log_group_metric(grp, PLANLINT_GROUP_MAX));
    json_object_set_new(o, "slowest", slow);
    for (i = 0; i < planlint_log_group_finding_count(grp); i++) {
        const planlint_log_finding *f = planlint_log_group_finding(grp, i);
        json_t *jf = json_pack("{s:s, s:s, s:s, s:s, s:s}", "rule", f->rule_id, "name", f->rule_name, "severity",
                               planlint_severity_name(f->severity), "message", f->message, "advice", f->advice);
        cli_set_num(jf, "time_at_stake_ms", f->time_at_stake);
        json_array_append_new(findings, jf);
    }
    json_object_set_new(o, "findings", findings);
    cli_jsonl(run, o);
}

static void cli_summary_jsonl(cli_log_run *run)
{
    json_t *o = json_object(), *fmt = json_object();
    size_t i;

    json_object_set_new(o, "type", json_string("summary"));
    json_object_set_new(o, "files", json_integer((json_int_t)run->files));
    json_object_set_new(o, "lines", json_integer((json_int_t)run->lines));
    json_object_set_new(o, "entries", json_integer((json_int_t)run->entries));
    for (i = 0; i < 4; i++)
        json_object_set_new(fmt, cli_kind_names[i], json_integer((json_int_t)run->per_format[i]));
    json_object_set_new(o, "entries_by_plan_format", fmt);
    json_object_set_new(o, "grouped", json_integer((json_int_t)run->kept));
    json_object_set_new(o, "filtered_out", json_integer((json_int_t)run->filtered));
    json_object_set_new(o, "unsupported", json_integer((json_int_t)run->unsupported));
    json_object_set_new(o, "unreadable", json_integer((json_int_t)run->unreadable));
    json_object_set_new(o, "damaged", json_integer((json_int_t)run->damaged));
    json_object_set_new(o, "skipped_lines", json_integer((json_int_t)run->skipped));
    json_object_set_new(o, "groups", json_integer((json_int_t)planlint_log_groups_count(run->groups)));
    json_object_set_new(o, "ungrouped", json_integer((json_int_t)planlint_log_groups_overflow(run->groups)));
    cli_jsonl(run, o);
}

/* One line of a query: blanks folded, cut to width bytes on a character boundary. */
static void cli_query_line(FILE *out, const char *q, size_t width)
{
    size_t n = 0;
    int space = 0;

    for (; q && *q && n < width; q++) {
        unsigned char c = (unsigned char)*q;
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = n > 0;
            continue;
        }
        if (space) {
            fputc(' ', out);
            n++;
            space = 0;
        }
        if (n + 1 >= width && (c & 0xC0) != 0x80) {
            fputs("...", out);
            return;
        }
        fputc(c < 0x20 || c == 0x7f ? '?' : (int)c, out);
        n += (c & 0xC0) != 0x80;
    }
}

static void cli_summary_header(cli_log_run *run)
{
    FILE *out = run->out;

    fprintf(out, "%zu auto_explain entries in %zu file%s (%zu JSON, %zu text, %zu YAML, %zu XML plans); "
            "%zu other lines skipped",
            run->entries, run->files, run->files == 1 ? "" : "s", run->per_format[0], run->per_format[1],
            run->per_format[2], run->per_format[3], run->skipped);
    if (run->damaged)
        fprintf(out, ", %zu damaged", run->damaged);
    fputc('\n', out);
    if (run->filtered)
        fprintf(out, "%zu entries left out by the filters\n", run->filtered);
    if (run->unsupported || run->unreadable)
        fprintf(out, "%zu unsupported entries (plan format this build cannot read), %zu unreadable plans\n",
                run->unsupported, run->unreadable);
    if (planlint_log_groups_overflow(run->groups))
        fprintf(out, "%zu entries of further queries not grouped (too many distinct queries)\n",
                planlint_log_groups_overflow(run->groups));
}

static void cli_group_detail(cli_log_run *run, const planlint_log_group *grp, size_t rank)
{
    FILE *out = run->out;
    const char *outline, *db, *first, *last;
    size_t i, count, nshapes = planlint_log_group_shape_count(grp);

    fprintf(out, "\n%zu. query %s: %zu executions, %.3f ms in all, mean %.3f ms, p95 %.3f ms%s, max %.3f ms\n",
            rank, planlint_log_group_id(grp), planlint_log_group_count(grp),
            planlint_log_group_metric(grp, PLANLINT_GROUP_TOTAL), planlint_log_group_metric(grp, PLANLINT_GROUP_MEAN),
            planlint_log_group_metric(grp, PLANLINT_GROUP_P95), planlint_log_group_p95_sampled(grp) ? " (sampled)" : "",
            planlint_log_group_metric(grp, PLANLINT_GROUP_MAX));
    fputs("   ", out);
    cli_query_line(out, planlint_log_group_slowest(grp, PLANLINT_LOG_QUERY), 400);
    fputc('\n', out);
    first = planlint_log_group_seen(grp, 0);
    last = planlint_log_group_seen(grp, 1);
    if (first)
        fprintf(out, "   seen %s .. %s\n", first, last ? last : first);
    db = planlint_log_group_slowest(grp, PLANLINT_LOG_DATABASE);
    fprintf(out, "   slowest at %s:%zu%s%s\n", planlint_log_group_slowest(grp, PLANLINT_LOG_FILE),
            planlint_log_group_slowest_line(grp), db ? ", database " : "", db ? db : "");
    if (nshapes > 1)
        fprintf(out, "   %s: the plan flipped between %zu shapes\n", run->color ? "\033[1;33mplan flip\033[0m" : "plan flip",
                nshapes);
    for (i = 0; planlint_log_group_shape(grp, i, &outline, &count); i++)
        fprintf(out, "   %s%zux %s\n", nshapes > 1 ? "- " : "plan: ", count, outline);
    for (i = 0; i < planlint_log_group_finding_count(grp); i++) {
        const planlint_log_finding *f = planlint_log_group_finding(grp, i);
        fprintf(out, "   %s %s %s: %s\n", planlint_severity_name(f->severity), f->rule_id, f->rule_name, f->message);
    }
}

static void cli_summary(cli_log_run *run)
{
    FILE *out = run->out;
    size_t n = planlint_log_groups_count(run->groups), top = (size_t)run->s->top, i;

    cli_summary_header(run);
    if (n == 0)
        return;
    if (top > n)
        top = n;
    fprintf(out, "\nTop %zu of %zu queries by total time:\n", top, n);
    fprintf(out, "%4s %12s %8s %10s %10s %10s %6s  %s\n", "#", "total ms", "count", "mean ms", "p95 ms", "max ms",
            "shapes", "query");
    for (i = 0; i < top; i++) {
        const planlint_log_group *grp = planlint_log_groups_at(run->groups, i);
        fprintf(out, "%4zu %12.3f %8zu %10.3f %10.3f %10.3f %5zu%s  ", i + 1,
                planlint_log_group_metric(grp, PLANLINT_GROUP_TOTAL), planlint_log_group_count(grp),
                planlint_log_group_metric(grp, PLANLINT_GROUP_MEAN), planlint_log_group_metric(grp, PLANLINT_GROUP_P95),
                planlint_log_group_metric(grp, PLANLINT_GROUP_MAX), planlint_log_group_shape_count(grp),
                planlint_log_group_shape_count(grp) > 1 ? "!" : " ");
        cli_query_line(out, planlint_log_group_slowest(grp, PLANLINT_LOG_QUERY), 60);
        fputc('\n', out);
    }
    for (i = 0; i < top; i++)
        cli_group_detail(run, planlint_log_groups_at(run->groups, i), i + 1);
}

static int cli_failing_groups(cli_log_run *run)
{
    size_t i, k, n = planlint_log_groups_count(run->groups);

    for (i = 0; run->s->fail_on && i < n; i++) {
        const planlint_log_group *grp = planlint_log_groups_at(run->groups, i);
        for (k = 0; k < planlint_log_group_finding_count(grp); k++)
            if (planlint_log_group_finding(grp, k)->severity >= run->s->fail_on)
                return 1;
    }
    return 0;
}

int cli_run_log(const cli_settings *s, char **files, size_t nfiles, FILE *out, int color)
{
    planlint_group_options gopts = PLANLINT_GROUP_OPTIONS_INIT;
    static char *stdin_only[] = { "-" };
    cli_reader_job job;
    cli_log_run run;
    planlint_error err;
    size_t i, top;
    int rc;

    memset(&run, 0, sizeof(run));
    memset(&err, 0, sizeof(err));
    run.s = s;
    run.out = out;
    run.color = color;
    run.progress = isatty(STDERR_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &run.started);
    run.shown = run.started;
    cli_check_options(s, &run.copts);
    gopts.check = &run.copts;
    if (planlint_log_groups_new(&run.groups, &gopts, &err) < 0) {
        cli_error("%s", err.text);
        return PL_EXIT_INTERNAL;
    }
    memset(&job, 0, sizeof(job));
    job.files = nfiles ? files : stdin_only;
    job.nfiles = nfiles ? nfiles : 1;
    job.format = s->log_format;
    if (cli_total_size(job.files, job.nfiles) < CLI_THREAD_MIN_BYTES || cli_run_threaded(&run, &job) < 0) {
        job.deliver = cli_deliver_direct;
        job.ud = &run;
        cli_read_all(&job);
    }
    cli_progress(&run, 0, 1);
    if (!run.fatal) {
        if (s->jsonl) {
            top = planlint_log_groups_count(run.groups);
            for (i = 0; i < top; i++)
                cli_group_jsonl(&run, planlint_log_groups_at(run.groups, i), i + 1);
            cli_summary_jsonl(&run);
        } else {
            cli_summary(&run);
        }
    }
    /* damaged entries are reported as warnings; the rest is analyzed as usual */
    rc = run.fatal ? run.fatal : cli_failing_groups(&run) ? PL_EXIT_FINDINGS : PL_EXIT_OK;
    planlint_log_groups_free(run.groups);
    return rc;
}

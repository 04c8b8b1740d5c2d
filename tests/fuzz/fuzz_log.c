/* fuzz_log.c - libFuzzer target: any bytes as a server log (stderr, csvlog, jsonlog,
 * gzip-compressed or not) through the log reader, each entry's plan, fingerprint and
 * shape, and the grouping by query. */
#define _GNU_SOURCE
#include "planlint.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bytes as a file the reader can open: a memory file, read from its start. */
static int pl_fuzz_memfd(const uint8_t *data, size_t size)
{
    int fd = memfd_create("planlint-fuzz-log", 0);
    size_t off = 0;

    if (fd < 0)
        return -1;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    if (lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void pl_fuzz_groups(planlint_log_groups *g)
{
    size_t i, j, n = planlint_log_groups_count(g), count;
    const char *outline;

    for (i = 0; i < n; i++) {
        const planlint_log_group *grp = planlint_log_groups_at(g, i);
        (void)planlint_log_group_metric(grp, PLANLINT_GROUP_P95);
        (void)planlint_log_group_slowest(grp, PLANLINT_LOG_QUERY);
        (void)planlint_log_group_seen(grp, 1);
        for (j = 0; j < planlint_log_group_shape_count(grp); j++)
            (void)planlint_log_group_shape(grp, j, &outline, &count);
        for (j = 0; j < planlint_log_group_finding_count(grp); j++)
            (void)planlint_log_group_finding(grp, j);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    planlint_log_reader *r = NULL;
    planlint_log_groups *g = NULL;
    planlint_log_entry *e;
    planlint_error err;
    int fd = pl_fuzz_memfd(data, size), rc;
    unsigned int f;

    memset(&err, 0, sizeof(err));
    (void)planlint_log_detect((const char *)data, size);
    if (fd < 0)
        return 0;
    if (planlint_log_reader_open_fd(&r, fd, "fuzz.log", NULL, &err) != 0)
        return 0;   /* the reader closed fd */
    if (planlint_log_groups_new(&g, NULL, &err) != 0) {
        planlint_log_reader_close(r);
        return 0;
    }
    for (;;) {
        memset(&err, 0, sizeof(err));
        if ((rc = planlint_log_reader_next(r, &e, &err)) == 0)
            break;
        if (rc < 0) {
            if (rc == PLANLINT_EPARSE || rc == PLANLINT_ELIMIT)
                continue;   /* one damaged record: the reader goes on */
            break;
        }
        for (f = 0; f < PLANLINT_LOG_FIELD_COUNT_; f++)
            (void)planlint_log_entry_get(e, (planlint_log_field)f);
        (void)planlint_log_entry_time(e);
        (void)planlint_log_entry_fingerprint(e);
        (void)planlint_log_entry_shape(e);
        memset(&err, 0, sizeof(err));
        (void)planlint_log_groups_add(g, e, NULL, &err);
        planlint_log_entry_free(e);
    }
    pl_fuzz_groups(g);
    planlint_log_groups_free(g);
    planlint_log_reader_close(r);
    return 0;
}

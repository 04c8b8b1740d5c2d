/* log_input.c - the lines of a log file, plain or gzip-compressed (zlib reads plain
 * files through unchanged), in blocks of 1 MiB: memory stays at the block plus the
 * longest line. */
#include "log.h"
#include "alloc.h"

#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define PL_INPUT_BLOCK ((size_t)1 << 20)

struct pl_log_input {
    gzFile gz;
    char *buf;
    size_t cap, start, end;   /* unread data is buf[start..end) */
    size_t max_line;
    size_t lineno;
    unsigned long long bytes, raw, raw_at;
    int eof, failed;
};

pl_log_input *pl_log_input_new(int fd, size_t max_line)
{
    pl_log_input *in = pl_malloc(sizeof(*in));

    if (!in)
        return NULL;
    memset(in, 0, sizeof(*in));
    in->cap = PL_INPUT_BLOCK;
    in->max_line = max_line;
    in->buf = pl_malloc(in->cap + 1);
    in->gz = in->buf ? gzdopen(fd, "rb") : NULL;
    if (!in->gz) {
        pl_free(in->buf);
        pl_free(in);
        return NULL;
    }
    gzbuffer(in->gz, 256 * 1024);
    return in;
}

void pl_log_input_free(pl_log_input *in)
{
    if (!in)
        return;
    gzclose(in->gz);
    pl_free(in->buf);
    pl_free(in);
}

/* Moves the unread data to the front, grows the block when a line fills it, reads more. */
static int pl_fill(pl_log_input *in)
{
    int got;

    if (in->start > 0) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->start = 0;
    }
    if (in->end == in->cap) {
        size_t cap = in->cap * 2;
        char *nb = pl_realloc(in->buf, cap + 1);
        if (!nb)
            return PLANLINT_ENOMEM;
        in->buf = nb;
        in->cap = cap;
    }
    got = gzread(in->gz, in->buf + in->end, (unsigned)(in->cap - in->end > (1u << 30) ? (1u << 30) : in->cap - in->end));
    if (got < 0) {
        in->failed = 1;
        return PLANLINT_EIO;
    }
    if (got == 0)
        in->eof = 1;
    in->end += (size_t)got;
    in->bytes += (unsigned long long)got;
    if (in->eof || in->bytes - in->raw_at >= (16u << 20)) {   /* gzoffset() costs a system call */
        z_off_t off = gzoffset(in->gz);
        in->raw = off < 0 ? in->bytes : (unsigned long long)off;
        in->raw_at = in->bytes;
    }
    return 0;
}

int pl_log_input_peek(pl_log_input *in, const char **s, size_t *n)
{
    int rc;

    while (!in->eof && in->end - in->start < 65536)
        if ((rc = pl_fill(in)) < 0)
            return rc;
    *s = in->buf + in->start;
    *n = in->end - in->start;
    return 0;
}

/* A line longer than max_line: drop what is buffered and read on to its end. */
static int pl_skip_long_line(pl_log_input *in)
{
    char *nl;
    int rc;

    for (;;) {
        nl = memchr(in->buf + in->start, '\n', in->end - in->start);
        if (nl) {
            in->start = (size_t)(nl - in->buf) + 1;
            return PLANLINT_ELIMIT;
        }
        in->start = in->end;
        if (in->eof)
            return PLANLINT_ELIMIT;
        if ((rc = pl_fill(in)) < 0)
            return rc;
    }
}

int pl_log_input_line(pl_log_input *in, const char **s, size_t *n)
{
    size_t scanned = 0;
    char *nl;
    int rc;

    for (;;) {
        nl = memchr(in->buf + in->start + scanned, '\n', in->end - in->start - scanned);
        if (nl || (in->eof && in->end > in->start))
            break;
        if (in->eof)
            return 0;
        scanned = in->end - in->start;
        if (scanned > in->max_line) {
            in->lineno++;
            return pl_skip_long_line(in);
        }
        if ((rc = pl_fill(in)) < 0)
            return rc;
    }
    *s = in->buf + in->start;
    *n = nl ? (size_t)(nl - *s) : in->end - in->start;
    in->start += *n + (nl ? 1 : 0);
    if (*n && (*s)[*n - 1] == '\r')
        (*n)--;
    in->lineno++;
    if (*n > in->max_line)
        return PLANLINT_ELIMIT;
    return 1;
}

size_t pl_log_input_lineno(const pl_log_input *in)
{
    return in->lineno;
}

unsigned long long pl_log_input_bytes(const pl_log_input *in)
{
    return in->bytes;
}

unsigned long long pl_log_input_raw_bytes(const pl_log_input *in)
{
    return in->raw;
}
